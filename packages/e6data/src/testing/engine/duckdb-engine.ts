import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { catalogTypeName } from './catalog-types.js';
import { DuckDBEngineResult } from './duckdb-result.js';
import {
  abortError,
  EngineQueryError,
  type EngineResult,
  type ExecuteOptions,
  type TestEngine,
} from './test-engine.js';

type DuckDBModule = typeof import('@duckdb/node-api');

/** Options of {@link createDuckDBEngine}. */
export interface DuckDBEngineOptions {
  /** Rows per result batch (default 8192). */
  readonly batchRows?: number;
}

const DEFAULT_BATCH_ROWS = 8192;

/** Schemas DuckDB creates for its own catalog views, hidden from `listSchemas`. */
const SYSTEM_SCHEMAS = ['information_schema', 'pg_catalog'];

/**
 * A {@link TestEngine} on one in-memory DuckDB instance (`@duckdb/node-api`, an optional peer
 * dependency loaded only here). Each statement runs on its own connection, so statements can run
 * side by side and an abort interrupts only its own. Statements without rows (CREATE, INSERT, ...)
 * return DuckDB's own result for them: one `Count` column (LONG) with the affected row count for
 * DML, zero rows for DDL.
 */
export async function createDuckDBEngine(options: DuckDBEngineOptions = {}): Promise<TestEngine> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1)
    throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
  const duckdb = await loadDuckDB();
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  return new DuckDBEngine(instance, batchRows);
}

async function loadDuckDB(): Promise<DuckDBModule> {
  try {
    return await import('@duckdb/node-api');
  } catch (cause) {
    throw new Error(
      'The e6data test server needs the optional peer dependency @duckdb/node-api: install it (npm install --save-dev @duckdb/node-api@1.5.6-r.1).',
      { cause },
    );
  }
}

class DuckDBEngine implements TestEngine {
  private readonly connections = new Set<DuckDBConnection>();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly batchRows: number,
  ) {}

  async execute(sql: string, options: ExecuteOptions): Promise<EngineResult> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const connection = await this.connect();
    const release = () => this.disconnect(connection);
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      await connection.run(`SET schema = ${quoteLiteral(options.schema)}`);
      const parseStart = performance.now();
      const statements = await connection.extractStatements(sql);
      if (statements.count === 0) throw new EngineQueryError('Parser Error: no statement to execute');
      const executeStart = performance.now();
      const result = await connection.run(sql);
      const executionMs = performance.now() - executeStart;
      // An abort that raced the end of the statement still wins: the caller gave up on it.
      if (signal?.aborted) throw abortError(signal);
      const timings = { parsingMs: executeStart - parseStart, queueingMs: 0, executionMs };
      return new DuckDBEngineResult(result, this.batchRows, timings, release);
    } catch (error) {
      release();
      if (signal?.aborted) throw abortError(signal);
      throw asQueryError(error);
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  }

  async listSchemas(): Promise<string[]> {
    const rows = await this.query(
      'SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() ORDER BY schema_name',
    );
    return rows.map((row) => String(row[0])).filter((name) => !SYSTEM_SCHEMAS.includes(name));
  }

  async listTables(schema: string): Promise<string[]> {
    const rows = await this.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_catalog = current_database() AND table_schema = ${quoteLiteral(schema)} ORDER BY table_name`,
    );
    return rows.map((row) => String(row[0]));
  }

  async listColumns(schema: string, table: string): Promise<{ name: string; type: string }[]> {
    // The typed result of an empty select gives nested types structurally, not as text to parse.
    return this.withConnection(async (connection) => {
      const result = await connection.run(
        `SELECT * FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)} LIMIT 0`,
      );
      const names = result.columnNames();
      return result.columnTypes().map((type, i) => ({ name: names[i] ?? '', type: catalogTypeName(type) }));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections) connection.closeSync();
    this.connections.clear();
    this.instance.closeSync();
  }

  private async query(sql: string): Promise<unknown[][]> {
    return this.withConnection(async (connection) => (await connection.run(sql)).getRows());
  }

  private async withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await use(connection);
    } catch (error) {
      throw asQueryError(error);
    } finally {
      this.disconnect(connection);
    }
  }

  private async connect(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('The DuckDB test engine is closed');
    const connection = await this.instance.connect();
    this.connections.add(connection);
    return connection;
  }

  private disconnect(connection: DuckDBConnection): void {
    if (this.connections.delete(connection)) connection.closeSync();
  }
}

function asQueryError(error: unknown): Error {
  if (error instanceof EngineQueryError) return error;
  return new EngineQueryError(error instanceof Error ? error.message : String(error), { cause: error });
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
