/**
 * Readers for the loosely typed command parameters shared by the descriptor commands. Each returns
 * the value or an `Invalid` carrying the message for a `status -1` reply.
 */

/** A parameter that fails validation; a class so that no JSON value can be mistaken for it. */
export class Invalid {
  constructor(readonly message: string) {}
}

export function optionalBoolean(command: Readonly<Record<string, unknown>>, key: string): boolean | Invalid {
  const value = command[key];
  if (value === undefined) return false;
  return typeof value === 'boolean' ? value : new Invalid(`${key} must be a boolean`);
}

export function optionalString(
  command: Readonly<Record<string, unknown>>,
  key: string,
): string | undefined | Invalid {
  const value = command[key];
  if (value === undefined || typeof value === 'string') return value;
  return new Invalid(`${key} must be a string`);
}

export function optionalPositiveInteger(
  command: Readonly<Record<string, unknown>>,
  key: string,
): number | undefined | Invalid {
  const value = command[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  return new Invalid(`${key} must be a positive integer`);
}

export function optionalObject(
  command: Readonly<Record<string, unknown>>,
  key: string,
): Readonly<Record<string, unknown>> | undefined | Invalid {
  const value = command[key];
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  return new Invalid(`${key} must be an object`);
}

/** A string or a non-empty list of strings, as `metric` and `engine` accept. */
export function stringOrList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return [...value];
  }
  return undefined;
}
