/**
 * The syntax tree the query parser builds and the query engine evaluates. Only what the test
 * server implements gets its own node; other valid statements become an {@link UnimplementedStatement}.
 * @internal
 */

// ---- expressions ---------------------------------------------------------------------------------

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

/**
 * An integer or time expression. A run of operators of one precedence level is kept as one flat
 * `operation` node, so only parentheses add depth.
 */
export type Expression =
  | { readonly kind: 'integer'; readonly value: bigint }
  /** `5m`, `1h`: seconds, scaled to the database precision when evaluated. */
  | { readonly kind: 'duration'; readonly seconds: bigint }
  | { readonly kind: 'now' }
  /** A quoted date such as `'2024-01-01 12:00Z'` (quotes removed). */
  | { readonly kind: 'date'; readonly text: string }
  | {
      readonly kind: 'operation';
      readonly first: Expression;
      readonly rest: readonly { readonly operator: ArithmeticOperator; readonly operand: Expression }[];
    };

// ---- series matching -----------------------------------------------------------------------------

export type SeriesSetOperator = 'union' | 'difference' | 'intersection' | 'symmetric';

export type SeriesTerm =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'regex'; readonly pattern: string; readonly ignoreCase: boolean }
  | { readonly kind: 'all' }
  /** `` `name` ``: a group or tag. */
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'nested'; readonly match: SeriesMatch };

/** Terms combined left to right. */
export interface SeriesMatch {
  readonly first: SeriesTerm;
  readonly rest: readonly { readonly operator: SeriesSetOperator; readonly term: SeriesTerm }[];
}

// ---- where ---------------------------------------------------------------------------------------

export type CompareOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | '~' | '!~';

export type WhereValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'integer'; readonly expression: Expression }
  | { readonly kind: 'time'; readonly expression: Expression }
  | { readonly kind: 'keyword'; readonly word: string };

/** `and` binds tighter than `or`; both are kept as flat lists. */
export type Condition =
  | {
      readonly kind: 'compare';
      readonly property: string;
      readonly operator: CompareOperator;
      readonly value: WhereValue;
    }
  | { readonly kind: 'and'; readonly items: readonly Condition[] }
  | { readonly kind: 'or'; readonly items: readonly Condition[] };

// ---- select --------------------------------------------------------------------------------------

/** Functions that fold points into one value (per bucket when given a time-span). */
export type ReducerName =
  | 'count'
  | 'sum'
  | 'mean'
  | 'median'
  | 'median_low'
  | 'median_high'
  | 'min'
  | 'max'
  | 'first'
  | 'last'
  | 'variance'
  | 'pvariance'
  | 'stddev'
  | 'difference'
  | 'derivative';

export type FilterOperand =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'regex'; readonly pattern: string; readonly ignoreCase: boolean };

/** One step of a `=>` chain. */
export type SelectFunction =
  /** `*`, `all` or `points`: the points as they are. */
  | { readonly kind: 'points' }
  | {
      readonly kind: 'reduce';
      readonly name: Exclude<ReducerName, 'derivative'>;
      readonly span: Expression | undefined;
    }
  | {
      readonly kind: 'derivative';
      readonly span: Expression | undefined;
      readonly groupBy: Expression | undefined;
    }
  | { readonly kind: 'interval' }
  | { readonly kind: 'timeval' }
  | { readonly kind: 'filter'; readonly operator: CompareOperator; readonly operand: FilterOperand }
  | { readonly kind: 'limit'; readonly count: Expression; readonly reducer: ReducerName }
  | { readonly kind: 'offset'; readonly span: Expression };

/** One selection: a chain with an optional key prefix and suffix. */
export interface SelectColumn {
  readonly chain: readonly SelectFunction[];
  readonly prefix: string | undefined;
  readonly suffix: string | undefined;
}

export type SelectRange =
  | { readonly kind: 'after'; readonly at: Expression }
  | { readonly kind: 'before'; readonly at: Expression }
  | { readonly kind: 'between'; readonly from: Expression; readonly to: Expression }
  | { readonly kind: 'head'; readonly count: Expression }
  | { readonly kind: 'tail'; readonly count: Expression };

export interface SelectStatement {
  readonly kind: 'select';
  readonly columns: readonly SelectColumn[];
  readonly match: SeriesMatch;
  readonly where: Condition | undefined;
  readonly range: SelectRange | undefined;
  readonly merge: { readonly name: string; readonly using: readonly SelectFunction[] } | undefined;
}

// ---- list / count / show -------------------------------------------------------------------------

export interface ListStatement {
  readonly kind: 'list';
  readonly target: 'series' | 'users' | 'servers' | 'pools' | 'groups' | 'tags' | 'shards';
  readonly columns: readonly string[] | undefined;
  /** Series only. */
  readonly match: SeriesMatch | undefined;
  readonly where: Condition | undefined;
  readonly limit: Expression | undefined;
}

export interface CountStatement {
  readonly kind: 'count';
  readonly target:
    | 'series'
    | 'series_length'
    | 'users'
    | 'servers'
    | 'servers_received_points'
    | 'servers_selected_points'
    | 'pools'
    | 'groups'
    | 'tags'
    | 'shards'
    | 'shards_size';
  readonly match: SeriesMatch | undefined;
  readonly where: Condition | undefined;
}

export interface ShowStatement {
  readonly kind: 'show';
  /** Empty for a bare `show`. */
  readonly names: readonly string[];
}

// ---- changes -------------------------------------------------------------------------------------

export interface DropSeriesStatement {
  readonly kind: 'drop_series';
  readonly match: SeriesMatch | undefined;
  readonly where: Condition | undefined;
  readonly ignoreThreshold: boolean;
}

export interface DropUserStatement {
  readonly kind: 'drop_user';
  readonly name: string;
}

export interface CreateUserStatement {
  readonly kind: 'create_user';
  readonly name: string;
  readonly password: string;
}

export interface AlterUserStatement {
  readonly kind: 'alter_user';
  readonly name: string;
  readonly change: { readonly kind: 'password' | 'name'; readonly value: string };
}

export type AlterDatabaseStatement =
  | { readonly kind: 'alter_database'; readonly setting: 'drop_threshold'; readonly value: number }
  | {
      readonly kind: 'alter_database';
      readonly setting: 'list_limit' | 'select_points_limit';
      readonly value: bigint;
    }
  /** The time zone name as written (quotes removed). */
  | { readonly kind: 'alter_database'; readonly setting: 'timezone'; readonly value: string };

export interface AccessStatement {
  readonly kind: 'grant' | 'revoke';
  /** Right and profile names as written. */
  readonly access: readonly string[];
  readonly user: string;
  /** `grant … to user 'x' set password 'y'`. */
  readonly password: string | undefined;
}

/** `help [topic …]`: `topic` joins the words with `_` (`list_series`), empty for a bare `help`. */
export interface HelpStatement {
  readonly kind: 'help';
  readonly topic: string;
}

export interface CalcStatement {
  readonly kind: 'calc';
  readonly expression: Expression;
}

/** Valid syntax the test server does not implement; answered with 65. */
export interface UnimplementedStatement {
  readonly kind: 'unimplemented';
  /** The statement as written. */
  readonly text: string;
  /** The right the statement needs, checked before the refusal. */
  readonly access: AccessRight | undefined;
}

/** Rights a statement can need (see `Access` in users.ts). */
export type AccessRight =
  | 'select'
  | 'list'
  | 'count'
  | 'show'
  | 'drop'
  | 'create'
  | 'alter'
  | 'grant'
  | 'revoke';

export type Statement =
  | SelectStatement
  | ListStatement
  | CountStatement
  | ShowStatement
  | DropSeriesStatement
  | DropUserStatement
  | CreateUserStatement
  | AlterUserStatement
  | AlterDatabaseStatement
  | AccessStatement
  | CalcStatement
  | HelpStatement
  | UnimplementedStatement;

/** A whole query: an optional `timeit` and an optional statement (an empty query is valid). */
export interface Query {
  readonly timeit: boolean;
  readonly statement: Statement | undefined;
}
