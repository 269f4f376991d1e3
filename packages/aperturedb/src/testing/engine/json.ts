/** JSON values as the engine sees them after `JSON.parse`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Serializes with object keys in sorted order: the server's JSON writer keeps keys in a sorted map,
 * which is why its replies read `{"info": …, "status": …}` (docs/protocols/aperturedb.md §2.1, §3).
 */
export function toServerJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(toServerJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${toServerJson(value[key] as JsonValue)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** Sets an own key even when it is "__proto__", which plain assignment would treat as the prototype. */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
