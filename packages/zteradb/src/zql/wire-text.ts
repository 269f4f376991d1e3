/**
 * JSON text with key order kept exactly as given. JavaScript objects move integer-like keys
 * (`"10"`, `"2"`) ahead of the others, which would change a ZQL sort's priority, so the builder
 * keeps its maps as ordered entry lists and writes the wire text itself.
 */

/** A JSON map as an ordered list of entries. */
export class OrderedMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, WireValue]>) {}
}

/** A value the writer accepts: JSON values whose maps are {@link OrderedMap}s or plain objects. */
export type WireValue = string | number | boolean | null | readonly WireValue[] | OrderedMap | object;

/** Compact JSON text of `value`, keys of every {@link OrderedMap} in their given order. */
export function wireText(value: WireValue): string {
  if (value instanceof OrderedMap) {
    const members = value.entries.map(([key, item]) => `${JSON.stringify(key)}:${wireText(item)}`);
    return `{${members.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((item: WireValue) => wireText(item)).join(',')}]`;
  // Scalars and the AST's plain nodes (keys `operator`, `operand`, `result`: never integer-like).
  return JSON.stringify(value);
}

/** A plain object of `value` for `toJSON()`; JavaScript decides the order of integer-like keys. */
export function plainValue(value: WireValue): unknown {
  if (value instanceof OrderedMap) {
    return Object.fromEntries(value.entries.map(([key, item]) => [key, plainValue(item)]));
  }
  if (Array.isArray(value)) return value.map((item: WireValue) => plainValue(item));
  return value;
}

/** True when a plain object would list these keys in a different order. */
export function jsReordersKeys(keys: readonly string[]): boolean {
  const plain = Object.keys(Object.fromEntries(keys.map((key) => [key, 0])));
  return plain.some((key, index) => key !== keys[index]);
}
