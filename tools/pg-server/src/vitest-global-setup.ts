// vitest globalSetup: one PostgreSQL for the whole run of a package's tests, handed to the test
// workers with provide/inject (`inject('connPg')`), stopped when the run ends.
import { startPgServer } from './pg-server.js';
import type { PgServerAvailability } from './types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    connPg: PgServerAvailability;
  }
}

interface ProvidingProject {
  provide(key: 'connPg', value: PgServerAvailability): void;
}

export default async function setup(project: ProvidingProject): Promise<() => Promise<void>> {
  const handle = await startPgServer();
  if (!handle.availability.available) console.log(`PostgreSQL tests skip: ${handle.availability.reason}`);
  project.provide('connPg', handle.availability);
  return () => handle.stop();
}
