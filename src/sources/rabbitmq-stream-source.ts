import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { BinaryType, LongType, MapType, StringType, TimestampType, type StructType } from '../core/types.js';
import { lazyConstantVector, lazyVector, type Vector } from '../core/vector.js';
import { JsonMetadataLog } from '../checkpoint/metadata-log.js';
import { connectStream, explainRabbitError, rabbitEndpoint } from '../clients/rabbitmq.js';
import { StreamConnection, isRetryableStreamError, type StreamOffsetSpec } from '../clients/rabbitmq-stream.js';
import { withRetry, type Endpoint } from '../clients/retry.js';
import { rabbitStreamSchema, type RabbitStreamSourceOptions, type StartingPosition } from './rabbitmq-options.js';
import { StreamReader, SubscriptionIds, type StreamRecords } from './rabbitmq-stream-reader.js';
import { checkFixedSchema, sourceWarning } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** The offset JSON: stream name -> the next offset to read (every record below it was read). */
export type StreamOffsets = Readonly<Record<string, number>>;

const STRING_MAP = MapType(StringType, StringType, true);

/**
 * `format('rabbitmq').option('stream', ...)`: RabbitMQ streams as a
 * replayable source. The offset is, per stream, the next stream offset to
 * read (`{"events": 1234}` = offsets 0..1233 were read). latestOffset asks
 * the broker for each stream's end (the last chunk, probed by a `last`
 * subscription and an ordering barrier, as RabbitMQ 3.9/3.10 have no
 * StreamStats command); getBatch(start, end) reads offsets [start, end) by
 * attaching a consumer at `start` — so any range is served again after a
 * restart, as long as retention has not removed it (failOnDataLoss).
 */
export class RabbitStreamSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly endpoint: Endpoint;
  private conn: StreamConnection | undefined;
  private connecting: Promise<StreamConnection> | undefined;
  private readonly ids = new SubscriptionIds();
  private readonly readers = new Map<string, StreamReader>();
  private readonly initialLog: JsonMetadataLog<StreamOffsets>;
  private initial: StreamOffsets | undefined;
  private latest: StreamOffsets | undefined;
  private frozenEnd: StreamOffsets | undefined;
  private stopped = false;

  constructor(ctx: SourceContext, private readonly opts: RabbitStreamSourceOptions) {
    this.schema = rabbitStreamSchema(opts.includeProperties);
    checkFixedSchema('rabbitmq', this.schema, ctx.schema);
    this.endpoint = rabbitEndpoint(opts.connection);
    this.description = `RabbitMQStream[${opts.streams.join(',')} at ${opts.connection.host}:${opts.connection.port}]`;
    this.initialLog = new JsonMetadataLog<StreamOffsets>(ctx.metadataPath, (v) => (isOffsets(v) ? undefined : 'the initial stream offsets must be an object of stream name -> offset'));
    for (const s of opts.streams) {
      this.readers.set(s, new StreamReader(s, this.ids, opts.includeProperties, opts.readAheadMessages, opts.connection.requestTimeoutMs));
    }
  }

  defaultReadLimit(): ReadLimit {
    return this.opts.maxMessagesPerTrigger === undefined ? { kind: 'all' } : { kind: 'maxRows', rows: this.opts.maxMessagesPerTrigger };
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const from = start === null ? await this.initialOffsets() : await this.withNewStreams(this.parse(start, 'start'));
    const tails = this.frozenEnd ?? await this.tails();
    this.latest = tails;
    const want: Record<string, number> = {};
    let total = 0;
    for (const s of this.opts.streams) {
      if ((tails[s] ?? 0) < from[s]!) this.streamShrank(s, from[s]!, tails[s] ?? 0);
      const avail = Math.max(0, (tails[s] ?? 0) - from[s]!);
      want[s] = avail;
      total += avail;
    }
    const cap = limit.kind === 'maxRows' ? limit.rows : Infinity;
    const end: Record<string, number> = {};
    if (total > cap) {
      // Spread the limit over the streams in proportion to what each has, as Spark's Kafka source does.
      let left = cap;
      for (const s of this.opts.streams) {
        const share = Math.min(want[s]!, Math.floor((cap * want[s]!) / total));
        end[s] = from[s]! + share;
        left -= share;
      }
      for (const s of this.opts.streams) {
        if (left <= 0) break;
        const extra = Math.min(left, from[s]! + want[s]! - end[s]!);
        end[s]! += extra;
        left -= extra;
      }
    } else {
      for (const s of this.opts.streams) end[s] = from[s]! + want[s]!;
    }
    if (total === 0) return start;
    return end;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const from = start === null ? await this.initialOffsets() : await this.withNewStreams(this.parse(start, 'start'));
    const to = this.parse(end, 'end');
    const out: RecordBatch[] = [];
    for (const s of this.opts.streams) {
      const a = from[s]!;
      const b = to[s] ?? a;
      if (b < a) {
        throw new SpateError('INVALID_OFFSET', `${this.description}: the end offset ${b} of stream '${s}' is before its start offset ${a}. The checkpoint was written for a different stream (deleted and created again?); use a new checkpointLocation.`);
      }
      if (b === a) continue;
      const recs = await this.server(`reading offsets ${a} to ${b - 1} of stream '${s}'`, (conn) => this.readers.get(s)!.read(conn, a, b));
      this.checkLoss(s, a, recs);
      out.push(this.toBatch(s, recs));
    }
    return out;
  }

  /** A bounded read (spark.read): from the starting position to each stream's end now. No checkpoint. */
  async readToEnd(): Promise<RecordBatch[]> {
    const from = await this.resolve(this.opts.streams);
    this.initial = from;
    const end = await this.latestOffset(from, { kind: 'all' });
    return end === from ? [] : this.getBatch(from, end!);
  }

  async commit(_end: Offset): Promise<void> {
    // Streams keep their data (retention decides); nothing to release.
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.frozenEnd = await this.tails();
  }

  reportLatestOffset(): Offset | null {
    return this.latest ?? null;
  }

  /** Spark's Kafka source metrics: how far the batch's end is behind each stream's end. */
  metrics(end: Offset | null): Readonly<Record<string, string>> {
    if (end === null || this.latest === undefined || !isOffsets(end)) return {};
    const behind = this.opts.streams.map((s) => Math.max(0, (this.latest![s] ?? 0) - ((end as StreamOffsets)[s] ?? 0)));
    if (behind.length === 0) return {};
    return {
      avgOffsetsBehindLatest: String(behind.reduce((a, b) => a + b, 0) / behind.length),
      maxOffsetsBehindLatest: String(Math.max(...behind)),
      minOffsetsBehindLatest: String(Math.min(...behind)),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.readers.values()) r.close();
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await conn.close();
  }

  private parse(o: Offset, which: string): StreamOffsets {
    if (!isOffsets(o)) {
      throw new SpateError('INVALID_OFFSET', `${this.description}: the ${which} offset ${JSON.stringify(o)} is not an object of stream name -> offset. The checkpoint was written by a different source; use a new checkpointLocation for a changed query.`);
    }
    return o;
  }

  /** Streams added to option 'stream' since the checkpoint start at their starting position. */
  private async withNewStreams(o: StreamOffsets): Promise<StreamOffsets> {
    const missing = this.opts.streams.filter((s) => o[s] === undefined);
    if (missing.length === 0) return o;
    const extra = await this.resolve(missing);
    return { ...o, ...extra };
  }

  /** Where a new query starts: resolved once, written to the source's metadata log, read back on restarts. */
  private async initialOffsets(): Promise<StreamOffsets> {
    if (this.initial) return this.initial;
    let got = await this.initialLog.get(0);
    if (got === undefined) {
      const resolved = await this.resolve(this.opts.streams);
      if (!(await this.initialLog.add(0, resolved))) got = await this.initialLog.get(0);
      got ??= resolved;
    }
    this.initial = await this.withNewStreams(got);
    return this.initial;
  }

  private async resolve(streams: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const s of streams) {
      const p = this.opts.starting.get(s) ?? { kind: 'next' };
      out[s] = await this.server(`finding the starting offset (${describe(p)}) of stream '${s}'`, (conn) => this.position(conn, s, p));
    }
    return out;
  }

  private async position(conn: StreamConnection, stream: string, p: StartingPosition): Promise<number> {
    switch (p.kind) {
      case 'offset': return p.offset;
      case 'next': return (await this.probe(conn, stream, { type: 'last' }))?.end ?? 0;
      case 'last': return (await this.probe(conn, stream, { type: 'last' }))?.first ?? 0;
      case 'first': return (await this.probe(conn, stream, { type: 'first' }))?.first ?? 0;
      case 'timestamp': {
        const c = await this.probe(conn, stream, { type: 'timestamp', timestampMs: p.timestampMs });
        return c?.first ?? ((await this.probe(conn, stream, { type: 'last' }))?.end ?? 0);
      }
    }
  }

  /** Each stream's end: the offset after its last record. */
  private async tails(): Promise<StreamOffsets> {
    const out: Record<string, number> = {};
    for (const s of this.opts.streams) {
      out[s] = await this.server(`finding the end of stream '${s}'`, async (conn) => (await this.probe(conn, s, { type: 'last' }))?.end ?? 0);
    }
    return out;
  }

  /**
   * The first user chunk a subscription at `spec` gets, or null when there
   * is none yet. The broker sends a subscription's first chunks right after
   * answering it, before it reads the next request of the connection, so a
   * round trip after subscribing tells "no chunk" from "not arrived yet".
   */
  private async probe(conn: StreamConnection, stream: string, spec: StreamOffsetSpec): Promise<{ first: number; end: number } | null> {
    const id = this.ids.take();
    let got: { first: number; end: number } | null = null;
    try {
      await conn.subscribe(id, stream, spec, 1, (c) => {
        if (got === null && c.chunkType === 0) got = { first: c.firstOffset, end: c.firstOffset + c.numRecords };
        else if (got === null) conn.credit(id, 1);
      });
      await conn.barrier(stream);
      // A tracking chunk (not user data) came first: wait for a user chunk behind it, bounded by another barrier.
      if (got === null) await conn.barrier(stream);
      await conn.unsubscribe(id);
    } finally {
      this.ids.give(id);
    }
    return got;
  }

  private readonly shrankWarned = new Set<string>();

  /** The stream ends before the checkpoint's offset: it was deleted and created again (or the checkpoint is another stream's). */
  private streamShrank(stream: string, from: number, tail: number): void {
    const msg = `${this.description}: stream '${stream}' ends at offset ${tail}, before the checkpoint's offset ${from}; it was probably deleted and created again, and offsets ${tail} to ${from - 1} of the new stream will not be read.`;
    if (this.opts.failOnDataLoss) {
      throw new SpateError('DATA_LOSS', `${msg} Use a new checkpointLocation to read the new stream from its start, or set failOnDataLoss=false to go on from offset ${from}.`);
    }
    if (!this.shrankWarned.has(stream)) sourceWarning(`${msg} Going on from offset ${from} (failOnDataLoss=false).`);
    this.shrankWarned.add(stream);
  }

  private checkLoss(stream: string, from: number, recs: StreamRecords): void {
    if (recs.truncatedTo === undefined) return;
    const msg = `${this.description}: offsets ${from} to ${recs.truncatedTo - 1} of stream '${stream}' are no longer in the stream (removed by its retention, max-age / max-length-bytes) and cannot be read.`;
    if (this.opts.failOnDataLoss) {
      throw new SpateError('DATA_LOSS', `${msg} Set option failOnDataLoss=false to skip them with a warning, or keep data longer.`);
    }
    sourceWarning(`${msg} They are skipped (failOnDataLoss=false).`);
  }

  private toBatch(stream: string, r: StreamRecords): RecordBatch {
    const n = r.offsets.length;
    // Columns a query does not read (a count, a body-only parse) are never built.
    const cols: Vector[] = [
      { type: BinaryType, length: n, values: r.bodies, validity: null },
      lazyConstantVector(StringType, stream, n),
      lazyVector(LongType, n, () => ({ type: LongType, length: n, values: Float64Array.from(r.offsets), validity: null })),
      lazyVector(TimestampType, n, () => {
        const ts = new Float64Array(n);
        for (let i = 0; i < n; i++) ts[i] = r.timestampsMs[i]! * 1000;
        return { type: TimestampType, length: n, values: ts, validity: null };
      }),
    ];
    if (this.opts.includeProperties) {
      cols.push({ type: STRING_MAP, length: n, values: r.properties!, validity: null });
      cols.push({ type: STRING_MAP, length: n, values: r.applicationProperties!, validity: null });
    }
    return makeBatch(this.schema, cols, n);
  }

  /** Runs `fn` on a live connection, reconnecting with bounded backoff; fatal protocol errors fail at once. */
  private server<T>(what: string, fn: (conn: StreamConnection) => Promise<T>): Promise<T> {
    const c = this.opts.connection;
    return withRetry(this.endpoint, what, async () => {
      if (this.stopped) throw new SpateError('QUERY_STOPPED', `${this.description}: the source was stopped.`);
      const conn = await this.connection();
      try {
        return await fn(conn);
      } catch (e) {
        // A timeout may mean a half-open connection: start the next try on a new one.
        if (isRetryableStreamError(e) && this.conn === conn) { this.conn = undefined; conn.destroy(); }
        throw e;
      }
    }, {
      policy: c.retry, options: c.raw, retryable: isRetryableStreamError,
      code: 'RABBITMQ_UNAVAILABLE', hint: hintFor(this.endpoint),
    }).catch((e: unknown) => { throw explainRabbitError(e); });
  }

  private async connection(): Promise<StreamConnection> {
    if (this.conn?.isOpen) return this.conn;
    this.connecting ??= connectStream(this.opts.connection, { stream: this.opts.streams[0]!, leader: false }, `spate ${this.description}`)
      .finally(() => { this.connecting = undefined; });
    const conn = await this.connecting;
    this.conn = conn;
    return conn;
  }
}

function isOffsets(v: unknown): v is StreamOffsets {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v as Record<string, unknown>).every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);
}

function describe(p: StartingPosition): string {
  switch (p.kind) {
    case 'offset': return `offset ${p.offset}`;
    case 'timestamp': return `timestamp ${new Date(p.timestampMs).toISOString()}`;
    default: return p.kind;
  }
}

function hintFor(e: Endpoint): string {
  return `Check that RabbitMQ is running with the rabbitmq_stream plugin and reachable at ${e.host}:${e.port}; nothing was lost, restart the query from its checkpoint once it is back.`;
}
