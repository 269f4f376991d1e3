import type { ParallelItem } from '../parallel/batch.js';
import type { ApertureDBCommand } from '../query/commands.js';
import { constraintsOf, csvError, planColumns, propertiesOf } from './csv-values.js';

/** First column of an entity CSV (the SDK's EntityDataCSV layout). */
export const ENTITY_CLASS_COLUMN = 'EntityClass';

/**
 * The row mapper of an entity CSV: `EntityClass`, then property columns and `constraint_<key>`
 * columns. Each row is one AddEntity, conditional when the row has constraints.
 * @throws ConfigError `CONN_APERTUREDB_CSV` when the first column is not `EntityClass`.
 */
export function entityRowMapper(header: readonly string[]): (values: readonly string[]) => ParallelItem {
  if (header[0] !== ENTITY_CLASS_COLUMN)
    throw csvError(`an entity CSV starts with the column ${ENTITY_CLASS_COLUMN}, not "${header[0] ?? ''}"`);
  const plan = planColumns(header, 1);
  return (values) => {
    const entityClass = values[0] ?? '';
    if (entityClass === '') throw csvError('a row has no EntityClass');
    const ifNotFound = constraintsOf(plan, values);
    const command: ApertureDBCommand = {
      AddEntity: {
        class: entityClass,
        properties: propertiesOf(plan, values),
        ...(ifNotFound === undefined ? {} : { if_not_found: ifNotFound }),
      },
    };
    return { commands: [command] };
  };
}
