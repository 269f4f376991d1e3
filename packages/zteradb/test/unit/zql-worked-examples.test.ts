/**
 * The worked examples of `docs/protocols/zteradb.md` (ZQL worked examples): the query object the
 * official Python client generates for each builder call, compared byte for byte with `toWire()`
 * and `JSON.stringify(toJSON())` after removing Python's `", "` / `": "` spacing.
 */
import { describe, expect, it } from 'vitest';
import {
  ZTADD,
  ZTAND,
  ZTDIV,
  ZTEQUAL,
  ZTeraDBQuery,
  ZTGT,
  ZTICONTAINS,
  ZTIN,
  ZTMOD,
  ZTMUL,
} from '../../src/zql/index.js';

/** Python's `json.dumps` text made compact: whitespace outside string literals removed. */
function compactPythonJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i];
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}

function expectWire(query: { toWire(): string; toJSON(): unknown }, python: string): void {
  const expected = compactPythonJson(python);
  expect(query.toWire()).toBe(expected);
  expect(JSON.stringify(query.toJSON())).toBe(expected);
  expect(JSON.stringify(query)).toBe(expected);
}

describe('compactPythonJson (the comparison helper)', () => {
  it('keeps spaces inside strings and drops the separators', () => {
    expect(compactPythonJson('{"name": "Wireless Gaming Keyboard", "a": [1, 2]}')).toBe(
      '{"name":"Wireless Gaming Keyboard","a":[1,2]}',
    );
    expect(compactPythonJson('{"q": "a \\" b"}')).toBe('{"q":"a \\" b"}');
  });
});

describe('ZQL worked examples equal the official Python output byte for byte', () => {
  it('select().limit(0, 10)', () => {
    expectWire(ZTeraDBQuery('user').select().limit(0, 10), '{"sh": "user", "qt": 2, "lt": [0, 10]}');
  });

  it('fields, filter, sort and limit in the wire key order', () => {
    const query = ZTeraDBQuery('user')
      .select()
      .fields({ email: 1, status: 1 })
      .filter({ status: true })
      .sort({ email: 1, id: -1 })
      .limit(10, 20);
    const python =
      '{"sh": "user", "qt": 2, "fl": {"email": 1, "status": 1}, "fi": {"status": true}, "st": {"email": 1, "id": -1}, "lt": [10, 20]}';
    expectWire(query, python);
    // The names-and-keys forms give the same bytes.
    expectWire(
      ZTeraDBQuery('user')
        .select()
        .fields('email', 'status')
        .filter({ status: true })
        .sort('email', '-id')
        .limit(10, 20),
      python,
    );
  });

  it('a per-query database id goes right after sh', () => {
    expectWire(ZTeraDBQuery('user', 'DBID123').select(), '{"sh": "user", "db": "DBID123", "qt": 2}');
  });

  it('select().count().filter(...) puts cnt last', () => {
    expectWire(
      ZTeraDBQuery('user').select().count().filter({ status: true }),
      '{"sh": "user", "qt": 2, "fi": {"status": true}, "cnt": true}',
    );
  });

  it('insert().fields(...)', () => {
    expectWire(
      ZTeraDBQuery('user').insert().fields({ email: 'a@b.c', password: 'x', status: true }),
      '{"sh": "user", "qt": 1, "fl": {"email": "a@b.c", "password": "x", "status": true}}',
    );
  });

  it('update().fields(...).filter(...)', () => {
    expectWire(
      ZTeraDBQuery('product')
        .update()
        .fields({ name: 'Wireless Gaming Keyboard' })
        .filter({ name: 'Gaming Keyboard' }),
      '{"sh": "product", "qt": 3, "fl": {"name": "Wireless Gaming Keyboard"}, "fi": {"name": "Gaming Keyboard"}}',
    );
  });

  it('delete().filter(...)', () => {
    expectWire(
      ZTeraDBQuery('order').delete().filter({ product: '4UARJ2B0KOABVQVRSUDMLR4M89' }),
      '{"sh": "order", "qt": 4, "fi": {"product": "4UARJ2B0KOABVQVRSUDMLR4M89"}}',
    );
  });

  it('relatedField(user, sub-query)', () => {
    expectWire(
      ZTeraDBQuery('order')
        .select()
        .relatedField('user', ZTeraDBQuery('user').select().filter({ email: 'john.doe@example.com' })),
      '{"sh": "order", "qt": 2, "rf": {"user": {"sh": "user", "qt": 2, "fi": {"email": "john.doe@example.com"}}}}',
    );
  });

  it('filterCondition(ZTAND([ZTGT([ZTMUL([price, quantity]), 500]), ZTICONTAINS(name, wire)]))', () => {
    expectWire(
      ZTeraDBQuery('product')
        .select()
        .filterCondition(ZTAND([ZTGT([ZTMUL(['price', 'quantity']), 500]), ZTICONTAINS('name', 'wire')])),
      '{"sh": "product", "qt": 2, "fc": [{"operator": "&&", "operand": [{"operator": ">", "operand": [{"operator": "*", "operand": ["price", "quantity"]}, 500]}, {"operator": "i%%", "operand": "name", "result": "wire"}]}]}',
    );
  });

  it('two filterCondition calls give two fc elements in call order', () => {
    const wire = ZTeraDBQuery('product')
      .select()
      .filterCondition(ZTIN('price', [10, 20]))
      .filterCondition(ZTEQUAL('status', 'A'))
      .toWire();
    expect(wire).toContain(
      compactPythonJson(
        '"fc": [{"operator": "IN", "operand": "price", "result": [10, 20]}, {"operator": "=", "operand": "status", "result": "A"}]',
      ),
    );
  });

  it('ZTEQUAL with conditions on both sides', () => {
    expect(JSON.stringify(ZTEQUAL(ZTMOD(ZTADD(['a', 'b']), 3), ZTDIV('c', 2)))).toBe(
      compactPythonJson(
        '{"operator": "=", "operand": {"operator": "%", "operand": [{"operator": "+", "operand": ["a", "b"]}, 3]}, "result": {"operator": "/", "operand": ["c", 2]}}',
      ),
    );
  });

  it('false and 0 values are kept: a map is dropped only when empty', () => {
    const wire = ZTeraDBQuery('t').select().filter({ status: false, n: 0 }).fields({ x: 0 }).toWire();
    expect(wire).toBe('{"sh":"t","qt":2,"fl":{"x":0},"fi":{"status":false,"n":0}}');
    expect(wire).toContain(compactPythonJson('"fl": {"x": 0}'));
    expect(wire).toContain(compactPythonJson('"fi": {"status": false, "n": 0}'));
  });

  it('sort(a=5): Python sends -1; we refuse anything but 1/-1 and send -1 for "-a"', () => {
    expect(() =>
      ZTeraDBQuery('t')
        .select()
        .sort({ a: 5 as -1 }),
    ).toThrow(/direction is 1 or -1/);
    expect(ZTeraDBQuery('t').select().sort('-a').toWire()).toContain(compactPythonJson('"st": {"a": -1}'));
  });

  it("the Node client's related array form, without Node's empty db", () => {
    const user = ZTeraDBQuery('user').select();
    expectWire(
      ZTeraDBQuery('order')
        .select()
        .relatedField('user', [user, user.limit(0, 1)]),
      '{"sh":"order","qt":2,"rf":{"user":[{"sh":"user","qt":2},{"sh":"user","qt":2,"lt":[0,1]}]}}',
    );
  });
});
