/**
 * Writing rows to a PostgreSQL or MariaDB table, shared by df.write and the
 * streaming sink: the columns as the table sees them (struct columns such as
 * `window` flattened to `window_start`, `window_end`), CREATE TABLE from the
 * schema with the dialect's types (Spark's JdbcUtils.createTable), and
 * parameterized inserts or upserts in chunks of `batchsize` rows — values
 * never enter the SQL text, identifiers are quoted for the dialect.
 */
import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import { simpleString, type DataType, type StructType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import { jdbcDialect, type JdbcDialect } from '../clients/jdbc-dialect.js';
import { encodeColumn } from '../clients/jdbc-values.js';
import { asJdbcClientError, isRetryableJdbcError, jdbcClientError, type JdbcClientError } from '../clients/jdbc-errors.js';
import type { JdbcConnection } from '../clients/jdbc-connection.js';
import type { JdbcWriteOptions } from '../clients/jdbc-options.js';

/** One column of the table being written. */
export interface WriteColumnSpec {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** The path of fields from the DataFrame column (`[window, start]`). */
  readonly path: readonly number[];
}

/** The table's columns for a schema: struct columns flattened, `<column>_<field>`, recursively. */
export function writeColumns(schema: StructType): WriteColumnSpec[] {
  const out: WriteColumnSpec[] = [];
  const walk = (name: string, t: DataType, nullable: boolean, path: number[]): void => {
    if (t.kind === 'struct') {
      t.fields.forEach((f, i) => walk(`${name}_${f.name}`, f.dataType, nullable || f.nullable, [...path, i]));
      return;
    }
    out.push({ name, type: t, nullable, path });
  };
  schema.fields.forEach((f, i) => walk(f.name, f.dataType, f.nullable, [i]));
  return out;
}

/** The table columns `upsertKeys` names: a struct column (`window`) stands for all its flattened fields. */
export function keyColumns(keys: readonly string[], schema: StructType, cols: readonly WriteColumnSpec[]): string[] {
  const out: string[] = [];
  for (const k of keys) {
    const lk = k.toLowerCase();
    const top = schema.fields.findIndex((f) => f.name.toLowerCase() === lk);
    const hits = top >= 0 ? cols.filter((c) => c.path[0] === top) : cols.filter((c) => c.name.toLowerCase() === lk);
    if (hits.length === 0) {
      throw new SpateError('INVALID_OPTION', `Option 'upsertKeys' names column '${k}', which the query's output does not have. ` +
        `Available: ${[...schema.fields.map((f) => f.name), ...cols.filter((c) => c.path.length > 1).map((c) => c.name)].join(', ')}.`);
    }
    for (const h of hits) if (!out.includes(h.name)) out.push(h.name);
  }
  return out;
}

/** The vector of a (possibly flattened) column. */
function columnVector(batch: RecordBatch, spec: WriteColumnSpec): Vector {
  const top = batch.columns[spec.path[0]!]!;
  if (spec.path.length === 1) return top;
  const n = batch.numRows;
  const values = new Array<unknown>(n);
  let validity: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    let v: unknown = top.validity !== null && top.validity[i] === 0 ? null : top.values[i];
    for (let p = 1; p < spec.path.length && v !== null && v !== undefined; p++) v = (v as unknown[])[spec.path[p]!];
    if (v === null || v === undefined) {
      if (validity === null) validity = new Uint8Array(n).fill(1);
      validity[i] = 0;
      values[i] = null;
    } else values[i] = v;
  }
  // Flattened leaves of typed kinds go back to typed storage, which encodeColumn reads the same way.
  return { type: spec.type, length: n, values, validity };
}

/** Parses `createTableColumnTypes` ("name CHAR(64), comments VARCHAR(1024)") into column → SQL type. */
export function parseColumnTypes(text: string, cols: readonly WriteColumnSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur);
  for (const p of parts) {
    const m = /^\s*(`[^`]+`|"[^"]+"|[A-Za-z_][\w$]*)\s+([A-Za-z][A-Za-z0-9_ ]*?(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?(?:\s+UNSIGNED)?)\s*$/i.exec(p);
    if (m === null) throw new SpateError('INVALID_OPTION', `Option 'createTableColumnTypes' must be "column TYPE, ...", e.g. "name CHAR(64), comments VARCHAR(1024)"; could not read ${JSON.stringify(p.trim())}.`);
    const name = m[1]!.replace(/^[`"]|[`"]$/g, '');
    const col = cols.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (col === undefined) {
      throw new SpateError('INVALID_OPTION', `createTableColumnTypes option column ${name} not found in schema ${cols.map((c) => `${c.name}:${simpleString(c.type)}`).join(',')}`);
    }
    out.set(col.name, m[2]!.replace(/\s+/g, ' '));
  }
  return out;
}

/** Checks that every column has a type in the dialect (fails before anything is written). */
export function checkWritable(dialect: JdbcDialect, cols: readonly WriteColumnSpec[], keys: readonly string[]): void {
  for (const c of cols) dialect.ddlType(c.type, c.name, keys.includes(c.name));
}

/** The createTableColumnTypes of the options, checked against the columns (empty when not given). */
export function customColumnTypes(o: JdbcWriteOptions, cols: readonly WriteColumnSpec[]): Map<string, string> {
  return o.createTableColumnTypes === undefined ? new Map<string, string>() : parseColumnTypes(o.createTableColumnTypes, cols);
}

/** `CREATE TABLE t (...)`: dialect types, NOT NULL for non-nullable columns, PRIMARY KEY on the upsert keys. */
export function createTableSql(dialect: JdbcDialect, o: JdbcWriteOptions, cols: readonly WriteColumnSpec[], keys: readonly string[], ifNotExists = false): string {
  const custom = o.createTableColumnTypes === undefined ? new Map<string, string>() : parseColumnTypes(o.createTableColumnTypes, cols);
  const q = dialect.quoteIdentifier;
  const defs = cols.map((c) => {
    const key = keys.includes(c.name);
    const type = custom.get(c.name) ?? dialect.ddlType(c.type, c.name, key);
    return `${q(c.name)} ${type}${c.nullable && !key ? '' : ' NOT NULL'}`;
  });
  if (keys.length > 0) defs.push(`PRIMARY KEY (${keys.map(q).join(', ')})`);
  const tail = o.createTableOptions.trim() === '' ? '' : ` ${o.createTableOptions.trim()}`;
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${o.table} (${defs.join(', ')})${tail}`;
}

/** True when the table exists (a "no such table" answer is false; any other failure is thrown). */
export async function tableExists(c: JdbcConnection, dialect: JdbcDialect, table: string): Promise<boolean> {
  try {
    await c.query(dialect.tableExistsQuery(table));
    return true;
  } catch (e) {
    if (dialect.isUndefinedTable(asJdbcClientError(e))) return false;
    throw e;
  }
}

/** The table's column names, in its order. */
export async function tableColumnNames(c: JdbcConnection, table: string): Promise<string[]> {
  const r = await c.query(`SELECT * FROM ${table} WHERE 1=0`);
  return r.fields.map((f) => f.name);
}

/**
 * The write columns matched to the table's columns (Spark's
 * getInsertStatement: every DataFrame column must exist in the table,
 * names compared ignoring case; the table's spelling is used).
 */
export function matchTableColumns(cols: readonly WriteColumnSpec[], tableCols: readonly string[], table: string): WriteColumnSpec[] {
  return cols.map((c) => {
    const hit = tableCols.find((t) => t === c.name) ?? tableCols.find((t) => t.toLowerCase() === c.name.toLowerCase());
    if (hit === undefined) {
      throw new SpateError('COLUMN_NOT_FOUND', `Column "${c.name}" not found in schema of table '${table}' (${tableCols.join(', ')}); ` +
        'add the column to the table, rename or drop it in the DataFrame, or write with mode("overwrite").');
    }
    return { ...c, name: hit };
  });
}

/** Indices of the rows to write when upserting: the last row of each key (an upsert may not touch a row twice in one statement). */
function lastPerKey(encoded: readonly unknown[][], keyIdx: readonly number[], n: number): Int32Array | null {
  if (keyIdx.length === 0) return null;
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    let k = '';
    for (const c of keyIdx) { const v = encoded[c]![i]; k += `${v === null ? '\u0001' : String(v)}\u0000`; }
    if (seen.has(k)) continue;
    seen.add(k);
    keep.push(i);
  }
  if (keep.length === n) return null;
  keep.reverse();
  return Int32Array.from(keep);
}

/** Postgres takes at most 65535 parameters per statement; so does MariaDB. */
const MAX_PARAMS = 65_535;

export interface InsertSpec {
  readonly table: string;
  readonly columns: readonly WriteColumnSpec[];
  /** Upsert on these (table) columns; empty = plain insert. */
  readonly keys: readonly string[];
  readonly batchSize: number;
  /** PostgreSQL appends (no upsert keys) with COPY FROM STDIN rather than INSERT statements (option postgresCopy). */
  readonly copy: boolean;
}

/**
 * Inserts (or upserts) every row of `batch`, in statements of at most batchSize rows, or, for a PostgreSQL
 * append, in one COPY FROM STDIN (values in the text form their parameters would have); returns the rows sent.
 */
export async function insertBatch(c: JdbcConnection, dialect: JdbcDialect, spec: InsertSpec, batch: RecordBatch): Promise<number> {
  const n = batch.numRows;
  if (n === 0) return 0;
  const cols = spec.columns;
  const width = cols.length;
  const q = dialect.quoteIdentifier;
  const names = cols.map((s) => q(s.name)).join(', ');
  if (c.copyRows !== undefined && spec.copy && spec.keys.length === 0) {
    return c.copyRows(`COPY ${spec.table} (${names}) FROM STDIN`, cols.map((s) => columnVector(batch, s)), n);
  }
  const encoded = cols.map((s) => encodeColumn(columnVector(batch, s), dialect.name));
  const pick = lastPerKey(encoded, spec.keys.map((k) => cols.findIndex((s) => s.name === k)), n);
  const total = pick === null ? n : pick.length;
  const upsert = spec.keys.length > 0 ? dialect.upsertClause(cols.map((s) => s.name), spec.keys) : '';
  const head = `INSERT INTO ${spec.table} (${names}) VALUES `;
  if (c.executeMany !== undefined) {
    // MariaDB: one single-row statement over many parameter rows (the bulk protocol).
    const sql = `${head}(${cols.map(() => '?').join(', ')})${upsert}`;
    for (let start = 0; start < total; start += spec.batchSize) {
      const end = Math.min(total, start + spec.batchSize);
      const rows = new Array<unknown[]>(end - start);
      for (let r = start; r < end; r++) {
        const i = pick === null ? r : pick[r]!;
        const row = new Array<unknown>(width);
        for (let k = 0; k < width; k++) row[k] = encoded[k]![i];
        rows[r - start] = row;
      }
      await c.executeMany(sql, rows);
    }
    return total;
  }
  // PostgreSQL: multi-row VALUES, one parameter array per statement; full-size statements are prepared once per connection.
  const per = Math.max(1, Math.min(spec.batchSize, Math.floor(MAX_PARAMS / width)));
  const sqlFor = new Map<number, string>();
  const sqlOf = (rows: number): string => {
    let s = sqlFor.get(rows);
    if (s === undefined) {
      const parts = new Array<string>(rows);
      let p = 1;
      for (let r = 0; r < rows; r++) {
        const marks = new Array<string>(width);
        for (let k = 0; k < width; k++) marks[k] = dialect.param(p++);
        parts[r] = `(${marks.join(', ')})`;
      }
      s = head + parts.join(', ') + upsert;
      sqlFor.set(rows, s);
    }
    return s;
  };
  for (let start = 0; start < total; start += per) {
    const end = Math.min(total, start + per);
    const params = new Array<unknown>((end - start) * width);
    let j = 0;
    for (let r = start; r < end; r++) {
      const i = pick === null ? r : pick[r]!;
      for (let k = 0; k < width; k++) params[j++] = encoded[k]![i];
    }
    await c.execute(sqlOf(end - start), params, { prepare: end - start === per });
  }
  return total;
}

/**
 * Whether appends to `table` may go by COPY: PostgreSQL, option postgresCopy, and a plain or partitioned
 * table without rules (COPY into a view fails, and COPY does not apply rules; INSERT does both).
 */
export async function copyable(c: JdbcConnection, dialect: JdbcDialect, table: string, enabled: boolean): Promise<boolean> {
  if (!enabled || dialect.name !== 'postgresql' || c.copyRows === undefined) return false;
  const r = await c.query('SELECT relkind::text, relhasrules FROM pg_class WHERE oid = to_regclass($1)', [table]);
  const row = r.rows[0];
  return row !== undefined && (row[0] === 'r' || row[0] === 'p') && row[1] === false;
}

/** Runs `sql` ignoring "already exists" races (two writers creating the same table at once). */
export async function createIfMissing(c: JdbcConnection, sql: string): Promise<void> {
  try {
    await c.execute(sql);
  } catch (e) {
    const ce = asJdbcClientError(e);
    if (ce.code === '42P07' || ce.code === '23505' || ce.errno === 1050) return;
    throw e;
  }
}

/** Why a write the server refused failed: the column when the server or a look at the table can tell. */
export async function describeRefusal(c: JdbcConnection, dialect: JdbcDialect, table: string, e: JdbcClientError,
  cols: readonly WriteColumnSpec[], batch: RecordBatch, createdTypes?: ReadonlyMap<string, string>): Promise<string> {
  if (e.column !== undefined) return ` (column '${e.column}')`;
  if (dialect.name !== 'postgresql' || e.code !== '22001') return '';
  // "value too long for type character varying(3)" names no column: find the first value longer than its column allows,
  // with the lengths from the catalog, or from createTableColumnTypes when the table was created (and rolled back) by this write.
  try {
    const bare = table.split('.').pop()!;
    const name = /^".*"$/.test(bare) ? bare.slice(1, -1).replace(/""/g, '"') : bare.toLowerCase();
    const r = await c.query('SELECT column_name, character_maximum_length FROM information_schema.columns WHERE table_name = $1 AND character_maximum_length IS NOT NULL', [name]);
    const limits: unknown[][] = r.rows.map((row) => [...row]);
    for (const [col, type] of createdTypes ?? []) {
      const m = /^\s*(?:var)?char(?:acter)?(?:\s+varying)?\s*\(\s*(\d+)\s*\)/i.exec(type);
      if (m !== null) limits.push([col, Number(m[1])]);
    }
    for (const [col, max] of limits) {
      const spec = cols.find((s) => s.name === col);
      if (spec === undefined || spec.type.kind !== 'string') continue;
      const v = columnVector(batch, spec);
      for (let i = 0; i < v.length; i++) {
        const s = v.values[i];
        if (typeof s === 'string' && [...s].length > Number(max)) return ` (column '${String(col)}', at most ${Number(max)} characters, row ${i + 1} has ${[...s].length})`;
      }
    }
  } catch { /* best effort: the server's message stands */ }
  return '';
}

/** The error of a write the server refused: table, column, the server's message, and that nothing was written. */
export function refusedError(dialect: JdbcDialect, o: JdbcWriteOptions, what: string, e: JdbcClientError, where: string, tail: string): SpateError {
  return new SpateError('JDBC_WRITE_FAILED',
    `${dialect.system} at ${o.target.host}:${o.target.port}: ${what} failed${where}: ${jdbcClientError(e, o.raw).message}${e.detail ? ` (${e.detail})` : ''}. ${tail}`);
}

/** Runs statements after a failure without masking it. */
export async function quietly(fn: () => Promise<unknown>): Promise<void> {
  try { await fn(); } catch { /* the first error is the one reported */ }
}

export { isRetryableJdbcError, asJdbcClientError, jdbcDialect };
