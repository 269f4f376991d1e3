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

/** What a transaction can restore: records are immutable, so shallow copies of the maps are enough. */
interface StoreSnapshot {
  readonly objects: Map<string, StoredObject>;
  readonly connections: Map<string, StoredConnection>;
  readonly indexes: Set<string>;
  readonly nextSequence: number;
}

/**
 * The in-memory graph. Records are never mutated in place (an update stores a new record under the
 * same id, keeping insertion order). Transactions are copy-on-write: the first change inside one
 * copies the maps, so read-only queries cost nothing and a rollback restores the exact prior state.
 */
export class GraphStore {
  private objects = new Map<string, StoredObject>();
  private connections = new Map<string, StoredConnection>();
  private indexes = new Set<string>();
  private nextSequence = 47894344407220;
  private inTransaction = false;
  private before: StoreSnapshot | undefined;

  /** Starts a transaction; changes from here on can be undone by `rollback`. */
  begin(): void {
    this.inTransaction = true;
    this.before = undefined;
  }

  commit(): void {
    this.inTransaction = false;
    this.before = undefined;
  }

  rollback(): void {
    if (this.before !== undefined) {
      this.objects = this.before.objects;
      this.connections = this.before.connections;
      this.indexes = this.before.indexes;
      this.nextSequence = this.before.nextSequence;
    }
    this.commit();
  }

  /** Called before every change: keeps the pre-transaction maps aside and works on copies. */
  private willChange(): void {
    if (!this.inTransaction || this.before !== undefined) return;
    this.before = {
      objects: this.objects,
      connections: this.connections,
      indexes: this.indexes,
      nextSequence: this.nextSequence,
    };
    this.objects = new Map(this.objects);
    this.connections = new Map(this.connections);
    this.indexes = new Set(this.indexes);
  }

  /** Mints a `_uniqueid` shaped like the server's, e.g. "13.0.47894344407220". */
  private mintId(prefix: number): string {
    this.willChange();
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
    this.willChange();
    this.objects.set(record.id, record);
  }

  getObject(id: string): StoredObject | undefined {
    return this.objects.get(id);
  }

  allObjects(): StoredObject[] {
    return [...this.objects.values()];
  }

  /** Removes the object and every connection touching it. */
  deleteObject(id: string): boolean {
    this.willChange();
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
    this.willChange();
    this.connections.set(record.id, record);
  }

  getConnection(id: string): StoredConnection | undefined {
    return this.connections.get(id);
  }

  allConnections(): StoredConnection[] {
    return [...this.connections.values()];
  }

  deleteConnection(id: string): boolean {
    this.willChange();
    return this.connections.delete(id);
  }

  /** Returns false when the index already existed. */
  addIndex(kind: IndexKind, cls: string, key: string): boolean {
    this.willChange();
    const name = indexName(kind, cls, key);
    if (this.indexes.has(name)) return false;
    this.indexes.add(name);
    return true;
  }

  /** Returns false when there was no such index. */
  removeIndex(kind: IndexKind, cls: string, key: string): boolean {
    this.willChange();
    return this.indexes.delete(indexName(kind, cls, key));
  }

  isIndexed(kind: IndexKind, cls: string, key: string): boolean {
    return this.indexes.has(indexName(kind, cls, key));
  }

  /** Indexes declared for a kind, as [class, key] pairs, including classes with no objects yet. */
  indexesOf(kind: IndexKind): Array<readonly [string, string]> {
    const pairs: Array<readonly [string, string]> = [];
    for (const name of this.indexes) {
      const [k, cls, key] = name.split('\u0000') as [string, string, string];
      if (k === kind) pairs.push([cls, key]);
    }
    return pairs;
  }
}

function indexName(kind: IndexKind, cls: string, key: string): string {
  return `${kind}\u0000${cls}\u0000${key}`;
}
