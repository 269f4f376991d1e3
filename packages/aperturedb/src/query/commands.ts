import type { Constraints, PropertyValue } from './constraints.js';
import type { Results, Sort } from './results.js';

// The query language's common commands (docs/protocols/aperturedb.md §5.3). A query is an array of
// `{ "<CommandName>": params }`; `ApertureDBCommand` admits exactly one known name per object, so a
// misspelt name or two names in one object do not compile.

/** Property values of an added or updated object. */
export type Properties = Readonly<Record<string, PropertyValue>>;

/** `is_connected_to` on Find*: connected to the objects behind `ref`, or to any/all of several. */
export type IsConnectedTo =
  | {
      readonly ref: number;
      readonly connection_class?: string;
      readonly direction?: 'in' | 'out' | 'any';
      readonly constraints?: Constraints;
    }
  | { readonly any: readonly IsConnectedTo[] }
  | { readonly all: readonly IsConnectedTo[] };

/** `connect` on Add*: an edge between the new object and the objects behind `ref`. */
export interface Connect {
  readonly ref: number;
  readonly class?: string;
  readonly direction?: 'in' | 'out';
  readonly properties?: Properties;
}

/** Parameters every Find* command shares. */
export interface FindParams {
  /** Handle for later commands of the same query. */
  readonly _ref?: number;
  readonly constraints?: Constraints;
  readonly is_connected_to?: IsConnectedTo;
  readonly results?: Results;
  /** Exactly one match is expected, else status 3. */
  readonly unique?: boolean;
  /** Return `_uniqueid`. */
  readonly uniqueids?: boolean;
  readonly sort?: Sort;
  readonly limit?: number;
  readonly offset?: number;
  /** With one `is_connected_to.ref`: entities keyed by the source's `_uniqueid`. */
  readonly group_by_source?: boolean;
}

/** Parameters every Add* command shares. */
export interface AddParams {
  readonly _ref?: number;
  readonly properties?: Properties;
  /** Add only when nothing matches these; one match gives status 2. */
  readonly if_not_found?: Constraints;
  readonly connect?: Connect;
}

/** Update*: select by class and constraints, or by `ref`. */
export interface UpdateParams {
  readonly ref?: number;
  readonly constraints?: Constraints;
  readonly properties?: Properties;
  readonly remove_props?: readonly string[];
}

/** Delete*: select by constraints or by `ref`. */
export interface DeleteParams {
  readonly ref?: number;
  readonly constraints?: Constraints;
}

export interface AddEntityParams extends AddParams {
  readonly class: string;
}
export interface FindEntityParams extends FindParams {
  readonly with_class?: string;
}
export interface UpdateEntityParams extends UpdateParams {
  readonly with_class?: string;
}
export interface DeleteEntityParams extends DeleteParams {
  readonly with_class?: string;
}

export interface AddConnectionParams {
  readonly class: string;
  /** `_ref` of the source objects. */
  readonly src: number;
  /** `_ref` of the destination objects. */
  readonly dst: number;
  readonly _ref?: number;
  readonly properties?: Properties;
  readonly if_not_found?: Constraints;
}
export interface FindConnectionParams extends Omit<FindParams, 'is_connected_to' | 'group_by_source'> {
  readonly with_class?: string;
  readonly src?: number;
  readonly dst?: number;
}
export interface UpdateConnectionParams extends UpdateParams {
  readonly with_class?: string;
  readonly src?: number;
  readonly dst?: number;
}
export interface DeleteConnectionParams extends DeleteParams {
  readonly with_class?: string;
}

/** AddBlob consumes the next request blob. */
export type AddBlobParams = AddParams;
export interface FindBlobParams extends FindParams {
  /** Return the blobs (default false). */
  readonly blobs?: boolean;
}

/** One image operation, applied in order. */
export type ImageOperation =
  | { readonly type: 'resize'; readonly width?: number; readonly height?: number; readonly scale?: number }
  | {
      readonly type: 'crop';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
    }
  | { readonly type: 'rotate'; readonly angle: number; readonly resize?: boolean }
  | { readonly type: 'flip'; readonly code: number }
  | { readonly type: 'threshold'; readonly value: number };

/** AddImage consumes the next request blob unless `url` is given. */
export interface AddImageParams extends AddParams {
  readonly format?: 'jpg' | 'png';
  readonly operations?: readonly ImageOperation[];
  readonly url?: string;
}
export interface FindImageParams extends FindParams {
  /** Return the images (default false on current servers). */
  readonly blobs?: boolean;
  readonly as_format?: 'jpg' | 'png';
  readonly operations?: readonly ImageOperation[];
}

export type DistanceMetric = 'L2' | 'IP' | 'CS';
export type DescriptorEngine =
  | 'HNSW'
  | 'Flat'
  | 'FaissFlat'
  | 'FaissIVFFlat'
  | 'FaissHNSWFlat'
  | (string & Record<never, never>);

export interface AddDescriptorSetParams {
  readonly name: string;
  readonly dimensions: number;
  readonly metric?: DistanceMetric | readonly DistanceMetric[];
  readonly engine?: DescriptorEngine | readonly DescriptorEngine[];
  readonly properties?: Properties;
  readonly _ref?: number;
}
export interface FindDescriptorSetParams extends FindParams {
  readonly with_name?: string;
  /** Return `_count`, `_dimensions`, `_engines`, `_metrics` on each set. */
  readonly counts?: boolean;
  readonly dimensions?: boolean;
  readonly engines?: boolean;
  readonly metrics?: boolean;
}
/** Deletes the sets and their descriptors. */
export interface DeleteDescriptorSetParams extends DeleteParams {
  readonly with_name?: string;
}
/** AddDescriptor consumes the next request blob: `dimensions × 4` bytes of float32 LE. */
export interface AddDescriptorParams extends AddParams {
  readonly set: string;
  readonly label?: string;
}
/** With `k_neighbors` the query vector is the next request blob. */
export interface FindDescriptorParams extends FindParams {
  readonly set: string;
  readonly k_neighbors?: number;
  readonly knn_first?: boolean;
  /** Return `_distance`. */
  readonly distances?: boolean;
  /** Return `_label`. */
  readonly labels?: boolean;
  /** Return the descriptors' vectors as blobs. */
  readonly blobs?: boolean;
  readonly with_label?: string;
  readonly indexed_results_only?: boolean;
  readonly engine?: DescriptorEngine;
  readonly metric?: DistanceMetric;
}

export interface AuthenticateParams {
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
}
export interface RefreshTokenParams {
  readonly refresh_token: string;
}
export type GetStatusParams = Readonly<Record<string, never>>;
export interface GetSchemaParams {
  readonly type?: 'entities' | 'connections' | 'both';
  readonly ref?: number;
  readonly refresh?: boolean;
}
export interface IndexParams {
  readonly index_type: 'entity' | 'connection';
  readonly class: string;
  readonly property_key: string;
}
export interface UserLogMessageParams {
  readonly text: string;
  readonly type?: 'INFO' | 'WARNING' | 'ERROR';
}

/** Every typed command name and its parameters. */
export interface CommandParams {
  AddEntity: AddEntityParams;
  FindEntity: FindEntityParams;
  UpdateEntity: UpdateEntityParams;
  DeleteEntity: DeleteEntityParams;
  AddConnection: AddConnectionParams;
  FindConnection: FindConnectionParams;
  UpdateConnection: UpdateConnectionParams;
  DeleteConnection: DeleteConnectionParams;
  AddBlob: AddBlobParams;
  FindBlob: FindBlobParams;
  UpdateBlob: UpdateParams;
  DeleteBlob: DeleteParams;
  AddImage: AddImageParams;
  FindImage: FindImageParams;
  UpdateImage: UpdateParams;
  DeleteImage: DeleteParams;
  AddDescriptorSet: AddDescriptorSetParams;
  FindDescriptorSet: FindDescriptorSetParams;
  DeleteDescriptorSet: DeleteDescriptorSetParams;
  AddDescriptor: AddDescriptorParams;
  FindDescriptor: FindDescriptorParams;
  UpdateDescriptor: UpdateParams;
  DeleteDescriptor: DeleteParams;
  DeleteVideo: DeleteParams;
  DeleteClip: DeleteParams;
  DeleteFrame: DeleteParams;
  DeleteBoundingBox: DeleteParams;
  DeletePolygon: DeleteParams;
  GetStatus: GetStatusParams;
  GetSchema: GetSchemaParams;
  CreateIndex: IndexParams;
  RemoveIndex: IndexParams;
  UserLogMessage: UserLogMessageParams;
  Authenticate: AuthenticateParams;
  RefreshToken: RefreshTokenParams;
  GenerateToken: Readonly<Record<string, never>>;
}

/** A typed command name. */
export type CommandName = keyof CommandParams;

/** One command: an object with exactly one known command name. */
export type ApertureDBCommand = {
  [Name in CommandName]: { readonly [N in Name]: CommandParams[Name] } & {
    readonly [Other in Exclude<CommandName, Name>]?: never;
  };
}[CommandName];

/** A query: commands run as one transaction. */
export type ApertureDBQuery = readonly ApertureDBCommand[];

/** Builds one command; the name is checked and its parameters typed. */
export function command<Name extends CommandName>(
  name: Name,
  params: CommandParams[Name],
): ApertureDBCommand {
  return { [name]: params } as unknown as ApertureDBCommand;
}
