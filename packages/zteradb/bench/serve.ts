// Runs the ZTeraDB test server and the replay peer (bench/replay-server.ts) in their own process
// for `pnpm bench`, so the client under measurement does not share its event loop (or its CPU
// time) with them. Announces their URLs once listening, then answers the parent's CPU-time
// requests until stdin closes (@conn/bench-kit/server-child).
import { announceServer } from '@conn/bench-kit/server-child';
import type { AnnouncementOf } from '@conn/bench-kit/server-process';
import { startZTeraDBTestServer, type ZTeraDBTestRow } from '../src/testing/index.js';
import { startReplayServer } from './replay-server.js';
import type { ServerProcess } from './server-process.js';
import { BENCH_KEY, DATABASE_ID, SMALL_SCHEMA, SPEC, STREAMED_SCHEMA } from './spec.js';

/** Small rows of four typical fields, about 60 bytes of JSON each. */
function itemRow(id: number): ZTeraDBTestRow {
  return { id, name: `item ${id}`, price: (id % 10_000) / 100, active: id % 3 !== 0 };
}

const items = Array.from({ length: SPEC.streamedRows }, (_, k) => itemRow(k + 1));
const tags = Array.from({ length: SPEC.smallRows }, (_, k) => ({ id: k + 1, label: `tag ${k + 1}` }));
const server = await startZTeraDBTestServer({
  databases: { [DATABASE_ID]: { [STREAMED_SCHEMA]: items, [SMALL_SCHEMA]: tags } },
  keys: [BENCH_KEY],
});
const replay = await startReplayServer(items);
items.length = 0; // the store and the replay peer hold their own copies
const replayUrl = new URL(server.url);
replayUrl.port = String(replay.port);
announceServer<AnnouncementOf<ServerProcess>>({ url: server.url, replayUrl: replayUrl.toString() }, () =>
  Promise.all([server.close(), replay.close()]),
);
