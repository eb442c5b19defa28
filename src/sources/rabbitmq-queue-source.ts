import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { BinaryType, BooleanType, MapType, StringType, TimestampType, type StructType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import { rabbitEndpoint } from '../clients/rabbitmq.js';
import { AmqpConnection, isRetryableAmqpError, type Channel, type ConsumeMessage } from '../clients/rabbitmq-amqp.js';
import { amqpValueString } from '../clients/rabbitmq-message.js';
import { withRetry, type Endpoint } from '../clients/retry.js';
import { rabbitQueueSchema, type RabbitQueueSourceOptions } from './rabbitmq-options.js';
import { checkFixedSchema, longOffset, sourceWarning } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

const STRING_MAP = MapType(StringType, StringType, true);

interface Held {
  readonly msg: ConsumeMessage;
  /** The channel it came on: only that channel can ack it. */
  readonly channel: Channel;
  readonly receivedMs: number;
}

/**
 * `format('rabbitmq').option('queue', ...)`: a RabbitMQ queue consumed
 * with manual acknowledgements. NOT replayable, like `socket`: a queue
 * forgets a message once it is acked, so the source acks (multiple) only
 * when the engine commits the batch that read it (commit(end)). Until then
 * the broker holds the messages as unacked; if the query stops or the
 * process dies before the commit, the broker redelivers them (redelivered =
 * true) to the next consumer. So nothing is lost, and a message can be
 * processed twice when the crash falls between the sink's write and the
 * commit: at-least-once. The offset is the number of messages this
 * checkpoint has received (`{"jobs": 42}`); a batch planned before a
 * restart is re-run empty, its messages coming again as new ones.
 */
export class RabbitQueueSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly endpoint: Endpoint;
  private conn: AmqpConnection | undefined;
  private channel: Channel | undefined;
  private connecting: Promise<void> | undefined;
  private channelError: Error | undefined;
  /** Received and not yet committed; held[i] ends at offset base + dropped + i + 1. */
  private held: Held[] = [];
  private dropped = 0;
  private base: number | undefined;
  /** The highest end offset handed to the engine (messages past it may be dropped on a reconnect). */
  private reported = 0;
  private stopped = false;

  constructor(private readonly ctx: SourceContext, private readonly opts: RabbitQueueSourceOptions) {
    this.schema = rabbitQueueSchema(opts.includeProperties);
    checkFixedSchema('rabbitmq', this.schema, ctx.schema);
    this.endpoint = rabbitEndpoint(opts.connection);
    this.description = `RabbitMQQueue[${opts.queue} at ${opts.connection.host}:${opts.connection.port}]`;
    sourceWarning(`${this.description}: a queue is not replayable. Messages are acked when their batch commits, so a crash redelivers them (at-least-once: duplicates possible, nothing lost); use a RabbitMQ stream (option 'stream') for exactly-once.`);
  }

  /** Messages received and not yet acked (tests, status). */
  get heldMessages(): number {
    return this.held.length;
  }

  defaultReadLimit(): ReadLimit {
    return this.opts.maxMessagesPerTrigger === undefined ? { kind: 'all' } : { kind: 'maxRows', rows: this.opts.maxMessagesPerTrigger };
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    await this.ensureConsuming();
    const s = start === null ? 0 : this.offsetOf(start);
    this.base ??= s;
    const total = this.base + this.dropped + this.held.length;
    const cap = limit.kind === 'maxRows' ? limit.rows : Infinity;
    const end = Math.min(total, s + cap);
    if (end <= s) return start === null ? null : start;
    this.reported = Math.max(this.reported, end);
    return { [this.opts.queue]: end };
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const s = start === null ? 0 : this.offsetOf(start);
    const e = this.offsetOf(end);
    if (this.base === undefined) {
      // A batch planned before a restart: its messages were never acked, so the broker redelivers them as new ones.
      this.base = e;
      this.reported = e;
      if (e > s) sourceWarning(`${this.description}: messages ${s + 1} to ${e} were received before the restart; the batch that read them is re-run empty and the broker redelivers them (redelivered = true) in later batches.`);
      return [];
    }
    const first = this.base + this.dropped;
    const have = first + this.held.length;
    if (e > have) throw new SpateError('OFFSET_OUT_OF_RANGE', `${this.description}: asked for messages up to ${e}, but only ${have} were received.`);
    const from = Math.max(s, first) - first;
    const to = e - first;
    if (to <= from) return [];
    return [this.toBatch(this.held.slice(from, to))];
  }

  /** The batch up to `end` is committed: ack its messages (multiple), so the broker forgets them. */
  async commit(end: Offset): Promise<void> {
    if (this.base === undefined) return;
    const k = Math.min(this.offsetOf(end) - this.base - this.dropped, this.held.length);
    if (k <= 0) return;
    const acked = this.held.splice(0, k);
    this.dropped += k;
    // The last message of each channel acks everything before it on that channel; stale channels' acks are moot (redelivered).
    const last = acked[acked.length - 1]!;
    if (last.channel === this.channel && this.conn?.isOpen) {
      try { last.channel.ack(last.msg, true); } catch { /* the channel closed: the broker redelivers them */ }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const conn = this.conn;
    const ch = this.channel;
    this.conn = undefined;
    this.channel = undefined;
    // The channel first: its close-ok comes after the broker has taken the acks sent on it (amqplib may
    // write a connection.close ahead of channel frames still queued). Closing returns every uncommitted
    // message to the queue.
    if (ch && conn?.isOpen) await closeChannel(ch, this.opts.connection.requestTimeoutMs);
    if (conn) await conn.close();
  }

  private offsetOf(o: Offset): number {
    if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
      const v = (o as Record<string, unknown>)[this.opts.queue];
      return longOffset(this.description, v, `offset of queue '${this.opts.queue}'`);
    }
    return longOffset(this.description, o);
  }

  private async ensureConsuming(): Promise<void> {
    if (this.channelError) {
      const e = this.channelError;
      this.channelError = undefined;
      this.dropConnection();
      throw this.fatal(e);
    }
    if (this.conn?.isOpen && this.channel) return;
    this.connecting ??= withRetry(this.endpoint, `consuming queue '${this.opts.queue}'`, () => this.consume(), {
      policy: this.opts.connection.retry, options: this.opts.connection.raw, retryable: isRetryableAmqpError, code: 'RABBITMQ_UNAVAILABLE',
    }).catch((e: unknown) => { throw this.fatal(e); }).finally(() => { this.connecting = undefined; });
    await this.connecting;
  }

  private async consume(): Promise<void> {
    if (this.stopped) throw new SpateError('QUERY_STOPPED', `${this.description}: the source was stopped.`);
    this.dropConnection();
    const conn = await AmqpConnection.connect(this.opts.connection, `spate ${this.description}`);
    let ch: Channel | undefined;
    try {
      let failed: Error | undefined;
      ch = await conn.channel((e) => { failed ??= e; this.channelError ??= e; });
      await ch.checkQueue(this.opts.queue);
      await ch.prefetch(this.opts.prefetch);
      this.channelError = undefined;
      // Set before consuming: deliveries can arrive before consume() answers.
      this.conn = conn;
      this.channel = ch;
      const channel = ch;
      await ch.consume(this.opts.queue, (m) => {
        if (m === null) { this.channelError ??= new Error(`queue '${this.opts.queue}' was deleted (the broker cancelled the consumer)`); return; }
        if (channel === this.channel) this.held.push({ msg: m, channel, receivedMs: this.ctx.now() });
      }, { noAck: false });
      if (failed) throw failed;
      conn.onClose(() => { if (this.conn === conn) this.dropConnection(); });
    } catch (e) {
      if (this.conn === conn) { this.conn = undefined; this.channel = undefined; this.held = this.held.filter((h) => h.channel !== ch); }
      await conn.close();
      throw e;
    }
  }

  /** After a lost connection, messages the engine never saw are dropped: the broker redelivers them. */
  private dropConnection(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.channel = undefined;
    if (this.base !== undefined) {
      const keep = Math.max(0, this.reported - this.base - this.dropped);
      if (this.held.length > keep) this.held.length = keep;
    }
    if (conn) void conn.close();
  }

  private fatal(e: unknown): unknown {
    if (e instanceof SpateError && e.code !== 'RABBITMQ_UNAVAILABLE') return e;
    const m = e instanceof Error ? e.message : String(e);
    const ep = `RabbitMQ at ${this.endpoint.host}:${this.endpoint.port}`;
    if (/404|NOT_FOUND/.test(m)) {
      return new SpateError('RABBITMQ_QUEUE_NOT_FOUND', `${ep}: queue '${this.opts.queue}' does not exist in vhost '${this.opts.connection.vhost}'. Declare it first (e.g. rabbitmqadmin declare queue name=${this.opts.queue} durable=true) or fix option 'queue'.`, { cause: e });
    }
    if (/403|ACCESS.REFUSED/.test(m)) {
      return new SpateError('RABBITMQ_AUTH_FAILED', `${ep}: access refused for user '${this.opts.connection.username}' (vhost '${this.opts.connection.vhost}'). Check options username/password (or the credentials in uri) and the user's permissions.`, { cause: e instanceof SpateError ? e.cause : undefined });
    }
    return e;
  }

  private toBatch(rows: readonly Held[]): RecordBatch {
    const n = rows.length;
    const body = new Array<Uint8Array>(n);
    const queue = new Array<string>(n);
    const exchange = new Array<string>(n);
    const key = new Array<string>(n);
    const redelivered = new Uint8Array(n);
    const ts = new Float64Array(n);
    const props = this.opts.includeProperties ? new Array<Map<string, string | null>>(n) : null;
    const headers = this.opts.includeProperties ? new Array<Map<string, string | null>>(n) : null;
    for (let i = 0; i < n; i++) {
      const h = rows[i]!;
      const m = h.msg;
      body[i] = m.content;
      queue[i] = this.opts.queue;
      exchange[i] = m.fields.exchange;
      key[i] = m.fields.routingKey;
      redelivered[i] = m.fields.redelivered ? 1 : 0;
      // AMQP 0.9.1's timestamp property is in seconds; without it, the time the message arrived.
      const t = m.properties.timestamp as unknown;
      ts[i] = typeof t === 'number' ? t * 1_000_000 : h.receivedMs * 1000;
      if (props && headers) {
        const p = new Map<string, string | null>();
        for (const [k, v] of Object.entries(m.properties)) if (k !== 'headers' && v !== undefined && v !== null) p.set(k, amqpValueString(v));
        props[i] = p;
        const hd = new Map<string, string | null>();
        for (const [k, v] of Object.entries(m.properties.headers ?? {})) hd.set(k, amqpValueString(v));
        headers[i] = hd;
      }
    }
    const cols: Vector[] = [
      { type: BinaryType, length: n, values: body, validity: null },
      { type: StringType, length: n, values: queue, validity: null },
      { type: StringType, length: n, values: exchange, validity: null },
      { type: StringType, length: n, values: key, validity: null },
      { type: BooleanType, length: n, values: redelivered, validity: null },
      { type: TimestampType, length: n, values: ts, validity: null },
    ];
    if (props && headers) {
      cols.push({ type: STRING_MAP, length: n, values: props, validity: null });
      cols.push({ type: STRING_MAP, length: n, values: headers, validity: null });
    }
    return makeBatch(this.schema, cols, n);
  }
}

/** Closes a channel within `ms`; never throws. */
export async function closeChannel(ch: { close(): Promise<void> }, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([ch.close(), new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  } catch { /* already closed */ } finally {
    clearTimeout(timer);
  }
}
