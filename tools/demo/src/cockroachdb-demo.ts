// CockroachDB quickstart against a local PostgreSQL (same wire protocol): the starting document's
// example (create table, insert, selectOne, update, delete, raw SQL, a transaction), a retried
// transaction, streaming, and a typed error. CONN_COCKROACHDB_URL points it at a real cluster.
import { CockroachDBClient, isConnError, UniqueViolationError } from '@conn/cockroachdb';
import { startPgServer } from '@conn/pg-server';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export async function cockroachdbDemo(): Promise<void> {
  const handle = await startPgServer();
  try {
    if (handle.availability.available) {
      const { info } = handle.availability;
      console.log(`PostgreSQL ${info.version} (${info.source}) at ${info.redactedUrl}`);
      const url = new URL(info.url);
      if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
      await quickstart(url.toString(), 4);
      return;
    }
    console.log(
      `no PostgreSQL server (${handle.availability.reason}); using PGlite, PostgreSQL in WebAssembly`,
    );
    await using embedded = await startEmbeddedPostgres();
    console.log(`PGlite ${embedded.version} at ${embedded.url}`);
    await quickstart(embedded.url, 1);
  } finally {
    await handle.stop();
  }
}

async function quickstart(url: string, poolSize: number): Promise<void> {
  {
    await using db = CockroachDBClient.fromUrl(url, { pool: { max: poolSize } });
    await db.connect();
    console.log('server:', db.server);

    await db.dropTable('demo_users');
    await db.createTable('demo_users', {
      id: 'UUID PRIMARY KEY DEFAULT gen_random_uuid()',
      name: 'TEXT NOT NULL',
      email: 'TEXT UNIQUE NOT NULL',
      age: 'INTEGER',
      active: 'BOOLEAN DEFAULT TRUE',
    });
    const user = await db.insert<{ id: string; name: string }>('demo_users', {
      name: 'John Doe',
      email: 'john@example.com',
      age: 30,
    });
    console.log('insert returns the row:', user);
    console.log(
      'selectOne:',
      await db.selectOne('demo_users', { where: { id: user.id }, columns: ['name', 'age'] }),
    );
    console.log(
      'update returns rows:',
      await db.update('demo_users', { age: 31 }, { id: user.id }, { returning: ['age'] }),
    );
    console.log('raw SQL:', await db.query('SELECT name FROM demo_users WHERE age > $1', [25]));
    console.log('delete returns the count:', await db.delete('demo_users', { id: user.id }));

    let attempts = 0;
    await db.runInTransaction(async (tx) => {
      attempts++;
      await tx.insert('demo_users', { name: 'Alice', email: 'alice@example.com', age: 25 });
      await tx.insert('demo_users', { name: 'Bob', email: 'bob@example.com', age: 28 });
      // The first attempt meets a serialization failure, as CockroachDBClient sends under contention.
      if (attempts === 1) {
        await tx.execute(
          `DO $$ BEGIN RAISE EXCEPTION 'restart transaction: demo' USING ERRCODE = '40001'; END $$`,
        );
      }
    });
    console.log(
      `runInTransaction committed after ${attempts} attempts; rows:`,
      await db.select('demo_users', { columns: ['name'], orderBy: [{ column: 'name' }] }),
    );

    const { rowCount } = await db.batchInsert(
      'demo_users',
      Array.from({ length: 5_000 }, (_, i) => ({
        name: `user ${i}`,
        email: `user${i}@example.com`,
        age: i % 90,
      })),
    );
    let streamed = 0;
    for await (const _row of db.stream('SELECT * FROM demo_users ORDER BY email')) {
      streamed++;
      if (streamed === 1_000) break;
    }
    console.log(`batchInsert stored ${rowCount} rows; streamed the first ${streamed} and stopped`);

    try {
      await db.insert('demo_users', { name: 'Again', email: 'alice@example.com' });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        console.log(`duplicate email: ${error.name} (${error.code}), constraint ${error.constraint}`);
      } else if (isConnError(error)) console.log(`unexpected: ${error.code}`);
    }
    await db.dropTable('demo_users');
    console.log('pool:', db.stats());
  }
}
