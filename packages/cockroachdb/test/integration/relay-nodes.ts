// Nodes for multi-node tests, as relays on 127.0.0.1 in front of a test server:
// - a "read-only node" adds `-c default_transaction_read_only=on` to each client's StartupMessage,
//   so every session through it refuses writes by default (SHOW transaction_read_only says on), as a
//   read-only replica does; everything else (CancelRequests, the protocol) passes through unchanged;
// - a node that is down cuts every connection at once, until `up()`; its port stays the same, so
//   no other process can take it in between.
import { connect, createServer, type Server, type Socket } from 'node:net';

const PROTOCOL_3 = 196_608;
const READ_ONLY = '-c default_transaction_read_only=on';

export interface RelayNode extends AsyncDisposable {
  readonly port: number;
  /** Sessions started through the relay. */
  readonly sessions: () => number;
  /** From now on connections are relayed (until now they were cut at once, if the node started down). */
  up(): void;
  close(): Promise<void>;
}

/** The StartupMessage with the read-only setting added to its `options` parameter. */
function readOnlyStartup(message: Buffer): Buffer {
  const parameters: [string, string][] = [];
  let offset = 8;
  while (offset < message.length - 1) {
    const keyEnd = message.indexOf(0, offset);
    const valueEnd = message.indexOf(0, keyEnd + 1);
    parameters.push([
      message.toString('utf8', offset, keyEnd),
      message.toString('utf8', keyEnd + 1, valueEnd),
    ]);
    offset = valueEnd + 1;
  }
  const options = parameters.find(([key]) => key === 'options');
  if (options === undefined) parameters.push(['options', READ_ONLY]);
  else options[1] = `${options[1]} ${READ_ONLY}`;
  const body = Buffer.concat([
    ...parameters.flatMap(([key, value]) => [Buffer.from(`${key}\0${value}\0`, 'utf8')]),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([head, body]);
}

/** A relay that makes every session read-only. */
export function startReadOnlyNode(upstreamPort: number): Promise<RelayNode> {
  return startRelayNode(upstreamPort, { readOnly: true, down: false });
}

/** A relay that cuts every connection until `up()`, then relays them unchanged. */
export function startDownNode(upstreamPort: number): Promise<RelayNode> {
  return startRelayNode(upstreamPort, { readOnly: false, down: true });
}

async function startRelayNode(
  upstreamPort: number,
  mode: { readonly readOnly: boolean; down: boolean },
): Promise<RelayNode> {
  const sockets = new Set<Socket>();
  let sessions = 0;
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const listener: Server = createServer((client) => {
    track(client);
    if (mode.down) {
      client.destroy();
      return;
    }
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 8) return;
      const length = pending.readInt32BE(0);
      if (pending.length < length) return;
      client.off('data', onData);
      client.pause();
      const first = pending.subarray(0, length);
      const rest = pending.subarray(length);
      const isStartup = first.readInt32BE(4) === PROTOCOL_3;
      if (isStartup) sessions++;
      const server = track(connect(upstreamPort, '127.0.0.1'));
      server.write(isStartup && mode.readOnly ? readOnlyStartup(first) : first);
      if (rest.length > 0) server.write(rest);
      client.pipe(server).pipe(client);
      client.resume();
      client.once('close', () => server.destroy());
      server.once('close', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      listener.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  const up = (): void => {
    mode.down = false;
  };
  return { port, sessions: () => sessions, up, close, [Symbol.asyncDispose]: close };
}
