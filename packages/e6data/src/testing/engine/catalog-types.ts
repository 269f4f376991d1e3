import type {
  DuckDBArrayType,
  DuckDBDecimalType,
  DuckDBListType,
  DuckDBMapType,
  DuckDBStructType,
  DuckDBType,
} from '@duckdb/node-api';
import { DuckDBTypeIds as Id } from './column-codecs.js';

/**
 * The e6data catalog name of a DuckDB column type, as `getColumns` reports it
 * (docs/protocols/e6data.md §5.3): `int`, `long`, `decimal(7,2)`, `array<int>`,
 * `map<varchar,int>`, `struct<a:int,b:varchar>`; types without an e6data counterpart are `varchar`.
 */
export function catalogTypeName(type: DuckDBType): string {
  switch (type.typeId as number) {
    case Id.TINYINT:
    case Id.SMALLINT:
    case Id.INTEGER:
    case Id.UTINYINT:
    case Id.USMALLINT:
      return 'int';
    case Id.BIGINT:
    case Id.UINTEGER:
      return 'long';
    case Id.UBIGINT:
      return 'decimal(20,0)';
    case Id.HUGEINT:
      return 'decimal(38,0)';
    case Id.DECIMAL: {
      const decimal = type as DuckDBDecimalType;
      return `decimal(${decimal.width},${decimal.scale})`;
    }
    case Id.DOUBLE:
      return 'double';
    case Id.FLOAT:
      return 'float';
    case Id.BOOLEAN:
      return 'boolean';
    case Id.BLOB:
      return 'binary';
    case Id.DATE:
      return 'date';
    case Id.TIMESTAMP:
    case Id.TIMESTAMP_S:
    case Id.TIMESTAMP_MS:
    case Id.TIMESTAMP_NS:
      return 'timestamp';
    case Id.TIMESTAMP_TZ:
      return 'timestamp_tz';
    case Id.LIST:
    case Id.ARRAY:
      return `array<${catalogTypeName((type as DuckDBListType | DuckDBArrayType).valueType)}>`;
    case Id.MAP: {
      const map = type as DuckDBMapType;
      return `map<${catalogTypeName(map.keyType)},${catalogTypeName(map.valueType)}>`;
    }
    case Id.STRUCT: {
      const struct = type as DuckDBStructType;
      const fields = struct.entryNames.map(
        (name, i) => `${name}:${catalogTypeName(struct.entryTypes[i] as DuckDBType)}`,
      );
      return `struct<${fields.join(',')}>`;
    }
    case Id.SQLNULL:
      return 'null';
    default:
      return 'varchar';
  }
}
