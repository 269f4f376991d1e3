/** SQL text with `$n` placeholders and the values bound to them. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** A row as returned by the server: column name to value. */
export type Row = Record<string, unknown>;

/** Collects bound values and hands out their `$n` placeholders. */
export class ParameterList {
  readonly values: unknown[] = [];

  /** Binds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
