import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { SourceOptions } from '../io/options.js';
import { NatsClient, natsConnectOptions, type NatsConnectOptions } from '../clients/nats.js';
import type { BatchWriteContext, ConnectorSinkContext, SinkProvider } from './connector.js';
import { natsMessages, natsRowLayout, type NatsRowLayout } from './nats-sink-rows.js';
import type { OutputMode } from '../core/output-mode.js';
import type { SinkQueryInfo, StreamSink } from './sink.js';

const WHO = 'nats sink';

/** The sink's options, checked. */
interface NatsSinkOptions {
  readonly connect: NatsConnectOptions;
  /** Every row's subject, when set; else the `subject` column. */
  readonly subject: string | undefined;
  /** The stream the subjects must belong to, when set (each publish then expects it). */
  readonly stream: string | undefined;
  /** PubAcks awaited at once. */
  readonly maxInFlight: number;
  /** df.write only: Nats-Msg-Id prefix, so a repeated write within the duplicate window is dropped. */
  readonly msgIdPrefix: string | undefined;
}

function parseSinkOptions(options: Readonly<Record<string, string>>): NatsSinkOptions {
  const o = new SourceOptions(options);
  const subject = o.get('subject')?.trim();
  if (subject !== undefined && (subject === '' || /[\s*>]/.test(subject) || subject.split('.').some((t) => t === ''))) {
    throw new SpateError('INVALID_OPTION', `Option 'subject' must be a NATS subject without wildcards, e.g. 'orders.created', got ${JSON.stringify(subject)} (${WHO}).`);
  }
  const stream = o.get('stream')?.trim();
  return {
    connect: natsConnectOptions(options, WHO),
    subject: subject === '' ? undefined : subject,
    stream: stream === '' ? undefined : stream,
    maxInFlight: o.int('maxInFlight', 1024, 1),
    msgIdPrefix: o.get('msgIdPrefix'),
  };
}

/**
 * Publishes rows to JetStream and checks that their subjects are stored by
 * a stream (a subject no stream captures fails naming it, instead of the
 * client's "no responders").
 */
class NatsPublisher {
  readonly client: NatsClient;
  private readonly bound = new Set<string>();

  constructor(readonly opts: NatsSinkOptions, readonly layout: NatsRowLayout, private readonly timeZone: string) {
    this.client = new NatsClient(opts.connect);
  }

  /** Connects and checks the stream / subject options, so a wrong one fails before any row is written. */
  async open(): Promise<void> {
    await this.client.ready();
    if (this.opts.stream !== undefined) await this.client.streamState(this.opts.stream);
    if (this.opts.subject !== undefined) await this.checkSubjects([this.opts.subject]);
  }

  async publish(batch: RecordBatch, msgIdPrefix: string | undefined, firstRow = 0): Promise<{ duplicates: number }> {
    if (batch.numRows === 0) return { duplicates: 0 };
    const messages = natsMessages(batch, this.layout, this.opts.subject, msgIdPrefix, this.timeZone, firstRow);
    if (this.layout.subject >= 0) {
      const fresh = new Set<string>();
      for (const m of messages) if (!this.bound.has(m.subject)) fresh.add(m.subject);
      if (fresh.size > 0) await this.checkSubjects([...fresh]);
    }
    return this.client.publishAll(messages, this.opts.maxInFlight, this.opts.stream);
  }

  private async checkSubjects(subjects: readonly string[]): Promise<void> {
    const { host, port } = this.client.endpoint;
    for (const s of subjects) {
      const stream = await this.client.streamOfSubject(s);
      if (stream === undefined) {
        throw new SpateError('NATS_NO_STREAM_FOR_SUBJECT',
          `NATS at ${host}:${port}: no JetStream stream stores subject '${s}', so its messages would be lost. Create a stream for it (e.g. 'nats stream add ORDERS --subjects "${s.split('.')[0]}.>"') or fix the subject.`);
      }
      if (this.opts.stream !== undefined && stream !== this.opts.stream) {
        throw new SpateError('NATS_WRONG_STREAM',
          `NATS at ${host}:${port}: subject '${s}' is stored by stream '${stream}', not by '${this.opts.stream}' (option 'stream'). Fix the subject or the option.`);
      }
      this.bound.add(s);
    }
  }
}

/**
 * `writeStream.format('nats')`: each row becomes one JetStream message,
 * published and acknowledged (PubAck) before the batch counts as written.
 * Each message carries Nats-Msg-Id `spate:<query id>:<batch id>:<row>`, so
 * when the engine replays batch N after a crash the stream drops the copies:
 * exactly-once as long as the replay comes within the stream's duplicate
 * window (2 minutes by default; raise `duplicate_window` on the stream for
 * longer outages). A replay must produce its rows in the same order, which
 * spate's deterministic batches do for the same input offsets.
 */
export class NatsSink implements StreamSink {
  readonly description: string;
  private readonly publisher: NatsPublisher;
  private queryId: string | undefined;
  private opened: Promise<void> | undefined;

  constructor(ctx: ConnectorSinkContext) {
    const opts = parseSinkOptions(ctx.options);
    this.publisher = new NatsPublisher(opts, natsRowLayout(ctx.schema, opts.subject), ctx.timeZone);
    const target = opts.subject !== undefined ? `subject=${opts.subject}` : 'subject=<column>';
    this.description = `NatsJetStreamSink[${target}${opts.stream !== undefined ? `, stream=${opts.stream}` : ''}, servers=${opts.connect.display}]`;
  }

  /** Duplicates the stream dropped so far in this run (replayed rows). */
  duplicates = 0;

  async open(query: SinkQueryInfo): Promise<void> {
    this.queryId = query.id;
    this.opened ??= this.publisher.open();
    await this.opened;
  }

  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    if (this.queryId === undefined) throw new SpateError('INTERNAL', `${this.description}: addBatch before open(); the engine must hand the sink the query id first.`);
    const r = await this.publisher.publish(data, `spate:${this.queryId}:${batchId}:`);
    this.duplicates += r.duplicates;
  }

  async stop(): Promise<void> {
    await this.publisher.client.close();
  }
}

/** df.write.format('nats'): publishes every row; modes append and errorifexists (the default) only, as Spark's Kafka sink. */
async function writeBatch(batches: readonly RecordBatch[], ctx: BatchWriteContext): Promise<void> {
  if (ctx.mode === 'overwrite' || ctx.mode === 'ignore') {
    throw new SpateError('UNSUPPORTED_SAVE_MODE', `Save mode ${ctx.mode} is not allowed for the ${WHO}: a stream cannot be overwritten or tested for existence. Use mode('append') or the default.`);
  }
  const opts = parseSinkOptions(ctx.options);
  const publisher = new NatsPublisher(opts, natsRowLayout(ctx.schema as StructType, opts.subject), ctx.timeZone);
  try {
    await publisher.open();
    let row = 0;
    for (const b of batches) {
      await publisher.publish(b, opts.msgIdPrefix, row);
      row += b.numRows;
    }
  } finally {
    await publisher.client.close();
  }
}

/** `format('nats')`: NATS JetStream, for writeStream and df.write. */
export const NATS_SINK: SinkProvider = {
  format: 'nats',
  create: (ctx) => new NatsSink(ctx),
  writeBatch,
};
