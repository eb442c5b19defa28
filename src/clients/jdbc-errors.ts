/**
 * Errors of the `pg` and `mariadb` clients, classified: a connection that
 * failed or went away is worth another try (the batch's transaction died
 * with it, so nothing is half-written); an error the server answered with
 * (bad SQL, a constraint, a value too long, wrong credentials) is not.
 */
import { SpateError } from '../core/errors.js';
import { redactSecrets } from './redact.js';
import { jdbcEndpoint, type JdbcTarget } from './jdbc-url.js';

/** The parts of a client error spate looks at (a plain object, so it crosses threads). */
export interface JdbcClientError {
  readonly message: string;
  /** pg: the SQLSTATE (`23502`) or a Node code (`ECONNREFUSED`); mariadb: `ER_...` or a Node code. */
  readonly code?: string | undefined;
  /** mariadb: the server's error number (1406 = data too long). */
  readonly errno?: number | undefined;
  /** mariadb: the SQLSTATE. */
  readonly sqlState?: string | undefined;
  /** mariadb: the connection is unusable. */
  readonly fatal?: boolean | undefined;
  /** pg: the column / table / constraint the server names. */
  readonly column?: string | undefined;
  readonly table?: string | undefined;
  readonly constraint?: string | undefined;
  readonly detail?: string | undefined;
}

/** The fields of any thrown value as a JdbcClientError. */
export function asJdbcClientError(e: unknown): JdbcClientError {
  if (typeof e !== 'object' || e === null) return { message: String(e) };
  const o = e as Record<string, unknown>;
  const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return {
    message: s('sqlMessage') ?? (e instanceof Error ? e.message || e.name : String(o.message ?? e)),
    code: s('code'), errno: typeof o.errno === 'number' ? o.errno : undefined, sqlState: s('sqlState'),
    fatal: typeof o.fatal === 'boolean' ? o.fatal : undefined,
    column: s('column'), table: s('table'), constraint: s('constraint'), detail: s('detail'),
  };
}

const NODE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);
const PG_DEAD_CONNECTION = /connection terminated|connection timeout|timeout expired|server closed the connection|not queryable|connection ended|Client has encountered a connection error/i;
const MARIADB_RETRYABLE = new Set(['ER_SOCKET_UNEXPECTED_CLOSE', 'ER_CONNECTION_TIMEOUT', 'ER_GET_CONNECTION_TIMEOUT', 'ER_CLOSING_POOL',
  'ER_CONNECTION_ALREADY_CLOSED', 'ER_SOCKET_TIMEOUT', 'ER_SOCKET', 'ER_CMD_CONNECTION_CLOSED', 'ER_NET_READ_INTERRUPTED', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED']);

/** True when another try on a new connection may succeed. */
export function isRetryableJdbcError(e: JdbcClientError): boolean {
  if (isAuth(e)) return false;
  const code = e.code ?? '';
  if (NODE_NET_CODES.has(code) || MARIADB_RETRYABLE.has(code)) return true;
  // SQLSTATE classes 08 (connection exception), 57P (operator intervention: the server shut down), 40001/40P01 (serialization, deadlock).
  const state = e.sqlState ?? (/^[0-9A-Z]{5}$/.test(code) ? code : '');
  if (state.startsWith('08') || state.startsWith('57P') || state === '40001' || state === '40P01') return true;
  if (e.errno === 1213 || e.errno === 1205) return true; // InnoDB deadlock, lock wait timeout
  if (state !== '') return false;
  if (e.fatal === true) return true;
  return PG_DEAD_CONNECTION.test(e.message);
}

function isAuth(e: JdbcClientError): boolean {
  return e.code === '28P01' || e.code === '28000' || e.sqlState === '28000' || e.errno === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR';
}

/** True for wrong credentials. */
export function isAuthJdbcError(e: JdbcClientError): boolean {
  return isAuth(e);
}

/** The client error as an Error whose message carries no credential (and the SQLSTATE / code), for causes and serviceError. */
export function jdbcClientError(e: JdbcClientError, options: Readonly<Record<string, string>> = {}): Error & { code?: string } {
  const code = e.code ?? e.sqlState;
  const out = new Error(redactSecrets(e.message.replace(/\s+$/, '').replace(/\.$/, ''), options)) as Error & { code?: string };
  if (code !== undefined) out.code = code;
  return out;
}

/** The SpateError for an error the server answered with (bad SQL, no such table, wrong credentials): host:port, what, the server's message. */
export function jdbcFailure(target: JdbcTarget, what: string, e: JdbcClientError, options: Readonly<Record<string, string>> = {}, hint = ''): SpateError {
  const ep = jdbcEndpoint(target);
  const auth = isAuth(e);
  const fix = auth ? ` Check the 'user' and 'password' options (or the credentials in 'url') for ${ep.system} at ${ep.host}:${ep.port}.` : hint;
  return new SpateError(auth ? 'AUTHENTICATION_FAILED' : 'JDBC_QUERY_FAILED',
    `${ep.system} at ${ep.host}:${ep.port}: ${what} failed: ${jdbcClientError(e, options).message}.${fix}`);
}
