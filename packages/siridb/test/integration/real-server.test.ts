// Runs against a real SiriDB when CONN_SIRIDB_URL is set (siridb://user:pass@host:port/db), and
// the service API when CONN_SIRIDB_SERVICE_URL is set. Series and databases get unique names and
// are dropped afterwards.
import { afterAll, describe, expect, it } from 'vitest';
import { SiriDBClient, SiriDBQueryError, SiriDBService } from '../../src/index.js';

const url = process.env['CONN_SIRIDB_URL'];
const serviceUrl = process.env['CONN_SIRIDB_SERVICE_URL'];
if (!url) console.warn('real SiriDB tests skipped: CONN_SIRIDB_URL is not set');
if (!serviceUrl) console.warn('real SiriDB service tests skipped: CONN_SIRIDB_SERVICE_URL is not set');

const prefix = `conn.test.${process.pid}.${Date.now()}.`;

describe.skipIf(!url)('against a real SiriDB (CONN_SIRIDB_URL)', () => {
  const client = url ? SiriDBClient.fromUrl(url) : undefined;
  afterAll(async () => {
    await client
      ?.query(`drop series /${prefix.replace(/\./g, '\\.')}.*/ set ignore_threshold true`)
      .catch(() => {});
    await client?.close();
  });

  it('connects, inserts, selects, lists and counts', async () => {
    const db = client as SiriDBClient;
    await db.connect();
    expect(db.hosts.every((host) => host.connected)).toBe(true);
    const precision = (await db.query('show time_precision'))['data'] as { value: string }[];
    const now = Math.floor(
      Date.now() / { s: 1000, ms: 1, us: 0.001, ns: 0.000001 }[precision[0]?.value as 's'],
    );
    await db.insert({ [`${prefix}a`]: [[now, 1.5]], [`${prefix}b`]: [[now, 'text']] });
    expect(await db.query(`select * from "${prefix}a"`)).toEqual({ [`${prefix}a`]: [[now, 1.5]] });
    const listed = await db.query(`list series name, type /${prefix.replace(/\./g, '\\.')}.*/`);
    expect(listed['series']).toEqual(
      expect.arrayContaining([
        [`${prefix}a`, 'float'],
        [`${prefix}b`, 'string'],
      ]),
    );
    await expect(db.query('select nonsense from')).rejects.toBeInstanceOf(SiriDBQueryError);
  });
});

describe.skipIf(!serviceUrl)('service API against a real SiriDB (CONN_SIRIDB_SERVICE_URL)', () => {
  it('creates and drops a database', async () => {
    await using service = SiriDBService.fromUrl(serviceUrl as string);
    const name = `conn${process.pid % 100_000}`;
    expect(typeof (await service.getVersion())).toBe('string');
    await service.newDatabase({ dbname: name });
    try {
      expect(await service.getDatabases()).toContain(name);
    } finally {
      await service.dropDatabase(name);
    }
  });
});
