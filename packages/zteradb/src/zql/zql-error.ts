/**
 * The one error the ZQL builder raises: a `ConfigError` with the stable code `CONN_ZTERADB_QUERY`,
 * thrown while the query is built, before anything is sent. `field` names the bad part
 * (`limit`, `sort.price`, `ZTDIV(divisor)` ...).
 */
import { ConfigError } from '@conn/core';

/** Stable code of every ZQL builder error. */
export const ZQL_ERROR_CODE = 'CONN_ZTERADB_QUERY';

/** A `ConfigError` for a bad part of a ZQL query; `field` goes to `error.field`. */
export function zqlError(message: string, field: string): ConfigError {
  return new ConfigError(`ZQL ${field}: ${message}`, { code: ZQL_ERROR_CODE, field });
}
