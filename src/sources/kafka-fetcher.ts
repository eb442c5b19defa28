/**
 * Reads offset ranges of Kafka partitions for batches, and reads ahead.
 *
 * One feed per topic-partition keeps the records it has fetched from a
 * position on, decoded into columns (kafka-decode.ts), as a cache: `take`
 * (getBatch) returns exactly [from, until) — from the cache where it holds
 * those offsets, fetching the rest — and a take whose start the cache does
 * not hold (a replay after a restart, a batch planned elsewhere) drops it and
 * fetches from that start. So the read-ahead never changes what a batch
 * holds; it only means the records are often there already.
 *
 * Reading ahead: after a take the feed goes on fetching from its end, about
 * one more batch of that partition (as far as the log's last seen end), while
 * the engine runs the batch; latestOffset starts the next batch's fetches
 * too. Within a range, the next Fetch goes out before the current answer is
 * decoded. Read-ahead fetches are tried once (a failure is a cache miss, the
 * take fetches again with the retry policy) and never report data loss: the
 * take's own fetches do (failOnDataLoss, Spark's messages). Everything held
 * is bounded by a byte budget per source.
 */
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import type { KafkaReader, RecordsFetch } from '../clients/kafka.js';
import { decodeChunk, nextFetchOffset, type Chunk } from './kafka-decode.js';
import { reportDataLoss, type OffsetRange } from './kafka-read.js';

export interface FetcherOptions {
  readonly includeHeaders: boolean;
  readonly failOnDataLoss: boolean;
  readonly fetchMaxBytes: number;
}

/** Bytes of Fetch answers one source keeps read ahead (the records a take is waiting for are not bounded by it). */
export const READ_AHEAD_BYTES = 64 * 1024 * 1024;

interface Budget { used: number; readonly limit: number }

type Outcome = { readonly ok: true; readonly f: RecordsFetch } | { readonly ok: false; readonly error: unknown; readonly demand: boolean };

class PartitionFeed {
  /** Records of [head, cursor), in offset order (offsets without records, filtered or lost, are covered too). */
  private chunks: Chunk[] = [];
  private head: number;
  private cursor: number;
  /** Read ahead up to here (exclusive). */
  private target: number;
  /** The current take needs every offset below this. */
  private demand = -1;
  /** The log's end as last seen (a high watermark or a latest offset); read-ahead stops there. */
  private logEnd = Number.POSITIVE_INFINITY;
  private gen = 0;
  private running = false;
  private failure: unknown = undefined;
  private wake: (() => void) | undefined;
  private bytes = 0;

  constructor(private readonly reader: KafkaReader, private readonly topic: string, private readonly partition: number,
    private readonly opts: FetcherOptions, private readonly readCommitted: boolean, private readonly budget: Budget, from: number) {
    this.head = from;
    this.cursor = from;
    this.target = from;
  }

  /** Reads ahead from `from` to `until` (the log holds at least `knownEnd`). */
  ahead(from: number, until: number, knownEnd: number): void {
    if (from < this.head || from > Math.max(this.cursor, this.target)) this.reset(from);
    if (until > this.target) this.target = until;
    if (knownEnd > this.logEnd || this.logEnd === Number.POSITIVE_INFINITY) this.logEnd = knownEnd;
    this.ensureRunning();
  }

  /** Exactly the records of [from, until). */
  async take(from: number, until: number): Promise<Chunk[]> {
    if (from < this.head || from > this.cursor) this.reset(from);
    this.demand = until;
    this.failure = undefined;
    if (this.target < until) this.target = until;
    try {
      while (this.cursor < until) {
        if (this.failure !== undefined) throw this.failure;
        this.ensureRunning();
        await new Promise<void>((r) => { this.wake = r; });
      }
    } finally {
      this.demand = -1;
    }
    return this.collect(from, until);
  }

  private collect(from: number, until: number): Chunk[] {
    const out: Chunk[] = [];
    const keep: Chunk[] = [];
    for (const c of this.chunks) {
      if (c.from >= until) { keep.push(c); continue; }
      const lo = c.from < from ? lowerBound(c.offsets, from) : 0;
      const hi = c.next > until ? lowerBound(c.offsets, until) : c.n;
      if (hi > lo) out.push(slice(c, lo, hi, c.from < from ? from : c.from, hi === c.n ? c.next : until, 0));
      if (c.next > until) keep.push(slice(c, hi, c.n, until, c.next, c.bytes));
      else this.release(c.bytes);
    }
    this.chunks = keep;
    this.head = until;
    return out;
  }

  private release(bytes: number): void {
    this.bytes -= bytes;
    this.budget.used -= bytes;
  }

  private reset(from: number): void {
    this.gen++;
    for (const c of this.chunks) this.release(c.bytes);
    this.chunks = [];
    this.head = this.cursor = this.target = from;
    this.logEnd = Number.POSITIVE_INFINITY;
    this.running = false;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private ensureRunning(): void {
    if (this.running) return;
    this.running = true;
    void this.run(this.gen);
  }

  /** Fetches at `at` wanted: by the take, or ahead within target, log end and budget. */
  private wanted(at: number): boolean {
    return at < this.demand || (at < this.target && at < this.logEnd && this.budget.used < this.budget.limit);
  }

  private fetchAt(at: number, maxBytes: number): Promise<Outcome> {
    const demand = at < this.demand;
    return this.reader.fetchRecords(this.topic, this.partition, at, maxBytes, demand ? undefined : 0)
      .then((f): Outcome => ({ ok: true, f }), (error: unknown): Outcome => ({ ok: false, error, demand }));
  }

  private async run(gen: number): Promise<void> {
    let maxBytes = this.opts.fetchMaxBytes;
    let ahead: { at: number; maxBytes: number; res: Promise<Outcome> } | undefined;
    try {
      while (gen === this.gen) {
        const at = this.cursor;
        if (!this.wanted(at)) break;
        const out = ahead !== undefined && ahead.at === at && ahead.maxBytes === maxBytes ? await ahead.res : await this.fetchAt(at, maxBytes);
        ahead = undefined;
        if (gen !== this.gen) return;
        if (!out.ok) {
          if (at >= this.demand) break; // a read-ahead miss
          if (!out.demand) continue; // tried as read-ahead, needed now: again with the retry policy
          throw out.error;
        }
        const f = out.f;
        if (f.highWatermark >= 0) this.logEnd = f.highWatermark;
        const next = nextFetchOffset(f);
        if (f.outOfRange || next <= at) {
          if (at >= this.demand) break; // irregular answers are the take's to judge
          const jump = await this.irregular(f, at, maxBytes);
          if (gen !== this.gen) return;
          if (jump.maxBytes !== undefined) { maxBytes = jump.maxBytes; continue; }
          this.cursor = jump.cursor!;
          if (this.target < this.cursor) this.target = this.cursor;
          this.notify();
          continue;
        }
        maxBytes = this.opts.fetchMaxBytes;
        if (this.wanted(next)) ahead = { at: next, maxBytes, res: this.fetchAt(next, maxBytes) };
        const chunk = await decodeChunk(f, at, this.opts.includeHeaders, this.readCommitted);
        if (gen !== this.gen) return;
        this.chunks.push(chunk);
        this.bytes += chunk.bytes;
        this.budget.used += chunk.bytes;
        this.cursor = next;
        this.notify();
      }
    } catch (e) {
      if (gen === this.gen && this.demand >= 0) this.failure = e;
    } finally {
      if (gen === this.gen) {
        this.running = false;
        this.notify();
      }
    }
  }

  /**
   * An answer without records for the take (Spark's data-loss checks): the
   * offset is gone (truncated log), the log ends before it (topic deleted and
   * recreated), or a batch is larger than the bytes asked for (ask for more).
   */
  private async irregular(f: RecordsFetch, at: number, maxBytes: number): Promise<{ cursor?: number; maxBytes?: number }> {
    const { topic, partition } = this;
    const until = this.demand;
    if (f.outOfRange) {
      const earliest = (await this.reader.offsets(new Map([[topic, [partition]]]), 'earliest')).get(topic)?.get(partition) ?? 0;
      if (earliest > at) {
        reportDataLoss(this.opts.failOnDataLoss, `Cannot fetch offset ${at} (GroupId: none, TopicPartition: ${topic}-${partition}). ` +
          `The earliest offset in the log is ${earliest}: records in [${at}, ${Math.min(earliest, until)}) were lost`);
        return { cursor: Math.min(earliest, until) };
      }
      reportDataLoss(this.opts.failOnDataLoss, `Cannot fetch records in [${at}, ${until}) of ${topic}-${partition}: the log ends before them (was the topic deleted and recreated?)`);
      return { cursor: until };
    }
    if (f.highWatermark >= 0 && f.highWatermark <= at) {
      reportDataLoss(this.opts.failOnDataLoss, `Cannot fetch records in [${at}, ${until}) of ${topic}-${partition}: the log ends at ${f.highWatermark} (was the topic deleted and recreated?)`);
      return { cursor: until };
    }
    if (maxBytes >= 256 * this.opts.fetchMaxBytes) {
      throw new SpateError('KAFKA_FETCH', `Kafka returned no records for ${topic}-${partition} at offset ${at} although the log goes on to ${f.highWatermark}; raise the option 'fetchMaxBytes' (now ${this.opts.fetchMaxBytes}).`);
    }
    return { maxBytes: maxBytes * 4 };
  }

  /** Drops what it holds; a fetch in flight is ignored when it lands. */
  close(): void {
    this.reset(this.head);
    this.failure = undefined;
    this.notify();
  }
}

/** The first index whose offset is >= `offset`. */
function lowerBound(a: Float64Array, offset: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < offset) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function slice(c: Chunk, lo: number, hi: number, from: number, next: number, bytes: number): Chunk {
  if (lo === 0 && hi === c.n) return { ...c, from, next, bytes };
  return {
    from, next, n: hi - lo, bytes,
    offsets: c.offsets.subarray(lo, hi), stamps: c.stamps.subarray(lo, hi), types: c.types.subarray(lo, hi),
    keys: c.keys.slice(lo, hi), values: c.values.slice(lo, hi), headers: c.headers === null ? null : c.headers.slice(lo, hi),
  };
}

/** The feeds of one source (or of one spark.read). */
export class KafkaFetcher {
  private readonly feeds = new Map<string, PartitionFeed>();
  private readonly budget: Budget;

  constructor(private readonly reader: KafkaReader, private readonly opts: FetcherOptions, private readonly schema: StructType, readAheadBytes = READ_AHEAD_BYTES) {
    this.budget = { used: 0, limit: readAheadBytes };
  }

  private feed(topic: string, partition: number, from: number): PartitionFeed {
    const key = `${partition}\u0000${topic}`;
    let f = this.feeds.get(key);
    if (f === undefined) {
      f = new PartitionFeed(this.reader, topic, partition, this.opts, this.reader.settings.isolationLevel === 1, this.budget, from);
      this.feeds.set(key, f);
    }
    return f;
  }

  /** Starts fetching ranges a batch will read (latestOffset's plan): `knownEnd` is how far each log is known to go. */
  prefetch(ranges: readonly OffsetRange[]): void {
    for (const r of ranges) if (r.until > r.from) this.feed(r.topic, r.partition, r.from).ahead(r.from, r.until, r.until);
  }

  /**
   * The records of each range, one batch per range that has rows. With
   * `readAhead`, each partition then goes on reading about as far again past
   * its range's end, and partitions without a range are dropped.
   */
  async read(ranges: readonly OffsetRange[], readAhead: boolean): Promise<RecordBatch[]> {
    const live = ranges.filter((r) => r.until > r.from);
    const parts = await Promise.all(live.map(async (r) => {
      const feed = this.feed(r.topic, r.partition, r.from);
      const chunks = await feed.take(r.from, r.until);
      if (readAhead) feed.ahead(r.until, r.until + (r.until - r.from), r.until);
      return toBatch(this.schema, r.topic, r.partition, chunks, this.opts.includeHeaders);
    }));
    if (readAhead) {
      const used = new Set(ranges.map((r) => `${r.partition}\u0000${r.topic}`));
      for (const [k, f] of this.feeds) if (!used.has(k)) { f.close(); this.feeds.delete(k); }
    }
    return parts.filter((b): b is RecordBatch => b !== null);
  }

  close(): void {
    for (const f of this.feeds.values()) f.close();
    this.feeds.clear();
  }
}

/** The chunks of one partition's range as one batch with Spark's Kafka schema (null when empty). */
function toBatch(schema: StructType, topic: string, partition: number, chunks: readonly Chunk[], includeHeaders: boolean): RecordBatch | null {
  let n = 0;
  for (const c of chunks) n += c.n;
  if (n === 0) return null;
  let offsets: Float64Array; let stamps: Float64Array; let types: Int32Array;
  let keys: unknown[]; let values: unknown[]; let headers: unknown[] | null;
  if (chunks.length === 1) {
    const c = chunks[0]!;
    ({ offsets, stamps, types, keys, values, headers } = c);
  } else {
    offsets = new Float64Array(n); stamps = new Float64Array(n); types = new Int32Array(n);
    keys = new Array<unknown>(n); values = new Array<unknown>(n); headers = includeHeaders ? new Array<unknown>(n) : null;
    let at = 0;
    for (const c of chunks) {
      offsets.set(c.offsets, at); stamps.set(c.stamps, at); types.set(c.types, at);
      for (let i = 0; i < c.n; i++) { keys[at + i] = c.keys[i]; values[at + i] = c.values[i]; }
      if (headers !== null) for (let i = 0; i < c.n; i++) headers[at + i] = c.headers![i];
      at += c.n;
    }
  }
  const keyValid = validity(keys, n);
  const valueValid = validity(values, n);
  const col = (type: Vector['type'], vals: Vector['values'], valid: Uint8Array | null): Vector => ({ type, length: n, values: vals, validity: valid });
  const f = schema.fields;
  const columns: Vector[] = [
    col(f[0]!.dataType, keys, keyValid),
    col(f[1]!.dataType, values, valueValid),
    { type: f[2]!.dataType, length: n, values: new Array<unknown>(n).fill(topic), validity: null, dictionary: { codes: new Int32Array(n), entries: [topic] } },
    col(f[3]!.dataType, new Int32Array(n).fill(partition), null),
    col(f[4]!.dataType, offsets, null),
    col(f[5]!.dataType, stamps, null),
    col(f[6]!.dataType, types, null),
  ];
  if (headers !== null) columns.push(col(f[7]!.dataType, headers, null));
  return makeBatch(schema, columns, n);
}

/** A validity byte per row where some value is null, else null. */
function validity(vals: readonly unknown[], n: number): Uint8Array | null {
  let v: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if (vals[i] === null) {
      if (v === null) v = new Uint8Array(n).fill(1);
      v[i] = 0;
    }
  }
  return v;
}
