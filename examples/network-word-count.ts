// Spark's seed example, line for line: count words arriving on a socket.
// In one terminal:   nc -lk 9999
// In another:        npx tsx examples/network-word-count.ts [host] [port]
// then type lines into nc; every micro-batch prints the running counts.
import { SparkSession } from 'spate';
import { explode, split } from 'spate/functions';

const host = process.argv[2] ?? 'localhost';
const port = Number(process.argv[3] ?? 9999);
const spark = SparkSession.builder.appName('StructuredNetworkWordCount').getOrCreate();

const lines = spark.readStream.format('socket').option('host', host).option('port', port).load();
const words = lines.select(explode(split(lines.col('value'), ' ')).alias('word'));
const wordCounts = words.groupBy('word').count();
const query = wordCounts.writeStream.outputMode('complete').format('console').start();
await query.awaitTermination();
