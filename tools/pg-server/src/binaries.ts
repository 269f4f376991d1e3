import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The directory with initdb and pg_ctl: `CONN_PG_BINDIR`, else the newest Debian install. */
export function findBinDir(env: NodeJS.ProcessEnv): { binDir: string } | { reason: string } {
  const explicit = env['CONN_PG_BINDIR'];
  if (explicit !== undefined && explicit !== '') {
    return hasServer(explicit)
      ? { binDir: explicit }
      : { reason: `no initdb/pg_ctl/postgres in CONN_PG_BINDIR=${explicit}` };
  }
  if (!existsSync(DEBIAN_ROOT)) {
    return {
      reason: `no PostgreSQL server binaries under ${DEBIAN_ROOT} (install the Debian package postgresql) and CONN_COCKROACHDB_URL is not set`,
    };
  }
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name) && hasServer(join(DEBIAN_ROOT, name, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) {
    return {
      reason: `no PostgreSQL server binaries under ${DEBIAN_ROOT}/*/bin and CONN_COCKROACHDB_URL is not set`,
    };
  }
  return { binDir: join(DEBIAN_ROOT, newest, 'bin') };
}

function hasServer(binDir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((name) => existsSync(join(binDir, name)));
}
