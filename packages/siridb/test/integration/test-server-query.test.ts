// Queries on the test server (docs/protocols/siridb.md §6, §13), over raw sockets.
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

const NOW_MS = 1_700_000_000_123;

async function open(timePrecision: 's' | 'ms' | 'us' | 'ns' = 's'): Promise<RawClient> {
  const server = await startSiriDBTestServer({
    databases: [{ name: 'dbtest', timePrecision }],
    now: () => NOW_MS,
  });
  servers.push(server);
  const client = await RawClient.connect(server.port);
  clients.push(client);
  expect(await client.auth()).toBe(2);
  return client;
}

/** A second-precision database with an integer, a float and a string series. */
async function withData(): Promise<RawClient> {
  const client = await open('s');
  const answer = await client.insert({
    cpu: [
      [3600, 1],
      [3601, 2],
      [7200, 3],
      [7201, 4],
      [10_000, 5],
    ],
    temp: [
      [3600, qpackFloat(1.5)],
      [3700, qpackFloat(2.5)],
    ],
    log: [[3600, 'started']],
  });
  expect(answer.type).toBe(1);
  return client;
}

async function data(
  client: RawClient,
  query: string,
  timePrecision: Parameters<RawClient['query']>[1] = null,
) {
  const answer = await client.query(query, timePrecision);
  expect(
    answer.type,
    JSON.stringify(answer.data, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value)),
  ).toBe(0);
  return answer.data;
}

async function error(client: RawClient, query: string, type = 65): Promise<string> {
  const answer = await client.query(query);
  expect(answer.type).toBe(type);
  return (answer.data as { error_msg: string }).error_msg;
}

describe('test server: select', () => {
  it('select * returns every point; unknown series give {} and empty ranges {"s": []}', async () => {
    const client = await withData();
    expect(await data(client, "select * from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [3601, 2],
        [7200, 3],
        [7201, 4],
        [10_000, 5],
      ],
    });
    expect(await data(client, 'select * from "nope"')).toEqual({});
    expect(await data(client, 'select * from /nothing.*/')).toEqual({});
    expect(await data(client, "select * from 'cpu' after 20000")).toEqual({ cpu: [] });
    expect(await data(client, "select mean() from 'cpu' after 20000")).toEqual({ cpu: [] });
  });

  it('aggregates without a time-span give one point at the last point (first() at the first)', async () => {
    const client = await withData();
    expect(await data(client, "select count() from 'cpu'")).toEqual({ cpu: [[10_000, 5]] });
    expect(await data(client, "select sum() from 'cpu'")).toEqual({ cpu: [[10_000, 15]] });
    expect(await data(client, "select mean() from 'cpu'")).toEqual({ cpu: [[10_000, qpackFloat(3)]] });
    expect(await data(client, "select min() from 'cpu'")).toEqual({ cpu: [[10_000, 1]] });
    expect(await data(client, "select max() from 'cpu'")).toEqual({ cpu: [[10_000, 5]] });
    expect(await data(client, "select first() from 'cpu'")).toEqual({ cpu: [[3600, 1]] });
    expect(await data(client, "select last() from 'cpu'")).toEqual({ cpu: [[10_000, 5]] });
    expect(await data(client, "select sum() from 'temp'")).toEqual({ temp: [[3700, qpackFloat(4)]] });
    expect(await data(client, "select count() from 'log'")).toEqual({ log: [[3600, 1]] });
  });

  it('aggregates with a time-span bucket by the epoch and stamp each bucket with its end', async () => {
    const client = await withData();
    // buckets: (0, 3600] → 3600, (3600, 7200] → 7200, (7200, 10800] → 10800
    expect(await data(client, "select count(1h) from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [7200, 2],
        [10_800, 2],
      ],
    });
    expect(await data(client, "select mean(1h) from 'cpu'")).toEqual({
      cpu: [
        [3600, qpackFloat(1)],
        [7200, qpackFloat(2.5)],
        [10_800, qpackFloat(4.5)],
      ],
    });
    expect(await data(client, "select sum(1h) from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [7200, 5],
        [10_800, 9],
      ],
    });
    expect(await data(client, "select min(3600) from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [7200, 2],
        [10_800, 4],
      ],
    });
    expect(await data(client, "select max(60m) from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [7200, 3],
        [10_800, 5],
      ],
    });
    expect(await data(client, "select first(1h) from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [7200, 2],
        [10_800, 4],
      ],
    });
    expect(await data(client, "select last(1h) from 'cpu'")).toEqual({
      cpu: [
        [3600, 1],
        [7200, 3],
        [10_800, 5],
      ],
    });
    expect(await data(client, "select mean(1d) from 'temp'")).toEqual({ temp: [[86_400, qpackFloat(2)]] });
  });

  it('several aggregates need a prefix or suffix; results are keyed by the decorated name', async () => {
    const client = await withData();
    expect(await data(client, 'select min() prefix "min-", max() suffix "-max" from \'cpu\'')).toEqual({
      'min-cpu': [[10_000, 1]],
      'cpu-max': [[10_000, 5]],
    });
    expect(await error(client, "select min(), max() from 'cpu'")).toBe(
      'When using multiple select methods, add a prefix and/or suffix to the selection to make them unique.',
    );
  });

  it('chains functions with => and supports the other functions', async () => {
    const client = await withData();
    expect(await data(client, "select max(1h) => difference() from 'cpu'")).toEqual({
      cpu: [
        [7200, 2],
        [10_800, 2],
      ],
    });
    expect(await data(client, "select median() from 'cpu'")).toEqual({ cpu: [[10_000, qpackFloat(3)]] });
    expect(await data(client, "select filter(> 2) from 'cpu'")).toEqual({
      cpu: [
        [7200, 3],
        [7201, 4],
        [10_000, 5],
      ],
    });
    expect(await data(client, "select limit(2, max) from 'cpu'")).toEqual({
      cpu: [
        [6800, 2],
        [10_001, 5],
      ],
    });
    expect(await data(client, "select interval() from 'temp'")).toEqual({ temp: [[3700, 100]] });
    expect(await error(client, "select mean() from 'log'")).toBe('Cannot use mean() on string type.');
    expect(await error(client, "select mean(0) from 'cpu'")).toBe(
      'Group by time must be an integer value larger than zero.',
    );
  });

  it('merges series with merge as', async () => {
    const client = await withData();
    // points of equal time in the order the real server gives them (the first series' point last)
    expect(await data(client, "select * from 'cpu', 'temp' before 3700 merge as \"both\"")).toEqual({
      both: [
        [3600, qpackFloat(1.5)],
        [3600, qpackFloat(1)],
        [3601, qpackFloat(2)],
      ],
    });
    expect(await data(client, 'select * from /c.*/ merge as "c" using count()')).toEqual({
      c: [[10_000, 5]],
    });
  });

  it('ranges: after is inclusive, before exclusive, between start-inclusive end-exclusive', async () => {
    const client = await withData();
    expect(await data(client, "select * from 'cpu' after 7200")).toEqual({
      cpu: [
        [7200, 3],
        [7201, 4],
        [10_000, 5],
      ],
    });
    expect(await data(client, "select * from 'cpu' before 7200")).toEqual({
      cpu: [
        [3600, 1],
        [3601, 2],
      ],
    });
    expect(await data(client, "select * from 'cpu' between 3601 and 7201")).toEqual({
      cpu: [
        [3601, 2],
        [7200, 3],
      ],
    });
    expect(await data(client, "select count() from 'cpu' between 1h and 2h + 1")).toEqual({
      cpu: [[7200, 3]],
    });
    expect(await data(client, "select * from 'cpu' head 2")).toEqual({
      cpu: [
        [3600, 1],
        [3601, 2],
      ],
    });
    expect(await data(client, "select * from 'cpu' tail 1")).toEqual({ cpu: [[10_000, 5]] });
    expect(await error(client, "select * from 'cpu' between 7201 and 3601")).toBe(
      'Start time (7201) should not be greater than end time (3601)',
    );
  });

  it('matches series by name, regular expression (anchored) and set operations', async () => {
    const client = await open('s');
    await client.insert({ cpu: [[1, 1]], cpu2: [[1, 2]], mem: [[1, 3]] });
    const keys = async (match: string) =>
      Object.keys((await data(client, `select * from ${match}`)) as object);
    expect(await keys('/cpu/')).toEqual(['cpu']);
    expect(await keys('/cpu.*/')).toEqual(['cpu', 'cpu2']);
    expect(await keys('/CPU/i')).toEqual(['cpu']);
    expect(await keys(`"cpu", 'mem'`)).toEqual(['cpu', 'mem']);
    expect(await keys(`'cpu' | "mem"`)).toEqual(['cpu', 'mem']);
    expect(await keys('/.*/ - "mem"')).toEqual(['cpu', 'cpu2']);
    expect(await keys('/cpu.*/ & /.*2/')).toEqual(['cpu2']);
    expect(await keys('/cpu.*/ ^ /.*2/')).toEqual(['cpu']);
    expect(await keys('*')).toEqual(['cpu', 'cpu2', 'mem']);
    expect(await error(client, 'select * from `grp`')).toBe("Cannot find group or tag 'grp'");
  });

  it('respects select_points_limit with the server message', async () => {
    const client = await open('s');
    const points = Array.from({ length: 600 }, (_, index) => [index + 1, index]);
    await client.insert({ a: points, b: points });
    expect((await client.query('alter database set select_points_limit 1000')).data).toEqual({
      success_msg: 'Successfully changed select points limit from 1000000 to 1000.',
    });
    expect(await error(client, 'select * from /.*/')).toBe(
      'Query has reached the maximum number of selected points (1000). Please use another time window, an aggregation function or select less series to reduce the number of points.',
    );
    expect(Object.keys((await data(client, "select * from 'a'")) as object)).toEqual(['a']);
    expect(await data(client, 'select count() from /.*/')).toEqual({ a: [[600, 600]], b: [[600, 600]] });
  });
});

describe('test server: time precision (server-side conversion, float factor bug)', () => {
  it('converts with a C float factor: 1700000000123 ms asked in s comes back as 1700000080', async () => {
    const client = await open('ms');
    await client.insert({ s: [[1_700_000_000_123, 1]] });
    const ts = async (timePrecision: Parameters<RawClient['query']>[1]) =>
      ((await data(client, "select * from 's'", timePrecision)) as { s: [[number | bigint, number]] })
        .s[0][0];
    expect(await ts(0)).toBe(1_700_000_080);
    expect(await ts(1)).toBe(1_700_000_000_123);
    expect(await ts(2)).toBe(1_700_000_000_123_000);
    expect(await ts(3)).toBe(1_700_000_000_123_000_064n);
    expect(await ts(7)).toBe(1_700_000_000_123_000_064n); // 7 % 4 = ns
    expect(await ts(4)).toBe(1_700_000_080); // 4 % 4 = s
    expect(await ts(null)).toBe(1_700_000_000_123);
    expect(await ts(-1)).toBe(1_700_000_000_123);
    expect(await ts('s')).toBe(1_700_000_000_123); // not an integer: database precision
  });

  it('converts calc results the same way; time literals in the query are not converted', async () => {
    const client = await open('ms');
    expect(await data(client, 'now')).toEqual({ calc: NOW_MS });
    expect(await data(client, 'now', 0)).toEqual({ calc: 1_700_000_080 });
    await client.insert({ s: [[1_700_000_000_123, 1]] });
    // 1700000001 is read in the database precision (ms), so it matches the point
    expect(await data(client, "select * from 's' after 1700000001", 0)).toEqual({ s: [[1_700_000_080, 1]] });
  });
});

describe('test server: list, count, show', () => {
  it('list series with columns, where and limit', async () => {
    const client = await withData();
    expect(await data(client, 'list series')).toEqual({
      columns: ['name'],
      series: [['cpu'], ['temp'], ['log']],
    });
    expect(await data(client, 'list series name, length, type, start, end, pool')).toEqual({
      columns: ['name', 'length', 'type', 'start', 'end', 'pool'],
      series: [
        ['cpu', 5, 'integer', 3600, 10_000, 0],
        ['temp', 2, 'float', 3600, 3700, 0],
        ['log', 1, 'string', 3600, 3600, 0],
      ],
    });
    expect(await data(client, 'list series where type == float')).toEqual({
      columns: ['name'],
      series: [['temp']],
    });
    expect(await data(client, 'list series name where length > 1')).toEqual({
      columns: ['name'],
      series: [['cpu'], ['temp']],
    });
    expect(await data(client, "list series where type != string and name != 'cpu'")).toEqual({
      columns: ['name'],
      series: [['temp']],
    });
    expect(await data(client, 'list series length /t.*/ where length >= 2')).toEqual({
      columns: ['length'],
      series: [[2]],
    });
    expect(await data(client, 'list series limit 1')).toEqual({ columns: ['name'], series: [['cpu']] });
    expect(await error(client, 'list series limit 10001')).toBe(
      "Limit must be a value between 1 and 10000 but received: 10001 (optionally the limit can be changed, see 'help alter database')",
    );
    expect(await error(client, 'list series where type == "integer"')).toBe(
      'Query error at position 26. Expecting string, integer or float',
    );
  });

  it('list series returns 1000 rows unless a limit is given', async () => {
    const client = await open('s');
    const many: Record<string, [number, number][]> = {};
    for (let index = 0; index < 1001; index++) many[`s${index}`] = [[1, index]];
    await client.insert(many);
    expect(((await data(client, 'list series')) as { series: unknown[] }).series).toHaveLength(1000);
    expect(((await data(client, 'list series limit 1001')) as { series: unknown[] }).series).toHaveLength(
      1001,
    );
  });

  it('list servers and list pools describe the one server and pool there are', async () => {
    const client = await withData();
    expect(await data(client, 'list servers')).toEqual({
      columns: ['name', 'pool', 'version', 'online', 'status'],
      servers: [['127.0.0.1:9010', 0, '2.0.55', true, 'running']],
    });
    expect(await data(client, 'list pools')).toEqual({
      columns: ['pool', 'servers', 'series'],
      pools: [[0, 1, 3]],
    });
    expect(await data(client, 'count servers')).toEqual({ servers: 1 });
    expect(await data(client, 'count pools')).toEqual({ pools: 1 });
  });

  it('count series and count series length', async () => {
    const client = await withData();
    expect(await data(client, 'count series')).toEqual({ series: 3 });
    expect(await data(client, 'count series /c.*/')).toEqual({ series: 1 });
    expect(await data(client, 'count series length')).toEqual({ series_length: 8 });
    expect(await data(client, "count series length 'cpu', 'log'")).toEqual({ series_length: 6 });
    expect(await data(client, 'count series where type == integer')).toEqual({ series: 1 });
  });

  it('show all and show selected properties', async () => {
    const client = await open('ms');
    const selected = await data(
      client,
      'show dbname, time_precision, version, status, server, pool, who_am_i, list_limit, select_points_limit, timezone',
    );
    expect(selected).toEqual({
      data: [
        { name: 'dbname', value: 'dbtest' },
        { name: 'time_precision', value: 'ms' },
        { name: 'version', value: '2.0.55' },
        { name: 'status', value: 'running' },
        { name: 'server', value: '127.0.0.1:9010' },
        { name: 'pool', value: 0 },
        { name: 'who_am_i', value: 'iris' },
        { name: 'list_limit', value: 10_000 },
        { name: 'select_points_limit', value: 1_000_000 },
        { name: 'timezone', value: 'NAIVE' },
      ],
    });
    const all = (await data(client, 'show')) as { data: { name: string; value: unknown }[] };
    const names = all.data.map((entry) => entry.name);
    expect(names).toEqual([...names].sort());
    for (const name of ['uptime', 'uuid', 'received_points', 'drop_threshold', 'dbname', 'who_am_i']) {
      expect(names).toContain(name);
    }
    expect(all.data.find((entry) => entry.name === 'uptime')?.value).toBe(0);
  });
});

describe('test server: drop series', () => {
  it('drops matched series; dropping every series needs set ignore_threshold true', async () => {
    const client = await withData();
    expect(await data(client, "drop series 'log'")).toEqual({
      success_msg: 'Successfully dropped 1 series.',
    });
    expect(await error(client, 'drop series /.*/')).toBe(
      "This query would drop 100.00% of the series in pool 0. Add 'set ignore_threshold true' to the query statement if you really want to do this.",
    );
    expect(await data(client, 'drop series /.*/ set ignore_threshold true')).toEqual({
      success_msg: 'Successfully dropped 2 series.',
    });
    expect(await data(client, 'count series')).toEqual({ series: 0 });
    expect(await data(client, "drop series 'nope'")).toEqual({
      success_msg: 'Successfully dropped 0 series.',
    });
  });
});

describe('test server: time expressions', () => {
  it('answers bare expressions with {"calc": …} in the database precision', async () => {
    const client = await open('s');
    expect(await data(client, 'now')).toEqual({ calc: 1_700_000_000 });
    expect(await data(client, 'now - 1h')).toEqual({ calc: 1_699_996_400 });
    expect(await data(client, '1h')).toEqual({ calc: 3600 });
    expect(await data(client, '1w + 1d + 1m + 1s')).toEqual({ calc: 604_800 + 86_400 + 61 });
    expect(await data(client, '42')).toEqual({ calc: 42 });
    expect(await data(client, '(10 + 2) * 3 % 5 - 4 / 3')).toEqual({ calc: 0 });
    expect(await data(client, "'2024-01-01 00:00Z'")).toEqual({ calc: 1_704_067_200 });
    expect(await data(client, '"2024-01-01T01:00:00+01:00"')).toEqual({ calc: 1_704_067_200 });
    expect(await data(client, 'now - (now % 1d)')).toEqual({ calc: 1_699_920_000 });
    expect(await error(client, "'not a date'")).toBe('Invalid date string.');
    expect(await error(client, '1 / 0')).toBe('Division by zero error.');
    expect(await error(client, '1 - 2')).toBe('Time expression out-of-range.');
  });

  it('an empty query is answered with now in a fixed one-pair map', async () => {
    const client = await open('ms');
    const answer = await client.query('');
    expect(answer.type).toBe(0);
    expect(answer.package.payload[0]).toBe(0xf4);
    expect(answer.data).toEqual({ calc: NOW_MS });
  });

  it('adds __timeit__ to timed queries', async () => {
    const client = await open('s');
    const answer = (await data(client, 'timeit count series')) as { series: number; __timeit__: unknown[] };
    expect(answer.series).toBe(0);
    expect(answer.__timeit__).toHaveLength(1);
    expect(answer.__timeit__[0]).toMatchObject({ server: '127.0.0.1:9010' });
  });
});

describe('test server: query errors', () => {
  it('reports syntax errors in the server format: furthest byte position and what may come there', async () => {
    const client = await open('s');
    expect(await error(client, 'select foo')).toBe(
      'Query error at position 7. Expecting *, all, offset, limit, mean, sum, median, median_low, median_high, min, max, count, variance, pvariance, stddev, first, last, timeval, interval, difference, derivative, filter or points',
    );
    expect(await error(client, 'calc now - 1h')).toBe(
      'Query error at position 0. Expecting timeit, select, list, count, alter, create, drop, grant, revoke, show, date/time_string, now, single_quote_str, double_quote_str, integer, (, help, ? or end_of_statement',
    );
    // 'é' is two bytes in UTF-8
    expect(await error(client, "select * from 'é' foo")).toBe(
      'Query error at position 19. Expecting , |, union, -, difference, &, intersection, ^, symmetric_difference, where, after, between, before, tail, head, merge or end_of_statement',
    );
    expect(await error(client, 'list')).toBe(
      'Query error at position 4. Expecting series, tags, users, shards, groups, servers or pools',
    );
    expect(await error(client, 'select * from')).toBe(
      'Query error at position 13. Expecting *, all, single_quote_str, double_quote_str or (',
    );
    expect(await error(client, "select mean(1h from 'cpu'")).toBe(
      'Query error at position 15. Expecting + - * % / or )',
    );
    // keywords are lower case
    expect(await error(client, 'SELECT * FROM "s"')).toMatch(/^Query error at position 0\./);
  });

  it('accepts signed integers and # comments', async () => {
    const client = await open('s');
    expect(await data(client, '5 - -1')).toEqual({ calc: 6 });
    expect(await data(client, 'now # the time')).toEqual({ calc: 1_700_000_000 });
    expect(await error(client, '-1')).toBe('Time expression out-of-range.');
    expect(await error(client, "select * from 's' head -5")).toBe(
      'Head must be a value between 1 and 1000000, got -5',
    );
  });

  it('refuses nesting deeper than 500 levels (as the server counts it) without overflowing the stack', async () => {
    const client = await open('s');
    const tooDeep = 'Memory allocation error or maximum recursion depth reached.';
    const nested = (depth: number) => `${'('.repeat(depth)}1h${')'.repeat(depth)}`;
    expect(await data(client, nested(100))).toEqual({ calc: 3600 });
    expect(await error(client, nested(501))).toBe(tooDeep);
    expect(await error(client, `select * from ${'('.repeat(20_000)}'s'${')'.repeat(20_000)}`)).toBe(tooDeep);
    expect(await error(client, `list series where ${'('.repeat(501)}length > 1${')'.repeat(501)}`)).toBe(
      tooDeep,
    );
    // each operand right of an operator is one level deeper
    expect(await error(client, `1${' + 1'.repeat(10_000)}`)).toBe(tooDeep);
  });

  it('answers 65 "Query too long." for a query package over 65535 bytes', async () => {
    const client = await open('s');
    expect(await error(client, `select * from '${'x'.repeat(65_530)}'`)).toBe('Query too long.');
    // the size is checked before the payload is even read
    const answer = await client.request(0, Buffer.alloc(70_000, 0x20));
    expect(answer.type).toBe(65);
  });

  it('answers valid statements it does not implement with 65', async () => {
    const client = await open('s');
    for (const query of [
      'create group `g` for /cpu.*/',
      "alter series 'cpu' tag `t`",
      "alter server '127.0.0.1:9010' set backup_mode true",
      'drop shards',
    ]) {
      expect(await error(client, query)).toBe(`The SiriDB test server does not support this query: ${query}`);
    }
    // these statements are still checked for syntax
    expect(await error(client, 'create group `g` for')).toBe(
      'Query error at position 20. Expecting regular_expression',
    );
  });
});
