/**
 * The NATS JetStream client shared by the `nats` source and sink: the only
 * module that imports @nats-io/transport-node and @nats-io/jetstream.
 *
 * Every server call goes through withRetry (bounded backoff, then an error
 * naming host, port and what was being done); the connection is made again
 * when the client library has given up on it. Credentials come from the
 * options (`user`/`password`, `token`) or from the server URL, are handed to
 * the library apart from the URL, and are masked in every message.
 */
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import {
  DeliverPolicy, JetStreamApiError, jetstream, jetstreamManager,
  type JetStreamClient, type JetStreamManager, type JsMsg, type OrderedConsumerOptions, type PubAck,
} from '@nats-io/jetstream';
import { SpateError } from '../core/errors.js';
import { SourceOptions } from '../io/options.js';
import { redactUrl } from './redact.js';
import { clientMessage, retryPolicy, withRetry, type Endpoint, type RetryPolicy } from './retry.js';

/** What a NATS connection is made from (parsed from the connector's options). */
export interface NatsConnectOptions {
  /** `nats://host:port` URLs without credentials. */
  readonly servers: readonly string[];
  /** The servers as they may be shown (credentials masked). */
  readonly display: string;
  /** The first server, for error messages. */
  readonly endpoint: Endpoint;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** Connect timeout and JetStream API request timeout, ms. */
  readonly timeoutMs: number;
  readonly policy: RetryPolicy;
  /** The user's options, so their secrets are masked in errors. */
  readonly options: Readonly<Record<string, string>>;
}

const DEFAULT_PORT = 4222;

/**
 * Reads `servers` (comma-separated `nats://host:port`, `host:port` or `host`;
 * `nats://user:pass@host:port` accepted), `user`, `password`, `token`,
 * `requestTimeoutMs` and the retry options. `who` names the connector in errors.
 */
export function natsConnectOptions(options: Readonly<Record<string, string>>, who: string): NatsConnectOptions {
  const o = new SourceOptions(options);
  const raw = o.get('servers');
  if (raw === undefined || raw.trim() === '') {
    throw new SpateError('MISSING_OPTION', `Set the NATS servers with option('servers', 'nats://host:4222') (${who}); several are separated by commas.`);
  }
  let user = o.get('user');
  let pass = o.get('password');
  const servers: string[] = [];
  let endpoint: Endpoint | undefined;
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(part) ? part : `nats://${part}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new SpateError('INVALID_OPTION', `Option 'servers' must list NATS URLs such as nats://host:4222, got ${JSON.stringify(redactUrl(part))} (${who}).`);
    }
    if (!['nats:', 'tls:'].includes(url.protocol) || url.hostname === '') {
      throw new SpateError('INVALID_OPTION', `Option 'servers' must list NATS URLs such as nats://host:4222, got ${JSON.stringify(redactUrl(part))} (${who}).`);
    }
    if (url.username !== '') user ??= decodeURIComponent(url.username);
    if (url.password !== '') pass ??= decodeURIComponent(url.password);
    const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    endpoint ??= { system: 'NATS', host, port };
    servers.push(`${url.protocol}//${url.host.includes(':') || url.port !== '' ? url.host : `${url.host}:${port}`}`);
  }
  if (endpoint === undefined) {
    throw new SpateError('MISSING_OPTION', `Option 'servers' lists no server (${who}); use e.g. option('servers', 'nats://host:4222').`);
  }
  const token = o.get('token');
  const masked = { ...options, ...(pass !== undefined ? { 'nats.password': pass } : {}), ...(token !== undefined ? { 'nats.token': token } : {}) };
  return {
    servers, display: servers.join(','), endpoint, timeoutMs: o.int('requestTimeoutMs', 5000, 1), policy: retryPolicy(options), options: masked,
    ...(user !== undefined ? { user } : {}), ...(pass !== undefined ? { pass } : {}), ...(token !== undefined ? { token } : {}),
  };
}

/** A JetStream stream's state, as the source and sink need it. */
export interface NatsStreamState {
  /** The first sequence still stored (0 for a stream that never had a message). */
  readonly firstSeq: number;
  /** The last sequence ever assigned (kept when messages are removed). */
  readonly lastSeq: number;
  readonly messages: number;
  readonly subjects: readonly string[];
  /** The duplicate window, ms. */
  readonly duplicateWindowMs: number;
}

/**
 * Receives one stored message (no copy of its data): sequence, subject,
 * data, time in microseconds since the epoch, and its headers as (key,
 * value) pairs when the read asked for them (null when it has none).
 */
export type NatsMessageHandler = (seq: number, subject: string, data: Uint8Array, timestampUs: number, headers: [string, string][] | null) => void;

/** A row to publish. */
export interface NatsOutMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId?: string;
  readonly headers?: readonly (readonly [string, string])[];
}

/** Errors that another try cannot fix: bad credentials, a permission, a missing stream, an invalid request. */
function permanent(e: unknown): boolean {
  if (e instanceof JetStreamApiError) return e.status !== 503 && e.status !== 408;
  const name = e instanceof Error ? e.name : '';
  return ['AuthorizationError', 'PermissionViolationError', 'UserAuthenticationExpiredError', 'InvalidSubjectError', 'InvalidArgumentError'].includes(name);
}

/** A read that saw no message for too long (the server went away and the consumer is resetting). */
class IdleReadError extends Error {
  constructor(ms: number) { super(`no message arrived within ${ms} ms`); this.name = 'TimeoutError'; }
}

/** NATS wildcard match of a subject against a filter (`*` one token, `>` the rest), for servers without multi-filter consumers. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const t = f[i]!;
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return f.length === s.length;
}

/**
 * One NATS connection with its JetStream API handles. Methods retry as the
 * policy says; the connection is made on first use and again when it closed.
 */
export class NatsClient {
  private nc: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;
  private jsm: JetStreamManager | undefined;
  private js: JetStreamClient | undefined;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(readonly opts: NatsConnectOptions) {}

  get endpoint(): Endpoint { return this.opts.endpoint; }

  /** The server's version (after the first call), for features that depend on it. */
  serverVersion(): string | undefined { return this.nc?.info?.version; }

  /** Connects (with retries) so a bad address or credentials fail now, not at the first batch. */
  async ready(): Promise<void> {
    await this.retry(`connecting to ${this.opts.display}`, async () => { await this.conn(); });
  }

  /** The stream's state; a missing stream fails with NATS_STREAM_NOT_FOUND. */
  async streamState(stream: string): Promise<NatsStreamState> {
    return this.retry(`reading the info of stream '${stream}'`, async () => {
      const { jsm } = await this.api();
      try {
        const si = await jsm.streams.info(stream);
        return {
          firstSeq: si.state.first_seq, lastSeq: si.state.last_seq, messages: si.state.messages,
          subjects: si.config.subjects ?? [], duplicateWindowMs: (si.config.duplicate_window ?? 0) / 1e6,
        };
      } catch (e) {
        throw this.notFound(e, stream);
      }
    });
  }

  /** The sequence of the last stored message matching one of `filters` (all subjects when empty); 0 when there is none. */
  async lastSequence(stream: string, filters: readonly string[]): Promise<number> {
    return this.retry(`reading the last sequence of stream '${stream}'`, () => this.lastSequenceOnce(stream, filters));
  }

  /** The stream that stores `subject`, or undefined when none does. */
  async streamOfSubject(subject: string): Promise<string | undefined> {
    return this.retry(`looking up the stream of subject '${subject}'`, async () => {
      const { jsm } = await this.api();
      try {
        return await jsm.streams.find(subject);
      } catch (e) {
        if (e instanceof Error && /no stream matches subject/i.test(e.message)) return undefined;
        throw e;
      }
    });
  }

  /**
   * Reads the stored messages matching `filters` from sequence `fromSeq` on,
   * in sequence order, handing each to `onMessage`, until one at or after
   * `untilSeq` (inclusive; later ones are not handed over), `maxCount`
   * messages, or the end of the stream. An ordered consumer (ephemeral,
   * flow-controlled, reset by the library after a reconnect) does the
   * reading; a failed try resumes after the last message handed over.
   * Returns the last message's sequence (fromSeq - 1 when none).
   */
  async read(stream: string, filters: readonly string[], fromSeq: number, untilSeq: number, maxCount: number, withHeaders: boolean,
    onMessage: NatsMessageHandler): Promise<{ lastSeq: number; count: number; pendingAfter: number }> {
    let next = fromSeq;
    let count = 0;
    let pendingAfter = 0;
    await this.retry(`reading stream '${stream}' from sequence ${fromSeq}`, async () => {
      if (next > untilSeq || count >= maxCount) return;
      // A range with nothing left in it would have the consumer wait for new messages: ask first.
      const last = await this.lastSequenceOnce(stream, filters);
      if (last < next) { pendingAfter = 0; return; }
      const { js } = await this.api();
      const serverFilter = this.serverFilter(filters);
      const clientFilter = serverFilter === undefined && filters.length > 0 ? filters : undefined;
      const copts: Partial<OrderedConsumerOptions> = {
        deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: next,
        ...(serverFilter !== undefined ? { filter_subjects: serverFilter } : {}),
      };
      let consumer;
      try {
        consumer = await js.consumers.get(stream, copts);
      } catch (e) {
        throw this.notFound(e, stream);
      }
      const want = Math.min(maxCount - count, untilSeq - next + 1);
      const messages = await consumer.consume({ max_messages: Math.max(1, Math.min(want, 4096)) });
      // No message for two timeouts: the consumer is stuck (the server went away). One timer checks
      // for progress, rather than a timer reset per message (timers are costly at 100k messages a second).
      let timedOut = false;
      let seen = 0;
      let seenAtCheck = 0;
      let quietChecks = 0;
      const idle = setInterval(() => {
        quietChecks = seen === seenAtCheck ? quietChecks + 1 : 0;
        seenAtCheck = seen;
        if (quietChecks >= 2) { timedOut = true; clearInterval(idle); void messages.close(); }
      }, this.opts.timeoutMs);
      try {
        for await (const m of messages) {
          seen++;
          const seq = m.seq;
          if (seq > untilSeq) break;
          next = seq + 1;
          const info = m.info;
          pendingAfter = info.pending;
          if (clientFilter === undefined || clientFilter.some((f) => subjectMatches(f, m.subject))) {
            onMessage(seq, m.subject, m.data, Math.floor(info.timestampNanos / 1000), withHeaders ? headerPairs(m) : null);
            count++;
          }
          if (seq >= untilSeq || count >= maxCount || info.pending === 0) break;
        }
      } finally {
        clearInterval(idle);
        await messages.close().catch(() => undefined);
        // An ephemeral consumer lingers on the server for minutes after its reader leaves: remove it now.
        await consumer.delete().catch(() => undefined);
      }
      if (timedOut) throw new IdleReadError(this.opts.timeoutMs * 2);
    });
    return { lastSeq: next - 1, count, pendingAfter };
  }

  /**
   * Publishes `messages` in order and waits for every PubAck; a message id
   * (Nats-Msg-Id) lets the stream drop one it has seen within its duplicate
   * window. At most `window` acks are awaited at once; a failed try publishes
   * again from the first message without an ack. Returns how many the stream
   * reported as duplicates.
   */
  async publishAll(messages: readonly NatsOutMessage[], window: number, expectStream?: string): Promise<{ duplicates: number }> {
    let acked = 0;
    let duplicates = 0;
    await this.retry(`publishing ${messages.length} messages`, async () => {
      const { js } = await this.api();
      while (acked < messages.length) {
        const end = Math.min(messages.length, acked + window);
        const acks: Promise<PubAck>[] = [];
        for (let i = acked; i < end; i++) {
          const m = messages[i]!;
          let h: MsgHdrs | undefined;
          if (m.headers !== undefined && m.headers.length > 0) {
            h = natsHeaders();
            for (const [k, v] of m.headers) h.append(k, v);
          }
          acks.push(js.publish(m.subject, m.data, {
            ...(m.msgId !== undefined ? { msgID: m.msgId } : {}), ...(h !== undefined ? { headers: h } : {}),
            ...(expectStream !== undefined ? { expect: { streamName: expectStream } } : {}), timeout: this.opts.timeoutMs,
          }));
        }
        const settled = await Promise.allSettled(acks);
        for (let i = 0; i < settled.length; i++) {
          const r = settled[i]!;
          if (r.status === 'rejected') {
            acked += i;
            throw publishError(r.reason, messages[acked]!.subject);
          }
          if (r.value.duplicate) duplicates++;
        }
        acked = end;
      }
    });
    return { duplicates };
  }

  /** Closes the connection (idempotent). */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    const nc = this.nc ?? (await this.connecting?.catch(() => undefined));
    this.nc = undefined;
    if (nc !== undefined && !nc.isClosed()) await nc.close().catch(() => undefined);
  }

  private async lastSequenceOnce(stream: string, filters: readonly string[]): Promise<number> {
    const { jsm } = await this.api();
    try {
      if (filters.length === 0) return (await jsm.streams.info(stream)).state.last_seq;
      let last = 0;
      for (const f of filters) {
        const m = await jsm.streams.getMessage(stream, { last_by_subj: f });
        if (m !== null && m.seq > last) last = m.seq;
      }
      return last;
    } catch (e) {
      throw this.notFound(e, stream);
    }
  }

  /** The consumer's filter: one subject, or several where the server supports it (2.10+); else undefined (filtered here). */
  private serverFilter(filters: readonly string[]): string | string[] | undefined {
    if (filters.length === 0) return undefined;
    if (filters.length === 1) return filters[0]!;
    const [maj = 0, min = 0] = (this.serverVersion() ?? '0.0').split('.').map(Number);
    return maj > 2 || (maj === 2 && min >= 10) ? [...filters] : undefined;
  }

  private notFound(e: unknown, stream: string): unknown {
    if (e instanceof JetStreamApiError && (e.name === 'StreamNotFoundError' || /stream not found/i.test(e.message))) {
      return new SpateError('NATS_STREAM_NOT_FOUND',
        `NATS at ${this.endpoint.host}:${this.endpoint.port}: stream '${stream}' does not exist. Create it first (e.g. 'nats stream add ${stream} --subjects "${stream}.>"') or fix option 'stream'.`);
    }
    return e;
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(this.endpoint, what, async () => {
      if (this.closed) throw new SpateError('NATS_CLIENT_CLOSED', `The NATS connection to ${this.opts.display} was closed (the query is stopping).`);
      return fn();
    }, {
      policy: this.opts.policy, options: this.opts.options, signal: this.abort.signal,
      retryable: (e) => !permanent(e),
    }).catch((e: unknown) => { throw this.credentialHint(e); });
  }

  /** An authorization failure says which credentials to check (never their values). */
  private credentialHint(e: unknown): unknown {
    if (e instanceof SpateError && e.code === 'SERVICE_UNAVAILABLE' && /authorization violation|authentication/i.test(e.message)) {
      return new SpateError('NATS_AUTH_FAILED',
        `NATS at ${this.endpoint.host}:${this.endpoint.port} refused the credentials: ${clientMessage(e.cause, this.opts.options)}. Check options 'user'/'password' or 'token' (or the user in 'servers').`);
    }
    return e;
  }

  private async api(): Promise<{ js: JetStreamClient; jsm: JetStreamManager }> {
    const nc = await this.conn();
    if (this.jsm === undefined || this.js === undefined) {
      this.jsm = await jetstreamManager(nc, { timeout: this.opts.timeoutMs, checkAPI: false });
      this.js = jetstream(nc, { timeout: this.opts.timeoutMs });
    }
    return { js: this.js, jsm: this.jsm };
  }

  private async conn(): Promise<NatsConnection> {
    if (this.nc !== undefined && !this.nc.isClosed()) return this.nc;
    this.nc = undefined;
    this.jsm = undefined;
    this.js = undefined;
    this.connecting ??= connect({
      servers: [...this.opts.servers], timeout: this.opts.timeoutMs, name: 'spate',
      // The library reconnects on its own for a while; past that, the next call connects afresh.
      maxReconnectAttempts: 60, reconnectTimeWait: 250,
      ...(this.opts.user !== undefined ? { user: this.opts.user } : {}),
      ...(this.opts.pass !== undefined ? { pass: this.opts.pass } : {}),
      ...(this.opts.token !== undefined ? { token: this.opts.token } : {}),
    });
    try {
      this.nc = await this.connecting;
    } finally {
      this.connecting = undefined;
    }
    if (this.closed) { await this.nc.close().catch(() => undefined); throw new SpateError('NATS_CLIENT_CLOSED', 'The NATS connection was closed (the query is stopping).'); }
    return this.nc;
  }
}

function headerPairs(m: JsMsg): [string, string][] | null {
  const h = m.headers;
  if (h === undefined) return null;
  const out: [string, string][] = [];
  for (const k of h.keys()) for (const v of h.values(k)) out.push([k, v]);
  return out;
}

/** A publish to a subject no stream stores is answered by no one: say so instead of "jetstream is not enabled". */
function publishError(e: unknown, subject: string): unknown {
  const name = e instanceof Error ? e.name : '';
  if (name === 'JetStreamNotEnabled' || name === 'NoRespondersError') {
    const err = new Error(`no stream stores subject '${subject}' (no JetStream responder)`);
    err.name = 'NoStreamForSubject';
    return err;
  }
  return e;
}
