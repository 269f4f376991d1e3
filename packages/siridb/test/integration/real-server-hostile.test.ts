// The quoting helpers against a real SiriDB, when CONN_SIRIDB_URL is set
// (siridb://user:pass@host:port/db): the same hostile names as quoting.test.ts, under a unique
// prefix, dropped afterwards.
import { afterAll, beforeAll, describe } from 'vitest';
import { SiriDBClient } from '../../src/index.js';
import { type HostileTarget, hostileQuotingTests } from '../support/hostile-quoting.js';

const url = process.env['CONN_SIRIDB_URL'];
if (!url) console.warn('real SiriDB hostile-name tests skipped: CONN_SIRIDB_URL is not set');

const UNITS_PER_MS = { s: 0.001, ms: 1, us: 1000, ns: 1_000_000 } as const;

describe.skipIf(!url)('quoting hostile names (real SiriDB, CONN_SIRIDB_URL)', () => {
  let target: HostileTarget;

  beforeAll(async () => {
    const client = SiriDBClient.fromUrl(url as string);
    const shown = (await client.query('show time_precision'))['data'] as { value: string }[];
    const precision = shown[0]?.value as keyof typeof UNITS_PER_MS;
    target = {
      client,
      prefix: `conn.hostile.${process.pid}.${Date.now()}.`,
      now: Math.floor(Date.now() * UNITS_PER_MS[precision]),
    };
  });

  afterAll(async () => {
    await target?.client.close();
  });

  hostileQuotingTests(() => target);
});
