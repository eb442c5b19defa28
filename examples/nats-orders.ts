// NATS JetStream in and out: creates a stream, publishes some orders to it
// with df.write.format('nats'), then reads the stream with
// readStream.format('nats') — at most 10 messages a micro-batch — and counts
// orders and quantity per product to the console. availableNow stops the
// query once everything published is read; the stream is deleted at the end.
// Needs a NATS server with JetStream (nats-server -js) on localhost:4222.
// Run: npx tsx examples/nats-orders.ts
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { SparkSession, functions as F } from 'spate';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const stream = `spate_example_orders_${process.pid}`;

// The stream has to exist: JetStream stores only subjects some stream captures.
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });

const spark = SparkSession.builder.appName('nats-orders').getOrCreate();
try {
  const products = ['apples', 'pears', 'plums'];
  const orders = Array.from({ length: 25 }, (_, i) => ({
    subject: `${stream}.${i % 5 === 0 ? 'eu' : 'us'}`,
    data: JSON.stringify({ orderId: i + 1, product: products[i % 3], quantity: 1 + (i % 4) }),
  }));
  await spark.createDataFrame(orders, 'subject STRING, data STRING').write.format('nats').option('servers', servers).save();

  const raw = spark.readStream.format('nats')
    .option('servers', servers)
    .option('stream', stream)
    .option('startingOffsets', 'earliest')
    .option('maxMessagesPerTrigger', 10)
    .load();
  // As with Kafka's value: cast the binary data to a string and parse it.
  const parsed = raw.select(F.from_json(F.col('data').cast('string'), 'orderId INT, product STRING, quantity INT').alias('o'), 'subject')
    .select('o.*', 'subject');
  const perProduct = parsed.groupBy('product').agg(F.count('*').alias('orders'), F.sum('quantity').alias('quantity'));
  const query = perProduct.writeStream.outputMode('complete').format('console').trigger({ availableNow: true }).start();
  await query.awaitTermination();
  for (const p of query.recentProgress) {
    const s = p.sources[0]!;
    console.log(`batch ${p.batchId}: ${s.numInputRows} messages, offsets ${JSON.stringify(s.startOffset)} -> ${JSON.stringify(s.endOffset)} (latest ${JSON.stringify(s.latestOffset)})`);
  }
} finally {
  await jsm.streams.delete(stream);
  await nc.close();
  spark.stop();
}
