// ApertureDBUtils against the test server: status, schema, counts, indexes, descriptor sets and
// remove_all_objects, each one transaction through the client.
import { afterEach, describe, expect, it } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import { type ApertureDBTestServer, startApertureDBTestServer } from '../../src/testing/index.js';
import { ApertureDBUtils } from '../../src/utils/index.js';
import { float32ToBytes } from '../../src/vectors.js';

const servers: ApertureDBTestServer[] = [];
const clients: ApertureDBClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close({ timeoutMs: 0 });
  for (const server of servers.splice(0)) await server.close();
});

async function setUp(): Promise<{
  server: ApertureDBTestServer;
  db: ApertureDBClient;
  utils: ApertureDBUtils;
}> {
  const server = await startApertureDBTestServer();
  servers.push(server);
  const db = ApertureDBClient.fromUrl(server.url);
  clients.push(db);
  return { server, db, utils: new ApertureDBUtils(db) };
}

describe('ApertureDBUtils', () => {
  it('reports status and the schema, counts entities and connections', async () => {
    const { db, utils } = await setUp();
    expect(await utils.status()).toMatchObject({ status: 0 });
    expect(await utils.getSchema(true)).toMatchObject({ entities: null, connections: null });
    await db.query([
      { AddEntity: { class: 'Person', _ref: 1, properties: { name: 'ann', age: 34 } } },
      { AddEntity: { class: 'Person', _ref: 2, properties: { name: 'bob', age: 51 } } },
      { AddConnection: { class: 'knows', src: 1, dst: 2 } },
    ]);
    expect(await utils.countEntities('Person')).toBe(2);
    expect(await utils.countEntities('Person', { age: ['>', 40] })).toBe(1);
    expect(await utils.countConnections('knows')).toBe(1);
    const schema = await utils.getSchema(true);
    expect(schema.entities?.classes['Person']?.matched).toBe(2);
    expect(schema.connections?.classes['knows']?.matched).toBe(1);
  });

  it('creates an index once (the second call says it existed) and removes it', async () => {
    const { db, utils } = await setUp();
    await db.query([{ AddEntity: { class: 'Person', properties: { name: 'ann' } } }]);
    expect(await utils.createIndex('entity', 'Person', 'name')).toBe(true);
    expect(await utils.createIndex('entity', 'Person', 'name')).toBe(false);
    expect((await utils.getSchema(true)).entities?.classes['Person']?.properties?.['name']?.[1]).toBe(true);
    expect(await utils.removeIndex('entity', 'Person', 'name')).toBe(true);
    expect((await utils.getSchema(true)).entities?.classes['Person']?.properties?.['name']?.[1]).toBe(false);
  });

  it('adds, lists, counts and removes descriptor sets', async () => {
    const { db, utils } = await setUp();
    expect(await utils.addDescriptorSet('faces', 2, { metric: 'L2' })).toBe(true);
    expect(await utils.addDescriptorSet('faces', 2, { metric: 'L2' })).toBe(false);
    await db.query(
      [{ AddDescriptor: { set: 'faces', label: 'a' } }, { AddDescriptor: { set: 'faces', label: 'b' } }],
      [float32ToBytes([1, 2]), float32ToBytes([3, 4])],
    );
    expect(await utils.getDescriptorSetList()).toEqual(['faces']);
    expect(await utils.countDescriptorsInSet('faces')).toBe(2);
    expect(await utils.removeDescriptorSet('faces')).toBe(true);
    expect(await utils.getDescriptorSetList()).toEqual([]);
    expect(await utils.removeDescriptorSet('faces')).toBe(false);
  });

  it('removes every object in one transaction, as the SDK does before each test', async () => {
    const { server, db, utils } = await setUp();
    await db.query(
      [
        { AddEntity: { class: 'Person', properties: { name: 'ann' } } },
        { AddBlob: { properties: { kind: 'raw' } } },
        { AddDescriptorSet: { name: 'faces', dimensions: 1 } },
      ],
      [new Uint8Array([1, 2, 3])],
    );
    const before = server.requestCount;
    expect(await utils.removeAllObjects()).toBe(true);
    expect(server.requestCount).toBe(before + 1);
    expect(await utils.countEntities('Person')).toBe(0);
    expect(await utils.getDescriptorSetList()).toEqual([]);
  });
});
