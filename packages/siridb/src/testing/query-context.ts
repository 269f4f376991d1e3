/**
 * What every part of a query run shares: the connection's database and user, the request's
 * time-precision factor and the clock.
 * @internal
 */
import type { Expression } from './query-ast.js';
import { evaluateExpression, evaluateTime, type TimeContext } from './query-expression.js';
import { ERR_USER_ACCESS, QueryFailure } from './query-failure.js';
import type { TestDatabase } from './store.js';
import { applyFactor, nowInPrecision } from './time-expr.js';
import type { TestUser } from './users.js';

/** What a query runs with. */
export interface QueryEnvironment {
  readonly db: TestDatabase;
  readonly user: TestUser;
  /** From the request's time precision: 0 = no conversion (see `queryFactor`). */
  readonly factor: number;
  readonly nowMs: number;
  readonly serverName: string;
  readonly version: string;
  /** When the server started (ms), for `uptime` and `startup_time`. */
  readonly startedAtMs: number;
  readonly activeHandles: number;
}

export class QueryContext {
  readonly env: QueryEnvironment;
  readonly db: TestDatabase;
  readonly time: TimeContext;
  /** For `timeit`. */
  readonly startedAt: number = Date.now();

  constructor(env: QueryEnvironment) {
    this.env = env;
    this.db = env.db;
    this.time = {
      precision: env.db.precision,
      now: nowInPrecision(env.nowMs, env.db.precision),
      timezone: env.db.timezone,
    };
  }

  /** Throws the 69 answer unless the user has every right in `bits`. */
  check(bits: number): void {
    const denied = this.env.user.denied(bits);
    if (denied !== undefined) throw new QueryFailure(denied, ERR_USER_ACCESS);
  }

  /** A timestamp as the request's time precision asks for it (docs/protocols/siridb.md §6.2). */
  ts(ts: bigint): bigint {
    return applyFactor(ts, this.env.factor);
  }

  integer(expression: Expression): bigint {
    return evaluateExpression(expression, this.time);
  }

  timestamp(expression: Expression): bigint {
    return evaluateTime(expression, this.time);
  }
}
