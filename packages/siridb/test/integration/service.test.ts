import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SiriDBClient, SiriDBService, SiriDBServiceError } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const servers: SiriDBTestServer[] = [];
const services: SiriDBService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(password = 'siri') {
  const server = await startSiriDBTestServer();
  servers.push(server);
  const service = new SiriDBService({ host: server.host, port: server.port, password });
  services.push(service);
  return { server, service };
}

describe('SiriDBService (service API, request type 32)', () => {
  it('reads the version, accounts and databases', async () => {
    const { service } = await setup();
    expect(await service.getVersion()).toBe('2.0.55');
    expect(await service.getAccounts()).toEqual(['sa']);
    expect(await service.getDatabases()).toEqual(['dbtest']);
  });

  it('creates a database that a client can then use, and drops it', async () => {
    const { server, service } = await setup();
    await service.newDatabase({ dbname: 'metrics', timePrecision: 's', bufferSize: 1024 });
    expect(await service.getDatabases()).toEqual(expect.arrayContaining(['dbtest', 'metrics']));
    await using client = new SiriDBClient({
      username: 'iris',
      password: 'siri',
      dbname: 'metrics',
      hostlist: [{ host: server.host, port: server.port }],
    });
    const show = await client.query('show time_precision');
    expect(show).toEqual({ data: [{ name: 'time_precision', value: 's' }] });
    await service.dropDatabase('metrics');
    expect(await service.getDatabases()).toEqual(['dbtest']);
  });

  it('manages service accounts', async () => {
    const { server, service } = await setup();
    await service.newAccount('ops', 'ops-pass');
    expect(await service.getAccounts()).toEqual(expect.arrayContaining(['sa', 'ops']));
    await service.changePassword('ops', 'new-pass');
    const asOps = new SiriDBService({
      host: server.host,
      port: server.port,
      username: 'ops',
      password: 'new-pass',
    });
    services.push(asOps);
    expect(await asOps.getVersion()).toBe('2.0.55');
    await service.dropAccount('ops');
    expect(await service.getAccounts()).toEqual(['sa']);
  });

  it('server refusals are SiriDBServiceError with the server message (96)', async () => {
    const { service } = await setup();
    const invalid = await service.newDatabase({ dbname: '1bad' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(SiriDBServiceError);
    expect(invalid).toMatchObject({
      code: 'CONN_SIRIDB_SERVICE',
      siridbType: 96,
      serverMessage: "invalid database name: '1bad'",
    });
    const missing = await service.dropDatabase('nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ siridbType: 96, serverMessage: "cannot find database 'nope'" });
  });

  it('wrong service credentials: 96 without the password anywhere', async () => {
    const { service } = await setup('WrongPassword1');
    const error = await service.getVersion().catch((e: unknown) => e);
    expect(error).toMatchObject({
      siridbType: 96,
      serverMessage: "incorrect password for service account 'sa'",
    });
    expect(inspect(error)).not.toContain('WrongPassword1');
    expect(JSON.stringify(error)).not.toContain('WrongPassword1');
  });

  it('an invalid request is CONN_SIRIDB_SERVICE_INVALID_REQUEST (97)', async () => {
    const { service } = await setup();
    const error = await service
      .newDatabase({ dbname: 'x2', bufferSize: 'big' as never })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONN_SIRIDB_SERVICE_INVALID_REQUEST', siridbType: 97 });
  });

  it('fromUrl reads the service account from the URL', async () => {
    const { server } = await setup();
    const service = SiriDBService.fromUrl(`siridb://sa:siri@127.0.0.1:${server.port}`);
    services.push(service);
    expect(await service.getVersion()).toBe('2.0.55');
    expect(String(service)).not.toContain('siri@');
  });

  it('reconnects after the server dropped its connection', async () => {
    const { server, service } = await setup();
    await service.getVersion();
    server.dropConnections();
    await server.waitForConnectionCount(0);
    expect(await service.getDatabases()).toEqual(['dbtest']);
  });
});
