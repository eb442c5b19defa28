// Clicks per page per minute from a Kafka topic (the example), printed by the console sink.
// Run: npx tsx examples/kafka-clicks-per-page.ts [bootstrap.servers]
// Without a bootstrap server it starts librdkafka's mock cluster (test/support/kafka-mock.c; needs cc and
// librdkafka-dev) and produces a few clicks into it first.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from 'spate';
import { produce, startKafkaMock, type KafkaMock } from '../test/support/kafka-mock.js';

let bootstrap = process.argv[2];
let mock: KafkaMock | undefined;
if (bootstrap === undefined) {
  mock = await startKafkaMock();
  bootstrap = mock.bootstrap;
  await mock.createTopic('clicks', 2);
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  const pages = ['/home', '/cart', '/home', '/docs', '/home', '/cart'];
  await produce(bootstrap, 'clicks', pages.map((page, i) => ({ key: page, value: JSON.stringify({ page, ts: new Date(t0 + i * 20_000).toISOString() }) })));
  console.log(`started a Kafka mock cluster at ${bootstrap} with 6 clicks in topic 'clicks'`);
}

const spark = SparkSession.builder.appName('kafka-clicks-per-page').getOrCreate();
const clicks = spark.readStream.format('kafka')
  .option('kafka.bootstrap.servers', bootstrap)
  .option('subscribe', 'clicks')
  .option('startingOffsets', 'earliest')
  .option('maxOffsetsPerTrigger', 100000)
  .load();
const perPage = clicks
  .select(F.from_json(F.col('value').cast('string'), 'page STRING, ts TIMESTAMP').alias('c'))
  .select('c.*').withWatermark('ts', '1 minute')
  .groupBy(F.window('ts', '1 minute'), 'page').count();
const query = perPage.writeStream.format('console').option('truncate', false)
  .outputMode('update').option('checkpointLocation', join(tmpdir(), `spate-example-clicks-${Date.now()}`)).start();
await query.processAllAvailable();
await query.stop();
await mock?.stop();
spark.stop();
