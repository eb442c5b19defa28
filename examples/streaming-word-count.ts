// The main job (npm start): the network word count's query over the bundled
// text files instead of a socket. The file source reads data/words as a
// stream; availableNow processes what is there, in micro-batches of at most
// one file (maxFilesPerTrigger), then stops. The console sink runs on a
// temporary checkpoint; give option('checkpointLocation', dir) and a second
// run continues where the first stopped, reading only files added since.
import { fileURLToPath } from 'node:url';
import { SparkSession } from 'spate';
import { desc, explode, split } from 'spate/functions';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const spark = SparkSession.builder.appName('StreamingWordCount').getOrCreate();

const lines = spark.readStream.format('text').option('maxFilesPerTrigger', 1).load(here('../data/words'));
const words = lines.select(explode(split(lines.col('value'), ' ')).alias('word'));
const wordCounts = words.groupBy('word').count();
const query = wordCounts
  .orderBy(desc('count'), 'word')
  .limit(10)
  .writeStream
  .outputMode('complete')
  .format('console')
  .trigger({ availableNow: true })
  .start();
await query.awaitTermination();
const p = query.lastProgress;
if (p) console.log(`Processed batch ${p.batchId}: ${p.numInputRows} lines, ${p.stateOperators[0]?.numRowsTotal ?? 0} distinct words in state.`);
spark.stop();
