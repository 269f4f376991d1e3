import { PgQueryBase, type QueryCallback } from './pg-query.js';

/** A prepared statement's row description, as pg hands it to a query (`RowDescription.fields`). */
export type RowFields = readonly unknown[];

interface WireConnection {
  readonly parsedStatements: Record<string, string>;
  readonly stream: { write(bytes: Buffer): boolean };
}

/** Bind (unnamed portal, no parameters, text results), Execute (all rows) and Sync, per name. */
const executions = new Map<string, Buffer>();

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function executionOf(name: string): Buffer {
  let bytes = executions.get(name);
  if (bytes === undefined) {
    // Bind: portal "", statement, 0 parameter formats, 0 parameters, 0 result formats (all text).
    const bind = Buffer.concat([Buffer.from(`\0${name}\0`, 'utf8'), Buffer.alloc(6)]);
    // Execute: portal "", no row limit.
    const execute = Buffer.alloc(5);
    bytes = Buffer.concat([message('B', bind), message('E', execute), message('S', Buffer.alloc(0))]);
    if (executions.size >= 10_000) executions.clear();
    executions.set(name, bytes);
  }
  return bytes;
}

/**
 * A prepared statement without parameters whose row description this session already knows: it
 * goes out as one write of Bind/Execute/Sync, without the Describe pg sends on every run, so the
 * server neither parses, plans nor describes it again. The first run on a session (or one whose
 * statement pg no longer holds as parsed) is pg's own Parse/Bind/Describe/Execute/Sync, and its
 * row description is kept in `described` for the next ones.
 *
 * Only statements that return rows are kept: one answered with NoData keeps pg's path. A schema
 * change that alters the result fails the Bind (0A000), and the session drops the name and its
 * description. A subclass of pg's `Query`, since pg's pipeline mode takes no other query objects.
 */
export class DescribedQuery extends PgQueryBase {
  constructor(
    private readonly statement: string,
    text: string,
    private readonly described: Map<string, RowFields>,
    callback: QueryCallback,
  ) {
    // (text, values), not a config object: see sendQuery.
    super(text, [], callback);
    this.name = statement;
  }

  override submit(connection: WireConnection): Error | null {
    const fields = this.described.get(this.statement);
    if (fields === undefined || connection.parsedStatements[this.statement] !== this.text)
      return super.submit(connection);
    this._result.addFields(fields);
    this._accumulateRows = true;
    connection.stream.write(executionOf(this.statement));
    return null;
  }

  override handleRowDescription(rowDescription: { fields: RowFields }): void {
    this.described.set(this.statement, rowDescription.fields);
    super.handleRowDescription(rowDescription);
  }
}
