/**
 * Finds a container that contains itself, for the error of a value the encoder found nested too
 * deep: the encoder does not track its containers (that would cost every container of every
 * payload), so it only learns of a cycle when the nesting limit stops it.
 * @internal
 */
import { QP_MAX_DEPTH } from './qpack-types.js';

/**
 * The path (innermost segment first, as the encoder reports paths) to the first container that is
 * inside itself, walking `value` in the encoder's order; `undefined` when there is none within
 * QP_MAX_DEPTH levels.
 */
export function findCycle(value: unknown): (string | number)[] | undefined {
  const path: (string | number)[] = [];
  return walk(value, [], path) ? path.reverse() : undefined;
}

function walk(value: unknown, ancestors: object[], path: (string | number)[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const array = Array.isArray(value);
  const map = value instanceof Map;
  if (!array && !map) {
    // the encoder writes QpackFloat and Uint8Array as scalars and refuses other class instances
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
  }
  if (ancestors.includes(value)) return true;
  if (ancestors.length >= QP_MAX_DEPTH) return false;
  ancestors.push(value);
  if (array) {
    const items = value as readonly unknown[];
    for (let i = 0; i < items.length; i++) {
      path.push(i);
      if (walk(items[i], ancestors, path)) return true;
      path.pop();
    }
  } else if (map) {
    for (const [key, item] of value as ReadonlyMap<unknown, unknown>) {
      path.push(String(key));
      if (walk(item, ancestors, path)) return true;
      path.pop();
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      path.push(key);
      if (walk(record[key], ancestors, path)) return true;
      path.pop();
    }
  }
  ancestors.pop();
  return false;
}
