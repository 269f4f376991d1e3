// The per-session prepared-statement cache, observed through the CockroachDB test server (which
// logs every Parse that names a statement) and through pg_prepared_statements on the session.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CockroachDBClient, type CockroachDBOptions, SqlError } from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('prepared-statement cache', () => {
  let server: CockroachDBTestServer;
  let db: CockroachDBClient;
  let table: string;

  function open(options: CockroachDBOptions = {}): CockroachDBClient {
    db = CockroachDBClient.fromUrl(server.url, { pool: { max: 1 }, ...options });
    return db;
  }

  let lookups = 0;
  /**
   * Names and texts the session holds, as the server sees them. Each lookup is a text of its own
   * (a numbered comment): a text run twice would be prepared itself and show in its own answer.
   */
  async function preparedOnServer(): Promise<{ name: string; statement: string }[]> {
    lookups++;
    return db.query<{ name: string; statement: string }>(
      `SELECT name, statement FROM pg_prepared_statements ORDER BY name -- lookup ${lookups}`,
    );
  }

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    table = uniqueTable('stmt_cache');
  });
  afterEach(async () => {
    server.clearFaults();
    await db.execute(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await db.close();
    await server.close();
  });

  it('parses a repeated statement with parameters once per session, then only binds and executes it', async () => {
    open();
    for (let i = 0; i < 5; i++) {
      expect(await db.query('SELECT $1::int AS x', [i])).toEqual([{ x: i }]);
      expect(await db.query('SELECT $1::text AS t', [`v${i}`])).toEqual([{ t: `v${i}` }]);
    }
    expect(server.namedParses()).toEqual(['SELECT $1::int AS x', 'SELECT $1::text AS t']);
    // Every run is still a statement of the log, Parse or not.
    expect(server.statements().filter((text) => text === 'SELECT $1::int AS x')).toHaveLength(5);
    const prepared = await preparedOnServer();
    expect(prepared.map((row) => row.statement).sort()).toEqual([
      'SELECT $1::int AS x',
      'SELECT $1::text AS t',
    ]);
  });

  it('prepares a query without parameters from its second run on; a text run once stays unprepared', async () => {
    open();
    const select = `SELECT 1 AS one, 'two'::text AS two, 3::int8 AS three, NULL::int AS nothing -- ${table}`;
    const expected = [{ one: 1, two: 'two', three: '3', nothing: null }];
    for (let i = 0; i < 5; i++) expect(await db.query(select)).toEqual(expected);
    expect(await db.query(`SELECT 7 AS once -- ${table}`)).toEqual([{ once: 7 }]);
    // Parsed once on the session (at its second run); the first run and the one-off went as simple Query.
    expect(server.namedParses()).toEqual([select]);
    expect(server.statements().filter((text) => text === select)).toHaveLength(5);
    // A query returning no rows, and the same text in a transaction, answer the same way.
    const none = `SELECT 1 AS one WHERE false -- ${table}`;
    for (let i = 0; i < 3; i++) expect(await db.query(none)).toEqual([]);
    await db.runInTransaction(async (tx) => {
      expect(await tx.query(select)).toEqual(expected);
    });
  });

  it('a query without parameters whose columns change is prepared again and answers with the new ones', async () => {
    open();
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY)`);
    await db.execute(`INSERT INTO ${table} VALUES (1)`);
    const select = `SELECT * FROM ${table}`;
    for (let i = 0; i < 3; i++) expect(await db.query(select)).toEqual([{ id: '1' }]);
    await db.execute(`ALTER TABLE ${table} ADD COLUMN v TEXT DEFAULT 'x'`);
    // The server refuses the stale statement (0A000) before running it; it is parsed again.
    expect(await db.query(select)).toEqual([{ id: '1', v: 'x' }]);
    expect(await db.query(select)).toEqual([{ id: '1', v: 'x' }]);
    expect(server.namedParses().filter((text) => text === select)).toHaveLength(2);
  });

  it('runInTransaction runs again a transaction whose prepared query went stale, parsing it afresh', async () => {
    open();
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY)`);
    await db.execute(`INSERT INTO ${table} VALUES (1)`);
    const select = `SELECT * FROM ${table}`;
    for (let i = 0; i < 3; i++) await db.query(select);
    await db.execute(`ALTER TABLE ${table} ADD COLUMN v TEXT DEFAULT 'x'`);
    let attempts = 0;
    const rows = await db.runInTransaction(
      async (tx) => {
        attempts++;
        return tx.query(select);
      },
      { backoff: { baseMs: 1, maxMs: 2 } },
    );
    expect(rows).toEqual([{ id: '1', v: 'x' }]);
    // The stale statement failed before it ran (0A000); the second attempt parsed it under a new name.
    expect(attempts).toBe(2);
    expect(server.namedParses().filter((text) => text === select)).toHaveLength(2);
  });

  it('a prepared query without parameters that fails at run time fails each time, typed, and the session goes on', async () => {
    open();
    const failing = `SELECT 1 / (random() * 0)::int AS boom -- ${table}`;
    for (let i = 0; i < 3; i++) await expect(db.query(failing)).rejects.toMatchObject({ sqlstate: '22012' });
    expect(await db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });

  it('keeps rowMode array working on a prepared statement', async () => {
    open();
    await db.query('SELECT $1::int AS a, 2 AS a', [1]);
    const result = await db.execute('SELECT $1::int AS a, 2 AS a', [1], { rowMode: 'array' });
    expect(result.rows).toEqual([[1, 2]]);
    expect(server.namedParses()).toEqual(['SELECT $1::int AS a, 2 AS a']);
  });

  it('deallocates the least recently used statement past statementCache, so the session stays bounded', async () => {
    open({ statementCache: 2 });
    for (let i = 0; i < 6; i++) await db.query(`SELECT ${i} + $1::int AS n`, [0]);
    const deallocations = server.statements().filter((text) => text.startsWith('DEALLOCATE '));
    expect(deallocations.length).toBeGreaterThanOrEqual(4);
    const prepared = await preparedOnServer();
    expect(prepared.length).toBeLessThanOrEqual(2);
    // An evicted statement is parsed again when it comes back, and still answers.
    expect(await db.query('SELECT 0 + $1::int AS n', [0])).toEqual([{ n: 0 }]);
    expect(server.namedParses().filter((text) => text === 'SELECT 0 + $1::int AS n')).toHaveLength(2);
  });

  it('a statement evicted while its Parse was in flight is parsed again on its next use, without a failed run', async () => {
    open({ statementCache: 1 });
    const first = db.query('SELECT $1::int AS a', [1]);
    // Pushes the first out while its Parse is unanswered: its ParseComplete arrives after the DEALLOCATE was sent.
    const second = db.query('SELECT $1::int AS b', [2]);
    await first;
    await second;
    expect(await db.query('SELECT $1::int AS a', [1])).toEqual([{ a: 1 }]);
    // Twice parsed, twice run: no Bind of a deallocated name that failed and was retried.
    expect(server.namedParses().filter((text) => text === 'SELECT $1::int AS a')).toHaveLength(2);
    expect(server.statements().filter((text) => text === 'SELECT $1::int AS a')).toHaveLength(2);
  });

  it('deallocates nothing inside a transaction; the cache shrinks back after it', async () => {
    open({ statementCache: 1 });
    await db.runInTransaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.query(`SELECT ${i} + $1::int AS n`, [0]);
    });
    const log = server.statements();
    const commit = log.lastIndexOf('COMMIT');
    expect(log.slice(0, commit).some((text) => text.startsWith('DEALLOCATE '))).toBe(false);
    await db.query('SELECT $1::int AS after', [1]);
    expect(server.statements().filter((text) => text.startsWith('DEALLOCATE '))).toHaveLength(3);
    expect((await preparedOnServer()).length).toBeLessThanOrEqual(1);
  });

  it('statementCache 0 sends no named statements', async () => {
    open({ statementCache: 0 });
    for (let i = 0; i < 3; i++) {
      await db.query('SELECT $1::int AS x', [i]);
    }
    expect(server.namedParses()).toEqual([]);
    expect(await preparedOnServer()).toEqual([]);
  });

  it('the URL parameter statement_cache=0 turns it off too', async () => {
    db = CockroachDBClient.fromUrl(`${server.url}&statement_cache=0`, { pool: { max: 1 } });
    await db.query('SELECT $1::int AS one', [1]);
    await db.query('SELECT $1::int AS one', [1]);
    expect(server.namedParses()).toEqual([]);
  });

  it('never prepares text without parameters: several statements, transaction control, session state', async () => {
    open();
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY, v INT8)`);
    await db.execute('SELECT 1; SELECT 2');
    await db.execute('SELECT 1; SELECT 2');
    await db.execute("SET application_name = 'cache-test'");
    await db.query('SHOW application_name');
    await db.runInTransaction(async (tx) => {
      await tx.insert(table, { id: 1, v: 1 });
    });
    // Only the insert carries parameters.
    expect(server.namedParses()).toEqual([expect.stringMatching(/^INSERT INTO /)]);
    // The multi-statement text still ran as one simple Query each time.
    expect(server.statements().filter((text) => text === 'SELECT 1; SELECT 2')).toHaveLength(2);
  });

  it('after ADD COLUMN, a cached SELECT * is parsed again outside a transaction and returns the new column', async () => {
    open();
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY)`);
    await db.execute(`INSERT INTO ${table} VALUES (1)`);
    const select = `SELECT * FROM ${table} WHERE id > $1`;
    expect(await db.query(select, [0])).toEqual([{ id: '1' }]);
    await db.execute(`ALTER TABLE ${table} ADD COLUMN extra INT8 DEFAULT 7`);
    expect(await db.query(select, [0])).toEqual([{ id: '1', extra: '7' }]);
    expect(server.namedParses().filter((text) => text === select)).toHaveLength(2);
  });

  it('after ADD COLUMN, a cached SELECT * fails a manual transaction with a typed error; runInTransaction runs again', async () => {
    open();
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY)`);
    await db.execute(`INSERT INTO ${table} VALUES (1)`);
    const select = `SELECT * FROM ${table} WHERE id > $1`;
    await db.query(select, [0]);
    await db.execute(`ALTER TABLE ${table} ADD COLUMN extra INT8 DEFAULT 7`);
    {
      await using tx = await db.transaction();
      const failure = await tx.query(select, [0]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(SqlError);
      expect((failure as SqlError).sqlstate).toBe('0A000');
    }
    // Outside the transaction it is parsed afresh and works again; then it goes stale once more.
    expect(await db.query(select, [0])).toEqual([{ id: '1', extra: '7' }]);
    await db.execute(`ALTER TABLE ${table} ADD COLUMN more INT8 DEFAULT 8`);
    let attempts = 0;
    const rows = await db.runInTransaction(
      (tx) => {
        attempts++;
        return tx.query(select, [0]);
      },
      { backoff: { baseMs: 1, maxMs: 2 } },
    );
    expect(rows).toEqual([{ id: '1', extra: '7', more: '8' }]);
    expect(attempts).toBe(2);
    expect(await db.query(select, [0])).toEqual([{ id: '1', extra: '7', more: '8' }]);
  });

  it('a failing Parse pipelined with another use of the same text fails both cleanly; the next run parses again', async () => {
    open();
    const select = `SELECT * FROM ${table} WHERE id > $1`;
    const results = await Promise.allSettled([db.query(select, [0]), db.query(select, [0])]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as SqlError;
      expect(reason).toBeInstanceOf(SqlError);
      expect(reason.sqlstate).toBe('42P01');
    }
    await db.execute(`CREATE TABLE ${table} (id INT8 PRIMARY KEY)`);
    expect(await db.query(select, [0])).toEqual([]);
    expect(await db.query(select, [0])).toEqual([]);
  });

  it('a syntax error pipelined twice fails both with the syntax error, and the session keeps working', async () => {
    open();
    const results = await Promise.allSettled([
      db.query('SELEC $1::int AS x', [1]),
      db.query('SELEC $1::int AS x', [1]),
    ]);
    expect(results.map((result) => (result as PromiseRejectedResult).reason?.sqlstate)).toEqual([
      '42601',
      '42601',
    ]);
    expect(await db.query('SELECT $1::int AS x', [1])).toEqual([{ x: 1 }]);
  });

  it('an error fault hits the later runs of a cached statement, which send no Parse', async () => {
    open();
    await db.query('SELECT $1::int AS x', [1]);
    await db.query('SELECT $1::int AS x', [2]);
    server.fault({ kind: 'error', match: 'SELECT $1::int AS x', sqlstate: '22012', times: 2 });
    for (const value of [3, 4]) {
      await expect(db.query('SELECT $1::int AS x', [value])).rejects.toMatchObject({ sqlstate: '22012' });
    }
    expect(await db.query('SELECT $1::int AS x', [5])).toEqual([{ x: 5 }]);
    expect(server.namedParses()).toEqual(['SELECT $1::int AS x']);
  });

  it('a kill-connection fault hits a cached statement; the next session parses it again', async () => {
    open();
    await db.query('SELECT $1::int AS x', [1]);
    server.fault({ kind: 'kill-connection', match: 'SELECT $1::int AS x', phase: 'before' });
    await expect(db.query('SELECT $1::int AS x', [2])).rejects.toBeInstanceOf(Error);
    expect(await db.query('SELECT $1::int AS x', [3])).toEqual([{ x: 3 }]);
    const sessions = server.sessions.map((session) => session.id);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(server.namedParses(sessions.at(-1))).toEqual(['SELECT $1::int AS x']);
  });
});
