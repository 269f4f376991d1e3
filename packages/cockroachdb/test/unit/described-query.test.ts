import { describe, expect, it } from 'vitest';
import { DescribedQuery, type RowFields } from '../../src/described-query.js';

const NAME = 'conn_7';
const TEXT = 'SELECT 1 AS one';
const FIELDS: RowFields = [{ name: 'one', dataTypeID: 23, format: 'text' }];

/** The wire calls pg's own extended path makes, and the raw writes, in order. */
function fakeWire(parsed: boolean): { calls: string[]; writes: Buffer[]; wire: object } {
  const calls: string[] = [];
  const writes: Buffer[] = [];
  const record = (what: string) => () => calls.push(what);
  return {
    calls,
    writes,
    wire: {
      parsedStatements: parsed ? { [NAME]: TEXT } : {},
      submittedNamedStatements: {},
      stream: { write: (bytes: Buffer) => writes.push(bytes), cork() {}, uncork() {} },
      parse: record('parse'),
      bind: record('bind'),
      describe: record('describe'),
      execute: record('execute'),
      sync: record('sync'),
      flush: record('flush'),
    },
  };
}

/** The messages of one write: [type, body length] each. */
function messagesOf(bytes: Buffer): [string, number][] {
  const messages: [string, number][] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readInt32BE(at + 1);
    messages.push([String.fromCharCode(bytes[at] as number), length - 4]);
    at += 1 + length;
  }
  return messages;
}

describe('DescribedQuery', () => {
  it('with the rows known and the statement parsed: one write of Bind, Execute and Sync, no Describe', () => {
    const { calls, writes, wire } = fakeWire(true);
    const query = new DescribedQuery(NAME, TEXT, new Map([[NAME, FIELDS]]), () => {});
    expect(query.submit(wire as never)).toBeNull();
    expect(calls).toEqual([]);
    expect(writes).toHaveLength(1);
    const bytes = writes[0] as Buffer;
    expect(messagesOf(bytes).map(([type]) => type)).toEqual(['B', 'E', 'S']);
    // Bind: unnamed portal, the statement's name, no formats, no parameters, no result formats.
    expect(bytes.subarray(5, 5 + 1 + NAME.length + 1 + 6)).toEqual(
      Buffer.concat([Buffer.from(`\0${NAME}\0`), Buffer.alloc(6)]),
    );
  });

  it("without the rows known, or a statement pg does not hold as parsed: pg's own Parse/Bind/Describe path", () => {
    for (const [parsed, described] of [
      [true, new Map<string, RowFields>()],
      [false, new Map([[NAME, FIELDS]])],
    ] as const) {
      const { calls, writes, wire } = fakeWire(parsed);
      new DescribedQuery(NAME, TEXT, described, () => {}).submit(wire as never);
      expect(writes).toEqual([]);
      expect(calls).toContain('describe');
      expect(calls).toContain('sync');
    }
  });

  it('keeps the row description it is answered with, for the next run on the session', () => {
    const described = new Map<string, RowFields>();
    const query = new DescribedQuery(NAME, TEXT, described, () => {});
    query.handleRowDescription({ fields: FIELDS });
    expect(described.get(NAME)).toBe(FIELDS);
  });
});
