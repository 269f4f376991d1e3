import type {} from '@conn/pg-server/vitest-global-setup';
import { inject } from 'vitest';
import { CockroachDBClient, type CockroachDBOptions } from '../../src/index.js';

/** The PostgreSQL of this run, or why there is none (printed once per file by `describeWithDatabase`). */
export interface TestDatabase {
  readonly url: string | undefined;
  readonly skipReason: string | undefined;
  readonly canRestart: boolean;
}

function resolve(): TestDatabase {
  const fromEnv = process.env['CONN_COCKROACHDB_URL'];
  if (fromEnv !== undefined && fromEnv !== '')
    return { url: fromEnv, skipReason: undefined, canRestart: false };
  const provided = inject('connPg');
  if (provided === undefined)
    return { url: undefined, skipReason: 'no PostgreSQL was provided to this run', canRestart: false };
  if (!provided.available) return { url: undefined, skipReason: provided.reason, canRestart: false };
  return { url: provided.info.url, skipReason: undefined, canRestart: provided.info.canRestart };
}

export const testDatabase: TestDatabase = resolve();

if (testDatabase.skipReason !== undefined) {
  console.log(`PostgreSQL tests skip: ${testDatabase.skipReason}`);
}

/** The test server's URL with TLS off (the throwaway cluster has none). */
export function databaseUrl(): string {
  if (testDatabase.url === undefined) throw new Error('no test database');
  const url = new URL(testDatabase.url);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.toString();
}

/** A client on the test database; close it (or `await using`). */
export function openDatabase(overrides: CockroachDBOptions = {}): CockroachDBClient {
  return CockroachDBClient.fromUrl(databaseUrl(), overrides);
}

let counter = 0;
/** A table name unique to this process and call, so test files can run in parallel. */
export function uniqueTable(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

/** Waits for the end of the event-loop turn, when a session lent to single statements goes back to the pool. */
export function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
