/**
 * Random tables for the DuckDB agreement property test: the same rows are
 * loaded into spate (createDataFrame) and into DuckDB (INSERT ... VALUES), so
 * one query written twice can be checked against a reference engine.
 */
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';

/** One column of a generated table: its name, Spark DDL type and DuckDB SQL type. */
export interface ColumnSpec {
  readonly name: string;
  readonly ddl: string;
  readonly sql: string;
}

/** The left table: every scalar type the engine has, all nullable. */
export const T1_COLUMNS: readonly ColumnSpec[] = [
  { name: 'i', ddl: 'INT', sql: 'INTEGER' },
  { name: 'l', ddl: 'BIGINT', sql: 'BIGINT' },
  { name: 'd', ddl: 'DOUBLE', sql: 'DOUBLE' },
  { name: 's', ddl: 'STRING', sql: 'VARCHAR' },
  { name: 'b', ddl: 'BOOLEAN', sql: 'BOOLEAN' },
  { name: 'dt', ddl: 'DATE', sql: 'DATE' },
];

/** The right table: shares `i` and `s` with the left one (join keys), plus its own columns. */
export const T2_COLUMNS: readonly ColumnSpec[] = [
  { name: 'i', ddl: 'INT', sql: 'INTEGER' },
  { name: 's', ddl: 'STRING', sql: 'VARCHAR' },
  { name: 'x', ddl: 'BIGINT', sql: 'BIGINT' },
  { name: 'z', ddl: 'STRING', sql: 'VARCHAR' },
];

/** A table as rows of JS values in column order (null = SQL NULL, dates as UTC-midnight Date). */
export type Rows = unknown[][];

const DAY_MS = 86_400_000;

// About one value in five is null, so nulls meet every operator.
const nullable = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { freq: 5, nil: null });

// Small ranges make groups and join keys collide; a few wide values keep arithmetic honest.
const intArb = fc.oneof(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -20_000, max: 20_000 }));
const longArb = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }));
// Quarters are exact in binary, so sums do not depend on the order of addition;
// -0 is mapped to 0 because Spark and DuckDB order -0.0 / 0.0 ties differently.
const doubleArb = fc.oneof(
  fc.integer({ min: -4000, max: 4000 }).map((k) => k / 4 + 0),
  fc.double({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true }).map((x) => x + 0),
);
// ASCII only (byte order = code point order in both engines), spaces for trim, digits for casts;
// no 'b' or 'x' (DuckDB casts '0b1' / '0x1' to int, Spark gives null).
const stringArb = fc.string({ unit: fc.constantFrom('a', 'c', 'C', ' ', '1', '0'), maxLength: 3 });
const dateArb = fc.oneof(fc.integer({ min: 18_000, max: 18_006 }), fc.integer({ min: -1000, max: 30_000 }))
  .map((days) => new Date(days * DAY_MS));

/** Rows for T1_COLUMNS (0..maxRows rows). */
export function t1Rows(maxRows = 24): fc.Arbitrary<Rows> {
  const row = fc.tuple(nullable(intArb), nullable(longArb), nullable(doubleArb), nullable(stringArb), nullable(fc.boolean()), nullable(dateArb));
  return fc.array(row, { maxLength: maxRows }) as fc.Arbitrary<Rows>;
}

/** Rows for T2_COLUMNS; keys come from narrow ranges so they match T1's often. */
export function t2Rows(maxRows = 16): fc.Arbitrary<Rows> {
  const key = nullable(fc.integer({ min: -6, max: 6 }));
  const row = fc.tuple(key, nullable(stringArb), nullable(longArb), nullable(stringArb));
  return fc.array(row, { maxLength: maxRows }) as fc.Arbitrary<Rows>;
}

/** The Spark DDL schema string of a column list ('i INT, s STRING'). */
export function ddlOf(cols: readonly ColumnSpec[]): string {
  return cols.map((c) => `${c.name} ${c.ddl}`).join(', ');
}

function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return `DATE '${v.toISOString().slice(0, 10)}'`;
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : `CAST('${v}' AS DOUBLE)`;
  return String(v);
}

/** (Re)creates DuckDB table `name` holding exactly `rows`. */
export async function loadDuck(con: DuckDBConnection, name: string, cols: readonly ColumnSpec[], rows: Rows): Promise<void> {
  await con.run(`CREATE OR REPLACE TABLE ${name} (${cols.map((c) => `${c.name} ${c.sql}`).join(', ')})`);
  if (rows.length === 0) return;
  const values = rows.map((r) => `(${r.map(sqlLiteral).join(', ')})`).join(',\n');
  await con.run(`INSERT INTO ${name} VALUES ${values}`);
}
