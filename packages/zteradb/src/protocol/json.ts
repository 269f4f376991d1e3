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
  | readonly WireValue[]
  | { readonly [key: string]: WireValue };

/** An outgoing frame before serialisation. Key order is kept on the wire. */
export type WireObject = { readonly [key: string]: WireValue };

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Serialises an outgoing frame. `JSON.stringify` calls `Secret#toJSON` (which redacts) before a
 * replacer sees the value, so the replacer looks the original up on its holder and reveals it.
 */
export function stringifyWireObject(frame: WireObject): string {
  return JSON.stringify(
    frame,
    function revealSecrets(this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      return original instanceof Secret ? original.reveal() : value;
    },
  );
}
