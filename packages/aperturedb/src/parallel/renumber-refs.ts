import type { ApertureDBCommand } from '../query/commands.js';

// Refs are local to one transaction (docs/protocols/aperturedb.md §5.2), so items batched into one
// transaction must not share numbers. Every ref an item defines or names is mapped, item by item,
// onto fresh numbers counted up from 1; a ref named but never defined also gets a fresh number, so it
// stays dangling (and fails its own transaction) instead of silently pointing at another item.

/** Parameters that hold a ref at the top level of a command (besides the `_ref` that defines one). */
const TOP_LEVEL_REF_KEYS = new Set(['ref', 'src', 'dst']);
/** `image_ref`, `video_ref` and the like: refs to an earlier command's objects. */
const SUFFIXED_REF_KEY = /^[a-z]+_ref$/;

/** Hands out the batch's ref numbers, and remembers one item's mapping. */
export class RefNumbering {
  #next = 1;
  #current = new Map<number, number>();

  /** Starts the mapping of the next item. */
  startItem(): void {
    this.#current = new Map();
  }

  /** The batch number of the current item's ref `ref`. */
  map(ref: number): number {
    let mapped = this.#current.get(ref);
    if (mapped === undefined) {
      mapped = this.#next++;
      this.#current.set(ref, mapped);
    }
    return mapped;
  }
}

/**
 * A copy of one item's commands with every ref renumbered through `numbering` (call
 * `numbering.startItem()` first). Refs are rewritten where the query language reads them:
 * `_ref`, `ref`, `src`, `dst`, `<kind>_ref` on the command, `connect.ref`, and `is_connected_to.ref`
 * including inside its `any` / `all` lists. Properties and constraints are never touched: a
 * property may well be called `ref`.
 */
export function renumberCommands(
  commands: readonly ApertureDBCommand[],
  numbering: RefNumbering,
): ApertureDBCommand[] {
  return commands.map((command) => {
    const [name, params] = Object.entries(command)[0] as [string, unknown];
    if (!isRecord(params)) return command;
    return { [name]: renumberParams(params, numbering) } as ApertureDBCommand;
  });
}

function renumberParams(params: Record<string, unknown>, numbering: RefNumbering): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(params)) {
    if (key === 'connect') out[key] = renumberNested(value, numbering);
    else if (key === 'is_connected_to') out[key] = renumberConnectedTo(value, numbering);
    else if (key === '_ref' || TOP_LEVEL_REF_KEYS.has(key) || SUFFIXED_REF_KEY.test(key))
      out[key] = renumberValue(value, numbering);
  }
  return out;
}

/** `connect: { ref, … }` (a list of them is accepted too). */
function renumberNested(value: unknown, numbering: RefNumbering): unknown {
  if (Array.isArray(value)) return value.map((entry) => renumberNested(entry, numbering));
  if (!isRecord(value) || !('ref' in value)) return value;
  return { ...value, ref: renumberValue(value['ref'], numbering) };
}

/** `is_connected_to: { ref, … }` or `{ any | all: [ … ] }`, nested to any depth. */
function renumberConnectedTo(value: unknown, numbering: RefNumbering): unknown {
  if (Array.isArray(value)) return value.map((entry) => renumberConnectedTo(entry, numbering));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  if ('ref' in value) out['ref'] = renumberValue(value['ref'], numbering);
  if ('any' in value) out['any'] = renumberConnectedTo(value['any'], numbering);
  if ('all' in value) out['all'] = renumberConnectedTo(value['all'], numbering);
  return out;
}

/** Only integers are refs; anything else is left for the server to reject. */
function renumberValue(value: unknown, numbering: RefNumbering): unknown {
  return typeof value === 'number' && Number.isInteger(value) ? numbering.map(value) : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
