import type { ParallelItem } from '../parallel/batch.js';
import type { ApertureDBCommand } from '../query/commands.js';
import { constraintsOf, csvError, planColumns, propertiesOf } from './csv-values.js';
import { type NpyMatrix, readNpyMatrix } from './npy.js';

/** Reads descriptor `index` of file `filename` as float32 little-endian bytes. */
export type DescriptorLoader = (filename: string, index: number) => Promise<Uint8Array> | Uint8Array;

/** Files the default loader keeps open (parsed) at once: rows usually cluster by file. */
const CACHED_FILES = 4;

/**
 * The default {@link DescriptorLoader}: row `index` of the 2-D float array in the `.npy` file
 * `filename`, converted to float32. The last few files read are kept in memory.
 */
export function npyDescriptorLoader(): DescriptorLoader {
  const cache = new Map<string, Promise<NpyMatrix>>();
  return async (filename, index) => {
    let matrix = cache.get(filename);
    if (matrix === undefined) {
      matrix = readNpyMatrix(filename);
      cache.set(filename, matrix);
      if (cache.size > CACHED_FILES) cache.delete(cache.keys().next().value as string);
    } else {
      cache.delete(filename); // most recently used last
      cache.set(filename, matrix);
    }
    return (await matrix).row(index);
  };
}

/**
 * The row mapper of a descriptor CSV (the SDK's DescriptorDataCSV layout): `filename`, `index`,
 * `set`, optionally `label`, then property and `constraint_<key>` columns. Each row is one
 * AddDescriptor whose blob is descriptor `index` of `filename`, read by `loadDescriptor`. Unlike
 * the SDK, the `label` column is not also stored as a property.
 * @throws ConfigError `CONN_APERTUREDB_CSV` for another layout or a bad `index`.
 */
export function descriptorRowMapper(
  header: readonly string[],
  loadDescriptor: DescriptorLoader = npyDescriptorLoader(),
): (values: readonly string[]) => Promise<ParallelItem> {
  if (header[0] !== 'filename' || header[1] !== 'index' || header[2] !== 'set')
    throw csvError(
      `a descriptor CSV starts with the columns filename, index, set, not "${header.slice(0, 3).join(',')}"`,
    );
  const hasLabel = header[3] === 'label';
  const plan = planColumns(header, hasLabel ? 4 : 3);
  return async (values) => {
    const filename = values[0] ?? '';
    const index = Number(values[1]);
    const set = values[2] ?? '';
    if (filename === '' || set === '' || !Number.isInteger(index) || index < 0)
      throw csvError(`a descriptor row needs a filename, a non-negative integer index and a set`);
    const label = hasLabel ? values[3] : undefined;
    const ifNotFound = constraintsOf(plan, values);
    const command: ApertureDBCommand = {
      AddDescriptor: {
        set,
        ...(label === undefined || label === '' ? {} : { label }),
        properties: propertiesOf(plan, values),
        ...(ifNotFound === undefined ? {} : { if_not_found: ifNotFound }),
      },
    };
    return { commands: [command], blobs: [await loadDescriptor(filename, index)] };
  };
}
