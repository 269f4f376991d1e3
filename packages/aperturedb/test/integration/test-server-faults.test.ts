import { describe, expect, it } from 'vitest';
import { startApertureDBTestServer } from '../../src/testing/index.js';
import { authenticatedClient, countEntities } from '../support/raw-aperturedb-client.js';

const FIND_COUNT = JSON.stringify([{ FindEntity: { results: { count: true } } }]);
const addEntity = (className: string): string => JSON.stringify([{ AddEntity: { class: className } }]);

describe('ApertureDB test server: faults', () => {
  it('drop-after-frames answers that many requests, then destroys the socket', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'drop-after-frames', frames: 2, times: 1 });
    for (let index = 0; index < 3; index += 1) client.send({ json: FIND_COUNT, token });
    await client.next();
    await client.next();
    await expect(client.next()).rejects.toThrow('closed');
  });

  it('drop-after-frames with 0 frames destroys the socket without executing the request', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'drop-after-frames', frames: 0, times: 1 });
    client.send({ json: addEntity('Zero'), token });
    await expect(client.next()).rejects.toThrow('closed');
    expect(await countEntities(server.port, 'Zero')).toBe(0);
  });

  it('stall holds every later request until clearFaults(), which answers them in order', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'stall', times: 1 });
    client.send({ json: addEntity('First'), token });
    client.send({ json: FIND_COUNT, token });
    await server.waitForRequestCount(3);
    // The held request did not execute: another connection (not stalled) sees no entity.
    expect(await countEntities(server.port, 'First')).toBe(0);
    server.clearFaults();
    expect(JSON.parse((await client.next()).json)).toEqual([{ AddEntity: { status: 0 } }]);
    expect(JSON.parse((await client.next()).json)).toMatchObject([{ FindEntity: { count: 1 } }]);
    client.destroy();
  });

  it('stall without times holds requests on every connection', async () => {
    await using server = await startApertureDBTestServer();
    const first = await authenticatedClient(server.port);
    const second = await authenticatedClient(server.port);
    server.fault({ kind: 'stall' });
    first.client.send({ json: FIND_COUNT, token: first.token });
    second.client.send({ json: FIND_COUNT, token: second.token });
    await server.waitForRequestCount(4);
    server.clearFaults();
    expect(JSON.parse((await first.client.next()).json)).toMatchObject([{ FindEntity: { count: 0 } }]);
    expect(JSON.parse((await second.client.next()).json)).toMatchObject([{ FindEntity: { count: 0 } }]);
    first.client.destroy();
    second.client.destroy();
  });

  it('delay answers after the delay, still in order', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'delay', ms: 20, times: 1 });
    client.send({ json: addEntity('Late'), token });
    client.send({ json: FIND_COUNT, token });
    expect(JSON.parse((await client.next()).json)).toEqual([{ AddEntity: { status: 0 } }]);
    expect(JSON.parse((await client.next()).json)).toMatchObject([{ FindEntity: { count: 1 } }]);
    client.destroy();
  });

  it('a delayed answer dies with its connection (the server closes without waiting for it)', async () => {
    const server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'delay', ms: 60_000 });
    client.send({ json: addEntity('Never'), token });
    await server.waitForRequestCount(2);
    await server.close();
    await client.closed;
  });

  it('drop-request closes the socket without executing the request', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'drop-request', times: 1 });
    client.send({ json: addEntity('Dropped'), token });
    await expect(client.next()).rejects.toThrow('closed');
    expect(await countEntities(server.port, 'Dropped')).toBe(0);
    expect(server.receivedMessages.at(1)?.json).toBe(addEntity('Dropped'));
  });

  it('drop-after-execute executes the request, then closes the socket without answering', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.fault({ kind: 'drop-after-execute', times: 1 });
    client.send({ json: addEntity('Executed'), token });
    await expect(client.next()).rejects.toThrow('closed');
    expect(await countEntities(server.port, 'Executed')).toBe(1);
  });

  it('times limits a fault; faults apply in the order added, across connections', async () => {
    await using server = await startApertureDBTestServer();
    const first = await authenticatedClient(server.port);
    const second = await authenticatedClient(server.port);
    server.fault({ kind: 'drop-request', times: 1 });
    server.fault({ kind: 'drop-after-execute', times: 1 });
    first.client.send({ json: addEntity('A'), token: first.token });
    await expect(first.client.next()).rejects.toThrow('closed');
    second.client.send({ json: addEntity('B'), token: second.token });
    await expect(second.client.next()).rejects.toThrow('closed');
    const third = await authenticatedClient(server.port);
    expect(await third.client.query([{ AddEntity: { class: 'C' } }], third.token)).toEqual([
      { AddEntity: { status: 0 } },
    ]);
    expect([await countEntities(server.port, 'A'), await countEntities(server.port, 'B')]).toEqual([0, 1]);
    third.client.destroy();
  });

  it('refuses malformed faults with a TypeError naming the problem', async () => {
    await using server = await startApertureDBTestServer();
    expect(() => server.fault({ kind: 'delay', ms: -1 })).toThrow(TypeError);
    expect(() => server.fault({ kind: 'drop-after-frames', frames: 1.5 })).toThrow(/frames/);
    expect(() => server.fault({ kind: 'stall', times: 0 })).toThrow(/times/);
    expect(() => server.fault({ kind: 'nope' } as never)).toThrow(/unknown/);
  });
});
