/**
 * The process mqtt-crash.test.ts kills: node --import tsx mqtt-crash-child.ts <topic> <clientId> <checkpoint> <out dir>
 * reads the topic with a persistent session into a JSON file sink (exactly-once) until killed; prints
 * `ready` once subscribed.
 */
import { SparkSession, functions as F } from '../../src/index.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';

const [topic, clientId, checkpoint, out] = process.argv.slice(2);
if (topic === undefined || clientId === undefined || checkpoint === undefined || out === undefined) throw new Error('usage: mqtt-crash-child.ts <topic> <clientId> <checkpoint> <out dir>');
setSourceWarningHandler(() => undefined);
const spark = SparkSession.builder.appName('mqtt-crash-child').getOrCreate();
const q = spark.readStream.format('mqtt').option('topic', topic).option('clientId', clientId).option('QoS', 1).option('persistence', process.env.SPATE_MQTT_CRASH_PERSISTENCE ?? 'file').load('tcp://127.0.0.1:1883')
  .select(F.col('payload').cast('string').cast('long').alias('id'))
  .writeStream.format('json').option('checkpointLocation', checkpoint).start(out);
await q.processAllAvailable();
process.stdout.write('ready\n');
await q.awaitTermination();
