import type { JsonObject, JsonValue } from './json.js';
import { setOwn } from './json.js';
import type { GraphStore, IndexKind } from './store.js';
import type { Properties, PropertyValue } from './values.js';
import { schemaTypeName } from './values.js';

interface ClassSummary {
  matched: number;
  readonly properties: Map<string, { count: number; type: string }>;
  src?: string;
  dst?: string;
}

function summarize(
  records: ReadonlyArray<{ readonly cls: string; readonly properties: Properties }>,
): Map<string, ClassSummary> {
  const classes = new Map<string, ClassSummary>();
  for (const record of records) {
    const summary = classes.get(record.cls) ?? { matched: 0, properties: new Map() };
    summary.matched += 1;
    for (const [key, value] of Object.entries(record.properties) as Array<[string, PropertyValue]>) {
      const seen = summary.properties.get(key) ?? { count: 0, type: schemaTypeName(value) };
      seen.count += 1;
      summary.properties.set(key, seen);
    }
    classes.set(record.cls, summary);
  }
  return classes;
}

/**
 * `classes.<C>.{matched, properties: {key: [count, indexed, type]}}` (plus `src`/`dst` for
 * connections), or null when nothing is stored (docs/protocols/aperturedb.md §5.3, §5.4).
 * Only classes with stored records appear, so an emptied database reads `null` even with indexes left.
 */
function render(store: GraphStore, kind: IndexKind, classes: Map<string, ClassSummary>): JsonValue {
  if (classes.size === 0) return null;
  const rendered: JsonObject = {};
  for (const [cls, summary] of classes) {
    const properties: JsonObject = {};
    for (const [key, { count, type }] of summary.properties) {
      setOwn(properties, key, [count, store.isIndexed(kind, cls, key), type]);
    }
    for (const [indexedClass, key] of store.indexesOf(kind)) {
      if (indexedClass === cls && !Object.hasOwn(properties, key))
        setOwn(properties, key, [0, true, 'Number']);
    }
    const entry: JsonObject = {
      matched: summary.matched,
      properties: Object.keys(properties).length === 0 ? null : properties,
    };
    if (summary.src !== undefined) entry['src'] = summary.src;
    if (summary.dst !== undefined) entry['dst'] = summary.dst;
    setOwn(rendered, cls, entry);
  }
  return { classes: rendered, returned: classes.size };
}

export function entitySchema(store: GraphStore): JsonValue {
  return render(store, 'entity', summarize(store.allObjects()));
}

export function connectionSchema(store: GraphStore): JsonValue {
  const edges = store.allConnections();
  const classes = summarize(edges);
  for (const edge of edges) {
    const summary = classes.get(edge.cls);
    if (summary === undefined || summary.src !== undefined) continue;
    summary.src = store.getObject(edge.src)?.cls ?? '';
    summary.dst = store.getObject(edge.dst)?.cls ?? '';
  }
  return render(store, 'connection', classes);
}
