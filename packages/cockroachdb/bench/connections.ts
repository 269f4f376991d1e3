// How each client under test connects to the one server of the run, TLS off for all of them.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import postgres from 'postgres';
import type { CockroachDBClient, CockroachDBOptions } from '../src/index.js';

export interface Clients {
  /** @conn/cockroachdb with `pool.max` = `max` (the URL gets `sslmode=disable`), then `overrides`. */
  ours(max: number, overrides?: CockroachDBOptions): CockroachDBClient;
  /** A connected `pg.Client`. */
  pgClient(options?: { pipeline?: boolean }): Promise<pg.Client>;
  pgPool(max: number): pg.Pool;
  postgresJs(max: number): postgres.Sql;
}

/** `driver`: the CockroachDB class of the build being measured (see driver.ts). */
export function clientsFor(url: string, driver: typeof CockroachDBClient): Clients {
  const parsed = new URL(url);
  const ourUrl = new URL(url);
  ourUrl.searchParams.set('sslmode', 'disable');
  const host = parsed.searchParams.get('host') ?? (decodeURIComponent(parsed.hostname) || 'localhost');
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const pgConfig: pg.ClientConfig = { host, port, user, password, database, ssl: false };
  return {
    ours: (max, overrides = {}) => driver.fromUrl(ourUrl.toString(), { pool: { max }, ...overrides }),
    async pgClient(options = {}) {
      const client = new pg.Client({ ...pgConfig, pipeline: options.pipeline === true });
      await client.connect();
      return client;
    },
    pgPool: (max) => new pg.Pool({ ...pgConfig, max }),
    postgresJs: (max) =>
      postgres({ host, port, user, pass: password, database, ssl: false, max, onnotice: () => {} }),
  };
}

/** The version of an installed package, from its package.json (postgres does not export that file). */
export function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let directory = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && manifest.version !== undefined) return manifest.version;
    } catch {
      // No package.json here: look further up.
    }
    const parent = dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
}
