// Administrative queries on the test server, answered as a real SiriDB 2.0.55 answers them
// (docs/protocols/siridb.md §6.3, §13): `all` as a series match, shard durations, time zones,
// shards, `where` on pools and servers, and help. The expected values were taken from a real
// 2.0.55 server given the same queries and data (real-server-admin-parity.test.ts repeats the
// cases against one).
import { afterEach, describe, expect, it } from 'vitest';
import { qpackFloat } from '../../src/protocol/qpack.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { RawClient } from '../../src/testing/raw-client.js';

const servers: SiriDBTestServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function open(timePrecision: 's' | 'ms' = 's'): Promise<RawClient> {
  const server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision }] });
  servers.push(server);
  const client = await RawClient.connect(server.port);
  clients.push(client);
  expect(await client.auth()).toBe(2);
  return client;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item));
}

async function data(client: RawClient, query: string): Promise<Record<string, unknown>> {
  const answer = await client.query(query);
  expect(answer.type, `${query}: ${show(answer.data)}`).toBe(0);
  return answer.data as Record<string, unknown>;
}

async function error(client: RawClient, query: string): Promise<string> {
  const answer = await client.query(query);
  expect(answer.type, `${query}: ${show(answer.data)}`).toBe(65);
  return (answer.data as { error_msg: string }).error_msg;
}

async function insert(client: RawClient, points: Record<string, unknown[][]>): Promise<void> {
  expect((await client.insert(points as never)).type).toBe(1);
}

/** `n` points from `start`, `step` apart, with values `value(i)`. */
function points(n: number, start: number, step: number, value: (i: number) => unknown): unknown[][] {
  return Array.from({ length: n }, (_, i) => [start + i * step, value(i)]);
}

const T = 1_700_000_000;
const SERVER = '127.0.0.1:9010';

describe('test server: `all` matches every series', () => {
  it('accepts all wherever a series match may stand', async () => {
    const client = await open();
    await insert(client, { a: [[T, 1]], b: [[T, 2]] });
    expect(await data(client, 'list series all')).toEqual({ columns: ['name'], series: [['a'], ['b']] });
    expect(await data(client, 'list series name all - "a"')).toEqual({ columns: ['name'], series: [['b']] });
    expect(await data(client, 'count series all')).toEqual({ series: 2 });
    expect(await data(client, 'count series length all where name == "a"')).toEqual({ series_length: 1 });
    expect(await data(client, 'select * from all')).toEqual({ a: [[T, 1]], b: [[T, 2]] });
    expect(await error(client, 'list series all all')).toMatch(/^Query error at position 16\./);
  });
});

describe('test server: shard durations', () => {
  it('are 0 until points leave the buffer, then fixed by the interval between the points', async () => {
    const client = await open();
    await insert(client, {
      'apy.f100': points(100, T, 1, (i) => qpackFloat(i + 0.5)),
      'apy.i10': points(10, T, 60, (i) => i),
      'apy.s100': points(100, T, 10, (i) => `v${i}`),
      'apy.i64': points(64, T, 1, (i) => i),
      'apy.i63': points(63, T, 1, (i) => i),
      'apy.s3': points(3, T, 10, (i) => `x${i}`),
    });
    // numbers wait in a 64-point buffer; strings have none; fewer than 8 points use the database's
    // duration (1 day for strings), more use about 2,000 times their interval in whole hours
    expect(await data(client, 'list series name, shard_duration, length')).toEqual({
      columns: ['name', 'shard_duration', 'length'],
      series: [
        ['apy.f100', 3600, 100],
        ['apy.i10', 0, 10],
        ['apy.s100', 21_600, 100],
        ['apy.i64', 3600, 64],
        ['apy.i63', 0, 63],
        ['apy.s3', 86_400, 3],
      ],
    });
    expect(await data(client, 'list series name where shard_duration == 0')).toEqual({
      columns: ['name'],
      series: [['apy.i10'], ['apy.i63']],
    });
    // the buffered points leave with the next insert that overflows the buffer
    await insert(client, { 'apy.i10': points(60, T + 100_000, 60, (i) => i), 'apy.i63': [[T + 5, 1]] });
    expect(await data(client, 'list series name, shard_duration where name ~ "i6"')).toEqual({
      columns: ['name', 'shard_duration'],
      series: [
        ['apy.i64', 3600],
        ['apy.i63', 3600],
      ],
    });
    expect(await data(client, 'list series shard_duration where name == "apy.i10"')).toEqual({
      columns: ['shard_duration'],
      series: [[172_800]],
    });
  });
});

describe('test server: time zones', () => {
  it('alter database set timezone changes how dates without an offset are read', async () => {
    const client = await open();
    expect(await data(client, 'show timezone')).toEqual({ data: [{ name: 'timezone', value: 'NAIVE' }] });
    expect(await data(client, '"2023-01-01 12:00"')).toEqual({ calc: 1_672_574_400 });
    expect(await data(client, 'alter database set timezone "Europe/Amsterdam"')).toEqual({
      success_msg: "Successfully changed timezone from 'NAIVE' to 'Europe/Amsterdam'.",
    });
    expect(await data(client, 'show timezone')).toEqual({
      data: [{ name: 'timezone', value: 'Europe/Amsterdam' }],
    });
    expect(await data(client, '"2023-01-01 12:00"')).toEqual({ calc: 1_672_570_800 });
    expect(await data(client, '"2023-07-01"')).toEqual({ calc: 1_688_162_400 });
    expect(await data(client, '"2023-07-01 12:00Z"')).toEqual({ calc: 1_688_212_800 });
    expect(await data(client, '"2023-07-01 12:00-02:00"')).toEqual({ calc: 1_688_220_000 });
    // the offset is the zone's at the wall-clock time read as UTC
    expect(await data(client, '"2023-03-26 02:30"')).toEqual({ calc: 1_679_790_600 });
    expect(await data(client, '"2023-10-29 02:30"')).toEqual({ calc: 1_698_543_000 });
    expect(await error(client, '"1970-01-01"')).toBe('Invalid date string.');
    await insert(client, {
      x: [
        [1_672_570_799, 1],
        [1_672_570_800, 2],
      ],
    });
    expect(await data(client, 'select * from "x" after "2023-01-01 12:00"')).toEqual({
      x: [[1_672_570_800, 2]],
    });
  });

  it('matches zone names without regard to case and refuses unknown ones', async () => {
    const client = await open();
    expect(await error(client, "alter database set timezone 'Nowhere/Land'")).toBe(
      "Unknown time zone: 'Nowhere/Land'. (see 'help timezones' for a list of valid time zones)",
    );
    expect(await error(client, 'alter database set timezone "Etc/GMT+5"')).toBe(
      "Unknown time zone: 'Etc/GMT+5'. (see 'help timezones' for a list of valid time zones)",
    );
    expect(await error(client, 'alter database set timezone "localtime"')).toBe(
      "Database 'dbtest' is already set to time-zone 'localtime'.",
    );
    expect(await data(client, 'alter database set timezone "asia/kolkata"')).toEqual({
      success_msg: "Successfully changed timezone from 'NAIVE' to 'Asia/Kolkata'.",
    });
    expect(await data(client, '"2023-07-01 12:00:30"')).toEqual({ calc: 1_688_193_030 });
    expect(await error(client, 'alter database set timezone "ASIA/KOLKATA"')).toBe(
      "Database 'dbtest' is already set to time-zone 'ASIA/KOLKATA'.",
    );
    expect(await data(client, 'alter database set timezone "US/Eastern"')).toEqual({
      success_msg: "Successfully changed timezone from 'Asia/Kolkata' to 'US/Eastern'.",
    });
    expect(await data(client, '"2023-07-01 12:00"')).toEqual({ calc: 1_688_227_200 });
    expect(await data(client, 'alter database set timezone "NAIVE"')).toEqual({
      success_msg: "Successfully changed timezone from 'US/Eastern' to 'NAIVE'.",
    });
    expect(await data(client, '"2023-07-01 12:00"')).toEqual({ calc: 1_688_212_800 });
  });
});

describe('test server: shards', () => {
  /** Series whose shards a real server listed as below for the same inserts. */
  async function withShards(): Promise<RawClient> {
    const client = await open();
    await insert(client, { 'apy.f100': points(100, T, 1, (i) => qpackFloat(i + 0.5)) });
    await insert(client, { 'apy.i10': points(10, T, 60, (i) => i) });
    await insert(client, { 'apy.s100': points(100, T, 10, (i) => `v${i}`) });
    await insert(client, { 'apy.i64': points(64, T, 1, (i) => i) });
    await insert(client, { 'apy.i65': points(65, T, 1, (i) => -i * 7) });
    return client;
  }

  it('list shards: default columns, every column, in the server order', async () => {
    const client = await withShards();
    expect(await data(client, 'list shards')).toEqual({
      columns: ['sid', 'pool', 'server', 'start', 'end'],
      shards: [
        [1_699_985_409, 0, SERVER, 1_699_984_800, 1_700_006_400],
        [1_699_999_221, 0, SERVER, 1_699_999_200, 1_700_002_800],
        [1_699_999_224, 0, SERVER, 1_699_999_200, 1_700_002_800],
      ],
    });
    expect(await data(client, 'list shards sid, size, type, status')).toEqual({
      columns: ['sid', 'size', 'type', 'status'],
      shards: [
        [1_699_985_409, 442, 'log', 'new-values | compressed'],
        [1_699_999_221, 215, 'number', 'new-values | compressed'],
        [1_699_999_224, 352, 'number', 'new-values | compressed'],
      ],
    });
    // i10 (buffered so far) writes to two shards of 2 days; i64 gets points that overlap its own
    await insert(client, { 'apy.i10': points(60, T + 100_000, 60, (i) => i) });
    await insert(client, { 'apy.i64': points(70, T + 10, 1, (i) => i) });
    expect(await data(client, 'list shards sid, size, start, end, status')).toEqual({
      columns: ['sid', 'size', 'start', 'end', 'status'],
      shards: [
        [1_699_985_409, 442, 1_699_984_800, 1_700_006_400, 'new-values | compressed'],
        [1_700_006_420, 114, 1_700_006_400, 1_700_179_200, 'new-values | compressed'],
        [1_699_833_620, 64, 1_699_833_600, 1_700_006_400, 'new-values | compressed'],
        [1_699_999_221, 317, 1_699_999_200, 1_700_002_800, 'overlap | new-values | compressed'],
        [1_699_999_224, 352, 1_699_999_200, 1_700_002_800, 'new-values | compressed'],
      ],
    });
    expect(await data(client, 'list shards sid limit 2')).toEqual({
      columns: ['sid'],
      shards: [[1_699_985_409], [1_700_006_420]],
    });
  });

  it('where on shards, count shards and count shards size', async () => {
    const client = await withShards();
    expect(await data(client, 'count shards')).toEqual({ shards: 3 });
    expect(await data(client, 'count shards size')).toEqual({ shards_size: 1009 });
    expect(await data(client, 'list shards sid where type == log')).toEqual({
      columns: ['sid'],
      shards: [[1_699_985_409]],
    });
    expect(await data(client, 'count shards where type == number and size > 300')).toEqual({ shards: 1 });
    expect(await data(client, 'count shards size where start >= "2023-11-14 22:00Z"')).toEqual({
      shards_size: 567,
    });
    expect(await data(client, `count shards where server == "${SERVER}" or sid < 0`)).toEqual({ shards: 3 });
    expect(await data(client, 'list shards sid where status ~ "overlap"')).toEqual({
      columns: ['sid'],
      shards: [],
    });
    // dropping series leaves their shards
    expect(await data(client, 'drop series all set ignore_threshold true')).toEqual({
      success_msg: 'Successfully dropped 5 series.',
    });
    expect(await data(client, 'count shards')).toEqual({ shards: 3 });
    expect(await error(client, 'list shards where size > 1 / 0')).toBe('Division by zero error.');
  });
});

describe('test server: where on pools, servers, groups and tags', () => {
  it('filters the one pool and the one server, and finds no groups or tags', async () => {
    const client = await open();
    expect(await data(client, 'list pools where series > 0')).toEqual({
      columns: ['pool', 'servers', 'series'],
      pools: [],
    });
    await insert(client, { a: [[T, 1]] });
    expect(await data(client, 'list pools where series > 0')).toEqual({
      columns: ['pool', 'servers', 'series'],
      pools: [[0, 1, 1]],
    });
    expect(
      await data(client, 'list pools pool, series where pool == 0 and (servers == 1 or series < 0)'),
    ).toEqual({
      columns: ['pool', 'series'],
      pools: [[0, 1]],
    });
    expect(await data(client, 'count pools where series == 0')).toEqual({ pools: 0 });
    expect(await data(client, 'count pools where pool != 1')).toEqual({ pools: 1 });
    expect(await data(client, 'list servers name where online == true and port == 9010')).toEqual({
      columns: ['name'],
      servers: [[SERVER]],
    });
    expect(await data(client, 'count servers where status != "running"')).toEqual({ servers: 0 });
    expect(await data(client, 'list groups where series > 0')).toEqual({ columns: ['name'], groups: [] });
    expect(await data(client, 'count tags where series > 0')).toEqual({ tags: 0 });
    expect(await error(client, 'count groups where series > 1 % 0')).toBe('Modulo by zero error.');
  });
});

describe('test server: help', () => {
  it('answers {"help": text} for every topic the server knows, a syntax error for others', async () => {
    const client = await open();
    const topics = [
      '',
      'access',
      'alter database',
      'count shards',
      'functions',
      'list',
      'list series',
      'list shards',
      'select',
      'timeit',
      'timezones',
    ];
    const texts = new Set<string>();
    for (const topic of topics) {
      const answer = await data(client, `help ${topic}`);
      expect(Object.keys(answer)).toEqual(['help']);
      expect(typeof answer['help']).toBe('string');
      texts.add(answer['help'] as string);
    }
    expect(texts.size).toBe(topics.length);
    const timed = await data(client, 'timeit help select');
    expect(Object.keys(timed)).toEqual(['help', '__timeit__']);
    expect(await error(client, 'help foo')).toMatch(
      /^Query error at position 5\. Expecting access, alter, count, create, drop, functions, grant, list, noaccess, revoke, select, show, timeit, timezones or /,
    );
    expect(await error(client, 'help list tags')).toMatch(
      /^Query error at position 10\. Expecting groups, pools, series, servers, shards, users or /,
    );
    expect(await error(client, 'help list series name')).toMatch(/^Query error at position 17\./);
  });
});
