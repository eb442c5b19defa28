/**
 * The Redis client the redis source and sink share: connection options
 * (spark-redis's names), one ioredis connection that is replaced after a
 * failure, and every server call wrapped in withRetry, so an outage is
 * retried with bounded backoff and then fails naming host, port and what was
 * being done. The only file that imports ioredis.
 *
 * ioredis is the client: pure JavaScript, widely used and kept up, runs on
 * Node 20, pipelines and MULTI/EXEC without a connection pool. Its own
 * reconnecting and offline queue are turned off: a call either reaches the
 * server or fails at once, and withRetry decides what happens next.
 */
import { Redis } from 'ioredis';
import { SpateError } from '../core/errors.js';
import { SourceOptions } from '../io/options.js';
import { redactSecrets, redactUrl } from './redact.js';
import { clientMessage, redactedCause, retryPolicy, withRetry, type Endpoint, type RetryPolicy } from './retry.js';
import { RespConnection } from './redis-resp.js';

/** The ioredis connection, for the command helpers of the redis source and sink. */
export type RedisClient = Redis;

/** Where and how to connect, from the options. */
export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  readonly tls: boolean;
  /** Connect timeout and the reply timeout of each command, ms (spark-redis's `timeout`). */
  readonly timeoutMs: number;
  readonly endpoint: Endpoint;
  /** `redis://host:port/db` (never the password), for descriptions. */
  readonly display: string;
}

function bad(name: string, what: string, got: string): SpateError {
  return new SpateError('INVALID_OPTION', `Option '${name}' must be ${what}, got ${JSON.stringify(got)} (redis).`);
}

function intOf(o: SourceOptions, names: readonly string[], dflt: number, min: number, max: number, what: string): number {
  for (const n of names) {
    const raw = o.get(n);
    if (raw === undefined) continue;
    const v = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) throw bad(n, what, raw);
    return v;
  }
  return dflt;
}

/**
 * The connection settings: `url` (`redis://[user[:password]@]host[:port][/db]`,
 * `rediss://` for TLS), else `host`, `port`, `user`, `auth` (the password; also
 * `password`), `dbNum`, `timeout`, each also under spark-redis's
 * `spark.redis.*` conf name (`spark.redis.host`, `spark.redis.auth`,
 * `spark.redis.db`, ...). Options given one by one override the URL's parts.
 */
export function redisConfig(options: Readonly<Record<string, string>>): RedisConfig {
  const o = new SourceOptions(options);
  let host = '127.0.0.1';
  let port = 6379;
  let username: string | undefined;
  let password: string | undefined;
  let db = 0;
  let tls = false;
  const url = o.get('url') ?? o.get('spark.redis.url');
  if (url !== undefined) {
    let u: URL;
    try {
      u = new URL(url.trim());
    } catch {
      throw bad('url', "a URL such as 'redis://user:password@localhost:6379/0'", redactUrl(url));
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad('url', "a redis:// or rediss:// URL", redactUrl(url));
    host = u.hostname || host;
    port = u.port === '' ? 6379 : Number(u.port);
    if (u.username !== '') username = decodeURIComponent(u.username);
    if (u.password !== '') password = decodeURIComponent(u.password);
    const path = u.pathname.replace(/^\//, '');
    if (path !== '') {
      if (!/^\d+$/.test(path)) throw bad('url', 'a URL whose path is a database number (redis://host:6379/0)', redactUrl(url));
      db = Number(path);
    }
    tls = u.protocol === 'rediss:';
  }
  host = o.getAny(['host', 'spark.redis.host']) ?? host;
  port = intOf(o, ['port', 'spark.redis.port'], port, 1, 65535, 'a port number (1-65535)');
  username = o.getAny(['user', 'username', 'spark.redis.user']) ?? username;
  password = o.getAny(['auth', 'password', 'spark.redis.auth']) ?? password;
  db = intOf(o, ['dbNum', 'spark.redis.db'], db, 0, 1_000_000, 'a database number >= 0');
  const sslRaw = o.getAny(['ssl', 'spark.redis.ssl']);
  if (sslRaw !== undefined) {
    const l = sslRaw.trim().toLowerCase();
    if (l !== 'true' && l !== 'false') throw bad('ssl', "'true' or 'false'", sslRaw);
    tls = l === 'true';
  }
  const timeoutMs = intOf(o, ['timeout', 'spark.redis.timeout'], 2000, 1, 3_600_000, 'a timeout in milliseconds (> 0)');
  const display = `${tls ? 'rediss' : 'redis'}://${host}:${port}/${db}`;
  return { host, port, username, password, db, tls, timeoutMs, endpoint: { system: 'Redis', host, port }, display };
}

/** The user's options plus the password under a key redaction knows, so no message can show it. */
export function secretsOf(options: Readonly<Record<string, string>>, cfg: RedisConfig): Record<string, string> {
  return cfg.password === undefined ? { ...options } : { ...options, 'redis.password': cfg.password };
}

/** Reply errors another try cannot fix: bad credentials, missing rights, a key of another type, bad syntax. */
function retryable(e: unknown): boolean {
  if (!(e instanceof Error)) return true;
  if (e.name !== 'ReplyError') return true;
  return /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN)\b/.test(e.message);
}

/**
 * One connection to Redis for a source or sink. `run(what, fn)` calls `fn`
 * with a ready connection, making one first if there is none (or the last
 * one failed), and retries per the `retries` / `retryBackoffMs` /
 * `retryMaxBackoffMs` options.
 */
export class RedisConnection {
  readonly cfg: RedisConfig;
  private readonly policy: RetryPolicy;
  private readonly secrets: Record<string, string>;
  private client: Redis | undefined;
  /** The connection XRANGE pages are read on (redis-resp.ts), made on first read. */
  private reader: RespConnection | undefined;
  private readerConnecting: Promise<RespConnection> | undefined;
  private lastError: unknown;
  private readonly abort = new AbortController();
  /** Extra reply timeout for blocking reads. */
  private readonly extraTimeoutMs: number;

  /** `onRetry` is told of each failed try that will be tried again (the source logs it as a warning). */
  constructor(options: Readonly<Record<string, string>>, extraTimeoutMs = 0, private readonly onRetry?: (message: string) => void) {
    this.cfg = redisConfig(options);
    this.policy = retryPolicy(options);
    this.secrets = secretsOf(options, this.cfg);
    this.extraTimeoutMs = extraTimeoutMs;
  }

  /** Text with the password (and any URL credential) masked. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** Runs `fn` on a ready connection, with bounded retries; the final failure names host, port and `what`. */
  run<T>(what: string, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.withRetries(what, () => this.ready(), () => this.drop(), fn);
  }

  /** As run, on the reading connection (XRANGE pages decoded by redis-resp.ts). */
  read<T>(what: string, fn: (reader: RespConnection) => Promise<T>): Promise<T> {
    return this.withRetries(what, () => this.readyReader(), () => this.dropReader(), fn);
  }

  private withRetries<C, T>(what: string, ready: () => Promise<C>, drop: () => void, fn: (client: C) => Promise<T>): Promise<T> {
    return withRetry(this.cfg.endpoint, what, async () => {
      const c = await ready().catch((e: unknown) => { throw this.authError(e, what) ?? e; });
      try {
        return await fn(c);
      } catch (e) {
        // A failed call may leave the connection half-way (a MULTI open, a reply lost): start afresh.
        if (!(e instanceof SpateError) && !(e instanceof Error && e.name === 'ReplyError')) drop();
        throw this.authError(e, what) ?? e;
      }
    }, {
      policy: this.policy, retryable, options: this.secrets, signal: this.abort.signal,
      onRetry: (attempt, e, delayMs) => this.onRetry?.(
        `Redis at ${this.cfg.host}:${this.cfg.port}: ${what} failed (${clientMessage(e, this.secrets)}); trying again in ${delayMs} ms (retry ${attempt} of ${this.policy.retries}).`),
    });
  }

  private async readyReader(): Promise<RespConnection> {
    if (this.reader !== undefined && this.reader.isOpen) return this.reader;
    this.reader = undefined;
    const { host, port, username, password, db, tls, timeoutMs } = this.cfg;
    this.readerConnecting ??= RespConnection.connect({ host, port, username, password, db, tls, timeoutMs: timeoutMs + this.extraTimeoutMs, name: 'spate' })
      .finally(() => { this.readerConnecting = undefined; });
    const r = await this.readerConnecting;
    if (this.abort.signal.aborted) { r.destroy(); throw new Error('Connection is closed.'); }
    this.reader = r;
    return r;
  }

  private dropReader(): void {
    const r = this.reader;
    this.reader = undefined;
    r?.destroy();
  }

  /** Refused credentials or rights: no retry helps, and the message says what to check. */
  private authError(e: unknown, what: string): SpateError | undefined {
    if (!(e instanceof Error) || !/WRONGPASS|NOAUTH|NOPERM/.test(e.message)) return undefined;
    const { host, port } = this.cfg;
    return new SpateError('REDIS_AUTH_FAILED',
      `Redis at ${host}:${port}: ${what} failed: ${clientMessage(e, this.secrets)}. ` +
      `Check the user and password (options 'user' and 'auth', or the credentials in 'url') and the user's ACL rights.`,
      { cause: redactedCause(e, this.secrets) });
  }

  private async ready(): Promise<Redis> {
    if (this.client !== undefined && this.client.status === 'ready') return this.client;
    this.drop();
    const c = new Redis({
      host: this.cfg.host,
      port: this.cfg.port,
      db: this.cfg.db,
      ...(this.cfg.username !== undefined ? { username: this.cfg.username } : {}),
      ...(this.cfg.password !== undefined ? { password: this.cfg.password } : {}),
      ...(this.cfg.tls ? { tls: {} } : {}),
      lazyConnect: true,
      connectTimeout: this.cfg.timeoutMs,
      commandTimeout: this.cfg.timeoutMs + this.extraTimeoutMs,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      autoResubscribe: false,
      connectionName: 'spate',
    });
    this.lastError = undefined;
    // ioredis reports why a connect failed in an 'error' event and rejects connect() with "Connection is closed".
    c.on('error', (e: unknown) => { this.lastError = e; });
    this.client = c;
    try {
      await c.connect();
    } catch (e) {
      this.drop();
      throw this.lastError ?? e;
    }
    return c;
  }

  /** Forgets the connection (the next call makes a new one). */
  private drop(): void {
    const c = this.client;
    this.client = undefined;
    if (c !== undefined) c.disconnect(false);
  }

  /** Closes the connection; a retry pause under way ends. */
  async close(): Promise<void> {
    this.abort.abort();
    const r = this.reader;
    this.reader = undefined;
    await r?.close();
    const c = this.client;
    this.client = undefined;
    if (c === undefined) return;
    if (c.status === 'ready') {
      try { await c.quit(); } catch { c.disconnect(false); }
    } else {
      c.disconnect(false);
    }
  }
}


/** What XINFO STREAM says about a stream; undefined for a missing key. */
export interface StreamInfo {
  readonly length: number;
  readonly lastGeneratedId: string;
  /** The largest id ever deleted or trimmed ('0-0' when none). */
  readonly maxDeletedEntryId: string;
  readonly entriesAdded: number;
  /** The first entry's id, or undefined for an empty stream. */
  readonly firstEntryId: string | undefined;
}

/** XINFO STREAM of each key, in one round trip; a missing key gives undefined, a key of another type an error. */
export async function streamInfos(c: RedisClient, keys: readonly string[]): Promise<(StreamInfo | undefined)[]> {
  const p = c.pipeline();
  for (const k of keys) p.xinfo('STREAM', k);
  const res = (await p.exec()) ?? [];
  return keys.map((k, i) => {
    const [err, reply] = res[i] ?? [new Error('no reply'), null];
    if (err) {
      if (/no such key/i.test(err.message)) return undefined;
      if (/^WRONGTYPE/.test(err.message)) {
        // Not an outage: another try cannot help, and the fix is the key's name.
        throw new SpateError('REDIS_WRONG_TYPE',
          `Key '${k}' is not a stream (${err.message}): the redis source reads stream keys (XINFO STREAM, XRANGE). Fix option 'stream.keys', or read that key another way.`);
      }
      throw err;
    }
    return parseInfo(reply as unknown[]);
  });
}

function parseInfo(reply: unknown[]): StreamInfo {
  const m = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) m.set(String(reply[i]), reply[i + 1]);
  const first = m.get('first-entry');
  return {
    length: Number(m.get('length') ?? 0),
    lastGeneratedId: String(m.get('last-generated-id') ?? '0-0'),
    // Before Redis 7 these are absent: no deletion is known, the entries added are the length.
    maxDeletedEntryId: String(m.get('max-deleted-entry-id') ?? '0-0'),
    entriesAdded: Number(m.get('entries-added') ?? m.get('length') ?? 0),
    firstEntryId: Array.isArray(first) ? String(first[0]) : undefined,
  };
}

/** XREAD BLOCK on `keys` after `ids`, for at most `blockMs`: resolves when something new may be there. */
export async function waitForEntries(c: RedisClient, keys: readonly string[], ids: readonly string[], blockMs: number): Promise<void> {
  await c.xread('COUNT', 1, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids);
}
