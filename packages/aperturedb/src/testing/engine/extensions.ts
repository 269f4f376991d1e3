import type { RequestBlobCursor, ResponseBlobs } from './blobs.js';
import type { Predicate } from './constraints.js';
import type { JsonObject, JsonValue } from './json.js';
import type { RefTable } from './refs.js';
import type { ResultItem, ShapedResults, ShapeOptions } from './results.js';
import type { ClassFilter, ObjectSelection } from './selection.js';
import type { GraphStore } from './store.js';

/**
 * The extension point of the query engine: descriptor commands (AddDescriptorSet, AddDescriptor,
 * FindDescriptor, FindDescriptorSet, DeleteDescriptorSet, …) and auth commands (Authenticate,
 * RefreshToken, GenerateToken, …) are written as handlers against this interface and passed to
 * `new ApertureDBEngine({ extensions })`.
 *
 * Contract:
 * - A handler gets the command's parameter object and the transaction context, and returns the
 *   command's response body (e.g. `{ status: 0, returned: 1, entities: [...] }`). The engine wraps
 *   it as `{ "<CommandName>": body }` in request order.
 * - To fail, call `context.fail(message)`: the engine rolls back every change of the transaction and
 *   answers with the top-level `{"info": message, "status": -1}`. Any other thrown error is treated
 *   the same way, so a handler bug never crashes the server.
 * - A status the client should see per command (2 Exists, 3 NotUnique, 1 Empty) is simply returned
 *   in the body; it does not roll anything back.
 * - Store changes go through `context.store`, which is copy-on-write per transaction, so handlers
 *   need no undo logic of their own. Records are immutable: replace, never mutate.
 * - A handler that takes a request blob calls `context.requestBlobs.take(name)` exactly once per blob,
 *   in command order; one that returns blobs uses `context.shapeResults` (which assigns
 *   `blobs_start` and `_blob_index`) or `context.responseBlobs.push`.
 * - An extension with the name of a built-in command replaces the built-in.
 *
 * Storage conventions the built-ins already follow, so that GetSchema, DeleteDescriptorSet (as sent
 * by remove_all_objects) and `is_connected_to` see extension data: descriptor sets are objects of
 * class `_DescriptorSet`, descriptors are objects of class `_Descriptor` holding the vector as `blob`,
 * linked by a `_DescriptorSetToDescriptor` connection from the set to the descriptor. Built-in
 * DeleteDescriptorSet deletes the linked descriptors too.
 */
export interface EngineContext {
  readonly store: GraphStore;
  readonly refs: RefTable;
  readonly requestBlobs: RequestBlobCursor;
  readonly responseBlobs: ResponseBlobs;
  /** The command's name, for messages. */
  readonly commandName: string;
  /** Aborts the transaction (rollback + top-level error object). */
  fail(message: string): never;
  /** Compiles a `constraints` value (all operators, any/all); a malformed one aborts. */
  compileConstraints(constraints: JsonValue | undefined): Predicate;
  /** Applies `ref`, `with_class`, `constraints`, `is_connected_to` to the stored objects. */
  selectObjects(params: JsonObject, defaultClasses: ClassFilter): ObjectSelection;
  /** Applies `results`, sort/limit/offset, `uniqueids`, `unique` and `blobs` to matched items. */
  shapeResults(matched: readonly ResultItem[], params: JsonObject, options: ShapeOptions): ShapedResults;
}

/** Handles one command. Returns the response body for `{ "<CommandName>": body }`. */
export type CommandHandler = (params: JsonObject, context: EngineContext) => JsonObject;

/** Command name → handler. */
export type EngineExtensions = Readonly<Record<string, CommandHandler>>;
