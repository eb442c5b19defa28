// RabbitMQ streams in and out: declares a stream, publishes some click events
// to it with df.write.format('rabbitmq'), then reads the stream with
// readStream.format('rabbitmq') — at most 10 messages a micro-batch — and
// counts clicks per page to the console. availableNow stops the query once
// everything published is read; the stream is deleted at the end.
// Needs RabbitMQ with the stream plugin (rabbitmq-plugins enable rabbitmq_stream)
// on localhost: AMQP on 5672, streams on 5552, user guest/guest.
// Run: npx tsx examples/rabbitmq-stream-events.ts
import { connect } from 'amqplib';
import { SparkSession, functions as F } from 'spate';

const host = process.env.RABBITMQ_HOST ?? '127.0.0.1';
const stream = `spate_example_clicks_${process.pid}`;

// A stream is a queue of type stream: declare it over AMQP (or with rabbitmq-streams add_stream).
const amqp = await connect(`amqp://guest:guest@${host}:5672`);
const channel = await amqp.createChannel();
await channel.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });

const spark = SparkSession.builder.appName('rabbitmq-stream-events').getOrCreate();
try {
  const pages = ['/home', '/pricing', '/docs'];
  const clicks = Array.from({ length: 25 }, (_, i) => ({ body: JSON.stringify({ user: `u${i % 7}`, page: pages[i % 3] }) }));
  await spark.createDataFrame(clicks, 'body STRING').write.format('rabbitmq')
    .option('host', host).option('stream', stream).mode('append').save();

  const raw = spark.readStream.format('rabbitmq')
    .option('host', host)            // the stream port (5552) is the default; see docs/connectors/rabbitmq.md
    .option('stream', stream)
    .option('startingOffsets', 'first')
    .option('maxMessagesPerTrigger', 10)
    .load();
  // As with Kafka's value: cast the binary body to a string and parse it.
  const parsed = raw.select(F.from_json(F.col('body').cast('string'), 'user STRING, page STRING').alias('c'), 'offset').select('c.*', 'offset');
  const perPage = parsed.groupBy('page').agg(F.count('*').alias('clicks'), F.max('offset').alias('lastOffset'));
  const query = perPage.writeStream.outputMode('complete').format('console').trigger({ availableNow: true }).start();
  await query.awaitTermination();
  for (const p of query.recentProgress) {
    const s = p.sources[0]!;
    console.log(`batch ${p.batchId}: ${s.numInputRows} messages, offsets ${JSON.stringify(s.startOffset)} -> ${JSON.stringify(s.endOffset)} (latest ${JSON.stringify(s.latestOffset)})`);
  }
} finally {
  await channel.deleteQueue(stream);
  await amqp.close();
  spark.stop();
}
