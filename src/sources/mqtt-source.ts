import { join } from 'node:path';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { BinaryType, IntegerType, StringType, StructField, StructType, TimestampType } from '../core/types.js';
import { MqttConnection } from '../clients/mqtt.js';
import { serviceError } from '../clients/retry.js';
import type { SourceProvider } from './connector.js';
import { MqttMessageLog, type MqttHeld } from './mqtt-log.js';
import { parseMqttSourceOptions, type MqttSourceOptions } from './mqtt-options.js';
import { checkFixedSchema, longOffset, sourceWarning } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** The mqtt source's columns, as Apache Bahir's: id (the MQTT packet id), topic, payload, timestamp (arrival). */
export const MQTT_SCHEMA = StructType([
  StructField('id', IntegerType, true),
  StructField('topic', StringType, true),
  StructField('payload', BinaryType, true),
  StructField('timestamp', TimestampType, true),
]);

/**
 * `readStream.format('mqtt')` (Apache Bahir's MQTTStreamSource): subscribes
 * to `topic` and turns each message into a row. The offset is the number of
 * messages received, as the socket source counts lines.
 *
 * MQTT brokers keep no history, so the broker cannot replay a batch. With
 * `persistence=file` (the default) each message is appended to a log in the
 * source's checkpoint directory before the broker gets its acknowledgement,
 * and stays there until its batch is committed: a batch planned before a
 * crash reads the same messages after it. With QoS 1 or 2, a fixed
 * `clientId` and `cleanSession=false`, messages that arrive while the query
 * is down are queued by the broker for the session and delivered after the
 * restart: at-least-once, the only duplicate being a message the process
 * logged and died before acknowledging. Otherwise (QoS 0, no clientId, a
 * clean session) what is published while the query is down is lost, and with
 * `persistence=memory` it is the socket source's contract: received but
 * uncommitted messages are lost at a crash.
 */
export class MqttSource implements StreamSource {
  readonly schema = MQTT_SCHEMA;
  readonly description: string;
  private readonly opts: MqttSourceOptions;
  private readonly conn: MqttConnection;
  private readonly log: MqttMessageLog | undefined;
  private held: MqttHeld = { first: 1, topics: [], payloads: [], timesUs: [], ids: [] };
  private started: Promise<void> | undefined;
  /** True once the held messages and their offsets are known (after the first latestOffset/getBatch). */
  private ready = false;

  constructor(private readonly ctx: SourceContext) {
    this.opts = parseMqttSourceOptions(ctx.options);
    checkFixedSchema('mqtt', MQTT_SCHEMA, ctx.schema);
    const c = this.opts.connect;
    this.description = `MQTTStreamSource[brokerUrl: ${c.url}, topic: ${this.opts.topic} clientId: ${c.clientId ?? '<random>'}]`;
    this.conn = new MqttConnection(c);
    this.log = this.opts.persistence === 'file' ? new MqttMessageLog(join(ctx.metadataPath, 'mqtt-log')) : undefined;
    const session = this.opts.qos > 0 && c.clientId !== undefined && !c.cleanSession;
    if (this.opts.persistence === 'memory') {
      sourceWarning(`${this.description}: persistence=memory does not support recovery: messages received and not yet committed are lost when the query stops or crashes. Use persistence=file (the default) to keep them in the checkpoint.`);
    }
    if (!session) {
      const why = this.opts.qos === 0 ? 'QoS is 0' : c.clientId === undefined ? "no 'clientId' is set (a random one is used)" : 'cleanSession is true';
      sourceWarning(`${this.description}: messages published while the query is not running are lost, because ${why}. For the broker to queue them for a restart, set a fixed clientId, QoS 1 and cleanSession=false.`);
    }
  }

  defaultReadLimit(): ReadLimit {
    return this.opts.maxMessagesPerTrigger === undefined ? { kind: 'all' } : { kind: 'maxRows', rows: this.opts.maxMessagesPerTrigger };
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const s = start === null ? 0 : longOffset(this.description, start);
    await this.start(s);
    const down = this.conn.downForMs();
    if (down > budgetMs(this.opts.connect.policy)) {
      throw serviceError(this.conn.endpoint, `receiving messages of topic '${this.opts.topic}'`, new Error(this.conn.lastErrorMessage()), 1, down, {
        options: this.opts.connect.options,
        hint: `The broker has been unreachable for ${Math.round(down)} ms. Received messages are kept${this.log !== undefined ? ' in the checkpoint' : ' only in memory'}; restart the query once the broker is back.`,
      });
    }
    const total = this.held.first - 1 + this.held.topics.length;
    let end = total;
    if (limit.kind === 'maxRows') end = Math.min(total, Math.max(s, this.held.first - 1) + limit.rows);
    if (end === 0) return null;
    if (end <= s) return start;
    return end;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const s = start === null ? 0 : longOffset(this.description, start, 'start offset');
    const e = longOffset(this.description, end, 'end offset');
    if (!this.ready) await this.start(s);
    const h = this.held;
    const have = h.first - 1 + h.topics.length;
    if (e > have) {
      if (this.log === undefined) {
        sourceWarning(`${this.description}: messages ${s + 1} to ${e} were received before the restart and kept only in memory (persistence=memory); the batch that read them is re-run without them.`);
        return [];
      }
      throw new SpateError('OFFSET_OUT_OF_RANGE', `${this.description}: asked for messages up to ${e}, but only ${have} were received and logged in ${this.log.dir}.`);
    }
    if (s + 1 < h.first) sourceWarning(`${this.description}: messages ${s + 1} to ${h.first - 1} are no longer held (committed, or received before a restart with persistence=memory); they are skipped.`);
    const from = Math.max(s + 1, h.first) - h.first;
    const to = e - h.first + 1;
    if (to <= from) return [];
    const n = to - from;
    const ids = new Int32Array(n);
    const ts = new Float64Array(n);
    for (let i = 0; i < n; i++) { ids[i] = h.ids[from + i]!; ts[i] = h.timesUs[from + i]!; }
    return [makeBatch(MQTT_SCHEMA, [
      { type: IntegerType, length: n, values: ids, validity: null },
      { type: StringType, length: n, values: h.topics.slice(from, to), validity: null },
      { type: BinaryType, length: n, values: h.payloads.slice(from, to), validity: null },
      { type: TimestampType, length: n, values: ts, validity: null },
    ], n)];
  }

  async commit(end: Offset): Promise<void> {
    const e = longOffset(this.description, end, 'committed offset');
    const h = this.held;
    const k = Math.min(e - (h.first - 1), h.topics.length);
    if (k > 0) {
      h.topics.splice(0, k);
      h.payloads.splice(0, k);
      h.timesUs.splice(0, k);
      h.ids.splice(0, k);
      h.first += k;
    }
    this.log?.commit(e);
  }

  reportLatestOffset(): Offset | null {
    const total = this.held.first - 1 + this.held.topics.length;
    return total === 0 ? null : total;
  }

  /** `messagesHeld`: received and not yet committed (in memory, and in the log with persistence=file). */
  metrics(): Readonly<Record<string, string>> {
    return { messagesHeld: String(this.held.topics.length) };
  }

  async stop(): Promise<void> {
    await this.conn.close();
    this.log?.close();
  }

  /**
   * On first use, once the checkpoint's offset is known: loads the log (the
   * messages received and not committed before a restart), numbers new
   * messages after them, then connects and subscribes.
   */
  private start(checkpointed: number): Promise<void> {
    this.started ??= (async () => {
      if (this.log !== undefined) {
        const { held, last } = this.log.load();
        if (held.topics.length === 0) held.first = Math.max(last, checkpointed) + 1;
        this.held = held;
        this.log.open(this.held.first - 1 + this.held.topics.length);
      } else {
        this.held.first = checkpointed + 1;
      }
      this.ready = true;
      const { topic, qos } = this.opts;
      await this.conn.connect(`connecting to ${this.opts.connect.url} and subscribing to '${topic}'`, (t, payload, id) => this.receive(t, payload, id), { topic, qos });
    })();
    return this.started;
  }

  private receive(topic: string, payload: Uint8Array, packetId: number): void {
    const timeUs = this.ctx.now() * 1000;
    // Logged first: when this returns the library acknowledges the message to the broker.
    this.log?.append(topic, payload, timeUs, packetId);
    const h = this.held;
    h.topics.push(topic);
    h.payloads.push(payload);
    h.timesUs.push(timeUs);
    h.ids.push(packetId);
  }
}

/** How long a lost connection may stay lost before the query fails: the retry policy's total backoff. */
function budgetMs(p: { retries: number; backoffMs: number; maxBackoffMs: number }): number {
  let total = 0;
  let d = p.backoffMs;
  for (let i = 0; i < p.retries; i++) { total += d; d = Math.min(d * 2, p.maxBackoffMs); }
  return Math.max(total, p.backoffMs);
}

/** `format('mqtt')`: MQTT (Apache Bahir's option names), for readStream. */
export const MQTT_SOURCE: SourceProvider = {
  format: 'mqtt',
  streaming: true,
  schema(options, userSchema) {
    parseMqttSourceOptions(options);
    checkFixedSchema('mqtt', MQTT_SCHEMA, userSchema);
    return MQTT_SCHEMA;
  },
  create: (ctx) => new MqttSource(ctx),
};
