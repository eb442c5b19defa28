/**
 * The PostgreSQL client of format('jdbc') (`pg`, pure JavaScript, the
 * most used PostgreSQL client for Node). The only file that imports `pg`
 * (sync-query.ts requires it by path inside its worker).
 *
 * Values come back as the decoders in jdbc-values.ts want them: int8,
 * numeric, date, time and timestamp types as their text (so microseconds
 * and big values are not lost to Date or a lossy parse before spate
 * decides), json/jsonb as text, and their arrays as arrays of text.
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import type { JdbcConnection, JdbcResult } from './jdbc-connection.js';
import type { JdbcTarget } from './jdbc-url.js';
import type { SyncField } from './sync-query.js';

const RAW = (s: string): string => s;
/** Scalar oids kept as text: int8, numeric, date, time, timestamp, timestamptz, timetz, interval, json, jsonb, money, point, circle. */
const RAW_OIDS = new Set([20, 1700, 1082, 1083, 1114, 1184, 1266, 1186, 114, 3802, 790, 600, 718]);
/** Array oids read as arrays of text: int8[], numeric[], timestamp[], date[], timestamptz[], json[], jsonb[], time[], interval[]. */
const TEXT_ARRAY_OIDS = new Set([1016, 1231, 1115, 1182, 1185, 199, 3807, 1183, 1187]);

const textArray = pg.types.getTypeParser(1009 as never, 'text') as (s: string) => unknown;
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (s: string) => unknown {
    if (RAW_OIDS.has(oid)) return RAW;
    if (TEXT_ARRAY_OIDS.has(oid)) return textArray;
    return pg.types.getTypeParser(oid as never, format ?? 'text') as (s: string) => unknown;
  },
};

function config(t: JdbcTarget): pg.ClientConfig {
  return {
    host: t.host, port: t.port, ...(t.database !== '' ? { database: t.database } : {}),
    ...(t.user !== undefined ? { user: t.user } : {}), ...(t.password !== undefined ? { password: t.password } : {}),
    ssl: t.ssl === 'disable' ? false : t.ssl === 'require' ? { rejectUnauthorized: false } : true,
    connectionTimeoutMillis: t.connectTimeoutMs,
    types: TYPES as pg.CustomTypesConfig,
  };
}

function fieldsOf(r: pg.QueryResult): SyncField[] {
  return (r.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID, dataTypeModifier: f.dataTypeModifier, tableID: f.tableID, columnID: f.columnID }));
}

/** Opens one connection; the session runs in UTC so timestamptz text carries +00 and wall-clock types are UTC (see docs). */
export async function connectPostgres(t: JdbcTarget): Promise<JdbcConnection> {
  const c = new pg.Client(config(t));
  let broken: unknown;
  // A connection that dies between calls must not crash the process: remember it, the next call fails with it.
  c.on('error', (e) => { broken = e; });
  try {
    await c.connect();
    await c.query("SET TIME ZONE 'UTC'");
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  const named = new Map<string, string>();
  const run = async (sql: string, params: readonly unknown[] | undefined, prepare: boolean): Promise<pg.QueryResult> => {
    if (broken !== undefined) throw broken;
    let name: string | undefined;
    if (prepare) {
      name = named.get(sql);
      if (name === undefined && named.size < 64) { name = `spate_${named.size}`; named.set(sql, name); }
    }
    return c.query({ text: sql, values: params as unknown[] | undefined, rowMode: 'array', ...(name !== undefined ? { name } : {}) });
  };
  return {
    target: t,
    async query(sql, params): Promise<JdbcResult> {
      const r = await run(sql, params, false);
      return { fields: fieldsOf(r), rows: r.rows as unknown[][], affected: r.rowCount ?? 0 };
    },
    async execute(sql, params, opts): Promise<number> {
      const r = await run(sql, params, opts?.prepare === true);
      return r.rowCount ?? 0;
    },
    async copyRows(sql, columns, pick, total): Promise<number> {
      if (broken !== undefined) throw broken;
      await (c.query(copyIn(sql, copyText(columns, pick, total)) as never) as unknown as Promise<void>);
      return total;
    },
    async close(): Promise<void> {
      await c.end().catch(() => undefined);
    },
  };
}

/** pg's conversion of a parameter to its text (arrays as array literals, objects as JSON): COPY sends the same text. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): unknown };

/** Characters COPY's text format escapes (backslash, newline, carriage return, tab). */
const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in COPY's text format: the text a parameter would carry (pg's own conversion), escaped; \N for null. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  else if (v instanceof Uint8Array) s = `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  else s = String(prepareValue(v));
  return COPY_SPECIAL.test(s) ? s.replace(/[\\\n\r\t]/g, (ch) => COPY_ESCAPES[ch]!) : s;
}

/** The rows (`pick` or 0..total-1) of the encoded columns as COPY text, in chunks of about 256 kB. */
function copyText(columns: readonly (readonly unknown[])[], pick: Int32Array | null, total: number): Buffer[] {
  const out: Buffer[] = [];
  const width = columns.length;
  let text = '';
  for (let r = 0; r < total; r++) {
    const i = pick === null ? r : pick[r]!;
    let line = copyValue(columns[0]![i]);
    for (let k = 1; k < width; k++) line += '\t' + copyValue(columns[k]![i]);
    text += line + '\n';
    if (text.length > 262_144) { out.push(Buffer.from(text, 'utf8')); text = ''; }
  }
  if (text !== '') out.push(Buffer.from(text, 'utf8'));
  return out;
}

/**
 * A pg "submittable" running `sql` (COPY ... FROM STDIN) with `chunks` as its data, through the
 * copy-in hooks of pg's client (as pg-copy-streams uses them); it is awaited like a query.
 */
function copyIn(sql: string, chunks: readonly Buffer[]): unknown {
  let settle!: (e?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => { settle = (e) => (e === undefined ? resolve() : reject(e)); });
  let failed: unknown;
  return {
    submit(con: { query(text: string): void }): void { con.query(sql); },
    handleCopyInResponse(con: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }): void {
      for (const b of chunks) con.sendCopyFromChunk(b);
      con.endCopyFrom();
    },
    handleCommandComplete(): void { /* the rows are in */ },
    handleError(e: unknown): void { failed = e; settle(e); },
    handleReadyForQuery(): void { settle(failed); },
    then(ok: () => void, bad: (e: unknown) => void): Promise<void> { return finished.then(ok, bad); },
  };
}
