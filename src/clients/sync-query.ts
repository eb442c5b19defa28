/**
 * One SQL statement run synchronously against PostgreSQL or MariaDB, for
 * the places spate's API is synchronous but must ask the database
 * (`spark.read.format('jdbc').load()` takes the schema from the server, as
 * Spark runs `SELECT * FROM t WHERE 1=0`). A worker thread runs the client
 * (`pg` / `mariadb`) while the calling thread blocks in Atomics.wait on a
 * SharedArrayBuffer, then takes the answer with receiveMessageOnPort (the
 * pattern of the `synckit` package, in ~100 lines here to keep tsx, the
 * built dist and plain Node working without a second dependency).
 *
 * The worker is made on first use, is unref'ed (it never keeps the process
 * alive) and serves every later call; each call opens and closes its own
 * connection. Connection failures are tried again with the bounded backoff
 * of `retryPolicy`; SQL errors fail at once. Use it for small metadata
 * queries only: it blocks the event loop while it waits.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { DEFAULT_RETRY, serviceError, type RetryPolicy } from './retry.js';
import { jdbcEndpoint, parseJdbcUrl, type JdbcTarget } from './jdbc-url.js';
import { isRetryableJdbcError, jdbcClientError, jdbcFailure, type JdbcClientError } from './jdbc-errors.js';

export { jdbcFailure };

/** Column metadata as the client reports it (pg: dataTypeID...; mariadb: columnType...). */
export interface SyncField {
  readonly name: string;
  /** pg: the type's oid, its modifier (varchar length, numeric precision) and the source table/column, 0 when computed. */
  readonly dataTypeID?: number;
  readonly dataTypeModifier?: number;
  readonly tableID?: number;
  readonly columnID?: number;
  /** mariadb: the protocol's column type code, length, flags (NOT_NULL = 1, UNSIGNED = 32, BINARY = 128), scale, collation index. */
  readonly columnType?: number;
  readonly columnLength?: number;
  readonly flags?: number;
  readonly scale?: number;
  readonly collationIndex?: number;
}

export interface SyncQueryResult {
  readonly fields: readonly SyncField[];
  /** Rows as arrays, values as the client parses them by default (pg: int8 and numeric as strings; mariadb: BigInt for BIGINT). */
  readonly rows: readonly (readonly unknown[])[];
}

export interface SyncQueryOptions {
  readonly params?: readonly unknown[];
  /** How long one try may take before it is abandoned (ms); default 30 s. */
  readonly timeoutMs?: number;
  readonly policy?: RetryPolicy;
  /** What is being done, for the error message: `reading the schema of table 'clicks'`. */
  readonly what?: string;
  /** The user's options, so secrets in them never reach an error. */
  readonly options?: Readonly<Record<string, string>>;
  /** Statements run first on the same connection (sessionInitStatement). */
  readonly init?: readonly string[];
}

// The worker, as CommonJS source: it requires the clients by absolute path, so it needs neither tsx nor a build step.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let pg, mariadb;
function pgConfig(t) {
  return { host: t.host, port: t.port, database: t.database || undefined, user: t.user, password: t.password,
    ssl: t.ssl === 'disable' ? false : t.ssl === 'require' ? { rejectUnauthorized: false } : true,
    connectionTimeoutMillis: t.connectTimeoutMs };
}
function mariadbConfig(t) {
  return { host: t.host, port: t.port, database: t.database || undefined, user: t.user, password: t.password,
    ssl: t.ssl === 'disable' ? undefined : t.ssl === 'require' ? { rejectUnauthorized: false } : true,
    connectTimeout: t.connectTimeoutMs || 10000, bigIntAsNumber: false, dateStrings: true };
}
async function runPg(t, sql, params, init) {
  pg = pg || require(workerData.pgPath);
  const c = new pg.Client(pgConfig(t));
  c.on('error', () => {});
  await c.connect();
  try {
    for (const s of init) await c.query(s);
    const all = await c.query({ text: sql, values: params.length > 0 ? params : undefined, rowMode: 'array' });
    const r = Array.isArray(all) ? all[all.length - 1] : all;
    const fields = r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID, dataTypeModifier: f.dataTypeModifier, tableID: f.tableID, columnID: f.columnID }));
    return { fields, rows: r.rows };
  } finally { await c.end().catch(() => {}); }
}
async function runMariadb(t, sql, params, init) {
  mariadb = mariadb || require(workerData.mariadbPath);
  const c = await mariadb.createConnection(mariadbConfig(t));
  try {
    for (const s of init) await c.query(s);
    const r = await c.query({ sql, rowsAsArray: true }, params);
    const meta = (r && r.meta) || [];
    const fields = meta.map((m) => ({ name: m.name(), columnType: m.columnType, columnLength: m.columnLength, flags: m.flags, scale: m.scale,
      collationIndex: m.collation ? m.collation.index : 0 }));
    return { fields, rows: Array.isArray(r) ? Array.from(r) : [] };
  } finally { await c.end().catch(() => {}); }
}
parentPort.on('message', async ({ port, flag, target, sql, params, init }) => {
  let reply;
  try {
    const result = target.dialect === 'postgresql' ? await runPg(target, sql, params, init) : await runMariadb(target, sql, params, init);
    reply = { ok: true, result };
  } catch (e) {
    reply = { ok: false, error: { message: String(e && (e.sqlMessage || e.message) || e), code: e && e.code, errno: e && e.errno, sqlState: e && e.sqlState, fatal: e && e.fatal, column: e && e.column, table: e && e.table } };
  }
  try { port.postMessage(reply); } catch (e) { port.postMessage({ ok: false, error: { message: 'the result could not be passed back: ' + e.message } }); }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  port.close();
});
`;

let worker: Worker | undefined;

function theWorker(): Worker {
  if (worker !== undefined) return worker;
  const req = createRequire(import.meta.url);
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { pgPath: req.resolve('pg'), mariadbPath: req.resolve('mariadb') },
  });
  w.unref();
  w.on('error', () => { if (worker === w) worker = undefined; });
  w.on('exit', () => { if (worker === w) worker = undefined; });
  worker = w;
  return w;
}

type Reply = { ok: true; result: SyncQueryResult } | { ok: false; error: JdbcClientError };

function tryOnce(target: JdbcTarget, sql: string, params: readonly unknown[], init: readonly string[], timeoutMs: number): Reply {
  const w = theWorker();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    w.postMessage({ port: port2, flag, target, sql, params, init }, [port2]);
    const waited = Atomics.wait(flag, 0, 0, timeoutMs);
    const msg = receiveMessageOnPort(port1);
    if (waited === 'timed-out' || msg === undefined) {
      // The worker may be stuck on a dead socket: drop it, the next call makes a fresh one.
      worker = undefined;
      void w.terminate();
      return { ok: false, error: { message: `no answer within ${timeoutMs} ms`, code: 'ETIMEDOUT' } };
    }
    return msg.message as Reply;
  } finally {
    port1.close();
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `sql` (with `$1` / `?` parameters as the dialect writes them) against
 * the database of `url` (a JdbcTarget or any jdbc url form) and returns its
 * columns and rows, blocking until done. A server that does not answer is
 * tried again with bounded backoff, then a SpateError names host:port and
 * `what`; an SQL error is a SpateError at once (code JDBC_QUERY_FAILED),
 * with the server's message and never a credential.
 */
export function querySync(url: string | JdbcTarget, sql: string, opts: SyncQueryOptions = {}): SyncQueryResult {
  const target = typeof url === 'string' ? parseJdbcUrl(url) : url;
  const policy = opts.policy ?? DEFAULT_RETRY;
  const what = opts.what ?? 'running a query';
  const started = Date.now();
  let delay = policy.backoffMs;
  for (let attempt = 0; ; attempt++) {
    const r = tryOnce(target, sql, opts.params ?? [], opts.init ?? [], opts.timeoutMs ?? 30_000);
    if (r.ok) return r.result;
    const e = jdbcClientError(r.error);
    if (!isRetryableJdbcError(r.error) || attempt >= policy.retries) {
      if (!isRetryableJdbcError(r.error)) throw jdbcFailure(target, what, r.error, opts.options);
      throw serviceError(jdbcEndpoint(target), what, e, attempt + 1, Date.now() - started, { ...(opts.options ? { options: opts.options } : {}) });
    }
    sleepSync(delay);
    delay = Math.min(delay * 2, policy.maxBackoffMs);
  }
}
