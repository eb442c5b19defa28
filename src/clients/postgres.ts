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
import type { Vector } from '../core/vector.js';
import type { JdbcConnection, JdbcResult } from './jdbc-connection.js';
import { dateParam, encodeColumn, timestampParam } from './jdbc-values.js';
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
    async copyRows(sql, columns, total): Promise<number> {
      if (broken !== undefined) throw broken;
      await (c.query(copyIn(sql, copyText(columns, total)) as never) as unknown as Promise<void>);
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

/** How a column is written as COPY text: numbers, text (escaped), booleans, timestamps, dates straight from the vector; the rest as parameters would be. */
const NUMBER = 0;
const TEXT = 1;
const BOOL = 2;
const TIMESTAMP = 3;
const DATE = 4;
const OTHER = 5;

function copyKind(v: Vector): number {
  switch (v.type.kind) {
    case 'int': case 'long': case 'float': case 'double': case 'decimal': return NUMBER;
    case 'string': return TEXT;
    case 'boolean': return BOOL;
    case 'timestamp': return TIMESTAMP;
    case 'date': return DATE;
    default: return OTHER;
  }
}

/**
 * The first `total` rows of the columns as COPY text, in chunks of about 256 kB, made as they are
 * sent: the server parses the first chunks while the next ones are encoded. The text of each value
 * is the text its parameter would carry (timestampParam, dateParam, String of a number, pg's own
 * conversion of arrays and binary), escaped for COPY; \N is null.
 */
function* copyText(columns: readonly Vector[], total: number): Generator<Buffer> {
  const width = columns.length;
  const kinds = columns.map(copyKind);
  const vals = columns.map((v, k) => (kinds[k] === OTHER ? encodeColumn(v, 'postgresql') : v.values) as ArrayLike<unknown>);
  const valid = columns.map((v, k) => (kinds[k] === OTHER ? null : v.validity));
  let text = '';
  for (let i = 0; i < total; i++) {
    for (let k = 0; k < width; k++) {
      if (k > 0) text += '\t';
      const m = valid[k];
      if (m !== null && m !== undefined && m[i] === 0) { text += '\\N'; continue; }
      const v = vals[k]![i];
      switch (kinds[k]) {
        case NUMBER: text += v === null || v === undefined ? '\\N' : String(v); break;
        case TEXT: text += v === null || v === undefined ? '\\N' : copyValue(v); break;
        case BOOL: text += v === null || v === undefined ? '\\N' : v === 1 || v === true ? 'true' : 'false'; break;
        case TIMESTAMP: text += v === null || v === undefined ? '\\N' : timestampParam(v as number); break;
        case DATE: text += v === null || v === undefined ? '\\N' : dateParam(v as number); break;
        default: text += copyValue(v);
      }
    }
    text += '\n';
    if (text.length > 262_144) { yield Buffer.from(text, 'utf8'); text = ''; }
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}

/**
 * A pg "submittable" running `sql` (COPY ... FROM STDIN) with `chunks` as its data, through the
 * copy-in hooks of pg's client (as pg-copy-streams uses them); it is awaited like a query.
 */
function copyIn(sql: string, chunks: Iterable<Buffer>): unknown {
  let settle!: (e?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => { settle = (e) => (e === undefined ? resolve() : reject(e)); });
  let failed: unknown;
  return {
    submit(con: { query(text: string): void }): void { con.query(sql); },
    handleCopyInResponse(con: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void; sendCopyFail(msg: string): void }): void {
      try {
        for (const b of chunks) con.sendCopyFromChunk(b);
      } catch (e) {
        // A value that could not be encoded: the server drops the COPY, the error is the caller's.
        failed = e;
        con.sendCopyFail(e instanceof Error ? e.message : String(e));
        return;
      }
      con.endCopyFrom();
    },
    handleCommandComplete(): void { /* the rows are in */ },
    handleError(e: unknown): void { failed ??= e; settle(failed); },
    handleReadyForQuery(): void { settle(failed); },
    then(ok: () => void, bad: (e: unknown) => void): Promise<void> { return finished.then(ok, bad); },
  };
}
