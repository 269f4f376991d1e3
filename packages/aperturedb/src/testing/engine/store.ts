import { JournaledMap } from './journaled-map.js';
import type { Properties } from './values.js';

/** An object of the property graph: a user entity or a system one (`_Blob`, `_Image`, `_Descriptor`, …). */
export interface StoredObject {
  readonly id: string;
  readonly cls: string;
  readonly properties: Properties;
  readonly blob?: Uint8Array;
}

/** A directed, classed edge with properties. */
export interface StoredConnection {
  readonly id: string;
  readonly cls: string;
  readonly src: string;
  readonly dst: string;
  readonly properties: Properties;
}

export type IndexKind = 'entity' | 'connection';

/**
 * The in-memory graph. Records are never mutated in place (an update stores a new record under the
 * same id, keeping insertion order). Transactions keep an undo log (see journaled-map.ts): each
 * change records its inverse, a rollback replays them backwards, so a transaction costs what it
 * changes, not the size of the store, and a rollback restores the exact prior state, order included.
 */
export class GraphStore {
  private readonly objects = new JournaledMap<string, StoredObject>();
  private readonly connections = new JournaledMap<string, StoredConnection>();
  /** Index name → its [kind, class, key]. */
  private readonly indexes = new JournaledMap<string, readonly [IndexKind, string, string]>();
  private nextSequence = 47894344407220;
  /** The id counter when the open transaction began; undefined outside one. */
  private sequenceBefore: number | undefined;

  /** Starts a transaction; changes from here on can be undone by `rollback`. */
  begin(): void {
    this.sequenceBefore = this.nextSequence;
    for (const map of this.maps()) map.begin();
  }

  commit(): void {
    this.sequenceBefore = undefined;
    for (const map of this.maps()) map.commit();
  }

  rollback(): void {
    if (this.sequenceBefore !== undefined) this.nextSequence = this.sequenceBefore;
    this.sequenceBefore = undefined;
    for (const map of this.maps()) map.rollback();
  }

  private maps(): ReadonlyArray<{ begin(): void; commit(): void; rollback(): void }> {
    return [this.objects, this.connections, this.indexes];
  }

  /** Mints a `_uniqueid` shaped like the server's, e.g. "13.0.47894344407220". */
  private mintId(prefix: number): string {
    const id = `${prefix}.0.${this.nextSequence}`;
    this.nextSequence += 1;
    return id;
  }

  addObject(cls: string, properties: Properties, blob?: Uint8Array): StoredObject {
    const record: StoredObject =
      blob === undefined
        ? { id: this.mintId(13), cls, properties }
        : { id: this.mintId(13), cls, properties, blob };
    this.objects.set(record.id, record);
    return record;
  }

  replaceObject(record: StoredObject): void {
    this.objects.set(record.id, record);
  }

  getObject(id: string): StoredObject | undefined {
    return this.objects.get(id);
  }

  allObjects(): StoredObject[] {
    return this.objects.valueList();
  }

  /** Removes the object and every connection touching it. */
  deleteObject(id: string): boolean {
    if (!this.objects.delete(id)) return false;
    for (const connection of this.connections.values()) {
      if (connection.src === id || connection.dst === id) this.connections.delete(connection.id);
    }
    return true;
  }

  addConnection(cls: string, src: string, dst: string, properties: Properties): StoredConnection {
    const record: StoredConnection = { id: this.mintId(14), cls, src, dst, properties };
    this.connections.set(record.id, record);
    return record;
  }

  replaceConnection(record: StoredConnection): void {
    this.connections.set(record.id, record);
  }

  getConnection(id: string): StoredConnection | undefined {
    return this.connections.get(id);
  }

  allConnections(): StoredConnection[] {
    return this.connections.valueList();
  }

  deleteConnection(id: string): boolean {
    return this.connections.delete(id);
  }

  /** Returns false when the index already existed. */
  addIndex(kind: IndexKind, cls: string, key: string): boolean {
    const name = indexName(kind, cls, key);
    if (this.indexes.has(name)) return false;
    this.indexes.set(name, [kind, cls, key]);
    return true;
  }

  /** Returns false when there was no such index. */
  removeIndex(kind: IndexKind, cls: string, key: string): boolean {
    return this.indexes.delete(indexName(kind, cls, key));
  }

  isIndexed(kind: IndexKind, cls: string, key: string): boolean {
    return this.indexes.has(indexName(kind, cls, key));
  }

  /** Indexes declared for a kind, as [class, key] pairs, including classes with no objects yet. */
  indexesOf(kind: IndexKind): Array<readonly [string, string]> {
    const pairs: Array<readonly [string, string]> = [];
    for (const [k, cls, key] of this.indexes.values()) {
      if (k === kind) pairs.push([cls, key]);
    }
    return pairs;
  }
}

function indexName(kind: IndexKind, cls: string, key: string): string {
  return `${kind}\u0000${cls}\u0000${key}`;
}
