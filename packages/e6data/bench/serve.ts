// Runs the e6data test server with the replay engine (bench/replay-engine.ts: a wide result of
// `ROWS` rows in batches of `BATCH_ROWS`, encoded once) in its own process for `pnpm bench`, so the
// client under measurement does not share its event loop or CPU time with it.
import { announceServer } from '@conn/bench-kit/server-child';
import type { AnnouncementOf } from '@conn/bench-kit/server-process';
import { startE6DataTestServer } from '../src/testing/index.js';
import { replayEngine } from './replay-engine.js';
import type { ServerProcess } from './server-process.js';
import { STREAM } from './spec.js';
import { WIDE_COLUMNS, wideChunk } from './wide-chunk.js';

const batches: Uint8Array[] = [];
for (let first = 0; first < STREAM.rows; first += STREAM.batchRows) {
  batches.push(wideChunk(first, Math.min(STREAM.batchRows, STREAM.rows - first)));
}
const metadata = { rowCount: BigInt(STREAM.rows), columns: WIDE_COLUMNS };
const server = await startE6DataTestServer({ engine: replayEngine(metadata, batches) });
announceServer<AnnouncementOf<ServerProcess>>(
  { url: server.url, bytes: batches.reduce((sum, batch) => sum + batch.length, 0) },
  () => server.close(),
);
