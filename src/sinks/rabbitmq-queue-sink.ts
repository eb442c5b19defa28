import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { rabbitEndpoint, type RabbitConnectionOptions } from '../clients/rabbitmq.js';
import { AmqpConnection, isRetryableAmqpError, type AmqpPublishOptions, type ConfirmChannel } from '../clients/rabbitmq-amqp.js';
import { withRetry, type Endpoint } from '../clients/retry.js';
import { rowBodies, rowProps, type RabbitSinkColumns } from './rabbitmq-sink-options.js';
import type { OutputMode } from '../core/output-mode.js';
import type { SinkQueryInfo, StreamSink } from './sink.js';

export interface ExchangeTarget {
  readonly exchange: string;
  readonly routingKey: string | undefined;
  /** Set when writing to a queue through the default exchange: checked to exist first. */
  readonly queue: string | undefined;
  readonly persistent: boolean;
  readonly mandatory: boolean;
  readonly contentType: string | undefined;
}

/**
 * `writeStream.format('rabbitmq').option('exchange' | 'queue', ...)`: each
 * row is published over AMQP 0.9.1 on a confirm channel (persistent
 * delivery by default, mandatory so an unroutable message is an error, not
 * a silent drop); addBatch returns when the broker has confirmed every
 * message. At-least-once: a batch re-run after a crash, or retried after a
 * lost connection, is published again. Each message's message-id is
 * `<query id>:<batch id>:<row>`, the same on a re-run, so consumers can
 * drop the duplicates.
 */
export class RabbitQueueSink implements StreamSink {
  readonly description: string;
  private readonly endpoint: Endpoint;
  private conn: AmqpConnection | undefined;
  private channel: ConfirmChannel | undefined;
  private queryId = 'batch';

  constructor(private readonly target: ExchangeTarget, private readonly c: RabbitConnectionOptions, private readonly cols: RabbitSinkColumns, private readonly timeZone = 'UTC') {
    this.endpoint = rabbitEndpoint(c);
    const where = target.queue !== undefined ? `queue ${target.queue}` : `exchange ${target.exchange === '' ? '(default)' : target.exchange}`;
    this.description = `RabbitMQSink[${where} at ${c.host}:${c.port}]`;
  }

  async open(query: SinkQueryInfo): Promise<void> {
    this.queryId = query.id;
  }

  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    await this.write(batchId, data);
  }

  async write(batchId: number, data: RecordBatch): Promise<void> {
    if (data.numRows === 0) return;
    await withRetry(this.endpoint, `publishing batch ${batchId} (${data.numRows} rows) to ${this.description}`, async () => {
      const ch = await this.confirmChannel();
      try {
        await this.publish(ch, batchId, data);
      } catch (e) {
        if (this.channel === ch) this.drop();
        throw e;
      }
    }, { policy: this.c.retry, options: this.c.raw, retryable: isRetryableAmqpError, code: 'RABBITMQ_UNAVAILABLE' })
      .catch((e: unknown) => { throw this.explain(e); });
  }

  private async publish(ch: ConfirmChannel, batchId: number, data: RecordBatch): Promise<void> {
    const t = this.target;
    const returned: string[] = [];
    const onReturn = (m: { fields: { routingKey: string; replyText?: string } }): void => { returned.push(m.fields.routingKey); };
    ch.on('return', onReturn);
    try {
      const bodyOf = rowBodies(data, this.cols, this.timeZone);
      const keys = this.cols.routingKey >= 0 ? (data.columns[this.cols.routingKey]!.values as (string | null)[]) : null;
      for (let i = 0; i < data.numRows; i++) {
        const key = keys?.[i] ?? t.routingKey ?? '';
        const props = rowProps(data, this.cols, i);
        const o: AmqpPublishOptions = { persistent: t.persistent, mandatory: t.mandatory, messageId: `${this.queryId}:${batchId}:${i}` };
        if (t.contentType !== undefined) o.contentType = t.contentType;
        if (props) o.headers = Object.fromEntries(props);
        const body = bodyOf(i);
        if (!ch.publish(t.exchange, key, Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength), o)) {
          await new Promise<void>((resolve) => ch.once('drain', resolve));
        }
      }
      await ch.waitForConfirms();
    } finally {
      ch.off('return', onReturn);
    }
    if (returned.length > 0) {
      throw new SpateError('RABBITMQ_UNROUTABLE',
        `${this.description}: ${returned.length} message(s) of batch ${batchId} were not routed to any queue (routing key '${returned[0]}'). Bind a queue to exchange '${t.exchange}' for that key, or set option mandatory=false to let the broker drop them.`);
    }
  }

  private async confirmChannel(): Promise<ConfirmChannel> {
    if (this.conn?.isOpen && this.channel) return this.channel;
    this.drop();
    const conn = await AmqpConnection.connect(this.c, `spate ${this.description}`);
    try {
      let failed: Error | undefined;
      const ch = await conn.confirmChannel((e) => { failed ??= e; if (this.channel === ch) this.drop(); });
      if (this.target.queue !== undefined) await ch.checkQueue(this.target.queue);
      else if (this.target.exchange !== '') await ch.checkExchange(this.target.exchange);
      if (failed) throw failed;
      this.conn = conn;
      this.channel = ch;
      conn.onClose(() => { if (this.conn === conn) this.drop(); });
      return ch;
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  private drop(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.channel = undefined;
    if (conn) void conn.close();
  }

  private explain(e: unknown): unknown {
    const m = e instanceof Error ? e.message : String(e);
    const ep = `RabbitMQ at ${this.endpoint.host}:${this.endpoint.port}`;
    if (/404|NOT_FOUND/.test(m)) {
      const what = this.target.queue !== undefined ? `queue '${this.target.queue}'` : `exchange '${this.target.exchange}'`;
      return new SpateError('RABBITMQ_NOT_FOUND', `${ep}: ${what} does not exist in vhost '${this.c.vhost}'. Declare it first, or fix the option.`);
    }
    if (/403|ACCESS.REFUSED/.test(m)) {
      return new SpateError('RABBITMQ_AUTH_FAILED', `${ep}: access refused for user '${this.c.username}' (vhost '${this.c.vhost}'). Check options username/password (or the credentials in uri) and the user's permissions.`);
    }
    return e;
  }

  async stop(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    this.channel = undefined;
    if (conn) await conn.close();
  }
}
