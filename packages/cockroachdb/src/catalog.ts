import type { ObjectName } from './identifiers.js';
import { quoteObjectName } from './identifiers.js';
import type { ColumnTypes } from './sql/batch-statements.js';
import type { Statement } from './sql/statement.js';

type Run = (statement: Statement) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * Column types and primary keys read from the catalog (pg_catalog works on CockroachDB too),
 * cached per table. The cache is dropped for a table when a statement built from it fails, and
 * when createTable/dropTable touch it, so a schema change is picked up on the next call.
 */
export class Catalog {
  private readonly types = new Map<string, Promise<ColumnTypes>>();
  private readonly keys = new Map<string, Promise<readonly string[]>>();

  columnTypes(table: ObjectName, run: Run): Promise<ColumnTypes> {
    const name = quoteObjectName(table);
    let cached = this.types.get(name);
    if (cached === undefined) {
      // Without the type modifier: a cast to varchar(n) would silently truncate, an assignment checks.
      cached = run({
        text:
          'SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type FROM pg_catalog.pg_attribute a ' +
          'WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped',
        values: [name],
      }).then((result) => new Map(result.rows.map((row) => [String(row['name']), String(row['type'])])));
      this.types.set(name, cached);
      cached.catch(() => this.types.delete(name));
    }
    return cached;
  }

  primaryKey(table: ObjectName, run: Run): Promise<readonly string[]> {
    const name = quoteObjectName(table);
    let cached = this.keys.get(name);
    if (cached === undefined) {
      cached = run({
        text:
          'SELECT a.attname AS name FROM pg_catalog.pg_index i ' +
          'JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) ' +
          'WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)',
        values: [name],
      }).then((result) => result.rows.map((row) => String(row['name'])));
      this.keys.set(name, cached);
      cached.catch(() => this.keys.delete(name));
    }
    return cached;
  }

  /** Forgets what is known about `table`. */
  forget(table: ObjectName): void {
    const name = quoteObjectName(table);
    this.types.delete(name);
    this.keys.delete(name);
  }
}
