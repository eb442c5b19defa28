/**
 * `format('kafka')` for readStream and spark.read, as Spark's Kafka
 * integration: a replayable source whose offset is, per topic and partition,
 * the next offset to read (`{"clicks":{"0":42,"1":17}}`), read without a
 * consumer group straight from those offsets, so a restart on the same
 * checkpoint reads exactly the logged ranges again.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import { KafkaReader } from '../clients/kafka.js';
import type { BatchReadContext, SourceProvider } from './connector.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';
import { checkFixedSchema } from './source-options.js';
import { kafkaSourceOptions, type KafkaSourceOptions, type KafkaStrategy } from './kafka-options.js';
import { copyOffsets, entries, offsetOf, offsetsFromJson, offsetsToJson, partitionsOf, setOffset, type PartitionOffsets } from './kafka-offsets.js';
import { batchRanges, currentPartitions, endOffsets, resolveLimit } from './kafka-offset-reader.js';
import { kafkaSchema } from './kafka-read.js';
import { KafkaFetcher } from './kafka-fetcher.js';

function strategyName(s: KafkaStrategy): string {
  switch (s.kind) {
    case 'subscribe': return `Subscribe[${s.topics.join(',')}]`;
    case 'subscribePattern': return `SubscribePattern[${s.text}]`;
    case 'assign': return `Assign[${[...s.partitions].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)).join(', ')}]`;
  }
}

/** The limit the source reports when only minOffsetsPerTrigger is set (it marks "the source's own limit", not Trigger.Once's all). */
const UNBOUNDED_ROWS = Number.MAX_SAFE_INTEGER;

/** The streaming source of one query run (Spark's KafkaMicroBatchStream). */
export class KafkaMicroBatchSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly reader: KafkaReader;
  /** Reads the batches' ranges, and ahead of them (a cache: getBatch's answer is the same without it). */
  private readonly fetcher: KafkaFetcher;
  private initial: PartitionOffsets | undefined;
  private latest: PartitionOffsets | undefined;
  private availableNow = false;
  private availableNowEnd: PartitionOffsets | undefined;
  /** Spark's lastTriggerMillis: 0 at start, so the first trigger is never delayed by minOffsetsPerTrigger. */
  private lastTriggerMs = 0;
  private readonly warned = new Set<string>();

  constructor(private readonly opts: KafkaSourceOptions, private readonly ctx: SourceContext) {
    this.schema = kafkaSchema(opts.includeHeaders);
    this.description = `KafkaV2[${strategyName(opts.strategy)}]`;
    this.reader = new KafkaReader(opts.client);
    this.fetcher = new KafkaFetcher(this.reader, opts, this.schema);
  }

  defaultReadLimit(): ReadLimit {
    if (this.opts.maxOffsetsPerTrigger !== undefined) return { kind: 'maxRows', rows: this.opts.maxOffsetsPerTrigger };
    if (this.opts.minOffsetsPerTrigger !== undefined) return { kind: 'maxRows', rows: UNBOUNDED_ROWS };
    return { kind: 'all' };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNow = true;
  }

  /**
   * The starting offsets of a new query, decided once and kept in the
   * source's metadata directory (as Spark's KafkaSourceInitialOffsetWriter),
   * so a restart before the first batch starts at the same place.
   */
  private async initialOffsets(): Promise<PartitionOffsets> {
    if (this.initial !== undefined) return this.initial;
    const file = join(this.ctx.metadataPath, '0');
    let text: string | undefined;
    try { text = await readFile(file, 'utf8'); } catch { text = undefined; }
    if (text !== undefined) {
      const body = text.startsWith('v1\n') ? text.slice(3) : text;
      this.initial = offsetsFromJson(body.trim(), `initial offsets in ${file}`);
      return this.initial;
    }
    const offsets = await resolveLimit(this.reader, this.opts, this.opts.starting, true, this.warned);
    // No partition yet (a subscribed topic that does not exist): nothing to keep; decide again next trigger.
    if (offsets.size === 0) return offsets;
    await mkdir(this.ctx.metadataPath, { recursive: true });
    const tmp = `${file}.tmp`;
    await writeFile(tmp, `v1\n${JSON.stringify(offsetsToJson(offsets))}`);
    await rename(tmp, file);
    this.initial = offsets;
    return offsets;
  }

  private decode(o: Offset, what: string): PartitionOffsets {
    return offsetsFromJson(o, `${what} of ${this.description}`);
  }

  /** Latest offsets of every current partition (Spark's fetchLatestOffsets). */
  private async fetchLatest(): Promise<PartitionOffsets> {
    const parts = await currentPartitions(this.reader, this.opts.strategy, this.warned);
    return endOffsets(this.reader, parts, 'latest');
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const from = start === null ? await this.initialOffsets() : this.decode(start, 'start offset');
    if (this.availableNow) {
      this.availableNowEnd ??= await this.fetchLatest();
      this.latest = this.availableNowEnd;
    } else {
      this.latest = await this.fetchLatest();
    }
    const latest = this.latest;
    let end: PartitionOffsets = latest;
    if (limit.kind === 'maxRows') {
      if (this.opts.minOffsetsPerTrigger !== undefined && !this.availableNow && this.delayBatch(this.opts.minOffsetsPerTrigger, latest, from)) {
        end = from;
      } else if (limit.rows < UNBOUNDED_ROWS) {
        end = await this.rateLimit(limit.rows, from, latest);
      }
    }
    if (end.size === 0) return start;
    if (start === null && sameOffsets(end, from)) return null;
    // The batch will most likely read [from, end): start fetching it now (only partitions already known, so no ListOffsets here).
    const ahead = [...entries(end)].flatMap(([topic, partition, until]) => {
      const f = offsetOf(from, topic, partition);
      return f === undefined || until <= f ? [] : [{ topic, partition, from: f, until }];
    });
    this.fetcher.prefetch(ahead);
    return offsetsToJson(end);
  }

  /** Spark's delayBatch: hold the batch back while fewer than minOffsetsPerTrigger records are new, up to maxTriggerDelay. */
  private delayBatch(minRows: number, latest: PartitionOffsets, current: PartitionOffsets): boolean {
    const now = this.ctx.now();
    if (now - this.lastTriggerMs >= this.opts.maxTriggerDelayMs) {
      this.lastTriggerMs = now;
      return false;
    }
    let newRecords = 0;
    for (const [t, p, off] of entries(latest)) newRecords += off - (offsetOf(current, t, p) ?? 0);
    if (newRecords < minRows) return true;
    this.lastTriggerMs = now;
    return false;
  }

  /** Spark's rateLimit: `limit` offsets shared among the partitions in proportion to what each has new. */
  private async rateLimit(limit: number, from: PartitionOffsets, until: PartitionOffsets): Promise<PartitionOffsets> {
    const missing = new Map([...partitionsOf(until)].map(([t, ps]) => [t, ps.filter((p) => offsetOf(from, t, p) === undefined)] as const).filter(([, ps]) => ps.length > 0));
    const fromNew = missing.size > 0 ? await endOffsets(this.reader, missing, 'earliest') : new Map<string, Map<number, number>>();
    const begin = (t: string, p: number): number | undefined => offsetOf(from, t, p) ?? offsetOf(fromNew, t, p);
    let total = 0;
    for (const [t, p, end] of entries(until)) {
      const b = begin(t, p);
      if (b !== undefined && end - b > 0) total += end - b;
    }
    if (total < 1) return until;
    const out: PartitionOffsets = new Map();
    for (const [t, p, end] of entries(until)) {
      const b = begin(t, p);
      const size = b === undefined ? 0 : end - b;
      if (b === undefined || size <= 0) { setOffset(out, t, p, end); continue; }
      const prorate = limit * (size / total);
      // Don't completely starve small partitions.
      const share = prorate < 1 ? Math.ceil(prorate) : Math.floor(prorate);
      setOffset(out, t, p, Math.min(end, b + share));
    }
    return out;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const from = start === null ? await this.initialOffsets() : this.decode(start, 'start offset');
    const until = this.decode(end, 'end offset');
    if (this.availableNowEnd !== undefined) this.checkAvailableNowEnd(until);
    const ranges = await batchRanges(this.reader, copyOffsets(from), until, this.opts.failOnDataLoss);
    return this.fetcher.read(ranges, true);
  }

  private checkAvailableNowEnd(end: PartitionOffsets): void {
    for (const [t, p, off] of entries(end)) {
      const pre = offsetOf(this.availableNowEnd!, t, p);
      if (pre !== undefined && off > pre) {
        throw new SpateError('KAFKA_OFFSET_MISMATCH',
          `The end offset ${off} of ${t}-${p} is past the offset ${pre} fetched when Trigger.AvailableNow started; the checkpoint does not belong to this query.`);
      }
    }
  }

  async commit(): Promise<void> {
    // Kafka keeps the data; nothing to release (Spark's KafkaMicroBatchStream.commit is empty too).
  }

  reportLatestOffset(): Offset | null {
    return this.latest === undefined || this.latest.size === 0 ? null : offsetsToJson(this.latest);
  }

  /** Spark's KafkaMicroBatchStream.metrics: how far each partition's consumed offset is behind its latest. */
  metrics(end: Offset | null): Readonly<Record<string, string>> {
    if (end === null || this.latest === undefined) return {};
    const consumed = this.decode(end, 'end offset');
    const behind: number[] = [];
    for (const [t, p, latest] of entries(this.latest)) {
      const c = offsetOf(consumed, t, p);
      if (c !== undefined) behind.push(latest - c);
    }
    if (behind.length === 0) return {};
    const sum = behind.reduce((a, b) => a + b, 0);
    return {
      minOffsetsBehindLatest: String(Math.min(...behind)),
      maxOffsetsBehindLatest: String(Math.max(...behind)),
      avgOffsetsBehindLatest: javaDouble(sum / behind.length),
    };
  }

  async stop(): Promise<void> {
    this.fetcher.close();
    await this.reader.close();
  }
}

/** A double as Java's Double.toString prints it ("2.0", "0.5"). */
function javaDouble(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

function sameOffsets(a: PartitionOffsets, b: PartitionOffsets): boolean {
  return JSON.stringify(offsetsToJson(a)) === JSON.stringify(offsetsToJson(b));
}

/** spark.read.format('kafka'): the records between startingOffsets (earliest) and endingOffsets (latest), as Spark's KafkaRelation. */
async function readBatch(ctx: BatchReadContext): Promise<RecordBatch[]> {
  const opts = kafkaSourceOptions(ctx.options, false);
  const reader = new KafkaReader(opts.client);
  try {
    const warned = new Set<string>();
    const start = await resolveLimit(reader, opts, opts.starting, true, warned);
    const end = await resolveLimit(reader, opts, opts.ending, false, warned);
    // Partitions only in one of the two are read from earliest / to latest, as Spark's relation does.
    for (const [t, p] of entries(end)) if (offsetOf(start, t, p) === undefined) setOffset(start, t, p, 0);
    const ranges = [...entries(end)].map(([topic, partition, until]) => ({ topic, partition, from: offsetOf(start, topic, partition)!, until }));
    for (const r of ranges) {
      if (r.from > r.until) {
        throw new SpateError('KAFKA_INVALID_RANGE', `The starting offset (${r.from}) is greater than the ending offset (${r.until}) for topic partition ${r.topic}-${r.partition}.`);
      }
    }
    return await new KafkaFetcher(reader, opts, kafkaSchema(opts.includeHeaders)).read(ranges, false);
  } finally {
    await reader.close();
  }
}

/** `format('kafka')`: Kafka, for readStream and spark.read. */
export const KAFKA_SOURCE: SourceProvider = {
  format: 'kafka',
  streaming: true,
  schema(options, userSchema, _timeZone, streaming) {
    const opts = kafkaSourceOptions(options, streaming !== false);
    const own = kafkaSchema(opts.includeHeaders);
    if (userSchema !== undefined) {
      if (!sameFields(own, userSchema)) throw new SpateError('USER_SCHEMA_NOT_SUPPORTED', 'Kafka source has a fixed schema and cannot be set with a custom one. Remove .schema(...) from the reader.');
    }
    checkFixedSchema('kafka', own, userSchema);
    return own;
  },
  create(ctx) {
    return new KafkaMicroBatchSource(kafkaSourceOptions(ctx.options, true), ctx);
  },
  readBatch,
};

function sameFields(a: StructType, b: StructType): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name);
}
