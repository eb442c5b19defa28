/**
 * Micro-batch benchmark, with checkpointing on (offsets, commits and state
 * written for every batch):
 *   1. the fixed cost of one micro-batch: a batch of 1 row (a trigger with no
 *      new data runs no batch, as in Spark, so that is measured separately:
 *      the cost of a trigger that finds nothing), for a stateless select and
 *      for the stateful word count;
 *   2. the word count's throughput in lines/s over 100k-line batches
 *      (MemoryStream → explode(split) → groupBy.count, complete mode, memory
 *      sink), next to a hand-written JS loop (split + Map) and RxJS.
 *
 *   npx tsx bench/microbatch.ts [--quick] [--batches N]
 *
 * Triggers are driven by a manual clock (processingTime '1 second'): the time
 * measured is from advancing the clock to the query's progress (or idle)
 * event, so no polling delay is included. Data is added to the MemoryStream
 * before the clock moves (untimed), as the baselines get their arrays ready-made.
 * Results: stdout and bench/results/microbatch-latest.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type DataFrame } from '../src/index.js';
import { MemoryStream } from '../src/testing/index.js';
import { ClockedQuery } from './lib/clocked-query.js';
import { peakRssMiB, writeJson } from './lib/timing.js';
import { digest, JsWordCount, makeLineBatches, RxWordCount, WORDS_PER_LINE } from './lib/words.js';

const quick = process.argv.includes('--quick');
const FIXED_RUNS = quick ? 50 : 300;
const FIXED_WARMUP = quick ? 10 : 30;
const LINES_PER_BATCH = 100_000;
const batchesArg = process.argv.indexOf('--batches');
const THROUGHPUT_BATCHES = batchesArg > 0 ? Number(process.argv[batchesArg + 1]) : quick ? 3 : 10;
const log = (msg: string): void => { process.stderr.write(`${msg}\n`); };

const spark = SparkSession.builder.appName('bench-microbatch').getOrCreate();
const root = mkdtempSync(join(tmpdir(), 'spate-bench-microbatch-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

let checkpoints = 0;

/** A query triggered by the benchmark's manual clock (see lib/clocked-query.ts). */
function clocked(df: DataFrame, mode: 'append' | 'complete', format: 'noop' | 'memory', name: string): ClockedQuery {
  return new ClockedQuery(spark, df, { mode, format, checkpoint: join(root, `${name}-${checkpoints++}`), ...(format === 'memory' ? { name } : {}) });
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

interface FixedCost {
  readonly query: string;
  readonly case: string;
  readonly medianMs: number;
  readonly p95Ms: number;
  /** Median of the engine's own phase durations (ms, rounded by the engine) over the measured batches. */
  readonly phasesMs: Record<string, number>;
}

/** `partitions` is spark.sql.shuffle.partitions for the query: the number of state stores each batch commits. */
async function fixedCost(label: string, build: (df: DataFrame) => DataFrame, mode: 'append' | 'complete', partitions?: number): Promise<FixedCost[]> {
  log(`fixed cost: ${label}`);
  const input = new MemoryStream(spark, 'value STRING');
  const prev = spark.conf.get('spark.sql.shuffle.partitions');
  if (partitions !== undefined) spark.conf.set('spark.sql.shuffle.partitions', String(partitions));
  const q = clocked(build(input.toDF()), mode, 'noop', `fixed-${label.replace(/\W+/g, '-')}`);
  spark.conf.set('spark.sql.shuffle.partitions', prev);
  const first = await q.trigger();
  if (first.event.kind !== 'idle') throw new Error('the first trigger without data should be idle');
  const oneRow: number[] = [];
  const empty: number[] = [];
  const phases: Record<string, number[]> = {};
  for (let i = 0; i < FIXED_WARMUP + FIXED_RUNS; i++) {
    input.addData(`w${i % 7} w${i % 3}`);
    const b = await q.trigger();
    if (b.event.kind !== 'progress') throw new Error('a trigger with one new row should run a batch');
    const e = await q.trigger();
    if (e.event.kind !== 'idle') throw new Error('a trigger with no new data should run no batch');
    if (i < FIXED_WARMUP) continue;
    oneRow.push(b.ms);
    empty.push(e.ms);
    for (const [k, v] of Object.entries(b.event.progress.durationMs)) (phases[k] ??= []).push(v);
  }
  await q.stop();
  const phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)]));
  return [
    { query: label, case: 'batch of 1 row', medianMs: median(oneRow), p95Ms: quantile(oneRow, 0.95), phasesMs },
    { query: label, case: 'trigger, no new data', medianMs: median(empty), p95Ms: quantile(empty, 0.95), phasesMs: {} },
  ];
}

interface Throughput {
  readonly system: string;
  readonly batches: number;
  readonly linesPerBatch: number;
  readonly totalMs: number;
  readonly msPerBatch: number;
  /** Each batch's time in order: a rising trend means a per-batch cost that grows with the stream. */
  readonly eachMs: readonly number[];
  readonly linesPerSec: number;
  readonly check: string;
  readonly peakRssMiB: number;
}

const wordCount = (lines: DataFrame): DataFrame =>
  lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word')).groupBy('word').count();

async function spateThroughput(batches: readonly string[][]): Promise<Throughput> {
  log('throughput: spate');
  const input = new MemoryStream(spark, 'value STRING');
  const q = clocked(wordCount(input.toDF()), 'complete', 'memory', 'bench_wc');
  await q.trigger();
  const each: number[] = [];
  for (const lines of batches) {
    // Rows go in as the source's internal values (a string is itself), untimed.
    input.source.addData(lines.map((l) => [l]));
    const { event, ms } = await q.trigger();
    if (event.kind !== 'progress') throw new Error('expected a batch');
    each.push(ms);
  }
  const rows = await spark.table('bench_wc').collectArrays();
  await q.stop();
  return result('spate', batches, each, digest(rows.map((r) => [r[0] as string, Number(r[1])] as const)));
}

function baselineThroughput(system: string, batches: readonly string[][], make: () => { addBatch(l: readonly string[]): void; lastOutput: [string, number][] }): Throughput {
  log(`throughput: ${system}`);
  const wc = make();
  const each: number[] = [];
  for (const lines of batches) {
    const t0 = performance.now();
    wc.addBatch(lines);
    each.push(performance.now() - t0);
  }
  return result(system, batches, each, digest(wc.lastOutput));
}

function result(system: string, batches: readonly string[][], each: readonly number[], check: string): Throughput {
  const totalMs = each.reduce((a, b) => a + b, 0);
  const lines = batches.reduce((s, b) => s + b.length, 0);
  return {
    system, batches: batches.length, linesPerBatch: LINES_PER_BATCH, totalMs, msPerBatch: totalMs / batches.length, eachMs: each.map((x) => Math.round(x)),
    linesPerSec: lines / (totalMs / 1000), check, peakRssMiB: peakRssMiB(),
  };
}

/** Best of `runs` (by total time), after one untimed warm-up run on a fresh state. */
async function best(runs: number, f: () => Promise<Throughput> | Throughput): Promise<Throughput> {
  await f();
  let b: Throughput | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await f();
    if (!b || r.totalMs < b.totalMs) b = r;
  }
  return b!;
}

const pad = (rows: readonly string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) => r.map((x, c) => (c < 2 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ') + (i === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
};

const fixed = [
  ...await fixedCost('select (stateless)', (df) => df.select(F.upper(F.col('value')).alias('u')), 'append'),
  ...await fixedCost(`word count, ${spark.conf.get('spark.sql.shuffle.partitions')} partitions (default)`, wordCount, 'complete'),
  ...await fixedCost('word count, 1 partition', wordCount, 'complete', 1),
];

log(`generating ${THROUGHPUT_BATCHES} batches of ${LINES_PER_BATCH.toLocaleString()} lines ...`);
const batches = makeLineBatches(THROUGHPUT_BATCHES, LINES_PER_BATCH);
const runs = quick ? 1 : 2;
const throughput = [
  await best(runs, () => spateThroughput(batches)),
  await best(runs, () => baselineThroughput('js loop', batches, () => new JsWordCount())),
  await best(runs, () => baselineThroughput('rxjs', batches, () => new RxWordCount())),
];

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log('\nFixed cost of one micro-batch (checkpointing on, manual-clock trigger, noop sink)\n');
console.log(pad([
  ['query', 'case', 'median ms', 'p95 ms', 'engine phases, 1-row batch (median ms)'],
  ...fixed.map((f) => [f.query, f.case, fmt(f.medianMs), fmt(f.p95Ms), Object.entries(f.phasesMs).map(([k, v]) => `${k}=${v}`).join(' ')]),
]));
const spateRate = throughput[0]!.linesPerSec;
console.log(`\nWord count, ${THROUGHPUT_BATCHES} batches x ${LINES_PER_BATCH.toLocaleString()} lines (${WORDS_PER_LINE} words/line), complete mode\n`);
console.log(pad([
  ['system', 'ms/batch', 'lines/s', 'vs spate', 'peak RSS MiB', 'check', 'ms of each batch'],
  ...throughput.map((t) => [t.system, fmt(t.msPerBatch), Math.round(t.linesPerSec).toLocaleString(), `${(t.linesPerSec / spateRate).toFixed(2)}x`, String(t.peakRssMiB), t.check, t.eachMs.join(' ')]),
]));
const checks = new Set(throughput.map((t) => t.check));
if (checks.size !== 1) console.log(`\nWARNING: the systems disagree on the result: ${[...checks].join(' vs ')}`);

writeJson(new URL('./results/microbatch-latest.json', import.meta.url).pathname, {
  date: new Date().toISOString(), node: process.version, quick, fixedRuns: FIXED_RUNS, fixed, throughput,
});
process.exit(0);
