// MQTT in and out: a query subscribes to sensors/<run>/+ and keeps the
// average temperature per sensor, printed to the console; the example itself
// publishes the readings (df.write.format('mqtt')), waits until the query has
// read them all, and stops. Needs an MQTT broker (Mosquitto) on localhost:1883.
// Run: npx tsx examples/mqtt-sensors.ts
import { SparkSession, functions as F } from 'spate';

const broker = process.env.MQTT_URL ?? 'tcp://127.0.0.1:1883';
const base = `sensors/spate-example-${process.pid}`;
const spark = SparkSession.builder.appName('mqtt-sensors').getOrCreate();

const readings = spark.readStream.format('mqtt')
  .option('topic', `${base}/+`)
  .option('clientId', `spate-example-${process.pid}`) // a fixed id, QoS 1 and cleanSession=false (the defaults) keep a session
  .option('QoS', 1)
  .load(broker);
// Bahir's columns: id, topic, payload (binary), timestamp. The sensor is the topic's last level.
const parsed = readings.select(
  F.element_at(F.split(F.col('topic'), '/'), -1).alias('sensor'),
  F.col('payload').cast('string').cast('double').alias('celsius'),
);
const perSensor = parsed.groupBy('sensor').agg(F.count('*').alias('readings'), F.round(F.avg('celsius'), 2).alias('avg_celsius'));
const query = perSensor.writeStream.outputMode('complete').format('console').start();

try {
  await query.processAllAvailable(); // subscribed
  const rows = Array.from({ length: 12 }, (_, i) => ({ topic: `${base}/room${i % 3}`, payload: String(19 + (i % 5) * 0.5) }));
  await spark.createDataFrame(rows, 'topic STRING, payload STRING').write.format('mqtt').option('brokerUrl', broker).save();
  // Messages arrive asynchronously: process until all twelve are in (bounded).
  for (let i = 0; i < 100; i++) {
    await query.processAllAvailable();
    const seen = query.recentProgress.reduce((n, p) => n + p.numInputRows, 0);
    if (seen >= rows.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
} finally {
  await query.stop();
  spark.stop();
}
