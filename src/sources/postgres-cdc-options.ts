import { SpateError } from '../core/errors.js';
import { retryPolicy, type Endpoint, type RetryPolicy } from '../clients/retry.js';
import { redactUrl } from '../clients/redact.js';
import { boolOption, intOption, sourceOptions } from './source-options.js';
import { parseLsn } from './postgres-cdc-offsets.js';

/**
 * The postgres-cdc source's options (docs/connectors/postgres-cdc.md lists
 * them with their defaults). Validated in schema(), so a bad option fails at
 * load(), as Spark's sources do.
 */

const SOURCE = 'postgres-cdc';

/** Where and as whom to connect; `password` is never shown. */
export interface PgConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  /** From `sslmode` / `ssl` in the URL: false (off), or whether the server certificate is verified. */
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  readonly connectTimeoutMs: number;
}

/** A table as PostgreSQL names it: schema and name, case as stored in the catalog. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** Where the first run of a checkpoint starts. */
export type StartingOffsets = { readonly kind: 'earliest' } | { readonly kind: 'latest' } | { readonly kind: 'lsn'; readonly lsn: bigint };

export interface CdcOptions {
  readonly connection: PgConnection;
  readonly endpoint: Endpoint;
  readonly slotName: string;
  readonly createSlot: boolean;
  readonly publication: string;
  /** The tables to capture (and to create the publication for); empty = every table of the publication. */
  readonly tables: readonly QualifiedName[];
  readonly createPublication: boolean;
  readonly startingOffsets: StartingOffsets;
  readonly maxChangesPerTrigger: number | undefined;
  readonly failOnDataLoss: boolean;
  readonly includeBefore: boolean;
  /** Client-side bound on one statement, ms (0 = none). */
  readonly queryTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** The user's options, plus the URL's password under a secret key, for masking in every error. */
  readonly redact: Readonly<Record<string, string>>;
  /** For progress and explain: `PostgresCdc[slot=..., publication=..., 127.0.0.1:5432/test]`. */
  readonly description: string;
}

function invalid(name: string, what: string, got: string): SpateError {
  return new SpateError('INVALID_OPTION', `Option '${name}' must be ${what}, got ${JSON.stringify(got)} (${SOURCE} source).`);
}

/** Reads `postgres://user:pw@host:port/db?sslmode=...` (also `postgresql://` and `jdbc:postgresql://`); `user`/`password` options win over the URL's. */
export function parseConnection(url: string, user: string | undefined, password: string | undefined, connectTimeoutMs: number): PgConnection {
  const text = url.trim().replace(/^jdbc:/i, '');
  let u: URL;
  try {
    if (!/^postgres(ql)?:\/\//i.test(text)) throw new Error('scheme');
    u = new URL(text);
  } catch {
    throw new SpateError('INVALID_OPTION',
      `Option 'url' must be a PostgreSQL URL such as postgres://user@host:5432/database (or jdbc:postgresql://host:5432/database), got ${JSON.stringify(redactUrl(url))} (${SOURCE} source).`);
  }
  const q = u.searchParams;
  const port = u.port === '' ? 5432 : Number(u.port);
  const host = decodeURIComponent(u.hostname.replace(/^\[(.+)\]$/, '$1')) || 'localhost';
  const who = user ?? (q.get('user') ?? (u.username !== '' ? decodeURIComponent(u.username) : 'postgres'));
  const pw = password ?? (q.get('password') ?? (u.password !== '' ? decodeURIComponent(u.password) : undefined));
  const database = u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : who;
  const mode = (q.get('sslmode') ?? (q.get('ssl') === 'true' ? 'require' : 'disable')).toLowerCase();
  const ssl = mode === 'disable' || mode === 'allow' ? false : { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
  return { host, port, database, user: who, password: pw, ssl, connectTimeoutMs };
}

/** Splits `a, "My Schema"."T", b.c` on commas outside double quotes. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** One SQL identifier as PostgreSQL reads it: `"Quoted"` keeps its case, a bare name folds to lower case. */
function identifier(part: string, option: string, whole: string): string {
  const p = part.trim();
  if (/^"(?:[^"]|"")+"$/.test(p)) return p.slice(1, -1).replace(/""/g, '"');
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(p)) return p.toLowerCase();
  throw invalid(option, 'a comma-separated list of tables such as public.orders, inventory, "My Schema"."Items"', whole);
}

/** `tables`: `orders, inventory.items, "My Schema"."Items"`; a bare name is in schema public. */
export function parseTables(text: string): QualifiedName[] {
  return splitList(text).map((entry) => {
    const parts: string[] = [];
    let cur = '';
    let quoted = false;
    for (const ch of entry) {
      if (ch === '"') quoted = !quoted;
      if (ch === '.' && !quoted) { parts.push(cur); cur = ''; } else cur += ch;
    }
    parts.push(cur);
    if (parts.length > 2) throw invalid('tables', 'a comma-separated list of tables as name or schema.name', text);
    const names = parts.map((p) => identifier(p, 'tables', text));
    return names.length === 2 ? { schema: names[0]!, name: names[1]! } : { schema: 'public', name: names[0]! };
  });
}

/** `schema.name` with each part double-quoted for SQL. */
export function quoteQualified(t: QualifiedName): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function startingOffsets(raw: string | undefined): StartingOffsets {
  if (raw === undefined) return { kind: 'earliest' };
  const t = raw.trim();
  if (t.toLowerCase() === 'earliest') return { kind: 'earliest' };
  if (t.toLowerCase() === 'latest') return { kind: 'latest' };
  let lsn: bigint | undefined;
  try {
    const parsed = JSON.parse(t) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { lsn?: unknown }).lsn === 'string') lsn = parseLsn((parsed as { lsn: string }).lsn);
  } catch { /* reported below */ }
  if (lsn === undefined) lsn = parseLsn(t);
  if (lsn === undefined) throw invalid('startingOffsets', `'earliest', 'latest' or an LSN as {"lsn":"0/16B3748"}`, raw);
  return { kind: 'lsn', lsn };
}

/** Parses and checks every option; throws INVALID_OPTION / MISSING_OPTION naming the option. */
export function cdcOptions(options: Readonly<Record<string, string>>): CdcOptions {
  const o = sourceOptions(options);
  const need = (name: string, example: string): string => {
    const v = o.get(name)?.trim();
    if (v === undefined || v === '') {
      throw new SpateError('MISSING_OPTION', `The ${SOURCE} source needs option '${name}', e.g. .option('${name}', '${example}').`);
    }
    return v;
  };
  const url = need('url', 'postgres://user@localhost:5432/mydb');
  const connectTimeoutMs = intOption(o, SOURCE, 'connectTimeoutMs', 10_000, 1, 'a positive integer of milliseconds')!;
  const connection = parseConnection(url, o.get('user'), o.get('password'), connectTimeoutMs);
  const slotName = need('slotName', 'orders_cdc');
  if (!/^[a-z0-9_]{1,63}$/.test(slotName)) {
    throw invalid('slotName', 'a replication slot name: 1 to 63 lower-case letters, digits and underscores', slotName);
  }
  const publication = need('publication', 'orders_pub');
  if (publication.length > 63) throw invalid('publication', 'a name of at most 63 characters', publication);
  const tablesRaw = o.get('tables');
  const tables = tablesRaw === undefined ? [] : parseTables(tablesRaw);
  if (tablesRaw !== undefined && tables.length === 0) throw invalid('tables', 'a non-empty comma-separated list of tables', tablesRaw);
  const maxChangesPerTrigger = intOption(o, SOURCE, 'maxChangesPerTrigger', undefined, 1, 'a positive integer');
  const endpoint: Endpoint = { system: 'PostgreSQL', host: connection.host, port: connection.port };
  return {
    connection,
    endpoint,
    slotName,
    createSlot: boolOption(o, SOURCE, 'createSlot', true),
    publication,
    tables,
    createPublication: boolOption(o, SOURCE, 'createPublication', true),
    startingOffsets: startingOffsets(o.get('startingOffsets')),
    maxChangesPerTrigger,
    failOnDataLoss: boolOption(o, SOURCE, 'failOnDataLoss', true),
    includeBefore: boolOption(o, SOURCE, 'includeBefore', false),
    queryTimeoutMs: intOption(o, SOURCE, 'queryTimeoutMs', 300_000, 0, 'a non-negative integer of milliseconds (0 = no limit)')!,
    retry: retryPolicy(options),
    redact: connection.password === undefined ? options : { ...options, 'url.password': connection.password },
    description: `PostgresCdc[slot=${slotName}, publication=${publication}, ${connection.host}:${connection.port}/${connection.database}]`,
  };
}
