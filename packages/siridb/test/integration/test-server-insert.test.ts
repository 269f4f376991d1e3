// Inserts on the test server (docs/protocols/siridb.md §4.4, §7), over raw sockets.
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

async function open(
  timePrecision: 's' | 'ms' | 'us' | 'ns' = 'ms',
): Promise<{ server: SiriDBTestServer; client: RawClient }> {
  const server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision }] });
  servers.push(server);
  const client = await RawClient.connect(server.port);
  clients.push(client);
  expect(await client.auth()).toBe(2);
  return { server, client };
}

const MSG = {
  array: 'Expecting an array with points.',
  name: 'Expecting a series name (string value) with an array of points where each point should be an integer time-stamp with a value.',
  container: 'Expecting an array or map containing series and points.',
  ts: 'Expecting an integer value as time-stamp.',
  range: 'Received at least one time-stamp which is out-of-range.',
  value: 'Unsupported value received. (only integer, float and string values are supported).',
  point: 'Expecting a series to have at least one point.',
  nameAndPoints: 'Expecting a map with name and points.',
};

async function insertError(client: RawClient, payload: Parameters<RawClient['insert']>[0]): Promise<string> {
  const answer = await client.insert(payload);
  expect(answer.type).toBe(66);
  expect(answer.package.payload[0]).toBe(0xfd);
  return (answer.data as { error_msg: string }).error_msg;
}

describe('test server: insert validation messages', () => {
  it('"Expecting an array or map containing series and points."', async () => {
    const { client } = await open();
    expect(await insertError(client, null)).toBe(MSG.container);
    expect(await insertError(client, 5)).toBe(MSG.container);
    expect(await insertError(client, 'series')).toBe(MSG.container);
    expect(await insertError(client, Buffer.alloc(0))).toBe(MSG.container);
  });

  it('"Expecting an array with points."', async () => {
    const { client } = await open();
    expect(await insertError(client, { s: 5 })).toBe(MSG.array);
    expect(await insertError(client, { s: 'points' })).toBe(MSG.array);
    expect(await insertError(client, [{ name: 's', points: { 1: 1 } }])).toBe(MSG.array);
  });

  it('"Expecting a series name …" for a bad name or a bad array item', async () => {
    const { client } = await open();
    expect(await insertError(client, { '': [[1, 1]] })).toBe(MSG.name);
    expect(await insertError(client, [5])).toBe(MSG.name);
    // three keys: the Node addon's extra `type` key is refused
    expect(await insertError(client, [{ name: 's', points: [[1, 1]], type: 'integer' }])).toBe(MSG.name);
    // a later point that is not a pair ends the points where the next series name is expected
    expect(await insertError(client, { s: [[1, 1], [2]] })).toBe(MSG.name);
  });

  it('"Expecting an integer value as time-stamp."', async () => {
    const { client } = await open();
    expect(await insertError(client, { s: [[qpackFloat(1), 1]] })).toBe(MSG.ts);
    expect(await insertError(client, { s: [[1.5, 1]] })).toBe(MSG.ts);
    expect(await insertError(client, { s: [['1', 1]] })).toBe(MSG.ts);
    expect(await insertError(client, { s: [[null, 1]] })).toBe(MSG.ts);
  });

  it('"Received at least one time-stamp which is out-of-range." (per precision)', async () => {
    const seconds = await open('s');
    expect(await insertError(seconds.client, { s: [[-1, 1]] })).toBe(MSG.range);
    expect(await insertError(seconds.client, { s: [[2 ** 32, 1]] })).toBe(MSG.range);
    expect(await insertError(seconds.client, { s: [[2n ** 62n, 1]] })).toBe(MSG.range);
    expect((await seconds.client.insert({ s: [[2 ** 32 - 1, 1]] })).type).toBe(1);
    const millis = await open('ms');
    expect(await insertError(millis.client, { s: [[-1, 1]] })).toBe(MSG.range);
    expect((await millis.client.insert({ s: [[2n ** 62n, 1]] })).type).toBe(1);
  });

  it('"Unsupported value received. …"', async () => {
    const { client } = await open();
    expect(await insertError(client, { s: [[1, true]] })).toBe(MSG.value);
    expect(await insertError(client, { s: [[1, null]] })).toBe(MSG.value);
    expect(await insertError(client, { s: [[1, [1]]] })).toBe(MSG.value);
    expect(await insertError(client, { s: [[1, { a: 1 }]] })).toBe(MSG.value);
  });

  it('"Expecting a series to have at least one point."', async () => {
    const { client } = await open();
    expect(await insertError(client, { s: [] })).toBe(MSG.point);
    expect(await insertError(client, { s: [5] })).toBe(MSG.point);
    expect(await insertError(client, { s: [[1]] })).toBe(MSG.point);
    expect(await insertError(client, [{ points: [], name: 's' }])).toBe(MSG.point);
  });

  it('"Expecting a map with name and points."', async () => {
    const { client } = await open();
    expect(await insertError(client, [{ name: 5, points: [[1, 1]] }])).toBe(MSG.nameAndPoints);
    expect(await insertError(client, [{ name: '', points: [[1, 1]] }])).toBe(MSG.nameAndPoints);
    expect(await insertError(client, [{ name: 's', other: [[1, 1]] }])).toBe(MSG.nameAndPoints);
    expect(await insertError(client, [{ points: [[1, 1]], other: 's' }])).toBe(MSG.nameAndPoints);
    expect(await insertError(client, [{ x: 1, y: 2 }])).toBe(MSG.nameAndPoints);
  });

  it('stores nothing when any part of an insert is invalid', async () => {
    const { server, client } = await open();
    expect(await insertError(client, { good: [[1, 1]], bad: [[2, true]] })).toBe(MSG.value);
    expect(server.pointCount()).toBe(0);
    expect((await client.query('count series')).data).toEqual({ series: 0 });
  });
});

describe('test server: insert forms and storage', () => {
  it('accepts the map form and the array form (keys in either order)', async () => {
    const { server, client } = await open();
    const answer = await client.insert({
      a: [
        [1, 1],
        [2, 2],
      ],
      b: [[1, 'x']],
    });
    expect(answer.type).toBe(1);
    expect(answer.data).toEqual({ success_msg: 'Successfully inserted 3 point(s).' });
    const array = await client.insert([
      { name: 'c', points: [[1, qpackFloat(1.5)]] },
      { points: [[5, 5]], name: 'a' },
    ]);
    expect(array.data).toEqual({ success_msg: 'Successfully inserted 2 point(s).' });
    expect(server.pointCount()).toBe(5);
    expect(server.pointCount('dbtest', 'a')).toBe(3);
  });

  it('answers an empty map or array with "Successfully inserted 0 point(s)."', async () => {
    const { client } = await open();
    expect((await client.insert({})).data).toEqual({ success_msg: 'Successfully inserted 0 point(s).' });
    expect((await client.insert([])).data).toEqual({ success_msg: 'Successfully inserted 0 point(s).' });
  });

  it('accepts any integer width for timestamps and open arrays as points', async () => {
    const { client } = await open();
    // {"s": [[INT64 1, 1], [INT8 2, 2], [INT16 300, 3], [INT32 70000, 4], fc INT8 5, 5 fe]}
    const payload = Buffer.from([
      0xf4, 0x81, 0x73, 0xf2, 0xef, 0xeb, 1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xef, 0xe8, 2, 0x02, 0xef, 0xe9, 0x2c,
      0x01, 0x03, 0xef, 0xea, 0x70, 0x11, 0x01, 0x00, 0x04, 0xfc, 0xe8, 5, 0x05, 0xfe,
    ]); // prettier-ignore
    expect((await client.insert(payload)).data).toEqual({ success_msg: 'Successfully inserted 5 point(s).' });
    expect((await client.query("select * from 's'")).data).toEqual({
      s: [
        [1, 1],
        [2, 2],
        [5, 5],
        [300, 3],
        [70_000, 4],
      ],
    });
  });

  it('keeps points sorted by time (back-filling allowed, equal timestamps kept)', async () => {
    const { client } = await open();
    await client.insert({
      s: [
        [30, 3],
        [10, 1],
      ],
    });
    await client.insert({
      s: [
        [20, 2],
        [10, 4],
      ],
    });
    expect((await client.query("select * from 's'")).data).toEqual({
      s: [
        [10, 1],
        [10, 4],
        [20, 2],
        [30, 3],
      ],
    });
  });

  it('nanosecond timestamps beyond 2^53 are kept exactly', async () => {
    const { client } = await open('ns');
    await client.insert({ s: [[1_700_000_000_000_000_123n, 1]] });
    const answer = await client.query("select * from 's'");
    expect(answer.data).toEqual({ s: [[1_700_000_000_000_000_123n, 1]] });
  });
});

describe('test server: a series type is fixed by its first point', () => {
  it('integer series: floats are truncated, strings become their leading integer or 0', async () => {
    const { client } = await open();
    await client.insert({ i: [[1, 10]] });
    await client.insert({
      i: [
        [2, qpackFloat(3.7)],
        [3, 'abc'],
        [4, '42abc'],
        [5, qpackFloat(-2.9)],
      ],
    });
    expect((await client.query("select * from 'i'")).data).toEqual({
      i: [
        [1, 10],
        [2, 3],
        [3, 0],
        [4, 42],
        [5, -2],
      ],
    });
    expect((await client.query("list series name, type where name == 'i'")).data).toEqual({
      columns: ['name', 'type'],
      series: [['i', 'integer']],
    });
  });

  it('float series: integers are stored as floats (22 → 22.0)', async () => {
    const { client } = await open();
    await client.insert({
      f: [
        [1, qpackFloat(1.5)],
        [2, 22],
        [3, '2.25x'],
      ],
    });
    const answer = await client.query("select * from 'f'");
    expect(answer.data).toEqual({
      f: [
        [1, qpackFloat(1.5)],
        [2, qpackFloat(22)],
        [3, qpackFloat(2.25)],
      ],
    });
    // on the wire: a double, 0xec + 8 bytes, for the inserted integer
    expect(answer.package.payload.includes(Buffer.from([0xec, 0, 0, 0, 0, 0, 0, 0x36, 0x40]))).toBe(true);
  });

  it('string series: numbers are written as text', async () => {
    const { client } = await open();
    await client.insert({
      t: [
        [1, 'first'],
        [2, 5],
        [3, qpackFloat(1.5)],
      ],
    });
    expect((await client.query("select * from 't'")).data).toEqual({
      t: [
        [1, 'first'],
        [2, '5'],
        [3, '1.500000'],
      ],
    });
  });

  it('the first point of a new series decides, within one insert too', async () => {
    const { client } = await open();
    await client.insert({
      n: [
        [1, qpackFloat(0.5)],
        [2, 7],
      ],
    });
    expect((await client.query('list series name, type')).data).toEqual({
      columns: ['name', 'type'],
      series: [['n', 'float']],
    });
  });
});
