import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import type { BatchReadContext, SourceProvider } from './connector.js';
import { parseRabbitSourceOptions, rabbitQueueSchema, rabbitStreamSchema, type RabbitStreamSourceOptions } from './rabbitmq-options.js';
import { RabbitQueueSource } from './rabbitmq-queue-source.js';
import { RabbitStreamSource } from './rabbitmq-stream-source.js';
import { checkFixedSchema, sourceOptions } from './source-options.js';

/**
 * `format('rabbitmq')`: RabbitMQ. With option `stream`, RabbitMQ streams
 * over the stream protocol (replayable, offsets in the checkpoint, for
 * `readStream` and `read`); with option `queue`, a queue consumed over AMQP
 * 0.9.1 with acks on commit (at-least-once, `readStream` only). See
 * docs/connectors/rabbitmq.md.
 */
export const RABBITMQ_SOURCE: SourceProvider = {
  format: 'rabbitmq',
  streaming: true,
  schema(options, userSchema) {
    const o = parseRabbitSourceOptions(options);
    const s = o.kind === 'stream' ? rabbitStreamSchema(o.includeProperties) : rabbitQueueSchema(o.includeProperties);
    checkFixedSchema('rabbitmq', s, userSchema);
    return s;
  },
  create(ctx) {
    const o = parseRabbitSourceOptions(ctx.options);
    return o.kind === 'stream' ? new RabbitStreamSource(ctx, o) : new RabbitQueueSource(ctx, o);
  },
  readBatch,
};

/**
 * `spark.read.format('rabbitmq').option('stream', ...)`: the records from
 * startingOffsets (default first, as Spark's batch Kafka read defaults to
 * earliest) to each stream's end when the read runs.
 */
async function readBatch(ctx: BatchReadContext): Promise<RecordBatch[]> {
  const o = parseRabbitSourceOptions(ctx.options);
  if (o.kind === 'queue') {
    throw new SpateError('UNSUPPORTED_OPERATION',
      `spark.read of RabbitMQ queue '${o.queue}' is not supported: reading a queue consumes it. Use readStream (acks on commit), or read a stream (option 'stream').`);
  }
  const given = sourceOptions(ctx.options);
  const opts: RabbitStreamSourceOptions = given.has('startingOffsets') || given.has('startingTimestamp')
    ? o : { ...o, starting: new Map(o.streams.map((s) => [s, { kind: 'first' } as const])) };
  const src = new RabbitStreamSource({ metadataPath: '', options: ctx.options, schema: undefined, timeZone: ctx.timeZone, now: () => Date.now() }, opts);
  try {
    return await src.readToEnd();
  } finally {
    await src.stop();
  }
}
