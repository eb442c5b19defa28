/**
 * The schema of a jdbc read, from the database itself: Spark runs
 * `SELECT * FROM (<table or query>) WHERE 1=0` and maps the result's column
 * types through the dialect; spate does the same, synchronously (load() is
 * synchronous) through clients/sync-query.ts. `customSchema` then replaces
 * the types of the columns it names, as Spark's JdbcUtils.getCustomSchema.
 */
import { SpateError, didYouMean } from '../core/errors.js';
import { parseSchema } from '../core/ddl.js';
import { StructField, StructType, type DataType } from '../core/types.js';
import { querySync, type SyncField } from '../clients/sync-query.js';
import { jdbcDialect } from '../clients/jdbc-dialect.js';
import { sessionStatements, type JdbcReadOptions } from '../clients/jdbc-options.js';


/** PostgreSQL reports NOT NULL per table column only in its catalog: (table oid, column number) pairs that are NOT NULL. */
function pgNotNull(o: JdbcReadOptions, fields: readonly SyncField[]): Set<string> {
  const tables = [...new Set(fields.map((f) => f.tableID ?? 0).filter((t) => t !== 0))];
  if (tables.length === 0) return new Set();
  const r = querySync(o.target, 'SELECT attrelid::int8, attnum::int4 FROM pg_attribute WHERE attnotnull AND attrelid = ANY($1::oid[])', {
    params: [tables], policy: o.policy, options: o.raw, what: `reading the NOT NULL columns of ${o.what}`,
  });
  return new Set(r.rows.map((row) => `${Number(row[0])}.${Number(row[1])}`));
}

/** The result schema of the read (Spark's JDBCRDD.resolveTable), customSchema applied. */
export function resolveJdbcSchema(o: JdbcReadOptions): StructType {
  const dialect = jdbcDialect(o.target.dialect);
  const r = querySync(o.target, `SELECT * FROM ${o.tableOrQuery} WHERE 1=0`, {
    policy: o.policy, options: o.raw, what: `reading the schema of ${o.what}`, init: sessionStatements(o),
  });
  const notNull = o.target.dialect === 'postgresql' ? pgNotNull(o, r.fields) : new Set<string>();
  const fields = r.fields.map((f) => {
    const c = dialect.columnType(f);
    const nullable = c.nullable && !notNull.has(`${f.tableID ?? 0}.${f.columnID ?? 0}`);
    return StructField(f.name, c.type, nullable);
  });
  const schema = StructType(fields);
  return o.customSchema === undefined ? schema : applyCustomSchema(schema, o.customSchema);
}

/** Spark's customSchema: `"id DECIMAL(38, 0), name STRING"` replaces those columns' types (names matched ignoring case). */
export function applyCustomSchema(schema: StructType, text: string): StructType {
  const custom = parseSchema(text);
  const names = schema.fields.map((f) => f.name);
  const byName = new Map<string, DataType>();
  for (const f of custom.fields) {
    if (!names.some((n) => n.toLowerCase() === f.name.toLowerCase())) {
      throw new SpateError('INVALID_OPTION',
        `Option 'customSchema' names column '${f.name}', which the table or query does not have. Available: ${names.join(', ')}.${didYouMean(f.name, names)}`);
    }
    byName.set(f.name.toLowerCase(), f.dataType);
  }
  return StructType(schema.fields.map((f) => {
    const t = byName.get(f.name.toLowerCase());
    return t === undefined ? f : StructField(f.name, t, f.nullable);
  }));
}
