// The cases of test-server-admin-parity.test.ts against a real SiriDB (CONN_SIRIDB_URL,
// siridb://user:pass@host:port/db): every query goes to the real server and to a test server
// with a database of the same name and precision, and the decoded answers must be equal. The
// series get a unique prefix and are dropped; their shards stay on the real server (it keeps
// shards of dropped series), so the data lies in a week of the past that holds no shards yet; the
// database's time zone is put back as it was. The test server's databases have the default shard
// durations (1 week, 1 day), so a real database with others (such as a us or ns database made by
// the service API, whose durations the server keeps in 32 bits, and which a string series makes
// it crash) is not compared: each test then says so and skips.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { SiriDBClient, SiriDBQueryError } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const url = process.env['CONN_SIRIDB_URL'];
if (!url) console.warn('real SiriDB admin parity tests skipped: CONN_SIRIDB_URL is not set');

const prefix = `conn.admin.${process.pid}.${Date.now()}.`;
const prefixRegex = `/${prefix.replace(/\./g, '\\.')}.*/`;
const WEEK = 604_800;

type Answer = { ok: true; data: unknown } | { ok: false; message: string };

async function ask(client: SiriDBClient, query: string): Promise<Answer> {
  try {
    return { ok: true, data: await client.query(query) };
  } catch (error) {
    if (!(error instanceof SiriDBQueryError)) throw error;
    return { ok: false, message: error.serverMessage ?? error.message };
  }
}

/** Rows of a `list` answer in a fixed order, for lists whose order the server leaves open. */
function sortedRows(answer: Answer, key: string): Answer {
  if (!answer.ok) return answer;
  const data = answer.data as Record<string, unknown[][]>;
  const rows = [...(data[key] ?? [])].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return { ok: true, data: { ...data, [key]: rows } };
}

describe.skipIf(!url)('admin queries: the test server answers as a real SiriDB (CONN_SIRIDB_URL)', () => {
  let real: SiriDBClient;
  let test: SiriDBClient;
  let server: SiriDBTestServer;
  /** Ticks per second of the real database. */
  let scale = 1;
  /** The start of the week the data goes into (seconds). */
  let base = 0;
  /** Why the database cannot be compared, if it cannot. */
  let unlike: string | undefined;

  /** Skips (saying why) when the real database's shard durations are not the defaults. */
  function comparable(context: TestContext): void {
    if (unlike === undefined) return;
    console.warn(`real SiriDB admin parity test skipped: ${unlike}`);
    context.skip();
  }

  /** `show server` of each: the real server's name (its `server_name`) differs from the test server's. */
  let realServerName = '';
  let testServerName = '';

  /** An answer of the real server with its own name replaced by the test server's. */
  function withTestServerName(answer: Answer): Answer {
    if (realServerName === testServerName) return answer;
    const text = JSON.stringify(answer).replaceAll(
      JSON.stringify(realServerName),
      JSON.stringify(testServerName),
    );
    return JSON.parse(text) as Answer;
  }

  /** The same query on both servers; the answers must be equal (but for the server's name). */
  async function same(query: string, order?: string): Promise<Answer> {
    let [fromReal, fromTest] = await Promise.all([
      ask(real, query).then(withTestServerName),
      ask(test, query),
    ]);
    if (order !== undefined) {
      fromReal = sortedRows(fromReal, order);
      fromTest = sortedRows(fromTest, order);
    }
    expect(fromTest, query).toEqual(fromReal);
    return fromReal;
  }

  async function insert(points: Record<string, [number, number | string][]>): Promise<void> {
    const named = Object.fromEntries(Object.entries(points).map(([name, list]) => [prefix + name, list]));
    await Promise.all([real.insert(named), test.insert(named)]);
  }

  /** `n` points from `base + offset` seconds, `step` seconds apart, in the database's precision. */
  function points(n: number, offset: number, step: number, value: (i: number) => number | string) {
    return Array.from({ length: n }, (_, i): [number, number | string] => [
      (base + offset + i * step) * scale,
      value(i),
    ]);
  }

  /** Shards of this run: those in its two weeks. */
  function inRange(): string {
    return `start >= ${base * scale} and end <= ${(base + 2 * WEEK) * scale}`;
  }

  beforeAll(async () => {
    real = SiriDBClient.fromUrl(url as string);
    const precision = ((await real.query('show time_precision'))['data'] as { value: string }[])[0]?.value;
    scale = { s: 1, ms: 1000, us: 1_000_000, ns: 1_000_000_000 }[precision as 's'];
    const durations = (
      (await real.query('show duration_num, duration_log'))['data'] as { value: number }[]
    ).map((item) => item.value);
    if (durations[0] !== WEEK * scale || durations[1] !== 86_400 * scale) {
      unlike = `the database's shard durations are ${durations.join(' and ')}, not ${WEEK * scale} and ${86_400 * scale}`;
      return;
    }
    const dbname = decodeURIComponent(new URL(url as string).pathname.slice(1));
    server = await startSiriDBTestServer({
      databases: [{ name: dbname, timePrecision: precision as 's' }],
    });
    test = SiriDBClient.fromUrl(server.url);
    const serverName = async (client: SiriDBClient): Promise<string> =>
      String(((await client.query('show server'))['data'] as { value: unknown }[])[0]?.value);
    [realServerName, testServerName] = await Promise.all([serverName(real), serverName(test)]);
    // a week between 1980 and 2070 whose shards (and the next week's) are not there yet
    for (;;) {
      base = (520 + Math.floor(Math.random() * 4700)) * WEEK;
      const found = await real.query(`count shards where ${inRange()}`);
      if (found['shards'] === 0) break;
    }
  });

  afterAll(async () => {
    if (unlike !== undefined) {
      await real?.close();
      return;
    }
    await real?.query(`drop series ${prefixRegex} set ignore_threshold true`).catch(() => {});
    await real?.close();
    await test?.close();
    await server?.close();
  });

  it('`all` matches every series', async (context) => {
    comparable(context);
    await insert({ a: points(1, 0, 1, () => 1), b: points(1, 0, 1, () => 2) });
    await same(`list series all & ${prefixRegex}`, 'series');
    await same(`list series name all & ${prefixRegex} - "${prefix}a"`, 'series');
    await same(`count series all & ${prefixRegex}`);
    await same(`count series length all where name == "${prefix}a"`);
    await same(`select * from all & ${prefixRegex}`);
  });

  it('shard durations: 0 while buffered, then from the interval between the points', async (context) => {
    comparable(context);
    await insert({
      f100: points(100, 3600, 1, (i) => i + 0.5),
      i10: points(10, 3600, 60, (i) => i),
      s100: points(100, 3600, 10, (i) => `v${i}`),
      i64: points(64, 3600, 1, (i) => i),
      i63: points(63, 3600, 1, (i) => i),
      s3: points(3, 3600, 10, (i) => `x${i}`),
    });
    await same(`list series name, shard_duration, length ${prefixRegex}`, 'series');
    await same(`list series name ${prefixRegex} where shard_duration == 0`, 'series');
    await insert({ i10: points(60, 100_000, 60, (i) => i), i63: points(1, 3605, 1, () => 1) });
    await same(`list series name, shard_duration ${prefixRegex}`, 'series');
  });

  it('time zones: alter database set timezone, show timezone and dates read in the zone', async (context) => {
    comparable(context);
    const before = ((await real.query('show timezone'))['data'] as { value: string }[])[0]?.value as string;
    if (before !== 'NAIVE') await test.query(`alter database set timezone "${before}"`);
    try {
      await same('alter database set timezone "Europe/Amsterdam"');
      await same('show timezone');
      for (const date of [
        '2023-01-01 12:00',
        '2023-07-01',
        '2023-03-26 02:30',
        '2023-10-29 02:30',
        '1970-01-01',
      ]) {
        await same(`"${date}"`);
      }
      await same('"2023-07-01 12:00Z"');
      await same('alter database set timezone "europe/amsterdam"');
      await same("alter database set timezone 'Nowhere/Land'");
      await same('alter database set timezone "Etc/GMT+5"');
      await same('alter database set timezone "US/Eastern"');
      await same('"2023-07-01 12:00"');
      await same('alter database set timezone "NAIVE"');
      await same('alter database set timezone "localtime"');
    } finally {
      const now = ((await real.query('show timezone'))['data'] as { value: string }[])[0]?.value;
      if (now !== before) await real.query(`alter database set timezone "${before}"`);
    }
  });

  it('shards: list shards (columns, order, where), count shards and count shards size', async (context) => {
    comparable(context);
    const offset = WEEK / 2;
    await insert({ 'sh.f100': points(100, offset, 1, (i) => i + 0.5) });
    await insert({ 'sh.i10': points(10, offset, 60, (i) => i) });
    await insert({ 'sh.s100': points(100, offset, 10, (i) => `v${i}`) });
    await insert({ 'sh.i64': points(64, offset, 1, (i) => i) });
    await insert({ 'sh.i65': points(65, offset, 1, (i) => -i * 7) });
    await same(`list shards where ${inRange()}`);
    await same(`list shards sid, pool, server, size, start, end, type, status where ${inRange()}`);
    await same(`count shards where ${inRange()}`);
    await same(`count shards size where ${inRange()}`);
    await same(`list shards sid, size where type == log and ${inRange()}`);
    await same(`count shards where type == number and size > 300 and ${inRange()}`);
    await insert({ 'sh.i10': points(60, offset + 100_000, 60, (i) => i) });
    await insert({ 'sh.i64': points(70, offset + 10, 1, (i) => i) });
    await same(`list shards sid, size, start, end, type, status where ${inRange()}`);
    await same(`list shards sid where status ~ "overlap" and ${inRange()}`);
    await same(`count shards size where ${inRange()}`);
    await same('list shards where size > 1 / 0');
  });

  it('where on pools, servers, groups and tags', async (context) => {
    comparable(context);
    await insert({ pool: points(1, 0, 1, () => 1) });
    await same('list pools pool, servers where series > 0');
    await same('count pools where series > 0');
    await same('list pools where series < 0');
    await same('count pools where pool != 1 and (servers == 1 or series < 0)');
    await same('count servers where online == true and status == "running"');
    await same('list groups where series > 1 % 0');
    await same('list groups where series < 0');
    await same('count tags where series < 0');
  });

  it('help: {"help": text} for each topic, a syntax error for unknown topics', async (context) => {
    comparable(context);
    for (const topic of ['', 'list series', 'select', 'timeit', 'alter database', 'count shards']) {
      const [fromReal, fromTest] = await Promise.all([
        real.query(`help ${topic}`),
        test.query(`help ${topic}`),
      ]);
      expect(Object.keys(fromTest)).toEqual(Object.keys(fromReal));
      expect(typeof fromTest['help']).toBe(typeof fromReal['help']);
    }
    for (const query of ['help foo', 'help list tags', 'help list series name']) {
      const [fromReal, fromTest] = await Promise.all([ask(real, query), ask(test, query)]);
      expect(fromReal.ok || fromTest.ok).toBe(false);
      const position = (answer: Answer) =>
        answer.ok ? '' : /^Query error at position \d+\./.exec(answer.message)?.[0];
      expect(position(fromTest)).toBe(position(fromReal));
    }
  });
});
