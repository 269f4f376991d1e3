import { ProtocolError } from '@conn/core';

// Response shapes and helpers (docs/protocols/aperturedb.md §3): an array with one `{ Name: result }`
// per command in request order, or one top-level `{ status, info }` object when the whole transaction
// failed. Blobs are one flat list for the whole transaction.

/** The status codes of the query language. */
export const Status = {
  /** Success. */
  OK: 0,
  /** A searched class or property key does not exist. */
  EMPTY: 1,
  /** A conditional add (`if_not_found`) found one existing object and added nothing. */
  EXISTS: 2,
  /** `unique: true`, but several objects matched. */
  NOT_UNIQUE: 3,
  /** The response (its blobs) exceeded the server's limit. */
  RESPONSE_TOO_LARGE: 4,
  /** The command or transaction failed; see `info`. */
  ERROR: -1,
  /** Client-side only: the response carries no status where one was expected (the SDK's -2). */
  NO_STATUS: -2,
} as const;

/** An object the server returned (entity, image, descriptor, blob ...), with its system properties. */
export interface ResponseEntity {
  readonly _uniqueid?: string;
  /** Absolute index of this entity's blob in the response's blob list. */
  readonly _blob_index?: number;
  /** k-NN distance (`distances: true`): squared L2, or IP/CS similarity. */
  readonly _distance?: number;
  /** Descriptor label (`labels: true`). */
  readonly _label?: string;
  readonly [property: string]: unknown;
}

/** One command's result, the value under its name. */
export interface CommandResult {
  readonly status: number;
  readonly info?: string;
  /** Entities, connections or blobs returned. */
  readonly returned?: number;
  /** `results.count`, or what UpdateEntity and Delete* changed. */
  readonly count?: number;
  /** Index of this command's first blob in the response's blob list. */
  readonly blobs_start?: number;
  /** A list, or with `group_by_source` an object keyed by the source's `_uniqueid`. */
  readonly entities?: readonly ResponseEntity[] | Readonly<Record<string, readonly ResponseEntity[]>>;
  /** FindConnection's results. */
  readonly connections?: readonly ResponseEntity[];
  readonly [field: string]: unknown;
}

/** One entry of a response array: `{ "<CommandName>": result }`. */
export type CommandResponse = Readonly<Record<string, CommandResult>>;

/** The top-level object sent instead of an array when the whole transaction failed. */
export interface TransactionErrorResponse {
  readonly status: number;
  readonly info?: string;
  readonly [field: string]: unknown;
}

/** A decoded response JSON. */
export type ApertureDBResponse = readonly CommandResponse[] | TransactionErrorResponse;

/** True for a top-level error object (anything but an array). */
export function isTransactionError(response: unknown): response is TransactionErrorResponse {
  return !Array.isArray(response);
}

/**
 * True when the response reports a failure: a top-level error object, or a command whose status is
 * -1 (error), 4 (response too large) or is missing. 0, 1, 2 and 3 are outcomes, not failures.
 */
export function isError(response: unknown): boolean {
  if (!Array.isArray(response)) return true;
  return response.some((_, index) => isFailureStatus(statusOf(response as ApertureDBResponse, index)));
}

/** Whether a status is a failure: anything but 0 to 3 (so -1, 4, and -2 for a missing status). */
export function isFailureStatus(status: number): boolean {
  return !(Number.isInteger(status) && status >= Status.OK && status <= Status.NOT_UNIQUE);
}

/**
 * The status of command `index` (default 0, the first, as the SDK's `check_status`), or the top-level
 * status of an error object. {@link Status.NO_STATUS} (-2) when there is none.
 */
export function statusOf(response: ApertureDBResponse, index = 0): number {
  const status = Array.isArray(response)
    ? resultOf(response as readonly CommandResponse[], index)?.status
    : (response as TransactionErrorResponse).status;
  return typeof status === 'number' ? status : Status.NO_STATUS;
}

/** The command name of entry `index` (its single key), or `undefined`. */
export function commandNameOf(response: ApertureDBResponse, index: number): string | undefined {
  if (!Array.isArray(response)) return undefined;
  const entry: unknown = response[index];
  if (typeof entry !== 'object' || entry === null) return undefined;
  return Object.keys(entry)[0];
}

/** The result of command `index` (the value under its name), or `undefined`. */
export function resultOf(response: ApertureDBResponse, index: number): CommandResult | undefined {
  const name = commandNameOf(response, index);
  if (name === undefined) return undefined;
  const result: unknown = (response as readonly CommandResponse[])[index]?.[name];
  return typeof result === 'object' && result !== null ? (result as CommandResult) : undefined;
}

/** A command's entities as one list (`group_by_source` groups flattened in key order). */
export function entitiesOf(result: CommandResult | undefined): readonly ResponseEntity[] {
  const entities = result?.entities ?? result?.connections;
  if (entities === undefined || entities === null) return [];
  if (Array.isArray(entities)) return entities as readonly ResponseEntity[];
  return Object.values(entities as Readonly<Record<string, readonly ResponseEntity[]>>).flat();
}

/**
 * The blobs command `commandIndex` returned, in order. Read from `blobs_start` and `returned` when the
 * command has `blobs_start`, else from its entities' `_blob_index`; none when it has neither.
 * @throws ProtocolError `CONN_APERTUREDB_BAD_RESPONSE` when an index points outside `blobs`.
 */
export function blobsOf<B>(response: ApertureDBResponse, blobs: readonly B[], commandIndex: number): B[] {
  const result = resultOf(response, commandIndex);
  if (result === undefined) return [];
  const pick = (index: number): B => {
    if (!Number.isInteger(index) || index < 0 || index >= blobs.length) {
      throw new ProtocolError(
        `command ${commandIndex} points at blob ${index}, but the response has ${blobs.length} blobs`,
        {
          code: 'CONN_APERTUREDB_BAD_RESPONSE',
          details: { commandIndex, blobIndex: index, blobs: blobs.length },
        },
      );
    }
    return blobs[index] as B;
  };
  const entities = entitiesOf(result);
  const indexed = entities.filter((entity) => typeof entity._blob_index === 'number');
  if (typeof result.blobs_start === 'number') {
    const count = typeof result.returned === 'number' ? result.returned : indexed.length;
    return Array.from({ length: count }, (_, offset) => pick((result.blobs_start as number) + offset));
  }
  return indexed.map((entity) => pick(entity._blob_index as number));
}

/** The blob of one returned entity (`_blob_index`), or `undefined` when it has none. */
export function blobOfEntity<B>(entity: ResponseEntity, blobs: readonly B[]): B | undefined {
  const index = entity._blob_index;
  return typeof index === 'number' ? blobs[index] : undefined;
}
