// COPY through the CockroachDB test server, both directions, simple and extended protocol, with
// PostgreSQL itself (a direct connection, no relay) as the witness.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

const ROWS = 100_000;

/** `ROWS` text-format lines `id\tlabel-id`, cut into chunks of 1,000 lines. */
function rowChunks(count: number): string[] {
  const chunks: string[] = [];
  for (let start = 1; start <= count; start += 1_000) {
    const lines: string[] = [];
    for (let id = start; id < Math.min(start + 1_000, count + 1); id++) lines.push(`${id}\tlabel-${id}\n`);
    chunks.push(lines.join(''));
  }
  return chunks;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts);
}

/** What an extended-protocol COPY saw from the server, in order. */
interface ExtendedCopyResult {
  readonly events: string[];
  readonly copyOut: Buffer;
  readonly error: (Error & { code?: string; where?: string }) | undefined;
}

/** The message writers of pg's connection that {@link extendedCopy} uses. */
interface WireConnection {
  parse(query: { text: string; types: never[] }): void;
  bind(config: { values: never[] }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * A COPY by the extended protocol (Parse, Bind, Execute, Sync), the way libpq runs one: after
 * CopyInResponse it sends `rows`, then CopyDone and another Sync. pg.Client runs it as a
 * submittable; pg-copy-streams only speaks the simple protocol.
 */
function extendedCopy(text: string, rows: readonly string[] = [], options: { syncMidCopy?: boolean } = {}) {
  const events: string[] = [];
  const copyOut: Buffer[] = [];
  let error: ExtendedCopyResult['error'];
  let done: (result: ExtendedCopyResult) => void = () => {};
  const result = new Promise<ExtendedCopyResult>((resolve) => {
    done = resolve;
  });
  const finish = (): void => {
    events.push('Z');
    done({ events, copyOut: Buffer.concat(copyOut), error });
  };
  const submittable = {
    submit(connection: WireConnection) {
      connection.parse({ text, types: [] });
      connection.bind({ values: [] });
      connection.execute({ portal: '', rows: 0 });
      connection.sync();
    },
    handleCopyInResponse(connection: WireConnection) {
      events.push('G');
      for (const row of rows) {
        connection.sendCopyFromChunk(Buffer.from(row));
        if (options.syncMidCopy === true) connection.sync();
      }
      connection.endCopyFrom();
      connection.sync();
    },
    handleCopyData(message: { chunk: Buffer }) {
      // Copied: the chunk is a view into pg's receive buffer, which pg reuses for later reads.
      copyOut.push(Buffer.from(message.chunk));
    },
    handleCommandComplete(message: { text: string }) {
      events.push(`C ${message.text}`);
    },
    handleError(received: Error & { code?: string; where?: string }, connection: NodeJS.EventEmitter) {
      events.push(`E ${received.code}`);
      error = received;
      // pg.Client forgets the active query at an ErrorResponse; the ReadyForQuery still comes.
      connection.once('readyForQuery', finish);
    },
    handleReadyForQuery: () => finish(),
    handleRowDescription() {},
    handleDataRow() {},
    handleEmptyQuery() {},
    handlePortalSuspended() {},
  };
  return { submittable, result };
}

describe.skipIf(testDatabase.skipReason !== undefined)('CockroachDB test server: COPY relay', () => {
  let server: CockroachDBTestServer;
  let clients: pg.Client[];
  let table: string;

  async function connected(connectionString: string): Promise<pg.Client> {
    const created = new pg.Client({ connectionString });
    created.on('error', () => {});
    clients.push(created);
    await created.connect();
    return created;
  }
  const relayed = (): Promise<pg.Client> => connected(server.url);
  /** A connection straight to PostgreSQL, to see what was really committed. */
  const direct = (): Promise<pg.Client> => connected(databaseUrl().replace(/\?.*$/, ''));

  async function rowsOf(name: string): Promise<{ id: string; label: string }[]> {
    const witness = await direct();
    // pg gives INT8 as a string
    return (await witness.query(`SELECT id, label FROM "${name}" ORDER BY id`)).rows;
  }

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    clients = [];
    table = uniqueTable('copy');
    const setup = await direct();
    await setup.query(`CREATE TABLE "${table}" (id INT8 PRIMARY KEY, label TEXT NOT NULL)`);
  });
  afterEach(async () => {
    const cleanup = await direct();
    await cleanup.query(`DROP TABLE IF EXISTS "${table}"`);
    await Promise.all(clients.map((entry) => entry.end().catch(() => {})));
    await server.close();
  });

  it('COPY FROM STDIN of 100,000 rows arrives whole and is logged like any statement', async () => {
    const session = await relayed();
    const copy = session.query(copyFrom(`COPY "${table}" (id, label) FROM STDIN`));
    await pipeline(Readable.from(rowChunks(ROWS)), copy);
    expect(copy.rowCount).toBe(ROWS);
    const rows = await rowsOf(table);
    expect(rows).toHaveLength(ROWS);
    expect(rows[0]).toEqual({ id: '1', label: 'label-1' });
    expect(rows.at(-1)).toEqual({ id: String(ROWS), label: `label-${ROWS}` });
    expect(
      rows.every((row, index) => row.id === String(index + 1) && row.label === `label-${index + 1}`),
    ).toBe(true);
    expect(
      (await session.query('SELECT count(*)::int AS n FROM pg_stat_activity')).rows[0].n,
    ).toBeGreaterThan(0);
    expect(server.statements()).toEqual([
      `COPY "${table}" (id, label) FROM STDIN`,
      'SELECT count(*)::int AS n FROM pg_stat_activity',
    ]);
  });

  it('COPY TO STDOUT sends the same bytes as PostgreSQL sends unrelayed', async () => {
    const seed = await direct();
    await seed.query(
      `INSERT INTO "${table}" SELECT g, 'row ' || g || E'\\ttab' FROM generate_series(1, 20000) AS g`,
    );
    const text = `COPY (SELECT * FROM "${table}" ORDER BY id) TO STDOUT WITH (FORMAT binary)`;
    const expected = await collect((await direct()).query(copyTo(text)));
    const session = await relayed();
    const received = await collect(session.query(copyTo(text)));
    expect(expected.length).toBeGreaterThan(20_000 * 10);
    expect(received.equals(expected)).toBe(true);
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a bad row mid-COPY gives PostgreSQL’s error with its line, and the session goes on', async () => {
    const session = await relayed();
    const copy = session.query(copyFrom(`COPY "${table}" (id, label) FROM STDIN`));
    const rows = ['1\ta\n', '2\tb\n', 'three\tc\n', '4\td\n'];
    const failure = await pipeline(Readable.from(rows), copy).then(
      () => undefined,
      (error: Error & { code?: string; where?: string }) => error,
    );
    expect(failure?.code).toBe('22P02');
    expect(failure?.where).toMatch(/line 3/);
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await rowsOf(table)).toEqual([]);
  });

  it('CopyFail from the client (the writable destroyed with an error) fails the COPY; the session goes on', async () => {
    const session = await relayed();
    const copy = session.query(copyFrom(`COPY "${table}" (id, label) FROM STDIN`));
    const failed = new Promise<Error & { code?: string }>((resolve) => copy.once('error', resolve));
    copy.write('1\ta\n');
    await new Promise<void>((resolve) => copy.write('2\tb\n', () => resolve()));
    copy.destroy(new Error('the producer gave up'));
    const error = await failed;
    expect(error.code).toBe('57014');
    expect(error.message).toContain('the producer gave up');
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await rowsOf(table)).toEqual([]);
  });

  it('an error fault on a COPY answers with the error instead of starting the COPY', async () => {
    const session = await relayed();
    const statement = `COPY "${table}" (id, label) FROM STDIN`;
    server.fault({
      kind: 'error',
      match: statement,
      sqlstate: '40001',
      message: 'restart transaction: copy',
    });
    const copy = session.query(copyFrom(statement));
    const failure = await pipeline(Readable.from(['1\ta\n']), copy).then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    expect(failure?.code).toBe('40001');
    expect(failure?.message).toBe('restart transaction: copy');
    expect(server.statements()).toEqual([statement]);
    // The fault was used once: the same COPY now runs.
    await pipeline(Readable.from(['7\tseven\n']), session.query(copyFrom(statement)));
    expect(await rowsOf(table)).toEqual([{ id: '7', label: 'seven' }]);
  });

  it('kill-connection after a COPY: the rows are committed, the client’s stream ends with an error', async () => {
    const session = await relayed();
    const statement = `COPY "${table}" (id, label) FROM STDIN`;
    server.fault({ kind: 'kill-connection', match: statement, phase: 'after' });
    const copy: Writable = session.query(copyFrom(statement));
    const failure = await pipeline(Readable.from(rowChunks(5_000)), copy).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/Connection terminated/);
    expect(await rowsOf(table)).toHaveLength(5_000);
    expect(server.sessions[0]?.open).toBe(false);
  });

  it('an error fault relayed first on a COPY: the rows are committed, the client hears the error', async () => {
    const session = await relayed();
    const statement = `COPY "${table}" (id, label) FROM STDIN`;
    server.fault({ kind: 'error', match: statement, sqlstate: '40003', relayFirst: true });
    const failure = await pipeline(Readable.from(rowChunks(2_000)), session.query(copyFrom(statement))).then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    expect(failure?.code).toBe('40003');
    expect(await rowsOf(table)).toHaveLength(2_000);
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('kill-connection before a COPY: nothing runs and the stream ends with an error', async () => {
    const session = await relayed();
    const statement = `COPY "${table}" (id, label) FROM STDIN`;
    server.fault({ kind: 'kill-connection', match: statement, phase: 'before' });
    const failure = await pipeline(Readable.from(rowChunks(10)), session.query(copyFrom(statement))).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(await rowsOf(table)).toEqual([]);
  });

  describe('extended protocol', () => {
    it('COPY FROM STDIN, then a statement this server answers itself after PostgreSQL caught up', async () => {
      const session = await relayed();
      const copy = extendedCopy(`COPY "${table}" (id, label) FROM STDIN`, rowChunks(3_000));
      session.query(copy.submittable as never);
      const result = await copy.result;
      expect(result.events).toEqual(['G', 'C COPY 3000', 'Z']);
      // Answered locally only once every relayed Sync was answered: a miscounted Sync hangs here.
      await session.query('SET inject_retry_errors_enabled = false');
      expect((await session.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows).toEqual([{ n: 3_000 }]);
    });

    it('a bad row gives the error, then ReadyForQuery for the Sync after CopyDone, as unrelayed', async () => {
      const rows = ['1\ta\n', 'x\tb\n'];
      const text = `COPY "${table}" (id, label) FROM STDIN`;
      const directCopy = extendedCopy(text, rows);
      (await direct()).query(directCopy.submittable as never);
      const expected = await directCopy.result;
      const session = await relayed();
      const relayedCopy = extendedCopy(text, rows);
      session.query(relayedCopy.submittable as never);
      const result = await relayedCopy.result;
      expect(expected.events).toEqual(['G', 'E 22P02', 'Z']);
      expect(result.events).toEqual(expected.events);
      expect(result.error?.where).toBe(expected.error?.where);
      await session.query('SET inject_retry_errors_enabled = false');
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    it('Syncs sent mid-COPY are ignored, as PostgreSQL ignores them', async () => {
      const text = `COPY "${table}" (id, label) FROM STDIN`;
      const directCopy = extendedCopy(text, ['1\ta\n', '2\tb\n'], { syncMidCopy: true });
      (await direct()).query(directCopy.submittable as never);
      const expected = await directCopy.result;
      const session = await relayed();
      const relayedCopy = extendedCopy(text, ['3\tc\n', '4\td\n'], { syncMidCopy: true });
      session.query(relayedCopy.submittable as never);
      const result = await relayedCopy.result;
      expect(expected.events).toEqual(['G', 'C COPY 2', 'Z']);
      expect(result.events).toEqual(expected.events);
      // A mid-COPY Sync counted as awaiting its own ReadyForQuery would hang this local answer.
      await session.query('SET inject_retry_errors_enabled = false');
      expect((await rowsOf(table)).map((row) => row.id)).toEqual(['1', '2', '3', '4']);
    });

    it('COPY TO STDOUT sends the same bytes as unrelayed', async () => {
      const seed = await direct();
      await seed.query(`INSERT INTO "${table}" SELECT g, 'r' || g FROM generate_series(1, 5000) AS g`);
      const text = `COPY (SELECT * FROM "${table}" ORDER BY id) TO STDOUT`;
      const directCopy = extendedCopy(text);
      seed.query(directCopy.submittable as never);
      const expected = await directCopy.result;
      const session = await relayed();
      const relayedCopy = extendedCopy(text);
      session.query(relayedCopy.submittable as never);
      const result = await relayedCopy.result;
      expect(expected.copyOut.toString()).toContain('5000\tr5000\n');
      expect(result.copyOut.equals(expected.copyOut)).toBe(true);
      expect(result.events).toEqual(['C COPY 5000', 'Z']);
    });

    it('an error fault on a COPY answers the Parse..Sync with the error, as PostgreSQL would', async () => {
      const session = await relayed();
      const text = `COPY "${table}" (id, label) FROM STDIN`;
      server.fault({ kind: 'error', match: text, sqlstate: 'XXA00' });
      const copy = extendedCopy(text, ['1\ta\n']);
      session.query(copy.submittable as never);
      const result = await copy.result;
      expect(result.events).toEqual(['E XXA00', 'Z']);
      expect(server.statements()).toEqual([text]);
      await session.query('SET inject_retry_errors_enabled = false');
      expect(await rowsOf(table)).toEqual([]);
    });
  });
});
