import { ConfigError } from '@conn/core';

/**
 * The one error of parameter binding. Messages name the placeholder or index only: parameter
 * values may be secrets and never appear in a message.
 */
export function paramsError(message: string): ConfigError {
  return new ConfigError(message, { code: 'CONN_E6DATA_PARAMS', field: 'params' });
}
