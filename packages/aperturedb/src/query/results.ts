// What a Find* command returns and in which order (docs/protocols/aperturedb.md §5.2).

/** One sort key: ascending unless `order` says otherwise. */
export interface SortSpec {
  readonly key: string;
  readonly order?: 'ascending' | 'descending';
}

/** A sort: a key name, one spec, or several specs in priority order. */
export type Sort = string | SortSpec | readonly SortSpec[];

/** `{ key, order }` for `results.sort` or a command's top-level `sort`. */
export function sort(key: string, order: 'ascending' | 'descending' = 'ascending'): SortSpec {
  return { key, order };
}

/** The `results` block of Find* commands. */
export interface Results {
  /** Properties to return. */
  readonly list?: readonly string[];
  /** Return every property (overrides `list`). */
  readonly all_properties?: boolean;
  /** Return the number of matches as `count`. */
  readonly count?: boolean;
  readonly sum?: string | readonly string[];
  readonly average?: string | readonly string[];
  readonly min?: string | readonly string[];
  readonly max?: string | readonly string[];
  readonly group?: readonly string[];
  /** Older servers read `limit` and `sort` here; newer ones also at the command's top level. */
  readonly limit?: number;
  readonly sort?: Sort;
}
