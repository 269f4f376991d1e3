import { ConfigError, oneOfOption } from '@conn/core';
import type { ServerKind } from './connection.js';

/** Isolation levels CockroachDB offers (PostgreSQL also has `repeatable read`). */
export type IsolationLevel = 'serializable' | 'read committed' | 'repeatable read';

/** Options of `transaction()` and `runInTransaction()`. */
export interface TransactionOptions {
  /** Default: the server's (SERIALIZABLE on CockroachDB). */
  readonly isolation?: IsolationLevel | undefined;
  /** CockroachDB transaction priority; ignored on PostgreSQL, which has none. */
  readonly priority?: 'low' | 'normal' | 'high' | undefined;
  /** `READ ONLY` transaction. */
  readonly readOnly?: boolean | undefined;
  /**
   * CockroachDB only: read at a past time, e.g. `'-10s'` or `'follower_read_timestamp()'`
   * (implies a read-only transaction).
   */
  readonly asOfSystemTime?: string | undefined;
}

const ISOLATION: Record<IsolationLevel, string> = {
  serializable: 'SERIALIZABLE',
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
};

const ISOLATION_LEVELS = Object.keys(ISOLATION) as IsolationLevel[];
const PRIORITIES: readonly NonNullable<TransactionOptions['priority']>[] = ['low', 'normal', 'high'];

const AS_OF_FUNCTIONS = new Set(['follower_read_timestamp()']);
// Durations such as -10s, -1m30s, -500ms, or a timestamp / decimal nanosecond value.
const AS_OF_LITERAL =
  /^(-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|\d{4}-\d{2}-\d{2}([ T][\d:.]+)?([+-]\d{2}(:\d{2})?|Z)?|\d+(\.\d+)?)$/;

/** The `BEGIN …` statement for `options`, validated; nothing from the caller goes in unchecked. */
export function beginStatement(options: TransactionOptions, server: ServerKind): string {
  const modes: string[] = [];
  if (options.isolation !== undefined) {
    // Checked first: a lookup alone would accept inherited keys such as `constructor`.
    const level = ISOLATION[oneOfOption(options.isolation, 'isolation', ISOLATION_LEVELS, 'serializable')];
    modes.push(`ISOLATION LEVEL ${level}`);
  }
  if (options.priority !== undefined) {
    oneOfOption(options.priority, 'priority', PRIORITIES, 'normal');
    if (server === 'cockroachdb') modes.push(`PRIORITY ${options.priority.toUpperCase()}`);
  }
  if (options.asOfSystemTime !== undefined) {
    if (server !== 'cockroachdb') {
      throw new ConfigError('asOfSystemTime needs CockroachDB; this server is PostgreSQL', {
        field: 'asOfSystemTime',
      });
    }
    const value = options.asOfSystemTime.trim();
    if (AS_OF_FUNCTIONS.has(value)) modes.push(`AS OF SYSTEM TIME ${value}`);
    else if (AS_OF_LITERAL.test(value)) modes.push(`AS OF SYSTEM TIME '${value}'`);
    else
      throw new ConfigError(
        `asOfSystemTime ${JSON.stringify(value)} is not a duration, timestamp or follower_read_timestamp()`,
        { field: 'asOfSystemTime' },
      );
  }
  if (options.readOnly === true) modes.push('READ ONLY');
  return modes.length === 0 ? 'BEGIN' : `BEGIN TRANSACTION ${modes.join(', ')}`;
}
