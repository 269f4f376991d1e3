// Streaming CSV (RFC 4180) and the SDK's CSV loader layouts as items for runParallel.
export { CONNECTION_CLASS_COLUMN, connectionRowMapper } from './connection-rows.js';
export { CSV_FORMAT_ERROR, CsvParser, formatCsvRecord } from './csv-parser.js';
export { type CsvRow, type CsvSource, readCsvRecords, readCsvRows } from './csv-reader.js';
export { parseCsvValue } from './csv-values.js';
export { type DescriptorLoader, descriptorRowMapper, npyDescriptorLoader } from './descriptor-rows.js';
export { ENTITY_CLASS_COLUMN, entityRowMapper } from './entity-rows.js';
export {
  type CsvItemsOptions,
  type CsvLoadKind,
  csvItems,
  type LoadFromCsvOptions,
  loadFromCsv,
} from './load-from-csv.js';
export { type NpyMatrix, readNpyMatrix } from './npy.js';
