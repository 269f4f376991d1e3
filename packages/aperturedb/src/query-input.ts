import { ConfigError } from '@conn/core';
import type { ApertureDBCommand } from './query/commands.js';

/** A query: its commands as objects, or the JSON text of the array. */
export type ApertureDBQueryInput = readonly ApertureDBCommand[] | string;

/** A query checked and ready to send. @internal */
export interface PreparedQuery {
  /** The JSON text that goes on the wire (a string query is sent as it was given). */
  readonly json: string;
  /** The commands, for their names (never their parameters) in traces and errors. */
  readonly commands: readonly object[];
  /** Command names joined with `,`: what tracing shows (values may be secrets). */
  readonly statement: string;
  /** True when every command only reads, so sending it twice changes nothing. */
  readonly readOnly: boolean;
}

/** Commands that change nothing on the server (docs/protocols/aperturedb.md, query language). */
const READ_ONLY = /^(Find[A-Za-z]*|GetStatus|GetSchema|GetUserDetails|GetMetrics|ClassifyDescriptor)$/;

/**
 * Checks a query before anything is sent.
 * @throws ConfigError `CONN_APERTUREDB_QUERY_ARGUMENT` for text that is not a JSON array, commands
 * JSON cannot hold (a BigInt, a cycle), an empty query, or a command that is not `{ "<Name>": { ... } }`.
 */
export function prepareQuery(query: ApertureDBQueryInput): PreparedQuery {
  let commands: unknown;
  let json: string;
  if (typeof query === 'string') {
    json = query;
    try {
      commands = JSON.parse(query);
    } catch {
      // The parser's message quotes the text, which may hold a password: it is not passed on.
      throw argumentError('the query text is not JSON');
    }
  } else {
    commands = query;
    try {
      json = JSON.stringify(query);
    } catch {
      // A BigInt or a cycle: JSON has no form for them. The parser's message is not passed on.
      throw argumentError('the commands cannot be written as JSON (a BigInt or a circular reference?)');
    }
  }
  if (!Array.isArray(commands) || commands.length === 0)
    throw argumentError('a query is a non-empty array of commands');
  const names = commands.map((command, index) => {
    const keys =
      typeof command === 'object' && command !== null && !Array.isArray(command) ? Object.keys(command) : [];
    const name = keys[0];
    if (keys.length !== 1 || name === undefined) {
      throw argumentError(`command ${index} must be one object { "<Name>": { ... } }`);
    }
    return name;
  });
  return {
    json,
    commands: commands as object[],
    statement: names.join(','),
    readOnly: names.every((name) => READ_ONLY.test(name)),
  };
}

/**
 * Checks the rest of a query call before anything is sent: callers in plain JavaScript get past the
 * types, and a `null` there would otherwise surface as a bare TypeError.
 * @throws ConfigError `CONN_APERTUREDB_QUERY_ARGUMENT` (`field` 'blobs' or 'options') for blobs that
 * are not an array of Uint8Array, or options that are not an object.
 */
export function checkQueryArguments(blobs: unknown, options: unknown): void {
  if (!Array.isArray(blobs)) throw argumentError('blobs must be an array of Uint8Array', 'blobs');
  for (let index = 0; index < blobs.length; index++) {
    if (!(blobs[index] instanceof Uint8Array))
      throw argumentError(`blob ${index} is not a Uint8Array`, 'blobs');
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw argumentError('options must be an object', 'options');
}

function argumentError(message: string, field = 'query'): ConfigError {
  return new ConfigError(`ApertureDB query: ${message}`, {
    code: 'CONN_APERTUREDB_QUERY_ARGUMENT',
    field,
  });
}
