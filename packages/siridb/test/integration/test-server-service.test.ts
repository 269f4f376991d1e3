// The service (admin) API of the test server, request type 32 (docs/protocols/siridb.md §11).
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

async function open(options: Parameters<typeof startSiriDBTestServer>[0] = {}): Promise<RawClient> {
  const server = await startSiriDBTestServer(options);
  servers.push(server);
  const client = await RawClient.connect(server.port);
  clients.push(client);
  return client;
}

const NEW_ACCOUNT = 0;
const CHANGE_PASSWORD = 1;
const DROP_ACCOUNT = 2;
const NEW_DATABASE = 3;
const NEW_POOL = 4;
const NEW_REPLICA = 5;
const DROP_DATABASE = 6;
const GET_VERSION = 64;
const GET_ACCOUNTS = 65;
const GET_DATABASES = 66;

type Options = Parameters<RawClient['service']>[3];

async function sa(client: RawClient, request: number, options?: Options) {
  return client.service('sa', 'siri', request, options);
}

async function serviceError(client: RawClient, request: number, options?: Options): Promise<string> {
  const answer = await sa(client, request, options);
  expect(answer.type).toBe(96);
  expect(answer.package.payload[0]).toBe(0xfd);
  return (answer.data as { error_msg: string }).error_msg;
}

async function invalid(client: RawClient, request: number, options?: Options): Promise<void> {
  const answer = await sa(client, request, options);
  expect(answer.type).toBe(97);
  expect(answer.package.payload.length).toBe(0);
}

describe('test server: service API data requests', () => {
  it('get_version answers 33 with an open array that is never closed', async () => {
    const client = await open();
    const answer = await sa(client, GET_VERSION);
    expect(answer.type).toBe(33);
    expect([...answer.package.payload]).toEqual([0xfc, 0x86, ...Buffer.from('2.0.55')]);
    expect(answer.data).toEqual(['2.0.55']);
  });

  it('get_version reports the configured version; get_accounts and get_databases list names', async () => {
    const client = await open({
      version: '2.0.99',
      databases: [{ name: 'one' }, { name: 'two' }],
      serviceAccounts: [
        { username: 'sa', password: 'siri' },
        { username: 'ops', password: 'opspw' },
      ],
    });
    expect((await sa(client, GET_VERSION)).data).toEqual(['2.0.99']);
    expect((await sa(client, GET_ACCOUNTS, {})).data).toEqual(['sa', 'ops']);
    expect((await sa(client, GET_DATABASES)).data).toEqual(['one', 'two']);
    expect((await client.service('ops', 'opspw', GET_VERSION)).type).toBe(33);
  });
});

describe('test server: service API errors', () => {
  it('96 for wrong credentials, without needing a database login', async () => {
    const client = await open();
    const wrong = await client.service('sa', 'wrong', GET_VERSION);
    expect(wrong.type).toBe(96);
    expect(wrong.data).toEqual({ error_msg: "incorrect password for service account 'sa'" });
    const unknown = await client.service('nobody', 'siri', GET_VERSION);
    expect(unknown.data).toEqual({ error_msg: "cannot find service account 'nobody'" });
    // a database user is not a service account
    expect((await client.service('iris', 'siri', GET_VERSION)).type).toBe(96);
  });

  it('97 (empty payload) for an invalid envelope, request number, options map, key or value type', async () => {
    const client = await open();
    expect((await client.request(32, 'sa')).type).toBe(97);
    expect((await client.request(32, ['sa', 'siri'])).type).toBe(97);
    expect((await client.request(32, ['sa', 5, GET_VERSION])).type).toBe(97);
    expect((await client.request(32, ['sa', 'siri', qpackFloat(64)])).type).toBe(97);
    expect((await client.request(32, Buffer.from([0xe4]))).type).toBe(97);
    await invalid(client, 99);
    await invalid(client, 7);
    await invalid(client, NEW_ACCOUNT);
    await invalid(client, NEW_ACCOUNT, ['account', 'x']);
    await invalid(client, NEW_ACCOUNT, { account: 'x' });
    await invalid(client, NEW_ACCOUNT, { account: 'xx', password: 'yy', extra: 1 });
    await invalid(client, NEW_ACCOUNT, { account: 'xx', password: 5 });
    await invalid(client, NEW_DATABASE, { dbname: 'db', buffer_size: '1024' });
    await invalid(client, NEW_DATABASE, { time_precision: 's' });
    await invalid(client, DROP_DATABASE, { database: 'dbtest', ignore_offline: 1 });
    await invalid(client, NEW_POOL, {
      dbname: 'db',
      host: 'h',
      port: 9000,
      username: 'u',
      password: 'p',
      pool: 1,
    });
    await invalid(client, NEW_REPLICA, { dbname: 'db', host: 'h', port: 9000, username: 'u', password: 'p' });
  });
});

describe('test server: service accounts', () => {
  it('new_account, change_password and drop_account', async () => {
    const client = await open();
    expect((await sa(client, NEW_ACCOUNT, { account: 'ops', password: 'opspw' })).type).toBe(32);
    expect((await sa(client, GET_ACCOUNTS)).data).toEqual(['sa', 'ops']);
    expect(await serviceError(client, NEW_ACCOUNT, { account: 'ops', password: 'other' })).toBe(
      "service account 'ops' already exists",
    );
    expect(await serviceError(client, NEW_ACCOUNT, { account: 'o', password: 'other' })).toBe(
      'service account name should have at least 2 characters',
    );
    expect(await serviceError(client, NEW_ACCOUNT, { account: 'op2', password: 'x' })).toBe(
      'service account password should have at least 2 characters',
    );
    expect((await sa(client, CHANGE_PASSWORD, { account: 'ops', password: 'newpw' })).type).toBe(32);
    expect((await client.service('ops', 'opspw', GET_VERSION)).type).toBe(96);
    expect((await client.service('ops', 'newpw', GET_VERSION)).type).toBe(33);
    expect(await serviceError(client, CHANGE_PASSWORD, { account: 'nobody', password: 'pw' })).toBe(
      "cannot find service account 'nobody'",
    );
    expect(await serviceError(client, DROP_ACCOUNT, { account: 'nobody' })).toBe(
      "cannot find service account 'nobody'",
    );
    expect((await sa(client, DROP_ACCOUNT, { account: 'ops' })).type).toBe(32);
    expect((await sa(client, GET_ACCOUNTS)).data).toEqual(['sa']);
    // with one account left, the server refuses before it looks the name up
    expect(await serviceError(client, DROP_ACCOUNT, { account: 'ops' })).toBe(
      'at least one service account is required, cannot drop the last service account',
    );
  });
});

describe('test server: service databases', () => {
  it('new_database creates a database with the default user (ms precision by default)', async () => {
    const client = await open();
    expect((await sa(client, NEW_DATABASE, { dbname: 'metrics' })).type).toBe(32);
    expect(
      (await sa(client, NEW_DATABASE, { dbname: 'secs', time_precision: 's', buffer_size: 512 })).type,
    ).toBe(32);
    expect((await sa(client, GET_DATABASES)).data).toEqual(['dbtest', 'metrics', 'secs']);
    expect(await client.auth('iris', 'siri', 'metrics')).toBe(2);
    expect((await client.query('show time_precision, buffer_size, duration_num')).data).toEqual({
      data: [
        { name: 'time_precision', value: 'ms' },
        { name: 'buffer_size', value: 1024 },
        { name: 'duration_num', value: 604_800_000 },
      ],
    });
    expect(await client.auth('iris', 'siri', 'secs')).toBe(2);
    expect((await client.query('show time_precision, buffer_size')).data).toEqual({
      data: [
        { name: 'time_precision', value: 's' },
        { name: 'buffer_size', value: 512 },
      ],
    });
  });

  it('new_database validation messages', async () => {
    const client = await open();
    expect(await serviceError(client, NEW_DATABASE, { dbname: '1bad' })).toBe(
      "invalid database name: '1bad'",
    );
    expect(await serviceError(client, NEW_DATABASE, { dbname: 'dbtest' })).toBe(
      "database name already exists: 'dbtest'",
    );
    expect(await serviceError(client, NEW_DATABASE, { dbname: 'db2', time_precision: 'm' })).toBe(
      "invalid time precision: 'm' (expecting s, ms, us or ns)",
    );
    expect(await serviceError(client, NEW_DATABASE, { dbname: 'db2', buffer_size: 1000 })).toBe(
      'invalid buffer size: 1000 (expecting a multiple of 512 with a maximum of 1048576)',
    );
    expect(await serviceError(client, NEW_DATABASE, { dbname: 'db2', duration_num: '100d' })).toBe(
      "invalid number duration: '100d' (valid examples: 6h, 2d or 1w)",
    );
    expect(await serviceError(client, NEW_DATABASE, { dbname: 'db2', duration_log: '1x' })).toBe(
      "invalid log duration: '1x' (valid examples: 6h, 2d or 1w)",
    );
  });

  it('drop_database removes a database (logins then get 73)', async () => {
    const client = await open();
    expect((await sa(client, DROP_DATABASE, { database: 'dbtest', ignore_offline: true })).type).toBe(32);
    expect((await sa(client, GET_DATABASES)).data).toEqual([]);
    expect(await client.auth()).toBe(73);
    expect(await serviceError(client, DROP_DATABASE, { database: 'nope' })).toBe(
      "cannot find database 'nope'",
    );
  });

  it('new_pool and new_replica validate, then fail: a test server cannot join another server', async () => {
    const client = await open();
    const pool = { dbname: 'joined', host: '127.0.0.1', port: 9000, username: 'iris', password: 'siri' };
    expect(await serviceError(client, NEW_POOL, { ...pool, port: 0 })).toBe(
      'invalid port number: 0 (expecting a value between 0 and 65536)',
    );
    expect(await serviceError(client, NEW_POOL, { ...pool, dbname: 'dbtest' })).toBe(
      "database name already exists: 'dbtest'",
    );
    expect(await serviceError(client, NEW_POOL, pool)).toBe(
      "connecting to server '127.0.0.1:9000' failed with error: connection refused",
    );
    expect(await serviceError(client, NEW_REPLICA, { ...pool, pool: 0 })).toBe(
      "connecting to server '127.0.0.1:9000' failed with error: connection refused",
    );
  });
});
