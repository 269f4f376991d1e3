import type { JsonObject, JsonValue } from '../protocol/index.js';

/** A row: a flat JSON object. */
export type TestRow = { [field: string]: JsonValue };

/** Initial data: `{ [databaseId]: { [schema]: rows } }`. */
export type ZTeraDBTestDatabases = {
  readonly [databaseId: string]: { readonly [schema: string]: readonly TestRow[] };
};

/** One schema (table) of a database: its rows in insertion order. */
export class TestTable {
  readonly rows: TestRow[];
  #nextId: number;

  constructor(rows: readonly TestRow[]) {
    this.rows = rows.map((row) => ({ ...row }));
    // A loop, not Math.max(...ids): a spread of a million ids overflows the stack.
    let highest = 0;
    for (const row of this.rows) if (typeof row.id === 'number' && row.id > highest) highest = row.id;
    this.#nextId = highest + 1;
  }

  /** Field names seen in any row; empty for an empty table (then every field is accepted). */
  columns(): Set<string> {
    const names = new Set<string>();
    for (const row of this.rows) for (const name of Object.keys(row)) names.add(name);
    return names;
  }

  /** Appends a row, giving it the next integer `id` unless it has one; returns the id. */
  insert(values: JsonObject): JsonValue {
    const id = values.id ?? this.#nextId;
    if (typeof id === 'number' && id >= this.#nextId) this.#nextId = id + 1;
    this.rows.push({ id, ...values });
    return id;
  }
}

/** The in-memory store: databases by id, schemas by name. Copies the caller's rows. */
export class TableStore {
  readonly #databases = new Map<string, Map<string, TestTable>>();

  constructor(databases: ZTeraDBTestDatabases) {
    for (const [databaseId, schemas] of Object.entries(databases)) {
      const tables = new Map<string, TestTable>();
      for (const [schema, rows] of Object.entries(schemas)) tables.set(schema, new TestTable(rows));
      this.#databases.set(databaseId, tables);
    }
  }

  databaseIds(): Set<string> {
    return new Set(this.#databases.keys());
  }

  hasDatabase(databaseId: string): boolean {
    return this.#databases.has(databaseId);
  }

  table(databaseId: string, schema: string): TestTable | undefined {
    return this.#databases.get(databaseId)?.get(schema);
  }

  /** A copy of a schema's rows, for assertions; `undefined` for an unknown database or schema. */
  snapshot(databaseId: string, schema: string): TestRow[] | undefined {
    return this.table(databaseId, schema)?.rows.map((row) => ({ ...row }));
  }
}
