// max/min(struct(fields...)) of numbers runs on the fields (exec/aggregate/min-max-struct.ts): it must give
// what max/min of the struct values gives (MinMaxAccumulator, exec/compare.ts's order), merge and reload
// its state like it, and keep Spark's column name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DoubleType, IntegerType, LongType, StructField, StructType, TimestampType } from '../../../src/core/types.js';
import { vectorFromValues, vectorToArray } from '../../../src/core/vector.js';
import { MinMaxAccumulator } from '../../../src/expressions/aggregate/min-max.js';
import { StructMinMaxAccumulator } from '../../../src/expressions/aggregate/min-max-struct.js';
import { SparkSession, functions as F } from '../../../src/index.js';
import { MemoryStream } from '../../../src/testing/index.js';

const T = StructType([StructField('a', DoubleType), StructField('b', IntegerType), StructField('t', TimestampType), StructField('l', LongType)]);

let seed = 7;
// The high bits: the low bits of this generator repeat with a short period.
const rnd = (m: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 16) % m; };
// Few distinct values, so ties and deciding fields further right are common; nulls, NaN and -0.0 included.
const pick = <V>(xs: readonly V[]): V => xs[rnd(xs.length)]!;
const A = [1, 2, 2, -0, 0, NaN, null, 3.5] as const;
const B = [1, 2, null, 3] as const;
const TS = [1_700_000_000_000_000, 1_700_000_000_000_001, null] as const;
const L = [5, 6, null, -1] as const;

function rows(n: number): unknown[][] {
  return Array.from({ length: n }, () => [pick(A), pick(B), pick(TS), pick(L)]);
}

const fieldVectors = (rs: readonly unknown[][]) => T.fields.map((f, c) => vectorFromValues(f.dataType, rs.map((r) => r[c] ?? null)));
const structVector = (rs: readonly unknown[][]) => vectorFromValues(T, rs.map((r) => [...r]));

for (const isMax of [true, false]) {
  const name = isMax ? 'max' : 'min';
  test(`${name}(struct) on fields equals ${name} of the struct values, with ties, nulls, NaN and -0.0; merge and state round trip`, () => {
    for (let round = 0; round < 20; round++) {
      const n = 1 + rnd(400);
      const groups = 1 + rnd(12);
      const rs = rows(n);
      const ids = Int32Array.from({ length: n }, () => rnd(groups));
      const generic = new MinMaxAccumulator(T, isMax);
      generic.update(ids, n, [structVector(rs)], groups);
      const fast = new StructMinMaxAccumulator(T, isMax);
      fast.update(ids, n, fieldVectors(rs), groups);
      const expected = vectorToArray(generic.evaluate(groups));
      assert.deepEqual(vectorToArray(fast.evaluate(groups)), expected, `round ${round}`);

      // Two partial accumulators merged give the same (the second counts as later input).
      const cut = rnd(n);
      const first = new StructMinMaxAccumulator(T, isMax);
      first.update(ids.subarray(0, cut), cut, fieldVectors(rs.slice(0, cut)), groups);
      const second = new StructMinMaxAccumulator(T, isMax);
      second.update(ids.subarray(cut), n - cut, fieldVectors(rs.slice(cut)), groups);
      first.merge(second, Int32Array.from({ length: groups }, (_, g) => g), groups, groups);
      assert.deepEqual(vectorToArray(first.evaluate(groups)), expected, `merged, round ${round}`);

      // State written by either accumulator loads into the other (the checkpointed state is the struct).
      const reloaded = new StructMinMaxAccumulator(T, isMax);
      reloaded.importState(generic.exportState(groups), Int32Array.from({ length: groups }, (_, g) => g), groups);
      assert.deepEqual(vectorToArray(reloaded.evaluate(groups)), expected);
      const back = new MinMaxAccumulator(T, isMax);
      back.importState(fast.exportState(groups), Int32Array.from({ length: groups }, (_, g) => g), groups);
      assert.deepEqual(vectorToArray(back.evaluate(groups)), expected);
    }
  });
}

const spark = SparkSession.builder.appName('min-max-struct').getOrCreate();

test('groupBy().agg(max(struct(...)), min(struct(...))): results and column names as for any struct', async () => {
  const df = spark.createDataFrame([
    ['x', 3, 10, 'p'], ['x', 3, 20, 'q'], ['x', 1, 99, 'r'], ['y', null, 5, 's'], ['y', 2, null, 't'], ['y', 2, 7, 'u'],
  ], 'g STRING, price INT, id LONG, s STRING');
  const out = df.groupBy('g').agg(F.max(F.struct('price', 'id')), F.min(F.struct('price', 'id')), F.max(F.struct('price', 's'))).orderBy('g');
  assert.deepEqual(out.columns, ['g', 'max(struct(price, id))', 'min(struct(price, id))', 'max(struct(price, s))']);
  const got = await out.collect();
  assert.deepEqual(got, [
    { g: 'x', 'max(struct(price, id))': { price: 3, id: 20 }, 'min(struct(price, id))': { price: 1, id: 99 }, 'max(struct(price, s))': { price: 3, s: 'q' } },
    { g: 'y', 'max(struct(price, id))': { price: 2, id: 7 }, 'min(struct(price, id))': { price: null, id: 5 }, 'max(struct(price, s))': { price: 2, s: 'u' } },
  ]);
});

test('a windowed max(struct(...)) in a streaming query keeps the best row across batches and a restart', async () => {
  const checkpoint = mkdtempSync(join(tmpdir(), 'spate-max-struct-'));
  const input = new MemoryStream(spark, 'time TIMESTAMP, price LONG, bidder LONG');
  const seen: unknown[][] = [];
  const run = () => input.toDF().withWatermark('time', '1 second')
    .groupBy(F.window(F.col('time'), '10 seconds')).agg(F.max(F.struct(F.col('price'), F.col('bidder'))).alias('top'))
    .writeStream.outputMode('append').option('checkpointLocation', checkpoint)
    .foreachBatch(async (df) => { for (const r of await df.collect()) seen.push([(r['window'] as { start: Date }).start.toISOString(), r['top']]); })
    .start();
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  let q = run();
  input.addData([at(1), 10, 1], [at(2), 30, 2]);
  await q.processAllAvailable();
  await q.stop();
  // The window's state (its best row so far) is reloaded from the checkpoint.
  q = run();
  input.addData([at(3), 30, 3], [at(4), 20, 4], [at(12), 1, 5]);
  await q.processAllAvailable();
  input.addData([at(25), 1, 6]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(seen, [['2026-01-01T00:00:00.000Z', { price: 30, bidder: 3 }], ['2026-01-01T00:00:10.000Z', { price: 1, bidder: 5 }]]);
});
