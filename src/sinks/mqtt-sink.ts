import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { SourceOptions } from '../io/options.js';
import { MqttConnection, mqttConnectOptions, type MqttConnectOptions } from '../clients/mqtt.js';
import { withRetry } from '../clients/retry.js';
import type { BatchWriteContext, ConnectorSinkContext, SinkProvider } from './connector.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

const WHO = 'mqtt sink';

interface MqttSinkOptions {
  readonly connect: MqttConnectOptions;
  readonly topic: string | undefined;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  /** Publishes awaited at once. */
  readonly maxInflight: number;
}

/** Column indexes of the payload and topic (-1: the `topic` option). */
interface Layout { readonly payload: number; readonly binary: boolean; readonly topic: number }

function parseOptions(options: Readonly<Record<string, string>>): MqttSinkOptions {
  const o = new SourceOptions(options);
  // As Bahir's sink: no clientId (a random one; a broker refuses two connections with one id).
  const { clientId: _ignored, ...connect } = mqttConnectOptions(options, WHO, true);
  const topic = o.get('topic')?.trim();
  if (topic !== undefined && (topic === '' || /[+#]/.test(topic))) {
    throw new SpateError('INVALID_OPTION', `Option 'topic' must be an MQTT topic without wildcards ('+', '#'), e.g. 'sensors/room1', got ${JSON.stringify(topic)} (${WHO}).`);
  }
  const qos = o.int('QoS', 1, 0);
  if (qos > 2) throw new SpateError('INVALID_OPTION', `Option 'QoS' must be 0, 1 or 2, got ${JSON.stringify(o.get('QoS'))} (${WHO}).`);
  return { connect: { ...connect, clientId: undefined }, topic, qos: qos as 0 | 1 | 2, retain: o.bool('retain', false), maxInflight: o.int('maxInflight', 60, 1) };
}

function layout(schema: StructType, topicOption: string | undefined): Layout {
  const find = (n: string): number => schema.fields.findIndex((f) => f.name.toLowerCase() === n);
  const names = schema.fields.map((f) => f.name).join(', ');
  let payload = find('payload');
  if (payload < 0) payload = find('value');
  if (payload < 0 && schema.fields.length === 1) payload = 0;
  if (payload < 0) {
    throw new SpateError('COLUMN_NOT_FOUND', `The ${WHO} needs a 'payload' (or 'value') column, string or binary. Available: ${names}.`);
  }
  const t = schema.fields[payload]!.dataType.kind;
  if (t !== 'string' && t !== 'binary') {
    throw new SpateError('INVALID_COLUMN_TYPE', `The ${WHO}'s column '${schema.fields[payload]!.name}' must be string or binary, got ${t}; cast it, e.g. col('${schema.fields[payload]!.name}').cast('string').`);
  }
  const topic = topicOption !== undefined ? -1 : find('topic');
  if (topic < 0 && topicOption === undefined) {
    throw new SpateError('MISSING_OPTION', `The ${WHO} needs a topic: set option('topic', 'sensors/out') or add a 'topic' column. Available: ${names}.`);
  }
  if (topic >= 0 && schema.fields[topic]!.dataType.kind !== 'string') {
    throw new SpateError('INVALID_COLUMN_TYPE', `The ${WHO}'s column 'topic' must be a string, got ${schema.fields[topic]!.dataType.kind}.`);
  }
  return { payload, binary: t === 'binary', topic };
}

/** `p`, or a rejection after `ms` (acknowledgements that never come: the broker went away and stays away). */
async function withTimeout<T>(p: Promise<T>, ms: number, count: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no acknowledgement of ${count} messages within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** Publishes rows; one connection per sink, made on first use and again after it was lost. */
class MqttPublisher {
  private conn: MqttConnection | undefined;

  constructor(readonly opts: MqttSinkOptions, readonly layout: Layout) {}

  async publish(batch: RecordBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const pc = batch.columns[this.layout.payload]!;
    const tc = this.layout.topic >= 0 ? batch.columns[this.layout.topic]! : undefined;
    const topics = new Array<string>(n);
    const payloads = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) {
      const topic = tc === undefined ? this.opts.topic! : (tc.validity !== null && tc.validity[i] === 0 ? null : tc.values[i] as string);
      if (topic === null || topic === '') throw new SpateError('NULL_TOPIC', `The ${WHO}: row ${i} has no topic (column 'topic' is null or empty); filter such rows out or set option('topic', ...).`);
      topics[i] = topic;
      const v = pc.validity !== null && pc.validity[i] === 0 ? null : pc.values[i];
      payloads[i] = v === null || v === undefined ? EMPTY : this.layout.binary ? v as Uint8Array : utf8.encode(v as string);
    }
    let done = 0;
    const { endpoint } = this.opts.connect;
    // A failed try publishes again from the first row without an acknowledgement: at-least-once.
    await withRetry(endpoint, `publishing ${n} messages`, async () => {
      const conn = await this.connection();
      try {
        await this.publishFrom(conn, topics, payloads, done, (k) => { done = k; });
      } catch (e) {
        await this.drop();
        throw e;
      }
    }, { policy: this.opts.connect.policy, options: this.opts.connect.options });
  }

  /** Publishes rows `from`.. in windows of maxInflight, reporting progress through `advance`. */
  private async publishFrom(conn: MqttConnection, topics: readonly string[], payloads: readonly Uint8Array[], from: number, advance: (done: number) => void): Promise<void> {
    const n = topics.length;
    let done = from;
    while (done < n) {
      const end = Math.min(n, done + this.opts.maxInflight);
      const acks: Promise<void>[] = [];
      for (let i = done; i < end; i++) acks.push(conn.publish(topics[i]!, payloads[i]!, this.opts.qos, this.opts.retain));
      const settled = await withTimeout(Promise.allSettled(acks), this.opts.connect.connectionTimeoutMs || 30_000, end - done);
      const failed = settled.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) {
        advance(done + failed);
        throw (settled[failed] as PromiseRejectedResult).reason;
      }
      done = end;
      advance(done);
    }
  }

  async close(): Promise<void> { await this.drop(); }

  private async connection(): Promise<MqttConnection> {
    if (this.conn !== undefined && this.conn.connected) return this.conn;
    await this.drop();
    // Connecting retries on its own (a connection that cannot be made fails naming host and port).
    const conn = new MqttConnection(this.opts.connect);
    await conn.connect(`connecting to ${this.opts.connect.url}`);
    this.conn = conn;
    return conn;
  }

  private async drop(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    await c?.close();
  }
}

/**
 * `writeStream.format('mqtt')` (Bahir's MQTTStreamSink): publishes each row
 * (`payload` or `value` column, string or binary; topic from option 'topic'
 * or a `topic` column) with option 'QoS' (default 1) and 'retain'. With QoS
 * 1 or 2 each publish is acknowledged by the broker before the batch counts
 * as written: at-least-once. MQTT has no message ids to deduplicate by, so a
 * batch the engine replays after a crash is published again.
 */
export class MqttSink implements StreamSink {
  readonly description: string;
  private readonly publisher: MqttPublisher;

  constructor(ctx: ConnectorSinkContext) {
    const opts = parseOptions(ctx.options);
    this.publisher = new MqttPublisher(opts, layout(ctx.schema, opts.topic));
    this.description = `MQTTStreamSink[brokerUrl: ${opts.connect.url}, topic: ${opts.topic ?? '<column>'}, QoS: ${opts.qos}]`;
  }

  async addBatch(_batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    await this.publisher.publish(data);
  }

  async stop(): Promise<void> {
    await this.publisher.close();
  }
}

/** df.write.format('mqtt'): publishes every row (modes append and errorifexists). */
async function writeBatch(batches: readonly RecordBatch[], ctx: BatchWriteContext): Promise<void> {
  if (ctx.mode === 'overwrite' || ctx.mode === 'ignore') {
    throw new SpateError('UNSUPPORTED_SAVE_MODE', `Save mode ${ctx.mode} is not allowed for the ${WHO}: a topic cannot be overwritten or tested for existence. Use mode('append') or the default.`);
  }
  const opts = parseOptions(ctx.options);
  const publisher = new MqttPublisher(opts, layout(ctx.schema, opts.topic));
  try {
    for (const b of batches) await publisher.publish(b);
  } finally {
    await publisher.close();
  }
}

/** `format('mqtt')`: MQTT, for writeStream and df.write. */
export const MQTT_SINK: SinkProvider = {
  format: 'mqtt',
  create: (ctx) => new MqttSink(ctx),
  writeBatch,
};
