import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SiriDBClient } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

// Debian's python3 sees Debian's modules; a python3 earlier on PATH (pyenv) may not.
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import siridb.connector, qpack'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  console.warn(
    `python3-siridb-connector cross-check skipped: ${PYTHON} cannot import siridb.connector (${(probe.stderr || probe.error?.message || 'not installed').trim().split('\n').pop()}); install python3-siridb-connector`,
  );
}

const script = fileURLToPath(new URL('./python/connector_run.py', import.meta.url));

type Operation =
  | { kind: 'insert'; data: Record<string, [number, number | string][]> }
  | { kind: 'query'; query: string };

const operations: Operation[] = [
  {
    kind: 'insert',
    data: {
      'cpu.load': [
        [1_700_000_000_000, 0.25],
        [1_700_000_060_000, 0.75],
        [1_700_000_120_000, 1.5],
      ],
      'disk.free': [
        [1_700_000_000_000, 120],
        [1_700_000_060_000, 118],
      ],
      'log.msg': [[1_700_000_000_000, 'started']],
    },
  },
  { kind: 'query', query: 'select * from "cpu.load"' },
  { kind: 'query', query: 'select * from /disk.*/' },
  { kind: 'query', query: 'select mean(1m) from "cpu.load"' },
  { kind: 'query', query: 'select max() from "disk.free"' },
  { kind: 'query', query: 'list series name, length, type' },
  { kind: 'query', query: 'count series' },
  { kind: 'query', query: 'count series length' },
  { kind: 'query', query: 'select * from "cpu.load" between 1700000000000 and 1700000100000' },
  { kind: 'query', query: 'select nonsense from' },
  { kind: 'insert', data: { bad: [] } },
];

const servers: SiriDBTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * What the Python connector got, operation by operation. Runs asynchronously: the test server
 * lives in this process and must keep answering while Python waits.
 */
async function runPython(server: SiriDBTestServer): Promise<unknown[]> {
  const input = JSON.stringify({
    host: server.host,
    port: server.port,
    username: 'iris',
    password: 'siri',
    dbname: 'dbtest',
    operations,
  });
  const child = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`python exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as unknown[];
}

/** The same operations through @conn/siridb, in the same JSON shape. */
async function runOurs(server: SiriDBTestServer): Promise<unknown[]> {
  await using client = new SiriDBClient({
    username: 'iris',
    password: 'siri',
    dbname: 'dbtest',
    hostlist: [{ host: server.host, port: server.port }],
    keepalive: false,
  });
  const connected = await client.connect().then(
    () => null,
    (error: Error) => error.name,
  );
  const results: unknown[] = [{ op: 'connect', errors: [connected] }];
  for (const op of operations) {
    try {
      const value =
        op.kind === 'insert'
          ? { success_msg: (await client.insert(op.data)).message }
          : await client.query(op.query);
      results.push({ op: op.kind, value });
    } catch (error) {
      const e = error as { name: string; serverMessage?: string; message: string; siridbType?: number };
      results.push({
        op: op.kind,
        name: e.name,
        siridbType: e.siridbType,
        message: e.serverMessage ?? e.message,
      });
    }
  }
  return JSON.parse(JSON.stringify(results)) as unknown[];
}

describe.skipIf(!available)("Debian's python3-siridb-connector against our test server", () => {
  it('gives the same results as @conn/siridb on the same data', async () => {
    const forPython = await startSiriDBTestServer();
    const forUs = await startSiriDBTestServer();
    servers.push(forPython, forUs);
    const python = await runPython(forPython);
    const ours = await runOurs(forUs);

    expect(python).toHaveLength(ours.length);
    // Successful operations: identical values.
    python.forEach((entry, i) => {
      const mine = ours[i] as Record<string, unknown>;
      const theirs = entry as Record<string, unknown>;
      if ('error' in theirs) {
        // Errors: our class is the one the README maps the Python class to. The server's message
        // is the same, except where we reject the input before sending (siridbType 0: Python
        // sends the empty series and the server answers 66).
        const ourClass = { QueryError: 'SiriDBQueryError', InsertError: 'InsertError' }[
          theirs['error'] as string
        ];
        expect(mine['name'], `operation ${i}`).toBe(ourClass);
        if (mine['siridbType'] !== 0) expect(theirs['message'], `operation ${i}`).toBe(mine['message']);
        else
          expect(theirs['message'], `operation ${i}`).toBe('Expecting a series to have at least one point.');
      } else {
        expect(theirs, `operation ${i}`).toEqual(mine);
      }
    });
    // The error cases really are errors on both sides.
    expect(python.filter((entry) => 'error' in (entry as object))).toHaveLength(2);
    // Both servers hold the same data afterwards.
    expect(forPython.pointCount()).toBe(forUs.pointCount());
  });
});
