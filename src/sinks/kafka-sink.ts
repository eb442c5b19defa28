/**
 * `format('kafka')` for writeStream and df.write, as Spark's Kafka sink:
 * rows with key, value, topic, partition and headers become records.
 *
 * Delivery: at-least-once by default, as Spark (a batch replayed after a
 * crash is written again). With `exactlyOnce=true` each batch is one Kafka
 * transaction (transactional.id `spate-<query id>`, or kafka.transactional.id)
 * that also writes a marker record naming the batch id to the marker topic;
 * on start the sink fences older producers of its id (InitProducerId aborts
 * their open transaction) and reads its newest committed marker, and a batch
 * at or below it is skipped. Readers see each batch once with
 * isolation.level=read_committed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { GZIP, KafkaReader, kafkaParams, kafkaProducer, kafkaSettings, producerCall, type KafkaJsProducer, type KafkaSettings, type OutMessage, type TopicMessages } from '../clients/kafka.js';
import { clientMessage, serviceError } from '../clients/retry.js';
import { SourceOptions } from '../io/options.js';
import { boolOption, intOption } from '../sources/source-options.js';
import type { StructType } from '../core/types.js';
import type { BatchWriteContext, ConnectorSinkContext, SinkProvider } from './connector.js';
import type { OutputMode } from '../core/output-mode.js';
import type { SinkQueryInfo, StreamSink } from './sink.js';
import { recordLayout, requests, toMessages, type RecordLayout } from './kafka-records.js';
import { lastCommittedBatch, markerMessage } from './kafka-commit-marker.js';

/** The default marker topic of the exactly-once sink. */
export const DEFAULT_MARKER_TOPIC = '__spate_kafka_sink_commits';

interface KafkaSinkOptions {
  readonly client: KafkaSettings;
  readonly layout: RecordLayout;
  readonly exactlyOnce: boolean;
  readonly markerTopic: string;
  /** Records per produce request. */
  readonly maxRecordsPerRequest: number;
}

/** Spark's kafkaParamsForProducer refusals, then spate's sink options. */
function sinkOptions(options: Readonly<Record<string, string>>, schema: StructType): KafkaSinkOptions {
  const p = kafkaParams(options);
  if (p.has('key.serializer')) throw new SpateError('INVALID_OPTION', "Kafka option 'key.serializer' is not supported as keys are serialized with ByteArraySerializer.");
  if (p.has('value.serializer')) throw new SpateError('INVALID_OPTION', "Kafka option 'value.serializer' is not supported as value are serialized with ByteArraySerializer.");
  const o = new SourceOptions(options);
  const client = kafkaSettings(options, 'sink');
  const exactlyOnce = boolOption(o, 'kafka', 'exactlyOnce', false);
  if (!exactlyOnce && client.transactionalId !== undefined) {
    throw new SpateError('INVALID_OPTION', "Option 'kafka.transactional.id' is only used by the exactly-once sink: add .option('exactlyOnce', 'true'), or remove it.");
  }
  return {
    client,
    layout: recordLayout(schema, o.get('topic')),
    exactlyOnce,
    markerTopic: o.get('markerTopic')?.trim() || DEFAULT_MARKER_TOPIC,
    maxRecordsPerRequest: intOption(o, 'kafka', 'maxRecordsPerRequest', 10_000, 1, 'a positive integer')!,
  };
}

function describe(o: KafkaSinkOptions): string {
  const topic = o.layout.defaultTopic !== undefined ? `topic=${o.layout.defaultTopic}` : 'topic column';
  return `KafkaSink[${topic}${o.exactlyOnce ? ', exactlyOnce' : ''}]`;
}

/** The rows of `batches` as produce requests. */
function produceRequests(batches: readonly RecordBatch[], o: KafkaSinkOptions): { reqs: TopicMessages[][]; rows: number } {
  const byTopic = new Map<string, OutMessage[]>();
  let rows = 0;
  for (const b of batches) rows += toMessages(b, o.layout, byTopic);
  return { reqs: [...requests(byTopic, o.maxRecordsPerRequest)], rows };
}

function topicsOf(reqs: readonly TopicMessages[][]): string {
  return [...new Set(reqs.flatMap((r) => r.map((t) => `'${t.topic}'`)))].join(', ');
}

/** At-least-once writes: each request retried on its own (a retry after a lost answer may write twice). */
async function sendPlain(producer: KafkaJsProducer, o: KafkaSinkOptions, reqs: readonly TopicMessages[][], what: string): Promise<void> {
  for (const topicMessages of reqs) {
    await producerCall(o.client, `${what} to ${topicsOf([topicMessages])}`, async () => {
      await producer.sendBatch({ topicMessages, acks: o.client.acks, ...(o.client.gzip ? { compression: GZIP } : {}) });
    });
  }
}

/** The streaming sink (one per query run). */
export class KafkaStreamSink implements StreamSink {
  readonly description: string;
  private producer: KafkaJsProducer | undefined;
  private connected = false;
  private query: SinkQueryInfo | undefined;
  private transactionalId = '';
  /** The newest batch id committed to Kafka (exactly-once), -1 for none; undefined until read. */
  private lastCommitted: number | undefined;
  private markerPartitions = 1;

  constructor(private readonly o: KafkaSinkOptions) {
    this.description = describe(o);
  }

  async open(query: SinkQueryInfo): Promise<void> {
    this.query = query;
    this.transactionalId = this.o.client.transactionalId ?? `spate-${query.id}`;
  }

  private async plainProducer(): Promise<KafkaJsProducer> {
    if (this.producer === undefined) this.producer = kafkaProducer(this.o.client);
    if (!this.connected) {
      await producerCall(this.o.client, 'connecting the producer', () => this.producer!.connect());
      this.connected = true;
    }
    return this.producer;
  }

  async addBatch(batchId: number, data: RecordBatch, _mode: OutputMode): Promise<void> {
    const { reqs, rows } = produceRequests([data], this.o);
    if (!this.o.exactlyOnce) {
      if (rows > 0) await sendPlain(await this.plainProducer(), this.o, reqs, `writing batch ${batchId}`);
      return;
    }
    await this.addBatchExactlyOnce(batchId, reqs, rows);
  }

  /**
   * One transaction per batch: the data, then the marker in the last request,
   * then commit. A failed try aborts, drops the producer and starts over from
   * reading the markers (the commit may have gone through before the failure).
   */
  private async addBatchExactlyOnce(batchId: number, reqs: TopicMessages[][], rows: number): Promise<void> {
    const policy = this.o.client.retry;
    const started = Date.now();
    let delay = policy.backoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.initTransactions();
        if (batchId <= this.lastCommitted!) return; // already in Kafka: a replay after a restart
        if (rows === 0 && reqs.length === 0) reqs = [[]];
        const marker = markerMessage(this.transactionalId, this.query?.id ?? '', batchId, this.markerPartitions);
        const tx = await this.producer!.transaction();
        try {
          for (let i = 0; i < reqs.length; i++) {
            const topicMessages = i === reqs.length - 1 ? [...reqs[i]!, { topic: this.o.markerTopic, messages: [marker] }] : reqs[i]!;
            await tx.sendBatch({ topicMessages, acks: -1, ...(this.o.client.gzip ? { compression: GZIP } : {}) });
          }
          await tx.commit();
        } catch (e) {
          await tx.abort().catch(() => undefined);
          throw e;
        }
        this.lastCommitted = batchId;
        return;
      } catch (e) {
        if (e instanceof SpateError) throw e;
        await this.dropProducer();
        const name = e instanceof Error ? e.name : '';
        const fenced = /ProducerFenced|INVALID_PRODUCER_EPOCH|fenced/i.test(`${name} ${(e as { type?: string }).type ?? ''} ${clientMessage(e)}`);
        if (fenced) {
          throw new SpateError('KAFKA_PRODUCER_FENCED',
            `Kafka sink: the transactional producer '${this.transactionalId}' was fenced by a newer one with the same id (is this query running twice?): ${clientMessage(e, this.o.client.options)}`);
        }
        if (attempt >= policy.retries) throw serviceError(this.o.client.endpoint, `writing batch ${batchId} in a transaction`, e, attempt + 1, Date.now() - started, { options: this.o.client.options });
        await sleep(delay);
        delay = Math.min(delay * 2, policy.maxBackoffMs);
      }
    }
  }

  /** Connects the transactional producer (fencing older ones) and reads the newest committed batch id. */
  private async initTransactions(): Promise<void> {
    if (this.producer !== undefined && this.lastCommitted !== undefined) return;
    this.producer = kafkaProducer(this.o.client, this.transactionalId);
    await this.producer.connect();
    // InitProducerId: bumps the epoch, so an older producer of this id is fenced and its open transaction aborted.
    const init = await this.producer.transaction();
    await init.abort();
    const reader = new KafkaReader({ ...this.o.client, isolationLevel: 1, retry: { ...this.o.client.retry, retries: 0 } });
    try {
      const parts = (await reader.partitionsOf([this.o.markerTopic])).get(this.o.markerTopic);
      this.markerPartitions = parts?.length ?? 1;
      this.lastCommitted = await lastCommittedBatch(reader, this.o.markerTopic, this.transactionalId, 1_048_576);
    } finally {
      await reader.close();
    }
  }

  private async dropProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    this.connected = false;
    this.lastCommitted = undefined;
    if (p !== undefined) await p.disconnect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    this.connected = false;
    if (p !== undefined) await p.disconnect().catch(() => undefined);
  }
}

const MODES_ALLOWED = ['append', 'error', 'errorifexists'];

/** df.write.format('kafka'): every row once, at-least-once (Spark's KafkaWriter.write). */
async function writeBatch(batches: readonly RecordBatch[], ctx: BatchWriteContext): Promise<void> {
  if (!MODES_ALLOWED.includes(ctx.mode)) {
    const shown = ctx.mode === 'overwrite' ? 'Overwrite' : 'Ignore';
    throw new SpateError('INVALID_SAVE_MODE', `Save mode ${shown} not allowed for Kafka. Allowed save modes are Append and ErrorIfExists (default).`);
  }
  const o = sinkOptions(ctx.options, ctx.schema);
  if (o.exactlyOnce) throw new SpateError('INVALID_OPTION', "Option 'exactlyOnce' applies to writeStream only; df.write to Kafka is at-least-once (a failed write may have written part of the rows).");
  const { reqs, rows } = produceRequests(batches, o);
  if (rows === 0) return;
  const producer = kafkaProducer(o.client);
  try {
    await producerCall(o.client, 'connecting the producer', () => producer.connect());
    await sendPlain(producer, o, reqs, `writing ${rows} rows`);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** `format('kafka')`: Kafka, for writeStream and df.write. */
export const KAFKA_SINK: SinkProvider = {
  format: 'kafka',
  create(ctx: ConnectorSinkContext): StreamSink {
    return new KafkaStreamSink(sinkOptions(ctx.options, ctx.schema));
  },
  writeBatch,
};
