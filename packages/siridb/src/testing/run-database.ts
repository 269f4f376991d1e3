/**
 * Runs `drop series` (guarded by the drop threshold) and `alter database set drop_threshold |
 * list_limit | select_points_limit | timezone` (docs/protocols/siridb.md §12, §13).
 * @internal
 */
import { targetSeries } from './match-series.js';
import type { AlterDatabaseStatement, DropSeriesStatement } from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import { ResponseWriter } from './response-writer.js';
import { findTimezone } from './timezones.js';
import { Access } from './users.js';

/** Limits are stored as unsigned 32-bit numbers. */
const UINT32_END = 4_294_967_296n;

function success(message: string): ResponseWriter {
  return new ResponseWriter().openMap().value('success_msg').value(message);
}

/** Like C's `%g`: at most six significant digits, no trailing zeros. */
function formatG(value: number): string {
  return String(Number(value.toPrecision(6)));
}

export function runDropSeries(context: QueryContext, statement: DropSeriesStatement): ResponseWriter {
  context.check(Access.drop);
  const db = context.db;
  const targets = targetSeries(context, statement.match, statement.where);
  const share = db.series.size === 0 ? 0 : targets.length / db.series.size;
  if (targets.length > 0 && !statement.ignoreThreshold && share >= db.dropThreshold) {
    throw new QueryFailure(
      `This query would drop ${(share * 100).toFixed(2)}% of the series in pool 0. Add 'set ignore_threshold true' to the query statement if you really want to do this.`,
    );
  }
  for (const series of targets) db.series.delete(series.name);
  return success(`Successfully dropped ${targets.length} series.`);
}

/** `alter database set timezone '…'`: messages quote the name as the query wrote it. */
function setTimezone(context: QueryContext, name: string): ResponseWriter {
  const db = context.db;
  const zone = findTimezone(name);
  if (zone === undefined) {
    throw new QueryFailure(
      `Unknown time zone: '${name}'. (see 'help timezones' for a list of valid time zones)`,
    );
  }
  if (zone === db.timezone) {
    throw new QueryFailure(`Database '${db.name}' is already set to time-zone '${name}'.`);
  }
  const old = db.timezone;
  db.timezone = zone;
  return success(`Successfully changed timezone from '${old}' to '${zone}'.`);
}

export function runAlterDatabase(context: QueryContext, statement: AlterDatabaseStatement): ResponseWriter {
  context.check(Access.alter);
  const db = context.db;
  switch (statement.setting) {
    case 'timezone':
      return setTimezone(context, statement.value);
    case 'drop_threshold': {
      const value = statement.value;
      if (value < 0 || value > 1) {
        throw new QueryFailure(
          `Drop threshold should be a value between or equal to 0 and 1.0 but got ${value.toFixed(3)}`,
        );
      }
      const old = db.dropThreshold;
      db.dropThreshold = value;
      return success(`Successfully changed drop_threshold from ${formatG(old)} to ${formatG(value)}.`);
    }
    case 'list_limit': {
      const value = statement.value;
      if (value < 1000n || value >= UINT32_END) {
        throw new QueryFailure(
          `List limit should be a value greater than or equal to 1000 and smaller than 4294967296 but got ${value}`,
        );
      }
      const old = db.listLimit;
      db.listLimit = Number(value);
      return success(`Successfully changed list limit from ${old} to ${value}.`);
    }
    default: {
      const value = statement.value;
      if (value < 1n || value >= UINT32_END) {
        throw new QueryFailure(
          `Select points limit should be a value greater than 0 and smaller than 4294967296 but got ${value}`,
        );
      }
      const old = db.selectPointsLimit;
      db.selectPointsLimit = Number(value);
      return success(`Successfully changed select points limit from ${old} to ${value}.`);
    }
  }
}
