// One suite of hostile series names, run against the test server (quoting.test.ts) and a real
// SiriDB (real-server-hostile.test.ts): every name is inserted, then selected, listed and dropped
// through the quoting helpers, and each query must touch exactly the named series.
import { ConfigError } from '@conn/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  escapeRegex,
  quoteName,
  quoteRegex,
  quoteString,
  type SiriDBClient,
  siridbQuery,
} from '../../src/index.js';

/** Names (after a unique prefix) that break naive quoting, regexes or the server's text handling. */
export const HOSTILE_NAMES: readonly string[] = [
  'plain',
  'dq"uote',
  '"',
  '""',
  "sq'uote",
  "'",
  `mixed"'"'`,
  'back\\slash',
  'trailing\\',
  '\\"',
  'new\nline',
  'ends\n',
  'ends',
  'cr\rlf\r\n',
  'tab\t',
  'sl/ash',
  '/.*/',
  '", /.*/ set ignore_threshold true',
  "', /.*/ set ignore_threshold true",
  '.*+?|()[]{}^$',
  'a|b',
  'a',
  'b',
  '#not a comment',
  '`grave`',
  '  ',
  'é ñ 中文 😀',
  '\u200b\u202eright-to-left',
];

export interface HostileTarget {
  readonly client: SiriDBClient;
  /** A prefix no other test or user has; every series of the suite starts with it. */
  readonly prefix: string;
  /** A timestamp in the database's precision. */
  readonly now: number;
  /** Queries the server has received so far, when the target can tell (the test server can). */
  readonly sentQueries?: () => number;
}

/** A regex literal matching every series of the prefix (`[\s\S]` also crosses newlines). */
export function allOfPrefix(prefix: string): string {
  return quoteRegex(`${escapeRegex(prefix)}[\\s\\S]*`);
}

async function listNames(client: SiriDBClient, regex: string): Promise<string[]> {
  const answer = await client.query(`list series name ${regex}`);
  return (answer['series'] as string[][]).map((row) => row[0] as string).sort();
}

async function refused(run: () => Promise<unknown>, code: string): Promise<ConfigError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe(code);
  return error as ConfigError;
}

/** Registers the suite's tests; `target()` is called once the suite's `beforeAll` may use it. */
export function hostileQuotingTests(target: () => HostileTarget): void {
  const full = (name: string): string => `${target().prefix}${name}`;
  const all = (): string[] => HOSTILE_NAMES.map(full).sort();

  beforeAll(async () => {
    const { client, now } = target();
    const points = HOSTILE_NAMES.map((name, index) => ({
      name: full(name),
      points: [[now, index]] as const,
    }));
    const result = await client.insert(points);
    expect(result.seriesCount).toBe(HOSTILE_NAMES.length);
  });

  afterAll(async () => {
    const { client, prefix } = target();
    await client.query(`drop series ${allOfPrefix(prefix)} set ignore_threshold true`).catch(() => {});
  });

  it('stored every name as its own series, exactly as written', async () => {
    expect(await listNames(target().client, allOfPrefix(target().prefix))).toEqual(all());
  });

  it('selects exactly the named series with quoteName, quoteString and siridbQuery', async () => {
    const { client, now } = target();
    for (const [index, name] of HOSTILE_NAMES.entries()) {
      const expected = { [full(name)]: [[now, index]] };
      expect(await client.query(`select * from ${quoteName(full(name))}`)).toEqual(expected);
      expect(await client.query(`select * from ${quoteString(full(name))}`)).toEqual(expected);
      expect(await client.query(siridbQuery`select * from ${full(name)}`)).toEqual(expected);
    }
  });

  it('lists exactly the named series with quoteRegex(escapeRegex(name))', async () => {
    const { client } = target();
    for (const name of HOSTILE_NAMES) {
      expect(await listNames(client, quoteRegex(escapeRegex(full(name))))).toEqual([full(name)]);
    }
    // the server anchors `^a|b$`, which alone would also match the series `a|b`
    const either = quoteRegex(`${escapeRegex(full('a'))}|${escapeRegex(full('b'))}`);
    expect(await listNames(client, either)).toEqual([full('a'), full('b')]);
  });

  it('refuses a query with NUL or a lone surrogate before sending it', async () => {
    const { client, sentQueries } = target();
    const before = sentQueries?.();
    // the reported attack: the server would run `drop series "", /.*/ set ignore_threshold true`
    const attack = `drop series "${full('", /.*/ set ignore_threshold true\0')}"`;
    await refused(() => client.query(attack), 'CONN_SIRIDB_NUL');
    await refused(() => client.query(`drop series "${full('x\uD800')}"`), 'CONN_SIRIDB_LONE_SURROGATE');
    expect(() => quoteName(full('x\0'))).toThrow(ConfigError);
    expect(sentQueries?.()).toBe(before);
    expect(await listNames(client, allOfPrefix(target().prefix))).toEqual(all());
  });

  it('refuses inserts that SiriDB would merge or change, storing nothing', async () => {
    const { client, now } = target();
    const merged = { [full('tenantA\0secret')]: [[now, 1]], [full('tenantA\0public')]: [[now, 2]] } as const;
    await refused(() => client.insert(merged), 'CONN_SIRIDB_NUL');
    await refused(() => client.insert({ [full('value')]: [[now, 'ab\0cd']] }), 'CONN_SIRIDB_NUL');
    await refused(() => client.insert({ [full('x\uDC00')]: [[now, 1]] }), 'CONN_SIRIDB_LONE_SURROGATE');
    await refused(() => client.insert({ [full('value')]: [[now, 'x\uD800']] }), 'CONN_SIRIDB_LONE_SURROGATE');
    expect(await listNames(client, allOfPrefix(target().prefix))).toEqual(all());
  });

  it('drops exactly the named series, one at a time', async () => {
    const { client } = target();
    const left = new Set(all());
    for (const [index, name] of HOSTILE_NAMES.entries()) {
      // alternate the helpers: every form must drop the one series and nothing else (the last
      // drop of the test server's database is 100% of it, hence ignore_threshold)
      const query =
        index % 3 === 0
          ? `drop series ${quoteName(full(name))} set ignore_threshold true`
          : index % 3 === 1
            ? siridbQuery`drop series ${full(name)} set ignore_threshold true`
            : `drop series ${quoteRegex(escapeRegex(full(name)))} set ignore_threshold true`;
      expect(await client.query(query)).toEqual({ success_msg: 'Successfully dropped 1 series.' });
      left.delete(full(name));
      expect(await listNames(client, allOfPrefix(target().prefix))).toEqual([...left].sort());
    }
  });
}
