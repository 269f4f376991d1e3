// Runs the SiriDB test server in its own process for the benchmarks, so the client being measured
// does not share an event loop with the server. Announces its port, then serves until stdin
// closes (@conn/bench-kit/server-child).
import { announceServer } from '@conn/bench-kit/server-child';
import { startSiriDBTestServer } from '../src/testing/index.js';
import type { TestServerAnnouncement } from './test-server-process.js';

const server = await startSiriDBTestServer();
announceServer<TestServerAnnouncement>({ port: server.port }, () => server.close());
