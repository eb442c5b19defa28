// The rabbitmq stream source (checkpointing on) against a plain stream consumer loop over the same
// messages: spate reads the stream from first and counts the rows into a noop sink (availableNow,
// maxMessagesPerTrigger per batch); the plain loop subscribes from first with the same client
// (src/clients/rabbitmq-stream.ts: rabbitmq-stream-js-client cannot talk to RabbitMQ 3.10, see
// docs/connectors/rabbitmq.md), decodes each message's body and counts them. Both do the least work a
// count needs, so the gap is the source's own cost (batches, columns, offsets, checkpoint writes).
// Run: node --import tsx bench/connectors/rabbitmq.ts [messages=500000] [maxMessagesPerTrigger=100000] [rounds=2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { StreamConnection } from '../../src/clients/rabbitmq-stream.js';
import { decodeMessage, encodeMessage } from '../../src/clients/rabbitmq-message.js';

const N = Number(process.argv[2] ?? 500_000);
const PER_TRIGGER = Number(process.argv[3] ?? 100_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const KEYS = 100;
const params = { host: '127.0.0.1', port: 5552, username: 'guest', password: 'guest', vhost: '/', connectTimeoutMs: 10_000, requestTimeoutMs: 30_000 };
const stream = `bench_rmq_${process.pid}`;

interface Row { system: string; rows: number; seconds: number; cpuSeconds: number; check?: string }

async function measure(system: string, fn: () => Promise<number>): Promise<Row> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { system, rows, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

async function fill(): Promise<void> {
  const c = await StreamConnection.connect(params);
  await c.createStream(stream);
  let confirmed = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => { done = r; });
  await c.declarePublisher(0, stream, null, { confirmed: (ids) => { confirmed += ids.length; if (confirmed >= N) done(); }, failed: () => undefined });
  const CH = 10_000;
  for (let s = 0; s < N; s += CH) {
    const e = Math.min(N, s + CH);
    const msgs: Uint8Array[] = [];
    const ids: bigint[] = [];
    for (let i = s; i < e; i++) { msgs.push(encodeMessage(Buffer.from(`{"key":"k${i % KEYS}","n":${i}}`))); ids.push(BigInt(i + 1)); }
    await c.publish(0, ids, msgs);
  }
  await all;
  await c.close();
}

const spark = SparkSession.builder.appName('bench-rabbitmq').getOrCreate();

async function spateRun(): Promise<Row> {
  const ck = mkdtempSync(join(tmpdir(), 'spate-bench-rmq-'));
  let check = '';
  try {
    const row = await measure(`spate rabbitmq stream source -> count -> noop (${PER_TRIGGER}/trigger, checkpoint on)`, async () => {
      const q = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('stream', stream)
        .option('startingOffsets', 'first').option('maxMessagesPerTrigger', PER_TRIGGER).load()
        .groupBy().agg(F.count('*').alias('n'))
        .writeStream.format('noop').outputMode('update').option('checkpointLocation', ck).trigger({ availableNow: true }).start();
      await q.awaitTermination();
      const ms: Record<string, number> = {};
      for (const p of q.recentProgress) for (const [k, v] of Object.entries(p.durationMs)) ms[k] = (ms[k] ?? 0) + v;
      check = `${q.recentProgress.length} batches; ms per phase ${JSON.stringify(ms)}`;
      return q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
    });
    return { ...row, check };
  } finally {
    rmSync(ck, { recursive: true, force: true });
  }
}

async function plainRun(): Promise<Row> {
  return measure('plain stream consumer loop (decode each body, count)', async () => {
    const c = await StreamConnection.connect(params);
    let bytes = 0;
    let seen = 0;
    let done!: () => void;
    const all = new Promise<void>((r) => { done = r; });
    await c.subscribe(1, stream, { type: 'first' }, 10, (ch) => {
      for (const r of ch.records) bytes += decodeMessage(r, false).body.length;
      seen += ch.records.length;
      c.credit(1, 1);
      if (seen >= N) done();
    });
    await all;
    await c.close();
    if (bytes === 0) throw new Error('plain loop read empty bodies');
    return seen;
  });
}

await fill();
try {
  const results: Row[] = [];
  const best = new Map<string, Row>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const run of [spateRun, plainRun]) {
      const x = await run();
      if (x.rows !== N) throw new Error(`${x.system} read ${x.rows} rows, expected ${N}`);
      const b = best.get(x.system);
      if (b === undefined || x.seconds < b.seconds) best.set(x.system, x);
    }
  }
  results.push(...best.values());
  console.log(`RabbitMQ stream, ${N} messages, best of ${ROUNDS}`);
  console.log('| system | rows | seconds | rows/s | rows per CPU-second |');
  console.log('|---|---|---|---|---|');
  for (const x of results) {
    console.log(`| ${x.system} | ${x.rows} | ${x.seconds.toFixed(2)} | ${Math.round(x.rows / x.seconds)} | ${Math.round(x.rows / x.cpuSeconds)} |`);
  }
  for (const x of results) if (x.check !== undefined) console.log(`  ${x.system}: ${x.check}`);
  const [s, p] = results;
  console.log(`spate / plain: ${((s!.rows / s!.seconds) / (p!.rows / p!.seconds)).toFixed(2)}x`);
} finally {
  const c = await StreamConnection.connect(params);
  await c.deleteStream(stream);
  await c.close();
  spark.stop();
}
