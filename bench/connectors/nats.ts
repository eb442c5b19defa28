// The nats source (checkpointing on) -> count per key -> noop sink against a plain @nats-io/jetstream
// consumer loop doing the same count over the same stored messages, in one run. The key is the subject
// (`bench.k0` .. `bench.k99`, the nats source has no key column); the plain loop reads the stream with an
// ordered consumer from the first message (the consumer the source itself reads with) and counts per
// subject in a Map. Both count every message, so the gap is the source's own cost (batches, columns,
// offsets, checkpoint writes) plus the engine's count.
// Run: node --import tsx bench/connectors/nats.ts [messages=500000] [maxMessagesPerTrigger=100000] [rounds=2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { SparkSession } from '../../src/index.js';

const N = Number(process.argv[2] ?? 500_000);
const PER_TRIGGER = Number(process.argv[3] ?? 100_000);
const ROUNDS = Number(process.argv[4] ?? 2);
const KEYS = 100;
const SERVER = 'nats://127.0.0.1:4222';
const STREAM = `bench_nats_${process.pid}`;
const SUBJECT = `${STREAM}.>`;

interface Row { system: string; rows: number; seconds: number; cpuSeconds: number; check: string }

async function measure(system: string, fn: () => Promise<{ rows: number; check: string }>): Promise<Row> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { rows, check } = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { system, rows, seconds, cpuSeconds: (c.user + c.system) / 1e6, check };
}

const nc = await connect({ servers: SERVER });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: STREAM, subjects: [SUBJECT] });

async function fill(): Promise<void> {
  // Core publishes (no PubAck each) in chunks with a flush, then wait until the stream holds them all.
  const enc = new TextEncoder();
  const t0 = performance.now();
  const CH = 10_000;
  for (let s = 0; s < N; s += CH) {
    for (let i = s; i < Math.min(N, s + CH); i++) nc.publish(`${STREAM}.k${i % KEYS}`, enc.encode(`{"n":${i}}`));
    await nc.flush();
  }
  for (;;) {
    const si = await jsm.streams.info(STREAM);
    if (si.state.messages >= N) break;
    if (performance.now() - t0 > 120_000) throw new Error(`the stream holds ${si.state.messages} of ${N} messages after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`stored ${N} messages (${KEYS} subjects) in stream ${STREAM} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function checksum(counts: Map<string, number>): string {
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k.slice(STREAM.length + 1)}=${v}`).join(',').slice(0, 40) + `…(${counts.size} keys)`;
}

const spark = SparkSession.builder.appName('bench-nats').getOrCreate();

async function spateRun(): Promise<{ rows: number; check: string }> {
  const ck = mkdtempSync(join(tmpdir(), 'spate-bench-nats-'));
  try {
    const q = spark.readStream.format('nats').option('servers', SERVER).option('stream', STREAM)
      .option('startingOffsets', 'earliest').option('maxMessagesPerTrigger', PER_TRIGGER).load()
      .groupBy('subject').count()
      .writeStream.format('noop').outputMode('update').option('checkpointLocation', join(ck, 'ck')).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    const rows = q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
    const keys = q.recentProgress.reduce((s, p) => Math.max(s, p.stateOperators[0]?.numRowsTotal ?? 0), 0);
    const ms: Record<string, number> = {};
    for (const p of q.recentProgress) for (const [k, v] of Object.entries(p.durationMs)) ms[k] = (ms[k] ?? 0) + v;
    return { rows, check: `${q.recentProgress.length} batches, ${keys} keys in state; ms per phase ${JSON.stringify(ms)}` };
  } finally {
    rmSync(ck, { recursive: true, force: true });
  }
}

async function plainRun(): Promise<{ rows: number; check: string }> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(STREAM, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 4096 });
  const counts = new Map<string, number>();
  let rows = 0;
  try {
    for await (const m of messages) {
      const k = m.subject;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      rows++;
      if (m.info.pending === 0) break;
    }
  } finally {
    await messages.close().catch(() => undefined);
    await consumer.delete().catch(() => undefined);
  }
  return { rows, check: checksum(counts) };
}

try {
  await fill();
  const best = new Map<string, Row>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of [
      [`spate nats source -> count per subject -> noop (${PER_TRIGGER}/trigger, checkpoint on)`, spateRun],
      ['plain @nats-io/jetstream ordered consumer loop (Map count per subject)', plainRun],
    ] as const) {
      const x = await measure(name, fn);
      if (x.rows !== N) throw new Error(`${name} read ${x.rows} rows, expected ${N}`);
      console.log(`  round ${r + 1}: ${name}: ${x.seconds.toFixed(2)} s, ${Math.round(x.rows / x.cpuSeconds)} rows per CPU-second`);
      const b = best.get(name);
      if (b === undefined || x.seconds < b.seconds) best.set(name, x);
    }
  }
  const [s, p] = [...best.values()];
  console.log(`NATS JetStream, ${N} messages, ${KEYS} subjects, best of ${ROUNDS}`);
  console.log('| system | rows | seconds | rows/s | rows per CPU-second | vs plain loop |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const x of best.values()) {
    console.log(`| ${x.system} | ${x.rows} | ${x.seconds.toFixed(2)} | ${Math.round(x.rows / x.seconds)} | ${Math.round(x.rows / x.cpuSeconds)} | ${((x.rows / x.seconds) / (p!.rows / p!.seconds)).toFixed(2)}x |`);
  }
  for (const x of best.values()) console.log(`  ${x.system}: ${x.check}`);
  console.log(`spate / plain: ${((s!.rows / s!.seconds) / (p!.rows / p!.seconds)).toFixed(2)}x (per CPU-second ${((s!.rows / s!.cpuSeconds) / (p!.rows / p!.cpuSeconds)).toFixed(2)}x)`);
} finally {
  await jsm.streams.delete(STREAM).catch(() => undefined);
  await nc.close();
  spark.stop();
}
