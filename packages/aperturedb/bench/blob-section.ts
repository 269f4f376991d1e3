/**
 * Benchmark 2: blob throughput of 64 MiB blobs, one connection, driver (`client.query`) against
 * the bare socket. Downloads (FindBlob returning the preloaded blob) from the test server, then
 * downloads and uploads (AddBlob) through the replay peer (`bench/replay-server.ts`), whose answers
 * are encoded up front so the clients, not the server's copies, set the pace. Target: the driver
 * ≥ 1 GiB/s, or within 1.2× of the bare socket.
 */

import { runRounds } from '@conn/bench-kit/rounds';
import { median } from '@conn/bench-kit/stats';
import { ApertureDBClient, type ApertureDBCommand } from '../src/index.js';
import { BareApertureDBSocket } from './bare-client.js';
import { printFigure, printHeader, printNote, printRatio, printVerdict } from './report.js';
import type { ServerProcess } from './server-process.js';
import { BLOB_NAME, FIND_BLOB, SPEC } from './spec.js';
import { type Timed, timed } from './timing.js';

const MIB = 1024 * 1024;
const TARGET_MIB_PER_SECOND = 1024;
const TARGET_OF_BARE = 1.2;

interface Sample extends Timed {
  readonly mibPerSecond: number;
  readonly gibMoved: number;
}

type Contenders = Record<'driver' | 'bare', Sample[]>;

async function transfers(
  server: ServerProcess,
  count: number,
  transfer: () => Promise<number>,
): Promise<Sample> {
  const bytes = count * SPEC.blobBytes;
  let moved = 0;
  const run = await timed(server, async () => {
    for (let k = 0; k < count; k++) moved += await transfer();
  });
  if (moved !== bytes) throw new Error(`moved ${String(moved)} blob bytes, expected ${String(bytes)}`);
  return { ...run, mibPerSecond: bytes / MIB / run.seconds, gibMoved: bytes / (1024 * MIB) };
}

function report(what: string, samples: Contenders): void {
  const of = (name: 'driver' | 'bare', field: keyof Sample): number[] =>
    samples[name].map((sample) => sample[field]);
  const driver = median(of('driver', 'mibPerSecond'));
  const bare = median(of('bare', 'mibPerSecond'));
  printFigure(`MiB/s ${what}, driver`, of('driver', 'mibPerSecond'));
  printFigure(`MiB/s ${what}, bare socket`, of('bare', 'mibPerSecond'));
  const ratio = printRatio(`driver/bare MiB/s ${what}`, driver, bare);
  printVerdict(
    `driver ${what}: ≥ 1 GiB/s or ≥ bare/1.2`,
    '1 GiB/s|1.2×',
    driver >= TARGET_MIB_PER_SECOND || ratio >= 1 / TARGET_OF_BARE,
  );
  printFigure('server CPU busy while the driver runs', of('driver', 'serverBusy'), '×');
  printFigure('server CPU busy while the bare socket runs', of('bare', 'serverBusy'), '×');
  const cpuPerGiB = (name: 'driver' | 'bare'): number[] =>
    samples[name].map((sample) => sample.clientCpuSeconds / sample.gibMoved);
  printFigure('client CPU seconds per GiB, driver', cpuPerGiB('driver'));
  printFigure('client CPU seconds per GiB, bare socket', cpuPerGiB('bare'));
}

/** Byte length of the one blob of an answer, 0 when it has none. */
function blobBytes(blobs: readonly Uint8Array[]): number {
  if (blobs.length !== 1) throw new Error(`expected one blob, got ${String(blobs.length)}`);
  return (blobs[0] as Uint8Array).byteLength;
}

async function downloads(server: ServerProcess, url: string, count: number): Promise<Contenders> {
  await using driver = ApertureDBClient.fromUrl(url, {
    pool: { max: 1 },
    maxMessageBytes: 2 * SPEC.blobBytes,
  });
  const bare = await BareApertureDBSocket.open(url);
  try {
    const find = FIND_BLOB as unknown as ApertureDBCommand[];
    const frame = bare.frame(find);
    return await runRounds(
      {
        driver: () => transfers(server, count, async () => blobBytes((await driver.query(find)).blobs)),
        bare: () => transfers(server, count, async () => blobBytes((await bare.exchange(frame)).blobs)),
      },
      SPEC.rounds,
    );
  } finally {
    bare.close();
  }
}

async function uploads(server: ServerProcess, url: string, count: number): Promise<Contenders> {
  await using driver = ApertureDBClient.fromUrl(url, {
    pool: { max: 1 },
    maxMessageBytes: 2 * SPEC.blobBytes,
  });
  const bare = await BareApertureDBSocket.open(url);
  try {
    const blob = Buffer.alloc(SPEC.blobBytes, 7);
    const add: ApertureDBCommand[] = [{ AddBlob: { properties: { name: BLOB_NAME } } }];
    const frame = bare.frame(add, [blob]);
    const added = (response: unknown): number => {
      if ((response as [{ AddBlob?: { status?: number } }])[0]?.AddBlob?.status !== 0) {
        throw new Error(`AddBlob failed: ${JSON.stringify(response)}`);
      }
      return blob.length;
    };
    return await runRounds(
      {
        driver: () => transfers(server, count, async () => added((await driver.query(add, [blob])).response)),
        bare: () => transfers(server, count, async () => added((await bare.exchange(frame)).response)),
      },
      SPEC.rounds,
    );
  } finally {
    bare.close();
  }
}

export async function blobSection(server: ServerProcess): Promise<void> {
  const size = `${String(SPEC.blobBytes / MIB)} MiB`;
  printHeader(
    `blobs: one ${size} blob, ${String(SPEC.serverBlobTransfers)} (test server) or ` +
      `${String(SPEC.replayBlobTransfers)} (replay peer) transfers per round, one connection; ` +
      `medians of ${String(SPEC.rounds)} rounds`,
  );
  report('FindBlob from the test server', await downloads(server, server.url, SPEC.serverBlobTransfers));
  const { replayUrl } = server;
  report('FindBlob from the replay peer', await downloads(server, replayUrl, SPEC.replayBlobTransfers));
  report('AddBlob to the replay peer', await uploads(server, replayUrl, SPEC.replayBlobTransfers));
  printNote('The test server copies every blob it stores and sends (its CPU busy share says how');
  printNote('much it limits the first figures); the replay peer writes pre-encoded answers, so its');
  printNote('figures compare the clients.');
}
