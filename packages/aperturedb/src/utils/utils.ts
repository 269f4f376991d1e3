import type { ApertureDBQueryOptions, ApertureDBQueryResult } from '../client.js';
import type { ApertureDBQueryInput } from '../query-input.js';
import { resultOf } from '../response.js';

/** What {@link ApertureDBUtils} needs of a client: `query`. */
export interface QueryRunner {
  query(
    query: ApertureDBQueryInput,
    blobs?: readonly Uint8Array[],
    options?: ApertureDBQueryOptions,
  ): Promise<ApertureDBQueryResult>;
}

/** `GetSchema`'s answer (docs/protocols/aperturedb.md, query language): `null` parts when empty. */
export interface ApertureDBSchema {
  readonly entities: { readonly classes: Readonly<Record<string, SchemaClass>> } | null;
  readonly connections: { readonly classes: Readonly<Record<string, SchemaClass>> } | null;
  readonly [key: string]: unknown;
}

/** One class of a schema: how many objects, and each property as `[count, indexed, type]`. */
export interface SchemaClass {
  readonly matched: number;
  readonly properties: Readonly<Record<string, readonly [number, boolean, string]>> | null;
  readonly src?: string;
  readonly dst?: string;
}

/** Every `Delete*` the SDK's `remove_all_objects` sends, in its order. */
const DELETE_COMMANDS = [
  'DeleteImage',
  'DeleteVideo',
  'DeleteBlob',
  'DeleteClip',
  'DeleteDescriptorSet',
  'DeleteBoundingBox',
  'DeletePolygon',
  'DeleteFrame',
  'DeleteEntity',
] as const;

/**
 * The administrative helpers users of the SDK's `Utils` reach for: status, schema, counts,
 * indexes, descriptor sets and removal. Each is one transaction through `client.query`, so it
 * shares the client's pool, session, deadline and typed errors.
 */
export class ApertureDBUtils {
  readonly #client: QueryRunner;

  constructor(client: QueryRunner) {
    this.#client = client;
  }

  /** `GetStatus`'s result (`info`, `system`, `version`, ...). */
  async status(options?: ApertureDBQueryOptions): Promise<Readonly<Record<string, unknown>>> {
    return this.#single('GetStatus', {}, options);
  }

  /** The schema; `refresh` makes the server recount first. */
  async getSchema(refresh = false, options?: ApertureDBQueryOptions): Promise<ApertureDBSchema> {
    const result = await this.#single('GetSchema', refresh ? { refresh: true } : {}, options);
    return result as unknown as ApertureDBSchema;
  }

  /** Entities of `className` (matching `constraints` when given). */
  async countEntities(
    className: string,
    constraints?: object,
    options?: ApertureDBQueryOptions,
  ): Promise<number> {
    return this.#count(
      'FindEntity',
      { with_class: className, ...(constraints ? { constraints } : {}) },
      options,
    );
  }

  /** Connections of `className`. */
  async countConnections(className: string, options?: ApertureDBQueryOptions): Promise<number> {
    return this.#count('FindConnection', { with_class: className }, options);
  }

  /** Descriptors in the set `name`. */
  async countDescriptorsInSet(name: string, options?: ApertureDBQueryOptions): Promise<number> {
    return this.#count('FindDescriptor', { set: name }, options);
  }

  /** Creates an index on `property` of entity (or connection) class `className`; `true` when it was new. */
  async createIndex(
    kind: 'entity' | 'connection',
    className: string,
    property: string,
    options?: ApertureDBQueryOptions,
  ): Promise<boolean> {
    const result = await this.#single(
      'CreateIndex',
      { index_type: kind, class: className, property_key: property },
      options,
    );
    return result['status'] === 0;
  }

  /** Removes an index; `true` when one was removed. */
  async removeIndex(
    kind: 'entity' | 'connection',
    className: string,
    property: string,
    options?: ApertureDBQueryOptions,
  ): Promise<boolean> {
    const result = await this.#single(
      'RemoveIndex',
      { index_type: kind, class: className, property_key: property },
      options,
    );
    return result['status'] === 0;
  }

  /** Adds a descriptor set; `true` when it was new (an existing set of that name is kept as is). */
  async addDescriptorSet(
    name: string,
    dimensions: number,
    { metric = ['CS'], engine = ['HNSW'] }: { metric?: string | string[]; engine?: string | string[] } = {},
    options?: ApertureDBQueryOptions,
  ): Promise<boolean> {
    const result = await this.#single('AddDescriptorSet', { name, dimensions, metric, engine }, options);
    return result['status'] === 0;
  }

  /** The names of every descriptor set. */
  async getDescriptorSetList(options?: ApertureDBQueryOptions): Promise<string[]> {
    const result = await this.#single('FindDescriptorSet', { results: { list: ['_name'] } }, options);
    const entities = (result['entities'] ?? []) as readonly Record<string, unknown>[];
    return entities.map((entity) => String(entity['_name']));
  }

  /** Removes the descriptor set `name` and its descriptors; `true` when it existed. */
  async removeDescriptorSet(name: string, options?: ApertureDBQueryOptions): Promise<boolean> {
    const result = await this.#single(
      'DeleteDescriptorSet',
      { constraints: { _name: ['==', name] } },
      options,
    );
    return Number(result['count'] ?? 0) > 0;
  }

  /**
   * Removes every object (the SDK's `remove_all_objects`: one transaction of every `Delete*`
   * then a schema refresh); resolves `true` when the schema then shows no entities and no
   * connections.
   */
  async removeAllObjects(options?: ApertureDBQueryOptions): Promise<boolean> {
    const all = { constraints: { _uniqueid: ['!=', '0.0.0'] } };
    const query = [
      ...DELETE_COMMANDS.map((name) => ({ [name]: all })),
      { GetSchema: { refresh: true } },
    ] as unknown as ApertureDBQueryInput;
    const { response } = await this.#client.query(query, [], options);
    const schema = resultOf(response, DELETE_COMMANDS.length) as unknown as ApertureDBSchema | undefined;
    return schema?.entities === null && schema?.connections === null;
  }

  async #count(command: string, params: object, options?: ApertureDBQueryOptions): Promise<number> {
    const result = await this.#single(command, { ...params, results: { count: true } }, options);
    return Number(result['count'] ?? 0);
  }

  async #single(
    command: string,
    params: object,
    options?: ApertureDBQueryOptions,
  ): Promise<Readonly<Record<string, unknown>>> {
    const { response } = await this.#client.query(
      [{ [command]: params }] as unknown as ApertureDBQueryInput,
      [],
      options,
    );
    return (resultOf(response, 0) ?? {}) as Readonly<Record<string, unknown>>;
  }
}
