import { abort } from './abort.js';
import type { RequestBlobCursor, ResponseBlobs } from './blobs.js';
import type { Predicate } from './constraints.js';
import { compileConstraints } from './constraints.js';
import type { EngineContext } from './extensions.js';
import type { JsonObject, JsonValue } from './json.js';
import type { RefTable } from './refs.js';
import type { ResultItem, ShapedResults, ShapeOptions } from './results.js';
import { shapeResults } from './results.js';
import type { ClassFilter, ObjectSelection } from './selection.js';
import { selectObjects } from './selection.js';
import type { GraphStore } from './store.js';

/** The per-command view of one transaction, handed to built-in and extension handlers alike. */
export class TransactionContext implements EngineContext {
  constructor(
    readonly store: GraphStore,
    readonly refs: RefTable,
    readonly requestBlobs: RequestBlobCursor,
    readonly responseBlobs: ResponseBlobs,
    readonly commandName: string,
  ) {}

  fail(message: string): never {
    return abort(message);
  }

  compileConstraints(constraints: JsonValue | undefined): Predicate {
    return compileConstraints(constraints);
  }

  selectObjects(params: JsonObject, defaultClasses: ClassFilter): ObjectSelection {
    return selectObjects(this.store, this.refs, params, defaultClasses);
  }

  shapeResults(matched: readonly ResultItem[], params: JsonObject, options: ShapeOptions): ShapedResults {
    return shapeResults(matched, params, this.responseBlobs, options);
  }
}
