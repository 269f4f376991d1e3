import { ConfigError } from '@conn/core';
import type { ParallelItem } from './batch.js';

/** A source `parallel()` can read: a sync or async iterable. */
export type ParallelSource = Iterable<ParallelItem> | AsyncIterable<ParallelItem>;

/**
 * Checks what `parallel()` was given before anything is read or sent: callers in plain JavaScript
 * get past the types, and a `null` there would otherwise surface as a bare TypeError.
 * @throws ConfigError `CONN_CONFIG` (`field` names it) for options that are not an object, a `signal`
 * that is not an AbortSignal, an `onProgress` that is not a function, or `successStatuses` not an array;
 * `CONN_APERTUREDB_QUERY_ARGUMENT` (`field` 'source') for a source that is not iterable.
 */
export function checkParallelArguments(source: unknown, options: unknown): asserts source is ParallelSource {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ConfigError('parallel() options must be an object', { field: 'options' });
  const { signal, onProgress, successStatuses } = options as Record<string, unknown>;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new ConfigError('parallel() signal must be an AbortSignal', { field: 'signal' });
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new ConfigError('parallel() onProgress must be a function', { field: 'onProgress' });
  if (successStatuses !== undefined && !Array.isArray(successStatuses))
    throw new ConfigError('parallel() successStatuses must be an array of statuses', {
      field: 'successStatuses',
    });
  const candidate = source as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null;
  const iterable =
    typeof candidate === 'object' &&
    candidate !== null &&
    (typeof candidate[Symbol.asyncIterator] === 'function' ||
      typeof candidate[Symbol.iterator] === 'function');
  if (!iterable) throw argumentError('parallel() source must be an iterable or async iterable of items');
}

/**
 * Checks one item as it is read, before its batch is built.
 * @throws ConfigError `CONN_APERTUREDB_QUERY_ARGUMENT` (`field` 'source') for an item that is not
 * `{ commands, blobs? }` with one-key command objects and Uint8Array blobs; `position` counts from 0.
 */
export function checkParallelItem(item: unknown, position: number): asserts item is ParallelItem {
  const what = `parallel() item ${position}`;
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw argumentError(`${what} must be an object { commands, blobs? }`);
  const { commands, blobs } = item as { commands?: unknown; blobs?: unknown };
  if (!Array.isArray(commands)) throw argumentError(`${what} must have an array of commands`);
  for (let index = 0; index < commands.length; index++) {
    const command: unknown = commands[index];
    const single =
      typeof command === 'object' &&
      command !== null &&
      !Array.isArray(command) &&
      Object.keys(command).length === 1;
    if (!single) throw argumentError(`${what}: command ${index} must be one object { "<Name>": { ... } }`);
  }
  if (blobs === undefined) return;
  if (!Array.isArray(blobs) || !blobs.every((blob) => blob instanceof Uint8Array))
    throw argumentError(`${what}: blobs must be an array of Uint8Array`);
}

function argumentError(message: string): ConfigError {
  return new ConfigError(message, { code: 'CONN_APERTUREDB_QUERY_ARGUMENT', field: 'source' });
}
