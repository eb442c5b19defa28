import { SpateError } from '../core/errors.js';
import {
  BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, StringType, StructField, StructType,
  TimestampType, widerType, type DataType,
} from '../core/types.js';
import { querySync } from '../clients/sync-query.js';
import type { JdbcTarget } from '../clients/jdbc-url.js';
import type { CdcOptions } from './postgres-cdc-options.js';

/**
 * The captured tables' columns, read from PostgreSQL's catalog when the
 * DataFrame is made (load() is synchronous, so through querySync), for a
 * readStream without .schema(...). The tables are those of option `tables`,
 * else those of the publication. Several tables share one set of columns by
 * name (a column a table lacks is null in its rows); a name with different
 * types in two tables gets the wider type, or STRING.
 */

/** PostgreSQL's type (pg_type.typname, and precision/scale for numeric) → the column type (as Spark's PostgresDialect maps them). */
export function pgColumnType(typname: string, numericPrecision: number | null, numericScale: number | null): DataType {
  switch (typname) {
    case 'bool': return BooleanType;
    case 'int2': case 'int4': return IntegerType;
    case 'int8': case 'oid': return LongType;
    case 'float4': return FloatType;
    case 'float8': return DoubleType;
    case 'numeric':
      return numericPrecision !== null && numericPrecision > 0 && numericPrecision <= 38
        ? DecimalType(numericPrecision, numericScale ?? 0) : DecimalType(38, 18);
    case 'bytea': return BinaryType;
    case 'date': return DateType;
    case 'timestamp': case 'timestamptz': return TimestampType;
    // text, varchar, bpchar, uuid, json(b), xml, inet, time, interval, money, enums, arrays, ...: their text form.
    default: return StringType;
  }
}

function target(o: CdcOptions): JdbcTarget {
  const c = o.connection;
  return {
    dialect: 'postgresql', host: c.host, port: c.port, database: c.database, user: c.user,
    ...(c.password !== undefined ? { password: c.password } : {}),
    ssl: c.ssl === false ? 'disable' : c.ssl.rejectUnauthorized ? 'verify' : 'require',
    connectTimeoutMs: c.connectTimeoutMs,
    display: `postgresql://${c.host}:${c.port}/${c.database}`,
  };
}

/** The union of the captured tables' columns, in table order then column order. */
export function probeColumns(o: CdcOptions): StructType {
  const byTables = o.tables.length > 0;
  const params: unknown[] = byTables ? [o.tables.map((t) => t.schema), o.tables.map((t) => t.name)] : [o.publication];
  const from = byTables
    ? `unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(schemaname, tablename, ord)`
    : `(SELECT schemaname, tablename, row_number() OVER (ORDER BY schemaname, tablename) AS ord FROM pg_publication_tables WHERE pubname = $1) AS w`;
  const sql = `SELECT w.schemaname, w.tablename, a.attname, t.typname,
      CASE WHEN t.typname = 'numeric' AND a.atttypmod >= 4 THEN ((a.atttypmod - 4) >> 16) & 65535 END,
      CASE WHEN t.typname = 'numeric' AND a.atttypmod >= 4 THEN (a.atttypmod - 4) & 65535 END,
      c.oid IS NOT NULL
    FROM ${from}
    LEFT JOIN pg_namespace n ON n.nspname = w.schemaname
    LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.tablename
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_type t ON t.oid = a.atttypid
    ORDER BY w.ord, a.attnum`;
  const r = querySync(target(o), sql, {
    params, what: byTables ? `reading the columns of ${o.tables.map((t) => `${t.schema}.${t.name}`).join(', ')}` : `reading the tables of publication '${o.publication}'`,
    options: o.redact, policy: o.retry,
  });
  if (r.rows.length === 0) {
    throw new SpateError('CDC_PUBLICATION_NOT_FOUND',
      `Publication '${o.publication}' at ${o.endpoint.host}:${o.endpoint.port} does not exist or holds no table, so the columns are unknown. ` +
      `Give option 'tables' (the source creates the publication for them), or the columns with readStream.schema('id INT, ...').`);
  }
  const fields: { name: string; type: DataType }[] = [];
  for (const row of r.rows) {
    const [schema, table, column, typname, precision, scale, exists] = row as [string, string, string | null, string | null, number | null, number | null, boolean];
    if (!exists) {
      throw new SpateError('CDC_TABLE_NOT_FOUND',
        `Table ${schema}.${table} of option 'tables' does not exist at ${o.endpoint.host}:${o.endpoint.port}. Create it first, or fix the name (a bare name is in schema public; quote mixed-case names: "MyTable").`);
    }
    if (column === null || typname === null) continue;
    const type = pgColumnType(typname, precision === null ? null : Number(precision), scale === null ? null : Number(scale));
    const seen = fields.find((f) => f.name === column);
    if (seen === undefined) fields.push({ name: column, type });
    else seen.type = widerType(seen.type, type) ?? StringType;
  }
  return StructType(fields.map((f) => StructField(f.name, f.type, true)));
}
