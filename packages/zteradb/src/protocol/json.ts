import { Secret } from '@conn/core';

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object: every ZTeraDB frame carries exactly one. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A value of an outgoing frame: JSON, a {@link Secret} (revealed only while the frame is
 * serialised, so a logged request shows `[redacted]`), or an object with `toJSON()` such as a
 * built ZQL query.
 */
export type WireValue =
  | string
  | number
  | boolean
  | null
  | Secret
  | { toJSON(): unknown }
  | RawJson
  | readonly WireValue[]
  | { readonly [key: string]: WireValue };

/** An outgoing frame before serialisation. Key order is kept on the wire. */
export type WireObject = { readonly [key: string]: WireValue };

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON text placed into a frame as it is: a ZQL query's `toWire()`, whose key order (integer-like
 * sort keys included) a plain JavaScript object could not keep. Allowed as a top-level value of a
 * frame only.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * Serialises an outgoing frame, top-level keys in order. `JSON.stringify` calls `Secret#toJSON`
 * (which redacts) before a replacer sees the value, so the replacer looks the original up on its
 * holder and reveals it. A top-level {@link RawJson} goes in as its text.
 */
export function stringifyWireObject(frame: WireObject): string {
  let text = '{';
  for (const key of Object.keys(frame)) {
    const value = frame[key];
    if (value === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${value instanceof RawJson ? value.text : stringifyWireValue(value)}`;
  }
  return `${text}}`;
}

function stringifyWireValue(value: WireValue): string {
  if (value instanceof Secret) return JSON.stringify(value.reveal());
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(
    value,
    function revealSecrets(this: Record<string, unknown>, key: string, inner: unknown) {
      const original = this[key];
      return original instanceof Secret ? original.reveal() : inner;
    },
  );
}
