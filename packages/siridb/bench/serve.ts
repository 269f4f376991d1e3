// Runs the SiriDB test server in its own process for the benchmarks, so the client being measured
// does not share an event loop with the server. Prints the port, then serves until stdin closes.
import { startSiriDBTestServer } from '../src/testing/index.js';

const server = await startSiriDBTestServer();
process.stdout.write(`${server.port}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
