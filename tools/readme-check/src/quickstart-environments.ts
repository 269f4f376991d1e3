import { startApertureDBTestServer } from '@conn/aperturedb/testing';
import { CockroachDBClient } from '@conn/cockroachdb';
import { startCockroachDBTestServer } from '@conn/cockroachdb/testing';
import { startE6DataTestServer } from '@conn/e6data/testing';
import type { PgServerAvailability } from '@conn/pg-server';
import { startSiriDBTestServer } from '@conn/siridb/testing';
import { startZTeraDBTestServer } from '@conn/zteradb/testing';

/**
 * What a package's runnable blocks run against: the environment variables their quickstart reads
 * (each README documents the variable and its default), and the servers behind them.
 */
export interface QuickstartEnvironment {
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** What the environments may need from the test run. */
export interface EnvironmentContext {
  /** The run's PostgreSQL (vitest global setup of `@conn/pg-server`). */
  readonly postgres: PgServerAvailability | undefined;
}

/** An environment that cannot be had on this machine; the blocks needing it skip, saying why. */
export class EnvironmentUnavailable extends Error {
  override readonly name = 'EnvironmentUnavailable';
}

type EnvironmentStarter = (context: EnvironmentContext) => Promise<QuickstartEnvironment>;

/**
 * One entry per package under `packages/`: a new driver adds its own (its `start<Db>TestServer()`
 * and the variable its quickstart reads); a package without one fails the check.
 */
export const quickstartEnvironments: Readonly<Record<string, EnvironmentStarter>> = {
  // Core's quickstart brings its own little server.
  '@conn/core': async () => ({ env: {}, close: async () => {} }),
  '@conn/siridb': async () => {
    const server = await startSiriDBTestServer();
    return { env: { SIRIDB_URL: server.url }, close: () => server.close() };
  },
  '@conn/cockroachdb': startCockroachDBEnvironment,
  '@conn/zteradb': startZTeraDBEnvironment,
  '@conn/e6data': async () => {
    const server = await startE6DataTestServer();
    return { env: { E6DATA_URL: server.url }, close: () => server.close() };
  },
  '@conn/aperturedb': async () => {
    const server = await startApertureDBTestServer();
    return { env: { APERTUREDB_URL: server.url }, close: () => server.close() };
  },
};

/** Starts the environment of a package's blocks. @throws EnvironmentUnavailable, or Error for an unknown package. */
export function startQuickstartEnvironment(
  packageName: string,
  context: EnvironmentContext,
): Promise<QuickstartEnvironment> {
  const start = quickstartEnvironments[packageName];
  if (start === undefined) {
    return Promise.reject(
      new Error(
        `no quickstart environment for ${packageName}: add one to tools/readme-check/src/quickstart-environments.ts`,
      ),
    );
  }
  return start(context);
}

/**
 * The CockroachDB test server in front of the run's PostgreSQL, on a database of its own (so a
 * quickstart finds no tables from an earlier run, even on a long-lived `CONN_COCKROACHDB_URL`),
 * dropped at the end. The quickstart reads `DATABASE_URL`, as CockroachDB's own examples do.
 */
async function startCockroachDBEnvironment(context: EnvironmentContext): Promise<QuickstartEnvironment> {
  const postgres = context.postgres;
  if (postgres === undefined) throw new EnvironmentUnavailable('no PostgreSQL was provided to this run');
  if (!postgres.available) throw new EnvironmentUnavailable(postgres.reason);
  const adminUrl = new URL(postgres.info.url);
  if (!adminUrl.searchParams.has('sslmode')) adminUrl.searchParams.set('sslmode', 'disable');
  const admin = CockroachDBClient.fromUrl(adminUrl.toString(), { pool: { max: 1 } });
  const database = `readme_check_${process.pid}_${Date.now()}`;
  try {
    await admin.createDatabase(database);
    const upstream = new URL(adminUrl);
    upstream.pathname = `/${database}`;
    const server = await startCockroachDBTestServer({ upstream: upstream.toString() });
    return {
      env: { DATABASE_URL: server.url },
      async close() {
        try {
          await server.close();
          await admin.dropDatabase(database);
        } finally {
          await admin.close();
        }
      },
    };
  } catch (error) {
    await admin.close();
    throw error;
  }
}

/**
 * The ZTeraDB test server with the `user` table its README's blocks read (empty: the quickstart
 * inserts its own rows), on database `DB1`. The quickstart reads `ZTERADB_URL`.
 */
async function startZTeraDBEnvironment(): Promise<QuickstartEnvironment> {
  const server = await startZTeraDBTestServer({
    databases: { DB1: { user: [] } },
    keys: [{ clientKey: 'CLIENT_KEY', accessKey: 'ACCESS_KEY', secretKey: 'SECRET_KEY' }],
  });
  return { env: { ZTERADB_URL: server.url }, close: () => server.close() };
}
