// Redis Streams end to end against the Redis on localhost:6379. The example
// writes some click entries itself (df.write.format('redis'): one XADD per row,
// all in one MULTI/EXEC), reads the stream back as a streaming DataFrame
// (readStream.format('redis'), entry fields cast to the declared schema),
// counts clicks per page and prints each micro-batch to the console. The
// availableNow trigger reads what the stream holds when the query starts, in
// batches of at most 4 entries (maxEntriesPerTrigger), then stops by itself.
// Run it with: npx tsx examples/redis-stream-counts.ts
import { SparkSession } from 'spate';
import { col, desc } from 'spate/functions';

const spark = SparkSession.builder.appName('RedisStreamCounts').getOrCreate();
const redis = { host: 'localhost', port: '6379' };
const stream = 'spate-example:clicks';

// Produce: overwrite replaces the stream, so every run starts from the same ten entries.
const pages = ['home', 'cart', 'home', 'help', 'home', 'cart', 'checkout', 'home', 'help', 'cart'];
await spark.createDataFrame(pages.map((page, i) => [page, `user${i % 3}`]), 'page STRING, user STRING')
  .write.format('redis').options(redis).option('stream.key', stream).mode('overwrite').save();

// Consume: entry ids are the offsets; startingOffsets earliest reads the stream from its first entry.
const clicks = spark.readStream.format('redis').options(redis)
  .option('stream.keys', stream)
  .option('startingOffsets', 'earliest')
  .option('maxEntriesPerTrigger', 4)
  .schema('page STRING, user STRING, _id STRING')
  .load();
const query = clicks.groupBy('page').count()
  .orderBy(desc('count'), col('page'))
  .writeStream
  .outputMode('complete')
  .format('console')
  .trigger({ availableNow: true })
  .start();
await query.awaitTermination();
const p = query.lastProgress;
if (p) console.log(`Read up to ${JSON.stringify(p.sources[0]?.endOffset)} in ${p.batchId + 1} batches.`);
spark.stop();
