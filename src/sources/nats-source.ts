import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { JsonMetadataLog } from '../checkpoint/metadata-log.js';
import { NatsClient } from '../clients/nats.js';
import type { BatchReadContext, SourceProvider } from './connector.js';
import { NatsBatchBuilder, natsSchema } from './nats-batch.js';
import { natsOffset, natsOffsetSeq } from './nats-offsets.js';
import { parseNatsSourceOptions, type NatsSourceOptions, type NatsStartingPoint } from './nats-options.js';
import { checkFixedSchema, sourceWarning } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** A read range decoded ahead of its batch (latestOffset with a read limit has to read to find the end). */
interface Prefetched {
  readonly from: number;
  readonly end: number;
  readonly batch: RecordBatch;
}

/**
 * `readStream.format('nats')`: a replayable source over a NATS JetStream
 * stream. The offset is the stream sequence of the last message read
 * (`{"orders": 1042}`, see nats-offsets.ts). `getBatch(start, end)` reads
 * the stored messages with sequences in (start, end] that match the subject
 * filter again with an ordered consumer, so any range it reported is served
 * again after a restart, for as long as the stream keeps those messages.
 * Messages removed by the stream's limits (max age, max messages, ...) before
 * they were read follow `failOnDataLoss`: an error naming the stream and the
 * sequences, or a warning and the read goes on with what is left.
 */
export class NatsSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly opts: NatsSourceOptions;
  private readonly client: NatsClient;
  private readonly log: JsonMetadataLog<Offset>;
  /** The sequence after which a new query starts (from startingOffsets, kept in the source's metadata log). */
  private initial: number | undefined;
  private latestKnown: number | null = null;
  private frozenEnd: number | undefined;
  private prefetched: Prefetched | undefined;
  /** Messages behind the stream's end after the last message of recent reads: sequence → pending. */
  private readonly pendingAfter = new Map<number, number>();
  /** Ranges whose data loss was already reported, so a batch is not warned about twice. */
  private readonly lossReported = new Set<string>();

  constructor(ctx: SourceContext) {
    this.opts = parseNatsSourceOptions(ctx.options, true);
    this.schema = natsSchema(this.opts.includeHeaders);
    checkFixedSchema('nats', this.schema, ctx.schema);
    const subjects = this.opts.subjects.length > 0 ? `, subjects=${this.opts.subjects.join(',')}` : '';
    this.description = `NatsJetStream[stream=${this.opts.stream}${subjects}, servers=${this.opts.connect.display}]`;
    this.client = new NatsClient(this.opts.connect);
    this.log = new JsonMetadataLog<Offset>(ctx.metadataPath, (v) => {
      const s = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[this.opts.stream] : undefined;
      return typeof s === 'number' && Number.isSafeInteger(s) && s >= 0 ? undefined : `the nats source's initial offset must be {"${this.opts.stream}": <sequence>}`;
    });
  }

  defaultReadLimit(): ReadLimit {
    return this.opts.maxMessagesPerTrigger === undefined ? { kind: 'all' } : { kind: 'maxRows', rows: this.opts.maxMessagesPerTrigger };
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const { stream, subjects } = this.opts;
    let from = start === null ? await this.initialSeq() : this.seq(start, 'start offset');
    let last = await this.client.lastSequence(stream, subjects);
    if (this.frozenEnd !== undefined) last = Math.min(last, this.frozenEnd);
    this.latestKnown = last;
    if (last < from) {
      // The stream is behind the checkpoint: it was deleted and made again (or reset). Its messages are new.
      this.reportLoss(from, last, `stream '${stream}' ends at sequence ${last}, below the checkpoint's offset ${from}: it was deleted and created again, or reset`);
      if (last === 0) return start;
      from = 0;
    }
    let end = last;
    if (limit.kind === 'maxRows' && last > from) {
      await this.checkLoss(from, last);
      const b = new NatsBatchBuilder(this.schema, this.opts.includeHeaders, Math.min(limit.rows, last - from));
      const r = await this.client.read(stream, subjects, from + 1, last, limit.rows, this.opts.includeHeaders, b.add);
      if (r.count > 0) {
        end = r.lastSeq;
        this.notePending(end, r.pendingAfter);
      }
      this.prefetched = { from, end, batch: b.finish() };
    }
    if (end <= from) return start === null ? null : start;
    return natsOffset(stream, end);
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    let from = start === null ? await this.initialSeq() : this.seq(start, 'start offset');
    const e = this.seq(end, 'end offset');
    if (e < from) {
      this.reportLoss(from, e, `stream '${this.opts.stream}' ends at sequence ${e}, below the checkpoint's offset ${from}: it was deleted and created again, or reset`);
      from = 0;
    }
    const p = this.prefetched;
    if (p !== undefined && p.from === from && p.end === e) return p.batch.numRows > 0 ? [p.batch] : [];
    if (e <= from) return [];
    await this.checkLoss(from, e);
    const b = new NatsBatchBuilder(this.schema, this.opts.includeHeaders, e - from);
    const r = await this.client.read(this.opts.stream, this.opts.subjects, from + 1, e, Infinity, this.opts.includeHeaders, b.add);
    if (r.count > 0) this.notePending(r.lastSeq, r.pendingAfter);
    return b.length > 0 ? [b.finish()] : [];
  }

  async commit(end: Offset): Promise<void> {
    const e = this.seq(end, 'committed offset');
    if (this.prefetched !== undefined && this.prefetched.end <= e) this.prefetched = undefined;
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.frozenEnd = await this.client.lastSequence(this.opts.stream, this.opts.subjects);
  }

  reportLatestOffset(): Offset | null {
    return this.latestKnown === null ? null : natsOffset(this.opts.stream, this.latestKnown);
  }

  /** `messagesBehindLatest`: matching messages stored after the batch's end when it was read. */
  metrics(end: Offset | null): Readonly<Record<string, string>> {
    if (end === null) return {};
    const e = this.seq(end, 'end offset');
    let behind = this.pendingAfter.get(e);
    if (behind === undefined && this.latestKnown !== null) {
      if (e >= this.latestKnown) behind = 0;
      else if (this.opts.subjects.length === 0) behind = this.latestKnown - e;
    }
    return behind === undefined ? {} : { messagesBehindLatest: String(behind) };
  }

  async stop(): Promise<void> {
    await this.client.close();
  }

  private seq(offset: Offset, what: string): number {
    return natsOffsetSeq(this.description, this.opts.stream, offset, what);
  }

  private notePending(seq: number, pending: number): void {
    this.pendingAfter.set(seq, pending);
    if (this.pendingAfter.size > 8) this.pendingAfter.delete(this.pendingAfter.keys().next().value!);
  }

  /** startingOffsets resolved once for a new query and kept in `sources/<i>/0`, so a restart before the first batch agrees. */
  private async initialSeq(): Promise<number> {
    if (this.initial !== undefined) return this.initial;
    const kept = await this.log.get(0);
    let seq: number;
    if (kept !== undefined) {
      seq = this.seq(kept, 'initial offset');
    } else {
      seq = await resolveStart(this.client, this.opts, this.opts.starting);
      if (!(await this.log.add(0, natsOffset(this.opts.stream, seq)))) seq = this.seq((await this.log.get(0))!, 'initial offset');
    }
    this.initial = seq;
    return seq;
  }

  /** Messages in (from, until] that the stream no longer holds (removed by its limits, purged). */
  private async checkLoss(from: number, until: number): Promise<void> {
    const state = await this.client.streamState(this.opts.stream);
    if (state.firstSeq <= from + 1) return;
    const lostTo = Math.min(state.firstSeq - 1, until);
    const which = this.opts.subjects.length > 0 ? ' (those matching the subject filter among them)' : '';
    this.reportLoss(from, lostTo, `messages of stream '${this.opts.stream}' with sequences ${from + 1} to ${lostTo}${which} were removed (by the stream's limits or a purge) before they were read; the stream now starts at sequence ${state.firstSeq}`);
  }

  private reportLoss(from: number, to: number, what: string): void {
    if (this.opts.failOnDataLoss) {
      throw new SpateError('NATS_DATA_LOSS',
        `${this.description}: ${what}. Some data may have been lost. If you want the query to go on with what is left, set option('failOnDataLoss', 'false'); to keep messages longer, raise the stream's limits (max_age, max_msgs, max_bytes).`);
    }
    const key = `${from}:${to}`;
    if (this.lossReported.has(key)) return;
    this.lossReported.add(key);
    sourceWarning(`${this.description}: ${what}. Some data may have been lost; going on because failOnDataLoss is false.`);
  }
}

/** The sequence after which a read from `p` starts. */
async function resolveStart(client: NatsClient, opts: NatsSourceOptions, p: NatsStartingPoint): Promise<number> {
  switch (p.kind) {
    case 'earliest': {
      const s = await client.streamState(opts.stream);
      return Math.max(0, s.firstSeq - 1);
    }
    case 'latest': return (await client.streamState(opts.stream)).lastSeq;
    case 'after': return p.afterSeq;
  }
}

/** `spark.read.format('nats')`: the messages between startingOffsets (default earliest) and endingOffsets (default latest). */
async function readBatch(ctx: BatchReadContext): Promise<RecordBatch[]> {
  const opts = parseNatsSourceOptions(ctx.options, false);
  const schema = natsSchema(opts.includeHeaders);
  const client = new NatsClient(opts.connect);
  try {
    const from = await resolveStart(client, opts, opts.starting);
    const until = opts.ending.kind === 'latest' ? await client.lastSequence(opts.stream, opts.subjects) : await resolveStart(client, opts, opts.ending);
    if (until <= from) return [];
    const state = await client.streamState(opts.stream);
    if (state.firstSeq > from + 1 && opts.failOnDataLoss && opts.starting.kind === 'after') {
      throw new SpateError('NATS_DATA_LOSS',
        `nats source: stream '${opts.stream}' starts at sequence ${state.firstSeq}; sequences ${from + 1} to ${Math.min(state.firstSeq - 1, until)} were removed. Set option('failOnDataLoss', 'false') to read what is left.`);
    }
    const b = new NatsBatchBuilder(schema, opts.includeHeaders, until - from);
    await client.read(opts.stream, opts.subjects, from + 1, until, Infinity, opts.includeHeaders, b.add);
    return b.length > 0 ? [b.finish()] : [];
  } finally {
    await client.close();
  }
}

/** `format('nats')`: NATS JetStream streams, for readStream and spark.read. */
export const NATS_SOURCE: SourceProvider = {
  format: 'nats',
  streaming: true,
  schema(options, userSchema) {
    const schema = natsSchema(parseNatsSourceOptions(options, true).includeHeaders);
    checkFixedSchema('nats', schema, userSchema);
    return schema;
  },
  create: (ctx) => new NatsSource(ctx),
  readBatch,
};
