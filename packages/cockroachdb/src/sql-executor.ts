import { type CallContext, type CallOptions, ConfigError } from '@conn/core';
import type pg from 'pg';
import type { Catalog } from './catalog.js';
import type { ServerKind } from './connection.js';
import { copyIn } from './copy/copy-in.js';
import {
  type CopyFromOptions,
  type CopyResult,
  type CopyToOptions,
  checkCopyFormat,
  checkSessionIdle,
} from './copy/copy-options.js';
import { CopyOut } from './copy/copy-out.js';
import { type CopyColumn, checkSource, decodeRows, encodeRowChunks, rawChunks } from './copy/copy-rows.js';
import { type CopySource, copyFromStatement, copyToStatements } from './copy/copy-statements.js';
import type { CopySession } from './copy/session-idle.js';
import { BatchInsertError } from './errors.js';
import type { ObjectName } from './identifiers.js';
import {
  type ExecuteResult,
  type InCall,
  type InCallSpec,
  optionsOf,
  type QueryOptions,
  type StreamOptions,
} from './query-options.js';
import { batchInsertStatements, checkChunkSize, chooseInsertPath } from './sql/batch-statements.js';
import {
  type ColumnDefinitions,
  type CreateTableOptions,
  createTableStatement,
  type DropTableOptions,
  dropTableStatement,
} from './sql/ddl-statements.js';
import { type SelectOptions, selectStatement } from './sql/select-statement.js';
import { checkSingleStatement } from './sql/single-statement.js';
import type { Row, Statement } from './sql/statement.js';
import { unnestInsertStatements, unnestUpdateStatements } from './sql/unnest-statements.js';
import type { Where } from './sql/where.js';
import {
  deleteStatement,
  type FilteredWriteOptions,
  insertStatement,
  type Returning,
  updateStatement,
  upsertStatement,
} from './sql/write-statements.js';

/** Options of `insert`, `update` and `upsert`. */
export interface WriteOptions extends CallOptions {
  /** Columns to return; default all. */
  readonly returning?: readonly string[] | undefined;
}

/** Options of `upsert`. */
export interface UpsertOptions extends WriteOptions {
  /**
   * Columns that identify an existing row (`ON CONFLICT (…)`). Default: the primary key, using
   * CockroachDB's `UPSERT` statement there, or `INSERT … ON CONFLICT` on PostgreSQL.
   */
  readonly conflictColumns?: readonly string[] | undefined;
}

/** Options of `batchInsert`. */
export interface BatchInsertOptions extends CallOptions {
  /**
   * Rows per statement, at most. Default 1000. A statement also carries at most ~8 MiB of values
   * (one array parameter per column); where it falls back to multi-row VALUES, fewer rows so no
   * statement exceeds 65,535 parameters. On the COPY path: rows per COPY when `atomic: false`
   * (an atomic batch is one COPY).
   */
  readonly chunkSize?: number | undefined;
  /**
   * Default true: every chunk in one transaction (all rows or none, retried on 40001). false: each
   * chunk commits on its own; a failure part-way raises `BatchInsertError` telling how many rows landed.
   */
  readonly atomic?: boolean | undefined;
  /** Return the inserted rows (default false: just the count), optionally only these columns. */
  readonly returning?: boolean | readonly string[] | undefined;
}

/** Options of `batchUpdate`. */
export interface BatchUpdateOptions extends CallOptions {
  /** The column that identifies each record's row. Default `id`. */
  readonly keyColumn?: string | undefined;
  /** Records per statement, at most (and at most ~8 MiB of values per statement). Default 1000. */
  readonly chunkSize?: number | undefined;
}

/** What `batchInsert` and `batchUpdate` return. */
export interface BatchResult<T> {
  /** Rows inserted or updated. */
  readonly rowCount: number;
  /** The rows, when asked for (`batchUpdate` always returns them). */
  readonly rows: T[];
}

/** Every method that runs SQL, shared by the client (pooled) and transactions (one pinned session). */
export abstract class SqlExecutor {
  /** Runs one statement on the executor's connection(s). @internal */
  protected abstract runStatement(
    statement: Statement,
    options: QueryOptions & InCall & { singleStatement?: boolean | undefined },
  ): Promise<pg.QueryResult>;

  /**
   * Runs a public method's work as one call of core's call path (one deadline, closed check,
   * tracing); a method called from inside another joins the outer call. Never throws synchronously.
   * @internal
   */
  protected abstract inCall<O extends CallOptions, T>(
    operation: string,
    spec: InCallSpec,
    options: O,
    work: (options: O & InCall) => Promise<T>,
  ): Promise<T>;

  /** Streams the rows of one statement. @internal */
  protected abstract streamStatement<T>(statement: Statement, options: StreamOptions): AsyncIterable<T>;

  /** Runs `fn` atomically: in a (retried) transaction for the client, directly inside one for a transaction. @internal */
  protected abstract atomically<T>(
    fn: (executor: SqlExecutor) => Promise<T>,
    options: CallOptions,
  ): Promise<T>;

  /** The kind of server, connecting first if nothing is known yet. @internal */
  protected abstract serverKind(options: CallOptions): Promise<ServerKind>;

  /** The table catalog cache. @internal */
  protected abstract get catalog(): Catalog;

  /**
   * A session to itself for a COPY: a pooled one leased exclusively (client) or the transaction's.
   * `signal` stops the wait for it; the session's own signal also stops the COPY. @internal
   */
  protected abstract openCopySession(
    signal: AbortSignal | undefined,
    call: CallContext | undefined,
  ): Promise<CopySession>;

  /**
   * Runs a statement with `$1…` parameters and returns rows, count and columns.
   *
   * With parameters the statement goes over the extended protocol: the text must be one statement.
   * Without parameters it goes over the simple query protocol, and the text may hold several
   * statements separated by `;`: the server runs them in order as one implicit transaction (unless
   * the text itself has `BEGIN`/`COMMIT`), and the result is the last statement's. Migration files
   * rely on this. Pass `{ multipleStatements: false }` to refuse such text before anything is sent
   * (`ConfigError`, code `CONN_COCKROACHDB_MULTIPLE_STATEMENTS`).
   * @example const { rowCount } = await db.execute('DELETE FROM t WHERE at < $1', [cutoff]);
   */
  execute<T = Row>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<ExecuteResult<T>> {
    return this.inCall('query', { statement: sql, write: !isReadOnlySql(sql) }, options, async (options) => {
      const result = await this.runStatement({ text: sql, values: params }, checkSql(sql, params, options));
      return {
        rows: result.rows as T[],
        rowCount: result.rowCount,
        command: result.command,
        fields: result.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })),
      };
    });
  }

  /**
   * Runs a statement and returns its rows, typed as `T`. Without parameters the text may hold
   * several statements separated by `;` (the rows are the last one's); see {@link execute}, and
   * `{ multipleStatements: false }` to refuse that.
   */
  query<T = Row>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> {
    return this.inCall('query', { statement: sql, write: !isReadOnlySql(sql) }, options, (options) => {
      // Not async: one promise layer less on the most used call; bad input still rejects.
      let checked: QueryOptions & { singleStatement?: boolean | undefined };
      try {
        checked = checkSql(sql, params, options);
      } catch (error) {
        return Promise.reject(error);
      }
      return this.runStatement({ text: sql, values: params }, checked).then((result) => result.rows as T[]);
    });
  }

  /** The first row of a statement, or `undefined` when it returned none. */
  queryOne<T = Row>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<T | undefined> {
    return this.inCall('query', { statement: sql, write: !isReadOnlySql(sql) }, options, async (options) => {
      return (await this.query<T>(sql, params, options))[0];
    });
  }

  /**
   * Streams rows through a server-side portal, `batchSize` rows per round trip, reading the next batch
   * only when the loop asks for it. Leaving the loop early (`break`, `return`, a throw) closes the
   * portal and frees the connection. On a transaction the open stream holds its session: other
   * statements on the transaction meanwhile fail with `CONN_COCKROACHDB_SESSION_BUSY`, and ending
   * the transaction closes the stream (its next read fails with `CONN_COCKROACHDB_TX_ENDED`).
   * @example for await (const row of db.stream('SELECT * FROM events')) { ... }
   */
  stream<T = Row>(
    sql: string,
    params: readonly unknown[] = [],
    options: StreamOptions = {},
  ): AsyncIterable<T> {
    const given = optionsOf(options);
    checkSql(sql, params, given);
    return this.streamStatement<T>({ text: sql, values: params }, given);
  }

  /** `CREATE TABLE [IF NOT EXISTS]` with quoted names; `columns` maps names to SQL definitions. */
  createTable(
    name: ObjectName,
    columns: ColumnDefinitions,
    options: CreateTableOptions & CallOptions = {},
  ): Promise<void> {
    return this.inCall('createTable', { write: true }, options, async (options) => {
      await this.runStatement(
        { text: createTableStatement(name, columns, options), values: [] },
        { ...options, singleStatement: true },
      );
      this.catalog.forget(name);
    });
  }

  /** `DROP TABLE [IF EXISTS]` (default `IF EXISTS`). */
  dropTable(name: ObjectName, options: DropTableOptions & CallOptions = {}): Promise<void> {
    return this.inCall('dropTable', { write: true }, options, async (options) => {
      await this.runStatement(
        { text: dropTableStatement(name, options), values: [] },
        { ...options, singleStatement: true },
      );
      this.catalog.forget(name);
    });
  }

  /**
   * Bulk-loads rows with `COPY <table> (<columns>) FROM STDIN` (text format), the fastest way in.
   * `rows` is an array or an (async) iterable, pulled only as fast as the server takes the data:
   * a generator of millions of rows is never held in memory. Each row is an array in `columns`
   * order or an object keyed by column; values are encoded as bound parameters are (null and
   * undefined as NULL, Dates, arrays and objects as pg sends them, bytes as bytea). With
   * `{ format: 'raw' }` the items are ready text-format data instead.
   *
   * Outside a transaction the COPY is atomic: on any error no row is stored. A server error
   * names the failing row (1-based) in `details.row` when the server does. `signal`/`timeoutMs`
   * cancel it on the server (`AbortError`/`TimeoutError`); the session is idle again afterwards.
   * @example const { rowCount } = await db.copyFrom('events', ['id', 'at'], rowsOf(file));
   */
  copyFrom(
    table: ObjectName,
    columns: readonly string[],
    rows: AsyncIterable<unknown> | Iterable<unknown>,
    options: CopyFromOptions = {},
  ): Promise<CopyResult> {
    return this.inCall('copyFrom', { write: true, runsCallerCode: true }, options, async (options) => {
      const text = copyFromStatement(table, columns);
      checkCopyFormat(options.format);
      checkSource(rows);
      const chunks = options.format === 'raw' ? rawChunks(rows) : encodeRowChunks(rows, columns);
      const call = options.call;
      const session = await this.openCopySession(call?.signal ?? options.signal, call);
      try {
        checkSessionIdle(session.connection);
        if (call !== undefined) {
          call.target = session.connection.address;
          call.markSent();
        }
        const rowCount = await copyIn(session.connection, text, chunks, session.signal).catch(
          (error: unknown) => {
            // The server answered with an error: the COPY was rolled back, nothing was stored.
            if (session.connection.usable) call?.markNotExecuted();
            throw error;
          },
        );
        return { rowCount };
      } finally {
        session.finish();
      }
    });
  }

  /**
   * Reads a query's result (`sql`, no parameters) or a whole table (`{ table, columns? }`) with
   * `COPY … TO STDOUT`, as rows keyed by column name with values parsed as `query()` parses them
   * (the column types come from a `LIMIT 0` run of the query first), or with `{ format: 'raw' }`
   * as the raw text-format `Buffer` chunks. The socket is read only as fast as the loop consumes.
   * Leaving the loop early cancels the COPY and leaves the session idle (or closes it).
   * `timeoutMs` covers the whole read.
   * @example for await (const row of db.copyTo({ table: 'events' })) { ... }
   */
  copyTo<T = Row>(
    source: CopySource,
    options: CopyToOptions & { format?: 'rows' | undefined },
  ): AsyncIterable<T>;
  copyTo(source: CopySource, options: CopyToOptions & { format: 'raw' }): AsyncIterable<Buffer>;
  copyTo<T = Row>(source: CopySource): AsyncIterable<T>;
  copyTo<T = Row>(source: CopySource, given: CopyToOptions = {}): AsyncIterable<T | Buffer> {
    const options = optionsOf(given);
    checkCopyFormat(options.format);
    const statements = copyToStatements(source);
    const open = async (signal: AbortSignal): Promise<CopySession> => {
      const session = await this.openCopySession(signal, undefined);
      try {
        checkSessionIdle(session.connection);
      } catch (error) {
        session.finish();
        throw error;
      }
      return session;
    };
    if (options.format === 'raw') return new CopyOut(open, statements.copy, options);
    let columns: readonly CopyColumn[] = [];
    const chunks = new CopyOut(open, statements.copy, options, async (connection, signal) => {
      const described = await connection.query({ text: statements.describe, values: [] }, { signal });
      const types = connection.client as unknown as {
        getTypeParser(oid: number, format: 'text'): (text: string) => unknown;
      };
      columns = described.fields.map((field) => ({
        name: field.name,
        parse: types.getTypeParser(field.dataTypeID, 'text'),
      }));
    });
    return decodeRows<T>(chunks, () => columns);
  }

  /** Inserts one row and returns it as stored (defaults and generated ids filled in). */
  insert<T = Row>(table: ObjectName, data: Row, options: WriteOptions = {}): Promise<T> {
    return this.inCall('insert', { write: true }, options, async (options) => {
      const result = await this.runStatement(insertStatement(table, data, options.returning), options);
      return result.rows[0] as T;
    });
  }

  /** Inserts or updates one row by its key and returns it. */
  upsert<T = Row>(table: ObjectName, data: Row, options: UpsertOptions = {}): Promise<T> {
    return this.inCall('upsert', { write: true }, options, async (options) => {
      let target: { useUpsertStatement: boolean; conflictColumns: readonly string[] };
      let fromCatalog = false;
      if (options.conflictColumns !== undefined) {
        if (!Array.isArray(options.conflictColumns) || options.conflictColumns.length === 0) {
          throw new ConfigError('conflictColumns must be a non-empty array of column names', {
            field: 'conflictColumns',
          });
        }
        target = { useUpsertStatement: false, conflictColumns: options.conflictColumns };
      } else if ((await this.serverKind(options)) === 'cockroachdb') {
        target = { useUpsertStatement: true, conflictColumns: [] };
      } else {
        const key = await this.catalog.primaryKey(table, (statement) =>
          this.runStatement(statement, options),
        );
        target = { useUpsertStatement: false, conflictColumns: key };
        fromCatalog = true;
      }
      try {
        const result = await this.runStatement(
          upsertStatement(table, data, target, options.returning),
          options,
        );
        return result.rows[0] as T;
      } catch (error) {
        // The cached primary key may be stale (the table changed): read it again next time.
        if (fromCatalog) this.catalog.forget(table);
        throw error;
      }
    });
  }

  /** Selects rows: columns, equality filters, typed ordering, validated limit and offset. */
  select<T = Row>(table: ObjectName, options: SelectOptions & QueryOptions = {}): Promise<T[]> {
    return this.inCall('select', { write: false }, options, async (options) => {
      return (await this.runStatement(selectStatement(table, options), options)).rows as T[];
    });
  }

  /** The first row `select` would return (it asks the server for one row), or `undefined`. */
  selectOne<T = Row>(
    table: ObjectName,
    options: Omit<SelectOptions, 'limit'> & QueryOptions = {},
  ): Promise<T | undefined> {
    return this.inCall('select', { write: false }, options, async (options) => {
      const rows = await this.select<T>(table, { ...options, limit: 1 });
      return rows[0];
    });
  }

  /** Updates the rows matching `where` and returns them all. An empty `where` needs `{ allowAll: true }`. */
  update<T = Row>(
    table: ObjectName,
    data: Row,
    where: Where,
    options: WriteOptions & FilteredWriteOptions = {},
  ): Promise<T[]> {
    return this.inCall('update', { write: true }, options, async (options) => {
      const returning: Returning = options.returning;
      return (await this.runStatement(updateStatement(table, data, where, options, returning), options))
        .rows as T[];
    });
  }

  /** Deletes the rows matching `where` in one statement and returns how many. An empty `where` needs `{ allowAll: true }`. */
  delete(table: ObjectName, where: Where, options: FilteredWriteOptions & CallOptions = {}): Promise<number> {
    return this.inCall('delete', { write: true }, options, async (options) => {
      return (await this.runStatement(deleteStatement(table, where, options), options)).rowCount ?? 0;
    });
  }

  /**
   * Inserts many rows by the fastest correct path. Without `returning`, when every record names
   * the same columns: `COPY … FROM STDIN` (see {@link copyFrom}). Otherwise
   * `INSERT … SELECT * FROM unnest($1::type[], …)`, one array parameter per column, at most
   * `chunkSize` rows (1000) and ~8 MiB per statement; chunks unnest cannot carry (records naming
   * different columns, array columns) use multi-row VALUES. Atomic by default on every path.
   */
  batchInsert<T = Row>(
    table: ObjectName,
    records: readonly Row[],
    options: BatchInsertOptions = {},
  ): Promise<BatchResult<T>> {
    return this.inCall('batchInsert', { write: true }, options, async (options) => {
      // true: every column; a list: those columns; false/absent: no RETURNING (just the count).
      const wantRows = options.returning !== undefined && options.returning !== false;
      let returning: readonly string[] | undefined | false = false;
      if (options.returning === true) returning = undefined;
      else if (Array.isArray(options.returning)) returning = options.returning;
      const path = chooseInsertPath({ returning: wantRows, records });
      if (path === 'copy') return this.copyInsert<T>(table, records, options);
      let statements: Statement[];
      let typesFromCatalog = false;
      if (path === 'unnest' && Array.isArray(records) && records.length > 0) {
        const types = await this.catalog.columnTypes(table, (statement) =>
          this.runStatement(statement, options),
        );
        typesFromCatalog = true;
        statements = unnestInsertStatements(table, records, types, {
          chunkSize: options.chunkSize,
          returning,
        });
      } else {
        statements = batchInsertStatements(table, records, { chunkSize: options.chunkSize, returning });
      }
      // The cached column types may be stale (the table changed): read them again next time.
      const forgetTypes = (error: unknown): never => {
        if (typesFromCatalog) this.catalog.forget(table);
        throw error;
      };
      const runAll = async (
        executor: SqlExecutor,
        onChunk?: (count: number) => void,
      ): Promise<BatchResult<T>> => {
        const rows: T[] = [];
        let rowCount = 0;
        for (const statement of statements) {
          const result = await executor.runStatement(statement, options);
          rowCount += result.rowCount ?? 0;
          if (wantRows) rows.push(...(result.rows as T[]));
          onChunk?.(rowCount);
        }
        return { rowCount, rows };
      };
      if (statements.length === 0) return { rowCount: 0, rows: [] };
      if (options.atomic !== false)
        return this.atomically((executor) => runAll(executor), options).catch(forgetTypes);
      let committed = 0;
      try {
        return await runAll(this, (count) => {
          committed = count;
        });
      } catch (error) {
        if (typesFromCatalog) this.catalog.forget(table);
        if (committed === 0) throw error;
        throw new BatchInsertError(
          `batchInsert failed after ${committed} of ${records.length} rows were committed: ${(error as Error).message}`,
          { committedRows: committed, cause: error },
        );
      }
    });
  }

  /**
   * batchInsert's COPY path: one COPY in a (retried) transaction when atomic; else one COPY per
   * `chunkSize` records, each committing on its own, so `committedRows` stays exact.
   */
  private async copyInsert<T>(
    table: ObjectName,
    records: readonly Row[],
    options: BatchInsertOptions & InCall,
  ): Promise<BatchResult<T>> {
    const columns = Object.keys(records[0] as Row);
    const chunkSize = checkChunkSize(options.chunkSize);
    if (options.atomic !== false) {
      const { rowCount } = await this.atomically(
        (executor) => executor.copyFrom(table, columns, records, options),
        options,
      );
      return { rowCount, rows: [] };
    }
    let committed = 0;
    try {
      for (let first = 0; first < records.length; first += chunkSize) {
        const chunk = records.slice(first, first + chunkSize);
        committed += (await this.copyFrom(table, columns, chunk, options)).rowCount;
      }
      return { rowCount: committed, rows: [] };
    } catch (error) {
      if (committed === 0) throw error;
      throw new BatchInsertError(
        `batchInsert failed after ${committed} of ${records.length} rows were committed: ${(error as Error).message}`,
        { committedRows: committed, cause: error },
      );
    }
  }

  /**
   * Updates many rows by `keyColumn` (default `id`): one `UPDATE … FROM unnest($1::type[], …)` per
   * chunk of records naming the same columns (multi-row VALUES where a column is an array), all in
   * one transaction. Returns the updated rows; a key with no row is simply not among them.
   */
  batchUpdate<T = Row>(
    table: ObjectName,
    records: readonly Row[],
    options: BatchUpdateOptions = {},
  ): Promise<BatchResult<T>> {
    return this.inCall('batchUpdate', { write: true }, options, async (options) => {
      if (Array.isArray(records) && records.length === 0) return { rowCount: 0, rows: [] };
      const keyColumn = options.keyColumn ?? 'id';
      const types = await this.catalog.columnTypes(table, (statement) =>
        this.runStatement(statement, options),
      );
      try {
        const statements = unnestUpdateStatements(table, records, keyColumn, types, {
          chunkSize: options.chunkSize,
        });
        return await this.atomically(async (executor) => {
          const rows: T[] = [];
          for (const statement of statements)
            rows.push(...((await executor.runStatement(statement, options)).rows as T[]));
          return { rowCount: rows.length, rows };
        }, options);
      } catch (error) {
        // The cached column types may be stale (the table changed): read them again next time.
        this.catalog.forget(table);
        throw error;
      }
    });
  }
}

/** Statements that only read: a timeout or lost connection during them cannot have changed data. */
const READ_ONLY_SQL = /^\s*(select|show|explain|values|table)\b/i;

function isReadOnlySql(sql: string): boolean {
  return typeof sql === 'string' && READ_ONLY_SQL.test(sql);
}

/**
 * Validates a raw statement call and returns the options to run it with: with `multipleStatements:
 * false` the text is refused when it holds several statements, and goes over the extended protocol
 * so the server enforces the same.
 */
function checkSql(
  sql: string,
  params: readonly unknown[],
  options: QueryOptions,
): QueryOptions & { singleStatement?: boolean | undefined } {
  if (typeof sql !== 'string' || sql.trim().length === 0)
    throw new ConfigError('sql must be a non-empty string', { field: 'sql' });
  if (!Array.isArray(params)) throw new ConfigError('params must be an array', { field: 'params' });
  if (options.multipleStatements !== false) return options;
  checkSingleStatement(sql);
  return { ...options, singleStatement: true };
}
