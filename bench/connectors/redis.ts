/**
 * Redis Streams source benchmark (issue 12): one stream pre-written with N
 * entries (fields `key` = one of 100 keys, `value` = a number), then, in one
 * process and alternating, (a) spate: readStream.format('redis') with schema
 * `key STRING` -> groupBy('key').count() -> noop sink, checkpointing on,
 * trigger availableNow; (b) a plain ioredis loop doing the same count with
 * XRANGE pages of the same size (stream.read.batch.size) into a Map; (c) the
 * same with XREAD COUNT. Best of R runs each; CPU from process.cpuUsage (the
 * Redis server's own time is in the wall clock only).
 *
 *   node --import tsx bench/connectors/redis.ts [--entries 500000] [--page 1000] [--runs 3] [--maxPerTrigger N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SparkSession } from '../../src/index.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--entries', 500_000);
const PAGE = arg('--page', 1000);
const RUNS = arg('--runs', 3);
const MAX_PER_TRIGGER = arg('--maxPerTrigger', 0);
const KEYS = 100;
const PORT = 6379;
const stream = `spate-bench:redis:${process.pid}`;

interface Result { readonly system: string; readonly rows: number; readonly seconds: number; readonly cpuSeconds: number; readonly check: string }

async function measure(system: string, fn: () => Promise<{ rows: number; check: string }>): Promise<Result> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { rows, check } = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { system, rows, seconds, cpuSeconds: (c.user + c.system) / 1e6, check };
}

function checksum(counts: Map<string, number>): string {
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',').slice(0, 40) + `…(${counts.size} keys)`;
}

async function prewrite(r: Redis): Promise<void> {
  await r.del(stream);
  for (let i = 0; i < N; i += 10_000) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(N, i + 10_000); j++) p.xadd(stream, '*', 'key', `k${j % KEYS}`, 'value', String(j));
    await p.exec();
  }
}

async function plainXrange(r: Redis): Promise<{ rows: number; check: string }> {
  const counts = new Map<string, number>();
  let rows = 0;
  let from = '-';
  for (;;) {
    const page = await r.xrange(stream, from, '+', 'COUNT', PAGE);
    for (const [, f] of page) {
      for (let j = 0; j < f.length; j += 2) {
        if (f[j] === 'key') { const k = f[j + 1]!; counts.set(k, (counts.get(k) ?? 0) + 1); break; }
      }
    }
    rows += page.length;
    if (page.length < PAGE) break;
    from = `(${page[page.length - 1]![0]}`;
  }
  return { rows, check: checksum(counts) };
}

async function plainXread(r: Redis): Promise<{ rows: number; check: string }> {
  const counts = new Map<string, number>();
  let rows = 0;
  let from = '0-0';
  for (;;) {
    const res = await r.xread('COUNT', PAGE, 'STREAMS', stream, from) as [string, [string, string[]][]][] | null;
    const page = res?.[0]?.[1] ?? [];
    for (const [, f] of page) {
      for (let j = 0; j < f.length; j += 2) {
        if (f[j] === 'key') { const k = f[j + 1]!; counts.set(k, (counts.get(k) ?? 0) + 1); break; }
      }
    }
    rows += page.length;
    if (page.length < PAGE) break;
    from = page[page.length - 1]![0];
  }
  return { rows, check: checksum(counts) };
}

async function spate(spark: SparkSession): Promise<{ rows: number; check: string }> {
  const ck = mkdtempSync(join(tmpdir(), 'spate-bench-redis-'));
  try {
    let reader = spark.readStream.format('redis').option('port', PORT).option('stream.keys', stream)
      .option('startingOffsets', 'earliest').option('stream.read.batch.size', PAGE);
    if (MAX_PER_TRIGGER > 0) reader = reader.option('maxEntriesPerTrigger', MAX_PER_TRIGGER);
    const q = reader.schema('key STRING').load().groupBy('key').count()
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

const r = new Redis({ port: PORT, host: '127.0.0.1' });
const spark = SparkSession.builder.appName('bench-redis').getOrCreate();
try {
  const w0 = performance.now();
  await prewrite(r);
  console.log(`pre-wrote ${N} entries to ${stream} in ${((performance.now() - w0) / 1000).toFixed(1)} s; page ${PAGE}; ${MAX_PER_TRIGGER > 0 ? `maxEntriesPerTrigger ${MAX_PER_TRIGGER}` : 'one batch per trigger (no limit)'}; best of ${RUNS}`);
  const best = new Map<string, Result>();
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of [
      ['ioredis XRANGE loop', () => plainXrange(r)],
      ['ioredis XREAD loop', () => plainXread(r)],
      ['spate redis source', () => spate(spark)],
    ] as const) {
      const res = await measure(name, fn);
      if (res.rows !== N) throw new Error(`${name} counted ${res.rows} rows, expected ${N}`);
      const prev = best.get(name);
      if (prev === undefined || res.seconds < prev.seconds) best.set(name, res);
    }
  }
  const base = best.get('ioredis XRANGE loop')!;
  const rowsPerS = (x: Result) => x.rows / x.seconds;
  console.log('| system | rows | seconds | rows/s | rows per CPU-second | vs plain XRANGE loop |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const x of best.values()) {
    console.log(`| ${x.system} | ${x.rows} | ${x.seconds.toFixed(2)} | ${Math.round(rowsPerS(x)).toLocaleString('en-US')} | ${Math.round(x.rows / x.cpuSeconds).toLocaleString('en-US')} | ${(rowsPerS(x) / rowsPerS(base)).toFixed(2)}x |`);
  }
  for (const x of best.values()) console.log(`  ${x.system}: ${x.check}`);
} finally {
  await r.del(stream);
  await r.quit();
  spark.stop();
}
