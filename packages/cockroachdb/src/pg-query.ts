import pg from 'pg';

/** A statement as pg takes it, with the two fields pg's types leave out. @internal */
export type PgQueryConfig = pg.QueryConfig & { queryMode?: 'extended'; rowMode?: 'array' };

/** pg's `Query` as far as this package uses it (pg ships no types for these members). @internal */
interface PgQuery {
  name: string | undefined;
  queryMode: 'extended' | undefined;
  readonly text: string;
  _result: { addFields(fields: readonly unknown[]): void };
  _accumulateRows: boolean;
  submit(connection: unknown): Error | null;
  handleRowDescription(message: { fields: readonly unknown[] }): void;
}

/** Called once with the statement's result (an array of them for several statements) or its error. */
export type QueryCallback = (error: Error | null, result: pg.QueryResult) => void;

type PgQueryClass = new (text: string, values: readonly unknown[], callback: QueryCallback) => PgQuery;

/** pg's `Query` class, built from (text, values): see {@link sendQuery}. @internal */
export const PgQueryBase: PgQueryClass = (pg as unknown as { Query: PgQueryClass }).Query;

/**
 * Sends `config` on `client`. pg copies every property descriptor of a config object it is given
 * (about 1–2 µs a statement, a tenth of a pooled `SELECT 1`'s client CPU), so the query is built
 * from (text, values) and its name and mode are set on it afterwards. A `rowMode` shapes the result
 * pg makes in the constructor: that rare case keeps pg's own path.
 * @internal
 */
export function sendQuery(
  client: pg.Client,
  config: PgQueryConfig,
): Promise<pg.QueryResult | pg.QueryResult[]> {
  if (config.rowMode !== undefined) return client.query(config);
  return submitQuery(client, (callback) => {
    const query = new PgQueryBase(config.text, config.values ?? [], callback);
    if (config.name !== undefined) query.name = config.name;
    if (config.queryMode !== undefined) query.queryMode = config.queryMode;
    return query;
  });
}

/** Submits the query `build` makes with a callback that settles the returned promise. @internal */
export function submitQuery(
  client: pg.Client,
  build: (callback: QueryCallback) => PgQuery,
): Promise<pg.QueryResult | pg.QueryResult[]> {
  return new Promise((resolve, reject) => {
    client.query(
      build((error, result) =>
        error === null ? resolve(result) : reject(error),
      ) as unknown as pg.Submittable,
    );
  });
}
