import { SpateError } from '../core/errors.js';
import { redactUrl } from './redact.js';
import type { Endpoint } from './retry.js';

/** The two databases format('jdbc') speaks to. */
export type JdbcDialectName = 'postgresql' | 'mariadb';

/**
 * Where a jdbc connector connects: parsed from the `url` option (and the
 * `user` / `password` options, which win over credentials in the URL).
 * A plain object, so it can be handed to the synchronous-query worker.
 */
export interface JdbcTarget {
  readonly dialect: JdbcDialectName;
  readonly host: string;
  readonly port: number;
  /** The database; '' lets the server choose (PostgreSQL: the user's name). */
  readonly database: string;
  readonly user?: string;
  readonly password?: string;
  /** TLS: off, on without certificate checks ('require'), or on and verified. */
  readonly ssl: 'disable' | 'require' | 'verify';
  /** Connect timeout (ms); from `connectTimeout` (seconds, as the JDBC drivers take it) in the URL or options. */
  readonly connectTimeoutMs: number;
  /** The URL with any password masked, for messages. */
  readonly display: string;
}

const SCHEMES: Readonly<Record<string, JdbcDialectName>> = {
  'postgres': 'postgresql', 'postgresql': 'postgresql', 'jdbc:postgresql': 'postgresql',
  'mysql': 'mariadb', 'mariadb': 'mariadb', 'jdbc:mysql': 'mariadb', 'jdbc:mariadb': 'mariadb',
};
const DEFAULT_PORT: Readonly<Record<JdbcDialectName, number>> = { postgresql: 5432, mariadb: 3306 };
const SYSTEM: Readonly<Record<JdbcDialectName, string>> = { postgresql: 'PostgreSQL', mariadb: 'MariaDB' };

/** `PostgreSQL` / `MariaDB`, as messages name them. */
export function systemName(d: JdbcDialectName): string {
  return SYSTEM[d];
}

/** The endpoint for withRetry / serviceError messages. */
export function jdbcEndpoint(t: JdbcTarget): Endpoint {
  return { system: SYSTEM[t.dialect], host: t.host, port: t.port };
}

const URL_FORMS = 'postgres://host:5432/db, postgresql://..., jdbc:postgresql://host:5432/db?user=..&password=.., ' +
  'mysql://host:3306/db, mariadb://..., jdbc:mysql://..., jdbc:mariadb://...';

function badUrl(url: string, why: string): SpateError {
  return new SpateError('INVALID_OPTION', `Option 'url' ${why}: got '${redactUrl(url)}'. Use one of: ${URL_FORMS}.`);
}

/**
 * Parses a jdbc `url` in any of the accepted forms (see URL_FORMS). Query
 * parameters `user`, `password`, `ssl` / `sslmode` and `connectTimeout` are
 * understood; others are ignored, as a JDBC driver ignores unknown properties.
 */
export function parseJdbcUrl(url: string, user?: string, password?: string, connectTimeout?: string): JdbcTarget {
  const m = /^\s*((?:jdbc:)?[a-z]+):\/\/(.*)$/i.exec(url);
  if (!m) throw badUrl(url, 'is not a PostgreSQL or MariaDB URL');
  const dialect = SCHEMES[m[1]!.toLowerCase()];
  if (dialect === undefined) throw badUrl(url, `has an unsupported scheme '${m[1]}'`);
  let parsed: URL;
  try {
    parsed = new URL(`jdbc-any://${m[2]}`);
  } catch {
    throw badUrl(url, 'does not parse');
  }
  if (parsed.hostname === '') throw badUrl(url, 'names no host');
  const port = parsed.port === '' ? DEFAULT_PORT[dialect] : Number(parsed.port);
  const q = parsed.searchParams;
  const u = user ?? q.get('user') ?? (parsed.username !== '' ? decodeURIComponent(parsed.username) : undefined);
  const p = password ?? q.get('password') ?? (parsed.password !== '' ? decodeURIComponent(parsed.password) : undefined);
  const sslmode = (q.get('sslmode') ?? (q.get('ssl') === 'true' || q.get('useSSL') === 'true' ? 'require' : 'disable')).toLowerCase();
  const ssl = sslmode === 'disable' || sslmode === 'allow' || sslmode === 'prefer' ? 'disable'
    : sslmode === 'verify-ca' || sslmode === 'verify-full' ? 'verify' : 'require';
  const timeoutRaw = connectTimeout ?? q.get('connectTimeout') ?? undefined;
  const timeoutS = timeoutRaw === undefined ? 10 : Number(timeoutRaw);
  if (!Number.isFinite(timeoutS) || timeoutS < 0) throw new SpateError('INVALID_OPTION', `Option 'connectTimeout' must be a number of seconds >= 0, got ${JSON.stringify(timeoutRaw)}.`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    dialect, host, port, database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    ...(u !== undefined ? { user: u } : {}), ...(p !== undefined ? { password: p } : {}),
    ssl, connectTimeoutMs: timeoutS === 0 ? 0 : Math.round(timeoutS * 1000),
    display: `${dialect}://${host}:${port}/${parsed.pathname.replace(/^\//, '')}`,
  };
}
