import type { SinkProvider } from './connector.js';
import { parseRabbitSinkOptions, rabbitSinkColumns } from './rabbitmq-sink-options.js';
import { RabbitQueueSink } from './rabbitmq-queue-sink.js';
import { RabbitStreamSink } from './rabbitmq-stream-sink.js';
import { SpateError } from '../core/errors.js';

/**
 * `format('rabbitmq')` sink: option `stream` writes to a RabbitMQ stream
 * with broker-side deduplication (exactly-once per batch id); options
 * `exchange` / `queue` publish over AMQP 0.9.1 with publisher confirms
 * (at-least-once). See docs/connectors/rabbitmq.md.
 */
export const RABBITMQ_SINK: SinkProvider = {
  format: 'rabbitmq',
  create(ctx) {
    const o = parseRabbitSinkOptions(ctx.options);
    const cols = rabbitSinkColumns(ctx.schema, o);
    return o.kind === 'stream'
      ? new RabbitStreamSink(o.stream, o.producerName, o.connection, cols, ctx.timeZone)
      : new RabbitQueueSink(o, o.connection, cols, ctx.timeZone);
  },
  async writeBatch(batches, ctx) {
    const o = parseRabbitSinkOptions(ctx.options);
    if (ctx.mode === 'overwrite' || ctx.mode === 'ignore') {
      // As Spark's Kafka sink: only append and errorifexists (the default) make sense for a log of messages.
      throw new SpateError('UNSUPPORTED_SAVE_MODE', `Save mode '${ctx.mode}' is not allowed for format('rabbitmq'): messages can only be appended. Allowed save modes are 'append' and 'errorifexists' (default).`);
    }
    const cols = rabbitSinkColumns(ctx.schema, o);
    const sink = o.kind === 'stream'
      ? new RabbitStreamSink(o.stream, o.producerName, o.connection, cols, ctx.timeZone)
      : new RabbitQueueSink(o, o.connection, cols, ctx.timeZone);
    try {
      // With a producerName, a re-run of the same df.write is dropped by the broker (ids by batch index); without, at-least-once.
      for (let b = 0; b < batches.length; b++) await sink.write(b, batches[b]!);
    } finally {
      await sink.stop();
    }
  },
};
