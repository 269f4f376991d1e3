/**
 * The descriptor sets and descriptors of the in-memory ApertureDB, with the commands that act on
 * them (docs/protocols/aperturedb.md, sections 5.3 and 5.4). Pure: no I/O, no protobuf.
 *
 * Replies are `CommandOutcome`s (see `records.ts`): the object under the command name plus the
 * response blobs. Command-specific shapes:
 * - `AddDescriptorSet` → `{status: 0}`; a set of that name already exists → `{status: 2}` and
 *   nothing changes (the command is a conditional add by name). Defaults: metric `L2`, engine
 *   `HNSW`; the engine is only echoed by `_engines`.
 * - `AddDescriptor` → `{status: 0}`; the blob must be `dimensions × 4` bytes (float32 LE); the label
 *   defaults to `"None"`. `connect` and `if_not_found` are the engine's business.
 * - `FindDescriptor` → see `find-descriptor.ts`; `FindDescriptorSet` → see `find-descriptor-set.ts`.
 * - `DeleteDescriptorSet` → `{status: 0, count}`, removing the sets' descriptors too.
 * Failures are `{status: -1, info}` and change nothing.
 *
 * `snapshot()`/`restore()` let the engine roll a failed transaction back. Stored records are
 * never mutated, so a snapshot only copies the containers.
 */
import { Invalid, optionalObject, stringOrList } from './command-params.js';
import { type FindDescriptorOptions, type FindDescriptorOutcome, findDescriptor } from './find-descriptor.js';
import {
  type FindDescriptorSetOptions,
  type FindDescriptorSetOutcome,
  findDescriptorSet,
} from './find-descriptor-set.js';
import { BYTES_PER_DIMENSION, decodeFloat32LE } from './float32-blob.js';
import { isMetric, type Metric } from './metric.js';
import {
  type CommandOutcome,
  type DescriptorRecord,
  type DescriptorSetRecord,
  failed,
  type Matcher,
} from './records.js';

export const DEFAULT_METRIC: Metric = 'L2';
export const DEFAULT_ENGINE = 'HNSW';
export const DEFAULT_LABEL = 'None';

export interface DescriptorStoreSnapshot {
  readonly sets: ReadonlyMap<string, DescriptorSetRecord>;
  readonly members: ReadonlyMap<string, readonly DescriptorRecord[]>;
  readonly nextId: number;
}

export interface DeleteDescriptorSetOptions {
  /** The engine's evaluator of `constraints` or of the sets behind `ref`. */
  matches?: Matcher<DescriptorSetRecord>;
}

type Command = Readonly<Record<string, unknown>>;

export class DescriptorStore {
  #sets = new Map<string, DescriptorSetRecord>();
  #members = new Map<string, DescriptorRecord[]>();
  #nextId = 1;

  addSet(command: Command): CommandOutcome & { set?: DescriptorSetRecord } {
    const name = command['name'];
    if (typeof name !== 'string' || name === '') return failed('name must be a non-empty string');
    const dimensions = command['dimensions'];
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions <= 0) {
      return failed('dimensions must be a positive integer');
    }
    const metrics = command['metric'] === undefined ? [DEFAULT_METRIC] : stringOrList(command['metric']);
    if (metrics === undefined || !metrics.every(isMetric)) {
      return failed('metric must be "L2", "IP", "CS" or a list of them');
    }
    const engines = command['engine'] === undefined ? [DEFAULT_ENGINE] : stringOrList(command['engine']);
    if (engines === undefined) return failed('engine must be a string or a list of strings');
    const properties = optionalObject(command, 'properties');
    if (properties instanceof Invalid) return failed(properties.message);
    const existing = this.#sets.get(name);
    if (existing !== undefined) return { response: { status: 2 }, blobs: [], set: existing };

    const set: DescriptorSetRecord = Object.freeze({
      id: this.#nextId++,
      name,
      dimensions,
      metrics: Object.freeze([...metrics]),
      engines: Object.freeze([...engines]),
      properties: Object.freeze(structuredClone(properties ?? {})),
    });
    this.#sets.set(name, set);
    this.#members.set(name, []);
    return { response: { status: 0 }, blobs: [], set };
  }

  addDescriptor(
    command: Command,
    blob: Uint8Array | undefined,
  ): CommandOutcome & { descriptor?: DescriptorRecord } {
    const setName = command['set'];
    if (typeof setName !== 'string') return failed('set must be a string');
    const set = this.#sets.get(setName);
    if (set === undefined) return failed(`DescriptorSet "${setName}" not found`);
    const label = command['label'] ?? DEFAULT_LABEL;
    if (typeof label !== 'string') return failed('label must be a string');
    const properties = optionalObject(command, 'properties');
    if (properties instanceof Invalid) return failed(properties.message);
    if (blob === undefined) return failed('AddDescriptor needs a descriptor blob');
    const expected = set.dimensions * BYTES_PER_DIMENSION;
    if (blob.byteLength !== expected) {
      return failed(
        `descriptor blob has ${blob.byteLength} bytes; set "${set.name}" expects ${expected} ` +
          `(${set.dimensions} dimensions x 4 bytes, float32 little-endian)`,
      );
    }
    const descriptor: DescriptorRecord = Object.freeze({
      id: this.#nextId++,
      set: set.name,
      label,
      properties: Object.freeze(structuredClone(properties ?? {})),
      vector: decodeFloat32LE(blob),
      blob: blob.slice(),
    });
    // Replace the member list instead of pushing, so snapshots taken earlier stay intact.
    this.#members.set(set.name, [...(this.#members.get(set.name) ?? []), descriptor]);
    return { response: { status: 0 }, blobs: [], descriptor };
  }

  findDescriptor(
    command: Command,
    queryBlob?: Uint8Array,
    options: FindDescriptorOptions = {},
  ): FindDescriptorOutcome {
    return findDescriptor({ sets: this.#sets, members: this.#members }, command, queryBlob, options);
  }

  findSet(command: Command, options: FindDescriptorSetOptions = {}): FindDescriptorSetOutcome {
    return findDescriptorSet(this.#sets, this.#members, command, options);
  }

  /** `DeleteDescriptorSet`; `with_name` is accepted as a shortcut to one set by name. */
  deleteSet(command: Command, options: DeleteDescriptorSetOptions = {}): CommandOutcome {
    const withName = command['with_name'];
    if (withName !== undefined && typeof withName !== 'string') return failed('with_name must be a string');
    const filtered = command['constraints'] !== undefined || command['ref'] !== undefined;
    if (filtered && options.matches === undefined) {
      return failed('constraints and ref need the engine to evaluate them');
    }
    const doomed = [...this.#sets.values()].filter(
      (set) => (withName === undefined || set.name === withName) && (!filtered || options.matches!(set)),
    );
    for (const set of doomed) {
      this.#sets.delete(set.name);
      this.#members.delete(set.name);
    }
    return { response: { status: 0, count: doomed.length }, blobs: [] };
  }

  getSet(name: string): DescriptorSetRecord | undefined {
    return this.#sets.get(name);
  }

  descriptorsIn(name: string): readonly DescriptorRecord[] {
    return this.#members.get(name) ?? [];
  }

  snapshot(): DescriptorStoreSnapshot {
    return { sets: new Map(this.#sets), members: new Map(this.#members), nextId: this.#nextId };
  }

  restore(snapshot: DescriptorStoreSnapshot): void {
    this.#sets = new Map(snapshot.sets);
    this.#members = new Map([...snapshot.members].map(([name, list]) => [name, [...list]]));
    this.#nextId = snapshot.nextId;
  }
}
