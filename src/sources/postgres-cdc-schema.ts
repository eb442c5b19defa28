import { SpateError } from '../core/errors.js';
import { simpleString, StringType, StructField, StructType, TimestampType, typeEquals, type DataType } from '../core/types.js';

/**
 * The postgres-cdc source's columns: four about the change — `op`
 * (insert / update / delete / truncate), `table` (schema.table), `lsn` (the
 * end LSN of the transaction's commit, the same value as the batch offset
 * form) and `commitTime` — then the captured table's columns, by name, and,
 * with `includeBefore`, a `before` struct holding the old values where the
 * table's REPLICA IDENTITY puts them in the WAL.
 */

/** The change columns, in output order. */
export const META_FIELDS: readonly StructField[] = [
  StructField('op', StringType, false),
  StructField('table', StringType, false),
  StructField('lsn', StringType, false),
  StructField('commitTime', TimestampType, false),
];

export const BEFORE_COLUMN = 'before';

const META_NAMES = new Set(META_FIELDS.map((f) => f.name.toLowerCase()));

/** True for the types a text value from pgoutput is converted to; anything else is read as STRING. */
export function supportedColumnType(t: DataType): boolean {
  switch (t.kind) {
    case 'boolean': case 'int': case 'long': case 'float': case 'double': case 'decimal':
    case 'string': case 'binary': case 'date': case 'timestamp':
      return true;
    default:
      return false;
  }
}

/**
 * The source's schema: the change columns, the table columns of `columns`
 * (the user's schema, minus any change column it repeats), and `before`.
 * A repeated change column must have the change column's type.
 */
export function cdcSchema(columns: StructType, includeBefore: boolean): StructType {
  const data: StructField[] = [];
  for (const f of columns.fields) {
    const lower = f.name.toLowerCase();
    const meta = META_FIELDS.find((m) => m.name.toLowerCase() === lower);
    if (meta !== undefined) {
      if (!typeEquals(meta.dataType, f.dataType)) {
        throw new SpateError('INVALID_SCHEMA',
          `Column '${f.name}' of the postgres-cdc schema is the change column '${meta.name}' (${simpleString(meta.dataType)}), got ${simpleString(f.dataType)}. ` +
          `Leave it out of readStream.schema(...) (it is always added) or rename the table column with a view.`);
      }
      continue;
    }
    if (lower === BEFORE_COLUMN) {
      throw new SpateError('INVALID_SCHEMA',
        `Column 'before' of the postgres-cdc schema is reserved for the old values (option includeBefore); leave it out of readStream.schema(...).`);
    }
    if (!supportedColumnType(f.dataType)) {
      throw new SpateError('INVALID_SCHEMA',
        `Column '${f.name}' has type ${simpleString(f.dataType)}, which the postgres-cdc source cannot fill from PostgreSQL's text form. ` +
        `Declare it as STRING and parse it in the query (from_json, split, ...).`);
    }
    data.push(StructField(f.name, f.dataType, true));
  }
  if (data.length === 0) {
    throw new SpateError('INVALID_SCHEMA',
      `The postgres-cdc schema names no table column: give the captured table's columns, e.g. readStream.schema('id INT, status STRING').`);
  }
  const fields = [...META_FIELDS, ...data];
  if (includeBefore) fields.push(StructField(BEFORE_COLUMN, StructType(data), true));
  return StructType(fields);
}

/** Where each part of an output schema (as cdcSchema made it) is. */
export interface CdcLayout {
  readonly schema: StructType;
  /** The table columns, in output order. */
  readonly data: readonly StructField[];
  /** The output index of the first table column (table columns are contiguous). */
  readonly dataStart: number;
  readonly includeBefore: boolean;
}

/** The layout of the schema the engine hands back to create(). */
export function cdcLayout(schema: StructType): CdcLayout {
  const names = schema.fields.map((f) => f.name);
  META_FIELDS.forEach((m, i) => {
    if (names[i] !== m.name) {
      throw new SpateError('INVALID_SCHEMA', `postgres-cdc: expected column '${m.name}' at position ${i} of the source schema, got '${names[i] ?? '(none)'}'.`);
    }
  });
  const last = schema.fields[schema.fields.length - 1];
  const includeBefore = last !== undefined && last.name === BEFORE_COLUMN && last.dataType.kind === 'struct';
  const data = schema.fields.slice(META_FIELDS.length, includeBefore ? -1 : undefined);
  return { schema, data, dataStart: META_FIELDS.length, includeBefore };
}

/** True when `name` is one of the change columns (any case). */
export function isMetaColumn(name: string): boolean {
  return META_NAMES.has(name.toLowerCase());
}
