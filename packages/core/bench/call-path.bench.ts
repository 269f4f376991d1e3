/**
 * What core's call path costs per request: sequential request/response round trips over loopback
 * to an echo server in another process, by
 *   - a bare `net.Socket` doing the same exchange by hand (one write, one length check per answer),
 *   - `FramedConnection` alone,
 *   - the whole call path a driver uses: `CallRunner.run` (closed check, one ref'd deadline,
 *     tracing check, error typing) around `FramedConnection.request`.
 * Rounds alternate the order of the clients; the table shows medians over rounds, and the added
 * cost per request against the bare socket measured in the same round.
 *
 * Run: `pnpm bench` (or `npx tsx bench/call-path.bench.ts` from packages/core). About 15 s.
 * Env: BENCH_ROUNDS (default 9), BENCH_REQUESTS (per client per round, default 5000).
 */
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { CallRunner } from '../src/call/index.js';
import { FramedConnection } from '../src/transport/framed-connection.js';
import { lengthPrefixedCodec } from '../src/transport/length-prefixed-codec.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5000);
const TARGET_ADDED_US = 15;
const PAYLOAD = Buffer.from('select * from "series-0001" after now - 1h'.padEnd(64, ' '));

interface Contender {
  readonly name: string;
  request(): Promise<unknown>;
  close(): Promise<void>;
}

async function startServer(): Promise<{ port: number; stop(): void }> {
  const child = fork(new URL('./echo-server.mjs', import.meta.url), { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  return { port, stop: () => child.disconnect() };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.setNoDelay(true);
    socket.once('error', reject);
  });
}

/** The floor: what any client must do for this exchange. */
async function bare(port: number): Promise<Contender> {
  const socket = await openSocket(port);
  let waiting: ((frame: Buffer) => void) | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length < 4) return;
    const size = 4 + buffered.readUInt32LE(0);
    if (buffered.length < size) return;
    const frame = buffered.subarray(4, size);
    buffered = buffered.subarray(size);
    const resolve = waiting;
    waiting = undefined;
    resolve?.(frame);
  });
  return {
    name: 'bare net.Socket',
    request() {
      const out = Buffer.allocUnsafe(4 + PAYLOAD.length);
      out.writeUInt32LE(PAYLOAD.length, 0);
      PAYLOAD.copy(out, 4);
      socket.write(out);
      return new Promise<Buffer>((resolve) => {
        waiting = resolve;
      });
    },
    close: async () => {
      socket.destroy();
    },
  };
}

async function framed(port: number, name: string, withCallPath: boolean): Promise<Contender> {
  const socket = await openSocket(port);
  const connection = new FramedConnection<Buffer, Buffer>(socket, {
    codec: lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 1 << 20 }),
    correlation: { mode: 'in-order' },
  });
  let closed = false;
  const calls = new CallRunner({
    packageName: 'bench',
    clientName: 'bench client',
    isClosed: () => closed,
    defaultTimeoutMs: 60_000,
  });
  const request = withCallPath
    ? () =>
        calls.run({ operation: 'query' }, undefined, (call) =>
          connection.request(PAYLOAD, { signal: call.callerSignal, timeoutMs: call.timeoutMs }),
        )
    : () => connection.request(PAYLOAD);
  return {
    name,
    request,
    close: async () => {
      closed = true;
      await connection.close({ timeoutMs: 0 });
    },
  };
}

async function timeRequests(contender: Contender, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await contender.request();
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function main(): Promise<void> {
  const server = await startServer();
  const contenders = [
    await bare(server.port),
    await framed(server.port, 'FramedConnection', false),
    await framed(server.port, 'call path (CallRunner + FramedConnection)', true),
  ];
  for (const contender of contenders) await timeRequests(contender, 2000); // warm-up
  const perRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const addedPerRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    const measured = new Map<string, number>();
    for (const contender of order) measured.set(contender.name, await timeRequests(contender, REQUESTS));
    const floor = measured.get('bare net.Socket') as number;
    for (const [name, us] of measured) {
      perRound.get(name)?.push(us);
      addedPerRound.get(name)?.push(us - floor);
    }
  }
  for (const contender of contenders) await contender.close();
  server.stop();

  const floor = median(perRound.get('bare net.Socket') as number[]);
  console.log(
    `\ncore call path: sequential request/response, ${ROUNDS} rounds x ${REQUESTS} requests, loopback`,
  );
  console.log('| client | µs per request (median) | ÷ bare socket | added µs vs bare (median of rounds) |');
  console.log('|---|---:|---:|---:|');
  for (const contender of contenders) {
    const us = median(perRound.get(contender.name) as number[]);
    const added = median(addedPerRound.get(contender.name) as number[]);
    console.log(
      `| ${contender.name} | ${us.toFixed(1)} | ${(us / floor).toFixed(2)}x | ${added.toFixed(1)} |`,
    );
  }
  const added = median(addedPerRound.get('call path (CallRunner + FramedConnection)') as number[]);
  console.log(
    `\ncore's added cost per request: ${added.toFixed(1)} µs (target ≤ ${TARGET_ADDED_US} µs): ${added <= TARGET_ADDED_US ? 'met' : 'MISSED'}`,
  );
}

await main();
