// Runs the ApertureDB test server (preloaded with the FindEntity entities and the blob) and the
// replay peer (bench/replay-server.ts) in their own process for `pnpm bench`, so the client under
// measurement does not share its event loop (or its CPU time) with them. Announces their URLs
// once ready, then answers the parent's CPU-time requests until stdin closes
// (@conn/bench-kit/server-child).
import { announceServer } from '@conn/bench-kit/server-child';
import type { AnnouncementOf } from '@conn/bench-kit/server-process';
import { ApertureDBClient } from '../src/index.js';
import { startApertureDBTestServer } from '../src/testing/index.js';
import { startReplayServer } from './replay-server.js';
import type { ServerProcess } from './server-process.js';
import { BLOB_NAME, FIND_CLASS, SPEC } from './spec.js';

const LOAD_BATCH = 1_000;

const server = await startApertureDBTestServer();
const blob = Buffer.alloc(SPEC.blobBytes);
for (let at = 0; at < blob.length; at += 4) blob.writeUInt32LE(at >>> 2, at);
{
  await using loader = ApertureDBClient.fromUrl(server.url, { pool: { max: 1 } });
  for (let first = 0; first < SPEC.findEntities; first += LOAD_BATCH) {
    const count = Math.min(LOAD_BATCH, SPEC.findEntities - first);
    const commands = Array.from({ length: count }, (_, k) => ({
      AddEntity: { class: FIND_CLASS, properties: { id: first + k, name: `entity ${first + k}` } },
    }));
    await loader.query(commands);
  }
  await loader.query([{ AddBlob: { properties: { name: BLOB_NAME } } }], [blob]);
}
const replay = await startReplayServer(blob);
const replayUrl = new URL(server.url);
replayUrl.port = String(replay.port);
announceServer<AnnouncementOf<ServerProcess>>({ url: server.url, replayUrl: replayUrl.toString() }, () =>
  Promise.all([server.close(), replay.close()]),
);
