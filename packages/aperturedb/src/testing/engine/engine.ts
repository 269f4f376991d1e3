import { RequestBlobCursor, ResponseBlobs } from './blobs.js';
import { builtinCommands } from './commands/builtin-commands.js';
import { TransactionContext } from './context.js';
import type { CommandHandler, EngineExtensions } from './extensions.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject, toServerJson } from './json.js';
import { RefTable } from './refs.js';
import { GraphStore } from './store.js';

export interface EngineOptions {
  /** Extra or replacement command handlers (descriptors, auth); see extensions.ts. */
  readonly extensions?: EngineExtensions;
}

export interface EngineReply {
  /** The response text: an array of one-key objects, or the top-level error object. */
  readonly json: string;
  /** The flat response blob list of the transaction. */
  readonly blobs: Uint8Array[];
}

/**
 * A pure, in-memory ApertureDB query engine: JSON text and request blobs in, response text and
 * blobs out, with no sockets, protobuf or auth. Each call is one atomic transaction
 * (docs/protocols/aperturedb.md §3, §5.4).
 */
export class ApertureDBEngine {
  readonly store: GraphStore = new GraphStore();
  private readonly handlers: EngineExtensions;

  constructor(options: EngineOptions = {}) {
    this.handlers = { ...builtinCommands, ...options.extensions };
  }

  execute(json: string, blobs: readonly Uint8Array[]): EngineReply {
    let query: unknown;
    try {
      query = JSON.parse(json);
    } catch {
      return errorReply('Invalid JSON: the query could not be parsed');
    }
    if (!Array.isArray(query) || query.length === 0) {
      return errorReply('The query must be a non-empty JSON array of commands');
    }
    this.store.begin();
    const refs = new RefTable();
    const requestBlobs = new RequestBlobCursor(blobs);
    const responseBlobs = new ResponseBlobs();
    const responses: JsonValue[] = [];
    for (const [index, command] of query.entries()) {
      const outcome = this.runCommand(command, index, { refs, requestBlobs, responseBlobs });
      if (typeof outcome === 'string') {
        this.store.rollback();
        return errorReply(outcome);
      }
      responses.push(outcome);
    }
    this.store.commit();
    return { json: toServerJson(responses), blobs: responseBlobs.list };
  }

  /** Returns `{Name: body}`, or the error text that aborts the transaction. */
  private runCommand(
    command: unknown,
    index: number,
    transaction: { refs: RefTable; requestBlobs: RequestBlobCursor; responseBlobs: ResponseBlobs },
  ): JsonObject | string {
    if (!isJsonObject(command) || Object.keys(command).length !== 1) {
      return `JSON Command ${index}: each command must be an object with exactly one key`;
    }
    const [name, params] = Object.entries(command)[0] as [string, JsonValue];
    const handler: CommandHandler | undefined = Object.hasOwn(this.handlers, name)
      ? this.handlers[name]
      : undefined;
    if (handler === undefined) return `JSON Command ${index}: unknown command ${name}`;
    if (!isJsonObject(params)) return `JSON Command ${index}: ${name} parameters must be an object`;
    const context = new TransactionContext(
      this.store,
      transaction.refs,
      transaction.requestBlobs,
      transaction.responseBlobs,
      name,
    );
    try {
      return { [name]: handler(params, context) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return `JSON Command ${index}: ${name}: ${message}`;
    }
  }
}

function errorReply(info: string): EngineReply {
  return { json: toServerJson({ status: -1, info }), blobs: [] };
}
