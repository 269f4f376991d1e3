import { afterEach, describe, expect, it } from 'vitest';
import { RequestType } from '../../src/protocol/index.js';
import { ZTAND, ZTeraDBQuery, ZTGT, ZTICONTAINS, ZTMUL } from '../../src/zql/index.js';
import { type ConnectedServer, connectedServer } from '../support/connected-server.js';
import { rowsOf } from '../support/raw-zteradb-client.js';

let current: ConnectedServer | undefined;
async function setup(options: Parameters<typeof connectedServer>[0] = {}): Promise<ConnectedServer> {
  current = await connectedServer(options);
  return current;
}
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('ZTeraDB test server: queries', () => {
  it('streams one code-7 frame per row, then QUERY_COMPLETE', async () => {
    const { client } = await setup();
    const frames = await client.query(ZTeraDBQuery('user').select());
    expect(frames.map((frame) => frame.response_code)).toEqual([7, 7, 7, 1544]);
    expect(rowsOf(frames).map((row) => row.id)).toEqual([1, 2, 3]);
  });

  it('applies fields, fi, sort and limit as [start, end)', async () => {
    const { client } = await setup();
    const query = ZTeraDBQuery('product')
      .select()
      .fields({ name: 1, price: 1 })
      .filter({ status: 'A' })
      .sort('-price')
      .limit(1, 3);
    expect(rowsOf(await client.query(query))).toEqual([
      { name: 'wired headset', price: 30 },
      { name: 'Wireless Mouse', price: 20 },
    ]);
  });

  it('reads lt as offset and count when configured', async () => {
    const { client } = await setup({ limitSemantics: 'offset-count' });
    const rows = rowsOf(await client.query({ sh: 'product', qt: 2, st: { id: 1 }, lt: [1, 3] }));
    expect(rows.map((row) => row.id)).toEqual([2, 3, 4]);
  });

  it('evaluates the worked fc example (price * quantity > 500 and name contains "wire")', async () => {
    const { client } = await setup();
    const query = ZTeraDBQuery('product')
      .select()
      .filterCondition(ZTAND([ZTGT([ZTMUL(['price', 'quantity']), 500]), ZTICONTAINS('name', 'wire')]));
    expect(rowsOf(await client.query(query)).map((row) => row.id)).toEqual([2]);
  });

  it('accepts PHP-style empties', async () => {
    const { client } = await setup();
    const frames = await client.query({
      db: '',
      sh: 'user',
      qt: 2,
      fl: [],
      fi: [],
      fc: [],
      rf: [],
      st: [],
      lt: [],
      cnt: false,
      env: '',
    });
    expect(rowsOf(frames)).toHaveLength(3);
  });

  it('counts', async () => {
    const { client } = await setup();
    const frames = await client.query(ZTeraDBQuery('user').count().filter({ status: true }));
    expect(frames).toEqual([
      { error: false, response_code: 7, data: { count: 2 } },
      { error: false, response_code: 1544, data: {} },
    ]);
  });

  it('inserts with the next id as last_insert_id, and the row is then selectable', async () => {
    const { client, server } = await setup();
    const frames = await client.query(
      ZTeraDBQuery('user').insert().fields({ email: 'new@x.io', status: true }),
    );
    expect(frames[0]).toEqual({ error: false, response_code: 7, data: { last_insert_id: 4 } });
    expect(frames[1]).toMatchObject({ response_code: 1544 });
    expect(server.rows('DB1', 'user')?.at(-1)).toEqual({ id: 4, email: 'new@x.io', status: true });
  });

  it('updates matching rows and reports is_updated', async () => {
    const { client, server } = await setup();
    const update = ZTeraDBQuery('product')
      .update()
      .fields({ name: 'Wireless Gaming Keyboard' })
      .filter({ name: 'Gaming Keyboard' });
    expect((await client.query(update))[0]).toMatchObject({ data: { is_updated: true } });
    expect(server.rows('DB1', 'product')?.[0]?.name).toBe('Wireless Gaming Keyboard');
    expect((await client.query(update))[0]).toMatchObject({ data: { is_updated: false } });
  });

  it('deletes matching rows and reports is_deleted', async () => {
    const { client, server } = await setup();
    const del = ZTeraDBQuery('order').delete().filter({ user: 1 });
    expect((await client.query(del))[0]).toMatchObject({ data: { is_deleted: true } });
    expect(server.rows('DB1', 'order')?.map((row) => row.id)).toEqual([2]);
    expect((await client.query(del))[0]).toMatchObject({ data: { is_deleted: false } });
  });

  it('skips QUERY_COMPLETE after single results when configured', async () => {
    const { client } = await setup({ completeAfterSingleResult: false });
    client.send({
      query: { sh: 'user', qt: 2, cnt: true },
      request_type: RequestType.QUERY,
      database_id: 'DB1',
      env: 'dev',
    });
    expect(await client.next()).toMatchObject({ data: { count: 3 } });
    const next = await client.query({ sh: 'user', qt: 2, lt: [0, 1] });
    expect(next.map((frame) => frame.response_code)).toEqual([7, 1544]);
  });

  it('filters by related fields', async () => {
    const { client } = await setup();
    const query = ZTeraDBQuery('order')
      .select()
      .relatedField('user', ZTeraDBQuery('user').select().filter({ email: 'john.doe@example.com' }));
    expect(rowsOf(await client.query(query)).map((row) => row.id)).toEqual([1, 3]);
  });

  it.each([
    ['an unknown schema', { sh: 'nope', qt: 2 }, 0x0401, 0x0421],
    ['an unknown field', { sh: 'user', qt: 2, fi: { nope: 1 } }, 0x0402, 0x0422],
    ['a bad query type', { sh: 'user', qt: 9 }, 0x0100, 0x0420],
    [
      'an unknown operator',
      { sh: 'user', qt: 2, fc: [{ operator: '<>', operand: 'id', result: 1 }] },
      0x0100,
      0x0420,
    ],
    ['a missing schema', { qt: 2 }, 0x0100, 0x0420],
  ])(
    'answers %s with one error frame from the chosen table and keeps the connection',
    async (_, query, python, node) => {
      for (const [codeTable, code] of [
        ['python', python],
        ['node', node],
      ] as const) {
        const { client } = await setup({ codeTable });
        const frames = await client.query(query);
        expect(frames).toHaveLength(1);
        expect(frames[0]).toMatchObject({ error: true, response_code: code });
        expect(frames[0]?.data).toEqual({ zteradb_error: expect.any(String) });
        expect(rowsOf(await client.query({ sh: 'user', qt: 2 }))).toHaveLength(3);
        await current?.close();
        current = undefined;
      }
    },
  );

  it("refuses a token that is not the connection's", async () => {
    const { client } = await setup();
    client.send({
      client_key: 'X',
      access_token: 'forged',
      request_type: RequestType.QUERY,
      database_id: 'DB1',
      env: 'dev',
      query: { sh: 'user', qt: 2 },
    });
    expect(await client.readResponse()).toEqual([
      { error: true, response_code: 0x0011, data: { zteradb_error: 'invalid access_token' } },
    ]);
  });

  it('answers an unknown request type with 0x0423 and keeps the connection', async () => {
    const { client } = await setup();
    client.send({ request_type: 99 });
    expect(await client.readResponse()).toEqual([
      { error: true, response_code: 0x0423, data: { zteradb_error: 'unsupported request_type 99' } },
    ]);
    expect(rowsOf(await client.query({ sh: 'user', qt: 2 }))).toHaveLength(3);
  });

  it('closes the connection on CANCEL, mid-stream included', async () => {
    const many = { DB1: { big: Array.from({ length: 200_000 }, (_, id) => ({ id, text: 'x'.repeat(40) })) } };
    const { client } = await setup({ databases: many });
    client.send({
      query: { sh: 'big', qt: 2 },
      request_type: RequestType.QUERY,
      database_id: 'DB1',
      env: 'dev',
    });
    expect(await client.next()).toMatchObject({ response_code: 7, data: { id: 0 } });
    client.send({ query: 'cancel', request_type: RequestType.CANCEL });
    const rest = await client.closedByServer();
    expect(rest.length).toBeLessThan(199_999);
    expect(rest.some((frame) => frame.response_code === 1544)).toBe(false);
  });
});
