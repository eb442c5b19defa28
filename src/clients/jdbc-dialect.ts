/**
 * What differs between PostgreSQL and MariaDB for format('jdbc'): type
 * mapping both ways (after Spark's PostgresDialect, MySQLDialect and
 * JdbcUtils.getCommonJDBCType), identifier quoting, parameter markers,
 * upserts, truncation and the error codes spate looks at.
 */
import { SpateError } from '../core/errors.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, StringType, TimestampType,
  simpleString, type DataType,
} from '../core/types.js';
import type { JdbcDialectName } from './jdbc-url.js';
import type { SyncField } from './sync-query.js';
import type { JdbcClientError } from './jdbc-errors.js';

export interface JdbcColumnType {
  readonly type: DataType;
  /** False when the database says the column is NOT NULL. */
  readonly nullable: boolean;
}

export interface JdbcDialect {
  readonly name: JdbcDialectName;
  readonly system: string;
  quoteIdentifier(name: string): string;
  /** The marker of the i-th parameter (1-based). */
  param(i: number): string;
  /** Spark's type for a result column. */
  columnType(f: SyncField): JdbcColumnType;
  /** The column type CREATE TABLE uses for a spate type; `key` for primary-key columns (MariaDB needs bounded strings there). */
  ddlType(t: DataType, column: string, key: boolean): string;
  tableExistsQuery(table: string): string;
  truncateQuery(table: string, cascade: boolean): string;
  /** ` ON CONFLICT ... DO UPDATE` / ` ON DUPLICATE KEY UPDATE ...` for an upsert on `keys`. */
  upsertClause(columns: readonly string[], keys: readonly string[]): string;
  /** True for "no such table". */
  isUndefinedTable(e: JdbcClientError): boolean;
  /** True when DDL takes part in transactions (PostgreSQL), false when it commits implicitly (MariaDB). */
  readonly transactionalDdl: boolean;
  /** `BEGIN`, with the isolation level where the server takes it there. */
  beginStatements(isolation: string): readonly string[];
  /** The session statement that bounds a statement's run time to `seconds`. */
  statementTimeout(seconds: number): string;
}

function unsupported(t: DataType, column: string, system: string, fix: string): SpateError {
  return new SpateError('UNSUPPORTED_DATA_TYPE', `Can't get JDBC type for ${simpleString(t)} (column '${column}') in ${system}. ${fix}`);
}

// ---- PostgreSQL ----------------------------------------------------------

/** Element types of PostgreSQL array oids. */
const PG_ARRAY: Readonly<Record<number, number>> = {
  1000: 16, 1001: 17, 1005: 21, 1007: 23, 1016: 20, 1021: 700, 1022: 701, 1009: 25, 1014: 1042, 1015: 1043,
  1231: 1700, 1182: 1082, 1115: 1114, 1185: 1184, 2951: 2950, 199: 114, 3807: 3802, 1183: 1083,
};

function pgNumeric(typmod: number): DataType {
  if (typmod < 4) return DecimalType(38, 18); // SPARK-26538: numeric without precision
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const scale = (typmod - 4) & 0xffff;
  return precision > 0 ? DecimalType(Math.min(precision, 38), Math.min(scale, 38)) : DecimalType(38, 18);
}

function pgScalar(oid: number, typmod: number): DataType {
  switch (oid) {
    case 16: return BooleanType;
    case 17: return BinaryType;
    case 20: case 26: return LongType;
    case 21: case 23: return IntegerType;
    case 700: return FloatType;
    case 701: return DoubleType;
    case 1700: return pgNumeric(typmod);
    case 1082: return DateType;
    case 1114: case 1184: case 1083: case 1266: return TimestampType;
    case 1560: return typmod === 1 ? BooleanType : StringType; // bit(1) → boolean; bit(n) as its '0101' text
    default: return StringType; // text, varchar, char, json(b), uuid, inet, money, interval, xml, ... (Spark's Types.OTHER → string)
  }
}

const PG_DDL: Partial<Record<DataType['kind'], string>> = {
  boolean: 'BOOLEAN', int: 'INTEGER', long: 'BIGINT', float: 'FLOAT4', double: 'FLOAT8', string: 'TEXT', binary: 'BYTEA',
  date: 'DATE', timestamp: 'TIMESTAMP',
};

function pgDdl(t: DataType, column: string): string {
  if (t.kind === 'decimal') return `NUMERIC(${t.precision},${t.scale})`;
  if (t.kind === 'array' && t.elementType.kind !== 'array' && t.elementType.kind !== 'struct' && t.elementType.kind !== 'map') {
    return `${pgDdl(t.elementType, column)}[]`;
  }
  const d = PG_DDL[t.kind];
  if (d === undefined) throw unsupported(t, column, 'PostgreSQL', 'Cast it to a supported type (string, numbers, boolean, binary, date, timestamp, decimal, arrays of those) first.');
  return d;
}

const POSTGRES: JdbcDialect = {
  name: 'postgresql',
  system: 'PostgreSQL',
  quoteIdentifier: (n) => `"${n.replace(/"/g, '""')}"`,
  param: (i) => `$${i}`,
  columnType(f) {
    const oid = f.dataTypeID ?? 25;
    const el = PG_ARRAY[oid];
    const type = el !== undefined ? ArrayType(pgScalar(el, f.dataTypeModifier ?? -1)) : pgScalar(oid, f.dataTypeModifier ?? -1);
    return { type, nullable: true };
  },
  ddlType: (t, column) => pgDdl(t, column),
  tableExistsQuery: (table) => `SELECT 1 FROM ${table} LIMIT 1`,
  truncateQuery: (table, cascade) => `TRUNCATE TABLE ONLY ${table}${cascade ? ' CASCADE' : ''}`,
  upsertClause(columns, keys) {
    const q = POSTGRES.quoteIdentifier;
    const rest = columns.filter((c) => !keys.includes(c));
    const conflict = ` ON CONFLICT (${keys.map(q).join(', ')})`;
    return rest.length === 0 ? `${conflict} DO NOTHING` : `${conflict} DO UPDATE SET ${rest.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')}`;
  },
  isUndefinedTable: (e) => e.code === '42P01' || e.code === '3F000',
  transactionalDdl: true,
  beginStatements: (iso) => (iso === 'NONE' ? [] : [`BEGIN ISOLATION LEVEL ${iso.replace('_', ' ')}`]),
  statementTimeout: (s) => `SET statement_timeout = ${Math.round(s * 1000)}`,
};

// ---- MariaDB / MySQL -----------------------------------------------------

const NOT_NULL = 1;
const UNSIGNED = 32;
const BINARY_COLLATION = 63;

function mariadbType(f: SyncField): DataType {
  const len = f.columnLength ?? 0;
  const unsigned = ((f.flags ?? 0) & UNSIGNED) !== 0;
  const binary = f.collationIndex === BINARY_COLLATION;
  switch (f.columnType) {
    case 0: case 246: { // DECIMAL, NEWDECIMAL: the length counts the digits, a '-' and a '.'
      const scale = f.scale ?? 0;
      const precision = len - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return DecimalType(Math.max(1, Math.min(precision, 38)), Math.min(scale, 38));
    }
    case 1: return len === 1 ? BooleanType : IntegerType; // TINYINT(1) is MySQL's BOOLEAN
    case 2: case 9: case 13: return IntegerType; // SMALLINT, MEDIUMINT, YEAR
    case 3: return unsigned ? LongType : IntegerType;
    case 8: return LongType;
    case 4: return unsigned ? DoubleType : FloatType;
    case 5: return DoubleType;
    case 7: case 12: case 11: return TimestampType; // TIMESTAMP, DATETIME, TIME
    case 10: case 14: return DateType;
    case 16: return len === 1 ? BooleanType : LongType; // BIT(1) → boolean, BIT(n) → long (Spark's binarylong)
    case 249: case 250: case 251: case 252: case 15: case 253: case 254:
      return binary ? BinaryType : StringType;
    case 255: return BinaryType; // GEOMETRY
    default: return StringType; // JSON, ENUM, SET, NULL
  }
}

const MARIADB_DDL: Partial<Record<DataType['kind'], string>> = {
  boolean: 'BIT(1)', int: 'INTEGER', long: 'BIGINT', float: 'FLOAT', double: 'DOUBLE PRECISION', string: 'LONGTEXT', binary: 'BLOB',
  date: 'DATE', timestamp: 'DATETIME(6)',
};

const MARIADB: JdbcDialect = {
  name: 'mariadb',
  system: 'MariaDB',
  quoteIdentifier: (n) => `\`${n.replace(/`/g, '``')}\``,
  param: () => '?',
  columnType(f) {
    return { type: mariadbType(f), nullable: ((f.flags ?? 0) & NOT_NULL) === 0 };
  },
  ddlType(t, column, key) {
    if (key && t.kind === 'string') return 'VARCHAR(255)';
    if (key && t.kind === 'binary') return 'VARBINARY(255)';
    if (t.kind === 'decimal') return `DECIMAL(${t.precision},${t.scale})`;
    const d = MARIADB_DDL[t.kind];
    if (d === undefined) throw unsupported(t, column, 'MariaDB', 'MariaDB has no array, map or struct columns: flatten it or turn it into a string (to_json) first.');
    return d;
  },
  tableExistsQuery: (table) => `SELECT * FROM ${table} WHERE 1=0`,
  truncateQuery: (table) => `TRUNCATE TABLE ${table}`,
  upsertClause(columns, keys) {
    const q = MARIADB.quoteIdentifier;
    const rest = columns.filter((c) => !keys.includes(c));
    const set = (rest.length === 0 ? [keys[0]!] : rest).map((c) => `${q(c)} = VALUES(${q(c)})`);
    return ` ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
  },
  isUndefinedTable: (e) => e.errno === 1146 || e.code === 'ER_NO_SUCH_TABLE' || e.errno === 1049,
  transactionalDdl: false,
  beginStatements: (iso) => (iso === 'NONE' ? [] : [`SET TRANSACTION ISOLATION LEVEL ${iso.replace('_', ' ')}`, 'START TRANSACTION']),
  statementTimeout: (s) => `SET SESSION max_statement_time = ${s}`,
};

export function jdbcDialect(name: JdbcDialectName): JdbcDialect {
  return name === 'postgresql' ? POSTGRES : MARIADB;
}
