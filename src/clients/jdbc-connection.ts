/**
 * One connection to PostgreSQL or MariaDB, the same shape for both clients
 * (postgres.ts, mariadb.ts), and the connect / retry / error plumbing the
 * jdbc source and sink share.
 */
import { SpateError } from '../core/errors.js';
import type { Vector } from '../core/vector.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { jdbcEndpoint, type JdbcTarget } from './jdbc-url.js';
import { asJdbcClientError, isAuthJdbcError, isRetryableJdbcError, jdbcFailure } from './jdbc-errors.js';
import type { SyncField } from './sync-query.js';
import { connectPostgres } from './postgres.js';
import { connectMariadb } from './mariadb.js';

export interface JdbcResult {
  readonly fields: readonly SyncField[];
  /** Rows as arrays of the client's values (see postgres.ts / mariadb.ts for their forms). */
  readonly rows: readonly (readonly unknown[])[];
  readonly affected: number;
}

export interface JdbcConnection {
  readonly target: JdbcTarget;
  query(sql: string, params?: readonly unknown[]): Promise<JdbcResult>;
  /** Runs a statement, returns the rows it changed; `prepare` keeps its parsed plan on the connection (pg). */
  execute(sql: string, params?: readonly unknown[], opts?: { readonly prepare?: boolean }): Promise<number>;
  /** Streams a query's rows to `onChunk`, at most `size` rows at a time (MariaDB's fetchsize); absent where a cursor is used. */
  queryChunks?(sql: string, size: number, onChunk: (rows: readonly (readonly unknown[])[], width: number) => void): Promise<void>;
  /** One statement for many rows of parameters (MariaDB's bulk protocol); absent where multi-row VALUES is used. */
  executeMany?(sql: string, rows: readonly (readonly unknown[])[]): Promise<number>;
  /** PostgreSQL: `COPY t (cols) FROM STDIN` with the first `total` rows of the columns; returns the rows sent. Absent for MariaDB. */
  copyRows?(sql: string, columns: readonly Vector[], total: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens a connection (no retry: callers wrap whole units of work in withJdbcRetry). */
export function connectJdbc(t: JdbcTarget): Promise<JdbcConnection> {
  return t.dialect === 'postgresql' ? connectPostgres(t) : connectMariadb(t);
}

export interface JdbcRetryOptions {
  readonly policy: RetryPolicy;
  readonly options: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Added to the message of an error the server answered with. */
  readonly hint?: string;
}

/**
 * Runs `fn` with bounded retries on connection failures (the unit of work
 * must be safe to run again: a read, or a transaction that rolled back when
 * its connection died). An error the server answered with fails at once as
 * a SpateError naming host:port and `what`; wrong credentials as
 * AUTHENTICATION_FAILED.
 */
export async function withJdbcRetry<T>(t: JdbcTarget, what: string, fn: (attempt: number) => Promise<T>, o: JdbcRetryOptions): Promise<T> {
  try {
    return await withRetry(jdbcEndpoint(t), what, async (attempt) => {
      try {
        return await fn(attempt);
      } catch (e) {
        if (e instanceof SpateError) throw e;
        const ce = asJdbcClientError(e);
        if (!isRetryableJdbcError(ce)) throw new AnsweredError(ce);
        throw e;
      }
    }, { policy: o.policy, options: o.options, ...(o.signal ? { signal: o.signal } : {}) });
  } catch (e) {
    if (e instanceof AnsweredError) throw jdbcFailure(t, what, e.error, o.options, isAuthJdbcError(e.error) ? '' : (o.hint ?? ''));
    throw e;
  }
}

/** Internal: carries a non-retryable client error through withRetry (which rethrows SpateErrors at once). */
class AnsweredError extends SpateError {
  constructor(readonly error: ReturnType<typeof asJdbcClientError>) {
    super('JDBC_ANSWERED', error.message);
  }
}

/** Runs `fn` on a fresh connection and closes it after. */
export async function withConnection<T>(t: JdbcTarget, fn: (c: JdbcConnection) => Promise<T>): Promise<T> {
  const c = await connectJdbc(t);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
