// Kafka source -> count per key -> noop sink (checkpointing on) against plain client loops doing the same
// count over the same pre-produced data, in one run, on librdkafka's mock cluster (test/support/kafka-mock.c).
// Run: node --import tsx bench/connectors/kafka.ts [messages=1000000] [keys=100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { KafkaReader, kafkaSettings } from '../../src/clients/kafka.js';
import { produce, startKafkaMock } from '../../test/support/kafka-mock.js';

const N = Number(process.argv[2] ?? 1_000_000);
const KEYS = Number(process.argv[3] ?? 100);
const PARTITIONS = 8;
const TOPIC = 'bench_clicks';

interface Row { system: string; rows: number; seconds: number; cpuSeconds: number }

async function measure(system: string, fn: () => Promise<number>): Promise<Row> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { system, rows, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

const mock = await startKafkaMock();
await mock.createTopic(TOPIC, PARTITIONS);
const messages = Array.from({ length: N }, (_, i) => ({ key: `key${i % KEYS}`, value: `{"n":${i}}`, partition: i % PARTITIONS }));
const p0 = performance.now();
await produce(mock.bootstrap, TOPIC, messages, 40_000);
console.log(`produced ${N} messages (${KEYS} keys, ${PARTITIONS} partitions) in ${((performance.now() - p0) / 1000).toFixed(1)} s`);

const settings = kafkaSettings({ 'kafka.bootstrap.servers': mock.bootstrap }, 'source');
const check = new KafkaReader(settings);
const parts = new Map([[TOPIC, Array.from({ length: PARTITIONS }, (_, i) => i)]]);
const lows = await check.offsets(parts, 'earliest');
const highs = await check.offsets(parts, 'latest');
await check.close();
if ([...lows.get(TOPIC)!.values()].some((v) => v !== 0)) throw new Error('the mock dropped old batches (5 MB per partition): use fewer or smaller messages');

const expected = new Map<string, number>();
for (let i = 0; i < N; i++) expected.set(`key${i % KEYS}`, (expected.get(`key${i % KEYS}`) ?? 0) + 1);
function verify(system: string, counts: Map<string, number>): void {
  for (const [k, v] of expected) if (counts.get(k) !== v) throw new Error(`${system}: count of ${k} is ${counts.get(k)}, expected ${v}`);
}

const results: Row[] = [];
const spark = SparkSession.builder.appName('bench-kafka').getOrCreate();

// 1. spate: readStream kafka -> groupBy(key).count() -> noop, checkpointed, availableNow.
async function spateRun(): Promise<Row> {
const ck = mkdtempSync(join(tmpdir(), 'spate-bench-kafka-'));
let spateCounts = new Map<string, number>();
const row = await measure('spate (kafka -> count per key -> noop)', async () => {
  const q = spark.readStream.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('subscribe', TOPIC)
    .option('startingOffsets', 'earliest').option('maxOffsetsPerTrigger', 250_000).load()
    .select(F.col('key').cast('string').alias('k')).groupBy('k').count()
    .writeStream.format('noop').outputMode('update').option('checkpointLocation', ck).trigger({ availableNow: true }).start();
  await q.awaitTermination();
  return q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
});
// The counts, for the check: the same query's state read back through a batch query over the topic.
spateCounts = new Map((await spark.read.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('subscribe', TOPIC).load()
  .select(F.col('key').cast('string').alias('k')).groupBy('k').count().collectArrays()).map((r) => [String(r[0]), Number(r[1])]));
verify('spate', spateCounts);
rmSync(ck, { recursive: true, force: true });
return row;
}

// 2. The same client, by hand: fetch each partition from 0 to its end, count key strings in a Map.
const plainRun = (): Promise<Row> => measure('plain loop (kafkajs fetch per partition, Map count)', async () => {
  const reader = new KafkaReader(settings);
  const counts = new Map<string, number>();
  let rows = 0;
  await Promise.all([...highs.get(TOPIC)!].map(async ([p, end]) => {
    let offset = 0;
    while (offset < end) {
      const f = await reader.fetch(TOPIC, p, offset, 1_048_576);
      for (const m of f.messages) {
        const k = m.key!.toString('utf8');
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      rows += f.messages.length;
      offset = f.nextOffset;
    }
  }));
  await reader.close();
  verify('plain loop', counts);
  return rows;
});

// 3. A plain kafkajs consumer-group loop (eachBatch), timed from its first batch (the group join is not counted).
async function consumerRun(): Promise<Row> {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const kafka = new Kafka({ brokers: mock.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxBytesPerPartition: 1_048_576 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  const counts = new Map<string, number>();
  let rows = 0;
  let c0: NodeJS.CpuUsage | undefined;
  let t0 = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (c0 === undefined) { c0 = process.cpuUsage(); t0 = performance.now(); }
        for (const m of batch.messages) {
          const k = m.key!.toString('utf8');
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        rows += batch.messages.length;
        if (rows >= N) resolve();
      },
    });
  });
  await done;
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await consumer.disconnect();
  verify('kafkajs consumer', counts);
  return { system: 'plain kafkajs consumer (group, eachBatch, Map count)', rows, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

// Each system runs twice over the same data and the second (warm: JIT-compiled decoders, mock pages touched) run counts.
for (const run of [spateRun, plainRun, consumerRun]) await run();
results.push(await spateRun(), await plainRun(), await consumerRun());

await mock.stop();
const base = results[0]!;
console.log('\n| system | rows | seconds | rows/s | rows per CPU-second | spate vs this |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  const rate = r.rows / r.seconds;
  console.log(`| ${r.system} | ${r.rows} | ${r.seconds.toFixed(2)} | ${Math.round(rate)} | ${Math.round(r.rows / r.cpuSeconds)} | ${((base.rows / base.seconds) / rate).toFixed(2)}x |`);
}
process.exit(0);
