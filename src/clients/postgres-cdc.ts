import pg from 'pg';
import { withRetry, type Endpoint, type RetryPolicy } from './retry.js';

/**
 * The postgres-cdc source's connection to PostgreSQL: one ordinary (not
 * replication-protocol) `pg` session, opened on first use and opened again
 * after the server went away. The only file that imports `pg` for the
 * source. Every statement runs under withRetry: connection failures are
 * retried with bounded backoff, then fail naming host, port and what was
 * being done; SQL errors that another try cannot fix fail at once.
 */

export interface PgCdcClientConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  readonly connectTimeoutMs: number;
  /** Client-side bound on one statement (0 = none). */
  readonly queryTimeoutMs: number;
  readonly endpoint: Endpoint;
  readonly retry: RetryPolicy;
  /** Options whose secrets are masked in errors. */
  readonly redact: Readonly<Record<string, string>>;
}

/** A PostgreSQL error's SQLSTATE (`42P01`), or undefined for a network or client error. */
export function sqlState(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True for failures another try may fix: the network (no SQLSTATE), class 08
 * (connection exception), 57P0x (server shutting down or starting), 53300
 * (too many connections) and 55006 (the slot is in use by another session,
 * e.g. a previous run still ending). Authentication (28xxx), missing objects
 * and permission errors fail at once.
 */
export function retryableError(e: unknown): boolean {
  const s = sqlState(e);
  if (s === undefined) return true;
  return s.startsWith('08') || s.startsWith('57P') || s === '53300' || s === '55006';
}

/** Rows as arrays of column values, in select-list order. */
export type Rows = unknown[][];

export class PgCdcClient {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly cfg: PgCdcClientConfig) {}

  get endpoint(): Endpoint {
    return this.cfg.endpoint;
  }

  private async connect(): Promise<pg.Client> {
    if (this.client !== undefined) return this.client;
    this.connecting ??= (async () => {
      const c = new pg.Client({
        host: this.cfg.host, port: this.cfg.port, database: this.cfg.database, user: this.cfg.user,
        ...(this.cfg.password !== undefined ? { password: this.cfg.password } : {}),
        ssl: this.cfg.ssl === false ? false : { rejectUnauthorized: this.cfg.ssl.rejectUnauthorized },
        connectionTimeoutMillis: this.cfg.connectTimeoutMs,
        ...(this.cfg.queryTimeoutMs > 0 ? { query_timeout: this.cfg.queryTimeoutMs } : {}),
        keepAlive: true,
        application_name: 'spate-postgres-cdc',
      });
      // An idle connection that drops emits 'error'; without a listener Node would end the process.
      c.on('error', () => { if (this.client === c) this.client = undefined; });
      c.on('end', () => { if (this.client === c) this.client = undefined; });
      try {
        await c.connect();
        // Text values of timestamptz columns come in UTC, so they parse without a zone database.
        await c.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3");
      } catch (e) {
        c.end().catch(() => undefined);
        throw e;
      }
      if (this.closed) { await c.end().catch(() => undefined); throw new Error('the source was stopped'); }
      this.client = c;
      return c;
    })().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  /**
   * Runs `sql` (with `$1`.. parameters) and returns its rows as arrays, values
   * parsed as `pg` does by default (bytea as a Buffer of its own).
   */
  async query(what: string, sql: string, params: readonly unknown[] = [], opts: { readonly retries?: number } = {}): Promise<Rows> {
    const policy = opts.retries === undefined ? this.cfg.retry : { ...this.cfg.retry, retries: opts.retries };
    return withRetry(this.cfg.endpoint, what, async () => {
      const c = await this.connect();
      try {
        const r = await c.query({ text: sql, values: params as unknown[], rowMode: 'array' });
        return r.rows as Rows;
      } catch (e) {
        // A broken connection is dropped so the next try opens a new one; an SQL error leaves it usable.
        if (sqlState(e) === undefined || retryableError(e)) this.drop(c);
        throw e;
      }
    }, { policy, retryable: retryableError, options: this.cfg.redact, signal: this.abort.signal, hint: hintFor(this.cfg.endpoint) });
  }

  private drop(c: pg.Client): void {
    if (this.client === c) this.client = undefined;
    c.end().catch(() => undefined);
  }

  /** Ends the session; later queries fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    const c = this.client;
    this.client = undefined;
    if (c !== undefined) await c.end().catch(() => undefined);
  }
}

function hintFor(ep: Endpoint): string {
  return `Check that PostgreSQL is running and reachable at ${ep.host}:${ep.port} and that the role may use replication slots ` +
    '(superuser or REPLICATION); nothing was lost, restart the query from its checkpoint once it is back.';
}
