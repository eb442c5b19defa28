/**
 * Batch equals streaming: random rows, split at random into micro-batches
 * (with random stop/start restarts on the same checkpoint in between), fed
 * through a MemoryStream; the streaming result must equal the same
 * transformation run as a batch query over the input seen so far.
 */
import { test, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SparkSession, functions as F, type DataFrame, type Column } from '../../src/index.js';
import {
  MemoryStream, testStream, addData, checkAnswer, checkLastBatch, stopStream, startStream, type StreamAction,
} from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('property-batch-equals-streaming').getOrCreate();

const SCHEMA = 'k STRING, v INT, d DOUBLE, s STRING';
type InRow = [string | null, number | null, number | null, string | null];

// Few keys so groups see many updates; null keys and values, NaN and -0 in d, empty and repeated words in s.
const rowArb: fc.Arbitrary<InRow> = fc.tuple(
  fc.constantFrom('a', 'b', 'c', 'ü', null),
  fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constant(null)),
  fc.constantFrom(1.5, -2, 0, -0, 0.25, Number.NaN, null),
  fc.constantFrom('x', 'x y', 'y y z', '', null, 'z'),
);

/** What happens around one chunk of input. */
interface Step {
  readonly rows: InRow[];
  readonly restartBefore: boolean;
  readonly checkAfter: boolean;
}
const stepsArb: fc.Arbitrary<Step[]> = fc.array(
  fc.record({ rows: fc.array(rowArb, { minLength: 1, maxLength: 6 }), restartBefore: fc.boolean(), checkAfter: fc.boolean() }),
  { minLength: 1, maxLength: 6 },
);

const NUM_RUNS = 20;

// Every run's checkpoint goes under one directory, removed when the file ends.
const root = mkdtempSync(join(tmpdir(), 'spate-prop-stream-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const opts = (): { checkpointLocation: string } => ({ checkpointLocation: join(root, String(runs++)) });

async function batchRows(transform: (df: DataFrame) => DataFrame, rows: readonly InRow[]): Promise<unknown[][]> {
  return transform(spark.createDataFrame(rows, SCHEMA)).collectArrays();
}

/**
 * Builds the actions for append and complete mode: each chunk is added
 * (after a stop, when restartBefore: then started again), a checkAnswer of
 * the batch result over the prefix follows when checkAfter, and always at the end.
 */
async function prefixActions(input: MemoryStream, steps: readonly Step[], transform: (df: DataFrame) => DataFrame): Promise<StreamAction[]> {
  const actions: StreamAction[] = [];
  const seen: InRow[] = [];
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    if (st.restartBefore) actions.push(stopStream());
    actions.push(addData(input, ...st.rows));
    seen.push(...st.rows);
    if (st.restartBefore) actions.push(startStream());
    if (st.checkAfter || i === steps.length - 1) actions.push(checkAnswer(...await batchRows(transform, seen)));
  }
  return actions;
}

async function checkAppendOrComplete(mode: 'append' | 'complete', transform: (df: DataFrame) => DataFrame, steps: readonly Step[]): Promise<void> {
  const input = new MemoryStream(spark, SCHEMA);
  const actions = await prefixActions(input, steps, transform);
  await testStream(transform(input.toDF()), mode, actions, opts());
}

// Doubles that streaming merges from partial states in another order are rounded; integer sums and NaN-bearing sums of dyadic values are exact.
const aggregates = (): Column[] => [
  F.count('*').alias('n'),
  F.count('v').alias('nv'),
  F.sum('v').alias('sv'),
  F.avg('v').alias('av'),
  F.min('v').alias('minv'),
  F.max('v').alias('maxv'),
  F.sum('d').alias('sd'),
  F.min('d').alias('mind'),
  F.max('d').alias('maxd'),
  F.sort_array(F.collect_list('v')).alias('lv'),
  F.sort_array(F.collect_set('s')).alias('ss'),
  F.countDistinct('v').alias('dv'),
  F.round(F.stddev('v'), 6).alias('stdv'),
  F.approx_count_distinct('s').alias('acs'),
];

const grouped = (df: DataFrame): DataFrame => df.groupBy('k').agg(...aggregates());
const global = (df: DataFrame): DataFrame => df.agg(...aggregates());

test('append: select/filter/explode equals the batch query over the prefix', async () => {
  const transform = (df: DataFrame): DataFrame => df
    .filter(F.col('v').isNull().or(F.col('v').gt(-5)))
    .select(F.col('k'), F.col('v').multiply(2).alias('v2'), F.explode(F.split(F.col('s'), ' ')).alias('w'));
  await fc.assert(fc.asyncProperty(stepsArb, (steps) => checkAppendOrComplete('append', transform, steps)), { numRuns: NUM_RUNS });
});

test('complete: grouped aggregates equal the batch aggregation', async () => {
  await fc.assert(fc.asyncProperty(stepsArb, (steps) => checkAppendOrComplete('complete', grouped, steps)), { numRuns: NUM_RUNS });
});

test('complete: global aggregates equal the batch aggregation', async () => {
  await fc.assert(fc.asyncProperty(stepsArb, (steps) => checkAppendOrComplete('complete', global, steps)), { numRuns: NUM_RUNS });
});

test('complete: word count after explode, with a filter before the aggregation', async () => {
  const transform = (df: DataFrame): DataFrame => df
    .filter(F.col('v').isNotNull())
    .select(F.explode(F.split(F.col('s'), ' ')).alias('word'))
    .groupBy('word').count();
  await fc.assert(fc.asyncProperty(stepsArb, (steps) => checkAppendOrComplete('complete', transform, steps)), { numRuns: NUM_RUNS });
});

/**
 * Update mode: each batch's output is exactly the groups its input touched,
 * each with its value over everything so far; accumulating the output by
 * key (the last row seen per key wins) gives the batch result.
 */
async function checkUpdate(transform: (df: DataFrame) => DataFrame, keyOf: (r: InRow) => unknown, steps: readonly Step[]): Promise<void> {
  const input = new MemoryStream(spark, SCHEMA);
  const actions: StreamAction[] = [];
  const seen: InRow[] = [];
  const accumulated = new Map<string, unknown[]>();
  for (const st of steps) {
    if (st.restartBefore) actions.push(stopStream());
    actions.push(addData(input, ...st.rows));
    seen.push(...st.rows);
    if (st.restartBefore) actions.push(startStream());
    // One chunk is one batch: the check waits for it before the next chunk is added.
    const touched = new Set(st.rows.map((r) => JSON.stringify(keyOf(r))));
    const all = await batchRows(transform, seen);
    const changed = all.filter((r) => touched.has(JSON.stringify(r[0])));
    for (const r of changed) accumulated.set(JSON.stringify(r[0]), r);
    actions.push(checkLastBatch(...changed));
  }
  await testStream(transform(input.toDF()), 'update', actions, opts());
  // The accumulated update output covers every group with its final value.
  const final = await batchRows(transform, seen);
  assert.deepEqual(
    [...accumulated.values()].map((r) => JSON.stringify(r)).sort(),
    final.map((r) => JSON.stringify(r)).sort(),
  );
}

test('update: each batch emits the touched groups with their running values', async () => {
  await fc.assert(fc.asyncProperty(stepsArb, (steps) => checkUpdate(grouped, (r) => r[0], steps)), { numRuns: NUM_RUNS });
});

test('update: a global aggregation emits its one row every batch', async () => {
  // The global group has no key: prepend a constant so every chunk touches it.
  const transform = (df: DataFrame): DataFrame => df.groupBy(F.lit('all').alias('g')).agg(...aggregates());
  await fc.assert(fc.asyncProperty(stepsArb, (steps) => checkUpdate(transform, () => 'all', steps)), { numRuns: NUM_RUNS });
});

test('append: dropDuplicates keeps the first row of each key, across batches and restarts', async () => {
  const transform = (df: DataFrame): DataFrame => df.dropDuplicates(['k', 'v']);
  await fc.assert(fc.asyncProperty(stepsArb, async (steps) => {
    const input = new MemoryStream(spark, SCHEMA);
    const actions: StreamAction[] = [];
    const firsts = new Map<string, InRow>();
    const all: InRow[] = [];
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i]!;
      if (st.restartBefore) actions.push(stopStream());
      actions.push(addData(input, ...st.rows));
      all.push(...st.rows);
      if (st.restartBefore) actions.push(startStream());
      // The first row to arrive for a key is the one kept; later arrivals, in any batch, are dropped.
      for (const r of st.rows) {
        const key = JSON.stringify([r[0], r[1]]);
        if (!firsts.has(key)) firsts.set(key, r);
      }
      if (st.checkAfter || i === steps.length - 1) actions.push(checkAnswer(...firsts.values()));
    }
    // And the kept keys are exactly the batch query's.
    const batchKeys = (await transform(spark.createDataFrame(all, SCHEMA)).select('k', 'v').collectArrays()).map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(batchKeys, [...firsts.keys()].sort());
    await testStream(transform(input.toDF()), 'append', actions, opts());
  }), { numRuns: NUM_RUNS });
});

test('first/last fed as one batch equal the batch query', async () => {
  const transform = (df: DataFrame): DataFrame => df.groupBy('k').agg(F.first('v').alias('f'), F.last('s').alias('l'), F.count('*').alias('n'));
  await fc.assert(fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 20 }), async (rows) => {
    const input = new MemoryStream(spark, SCHEMA);
    await testStream(transform(input.toDF()), 'complete', [addData(input, ...rows), checkAnswer(...await batchRows(transform, rows))], opts());
  }), { numRuns: NUM_RUNS });
});
