import type { ParallelItem } from '../parallel/batch.js';
import type { ApertureDBCommand } from '../query/commands.js';
import { constraintsOf, csvError, parseCsvValue, planColumns, propertiesOf } from './csv-values.js';

/** First column of a connection CSV (the SDK's ConnectionDataCSV layout). */
export const CONNECTION_CLASS_COLUMN = 'ConnectionClass';

const SOURCE_REF = 1;
const DESTINATION_REF = 2;

/** `<Class>@<key>`: the objects of that class whose `key` equals the cell. */
function endpointOf(column: string, which: string): { readonly cls: string; readonly key: string } {
  const at = column.indexOf('@');
  if (at <= 0 || at === column.length - 1)
    throw csvError(`the ${which} column of a connection CSV is <Class>@<key>, not "${column}"`);
  return { cls: column.slice(0, at), key: column.slice(at + 1) };
}

/**
 * The row mapper of a connection CSV: `ConnectionClass`, `<SrcClass>@<key>`, `<DstClass>@<key>`, then
 * property and `constraint_<key>` columns. Each row is FindEntity (source, `_ref` 1), FindEntity
 * (destination, `_ref` 2) and AddConnection from 1 to 2; the refs are renumbered when batched.
 * @throws ConfigError `CONN_APERTUREDB_CSV` for another layout.
 */
export function connectionRowMapper(header: readonly string[]): (values: readonly string[]) => ParallelItem {
  if (header[0] !== CONNECTION_CLASS_COLUMN)
    throw csvError(
      `a connection CSV starts with the column ${CONNECTION_CLASS_COLUMN}, not "${header[0] ?? ''}"`,
    );
  if (header.length < 3) throw csvError('a connection CSV has a source and a destination column');
  const source = endpointOf(header[1] as string, 'source');
  const destination = endpointOf(header[2] as string, 'destination');
  const plan = planColumns(header, 3);
  return (values) => {
    const connectionClass = values[0] ?? '';
    const sourceValue = parseCsvValue(values[1] ?? '');
    const destinationValue = parseCsvValue(values[2] ?? '');
    if (connectionClass === '' || sourceValue === undefined || destinationValue === undefined)
      throw csvError('a connection row needs its class, source and destination');
    const ifNotFound = constraintsOf(plan, values);
    const commands: ApertureDBCommand[] = [
      {
        FindEntity: {
          with_class: source.cls,
          _ref: SOURCE_REF,
          constraints: { [source.key]: ['==', sourceValue] },
        },
      },
      {
        FindEntity: {
          with_class: destination.cls,
          _ref: DESTINATION_REF,
          constraints: { [destination.key]: ['==', destinationValue] },
        },
      },
      {
        AddConnection: {
          class: connectionClass,
          src: SOURCE_REF,
          dst: DESTINATION_REF,
          properties: propertiesOf(plan, values),
          ...(ifNotFound === undefined ? {} : { if_not_found: ifNotFound }),
        },
      },
    ];
    return { commands };
  };
}
