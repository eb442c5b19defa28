// A sliding-window aggregation expands its input slice by slice into reused arrays (exec/window.ts's
// WindowScratch, aggregateInputs): over many slices, with null times, a string key and a nullable value,
// the counts and sums must be those of a plain loop over the rows (columns with and without nulls, int and long).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../../src/index.js';
import { makeBatch } from '../../../src/core/batch.js';
import { IntegerType, LongType, StringType, StructField, StructType, TimestampType } from '../../../src/core/types.js';

const spark = SparkSession.builder.appName('sliding-window-slices').getOrCreate();

test('sliding windows over 100k rows (several expansion slices): counts and sums equal a hand loop', async () => {
  const n = 100_000;
  const ts = new Float64Array(n);
  const tsValid = new Uint8Array(n);
  const key: (string | null)[] = new Array(n);
  const v = new Int32Array(n);
  const vValid = new Uint8Array(n);
  const x = new Int32Array(n);
  const y = new Float64Array(n);
  const expected = new Map<string, [number, number, number, number]>();
  const SLIDE = 2_000_000;
  for (let i = 0; i < n; i++) {
    const t = 1_700_000_000_000_000 + i * 997 + ((i * 7919) % 3_000_000);
    ts[i] = t;
    tsValid[i] = i % 101 === 0 ? 0 : 1;
    key[i] = `k${i % 7}`;
    v[i] = (i * 31) % 50;
    vValid[i] = i % 13 === 0 ? 0 : 1;
    x[i] = i % 17;
    y[i] = i * 3;
    if (tsValid[i] === 0) continue;
    // Windows of 10 s sliding every 2 s containing t: starts in (t - 10 s, t], multiples of 2 s.
    const last = Math.floor(t / SLIDE) * SLIDE;
    for (let s = last; s > t - 10_000_000; s -= SLIDE) {
      const id = `${s}|${key[i]}`;
      const e = expected.get(id) ?? [0, 0, 0, 0];
      e[0]++;
      if (vValid[i] === 1) e[1] += v[i]!;
      e[2] += x[i]!;
      e[3] += y[i]!;
      expected.set(id, e);
    }
  }
  const schema = StructType([StructField('t', TimestampType), StructField('k', StringType), StructField('v', IntegerType), StructField('x', IntegerType, false), StructField('y', LongType, false)]);
  const df = spark.fromBatches(schema, [makeBatch(schema, [
    { type: TimestampType, length: n, values: ts, validity: tsValid },
    { type: StringType, length: n, values: key, validity: null },
    { type: IntegerType, length: n, values: v, validity: vValid },
    { type: IntegerType, length: n, values: x, validity: null },
    { type: LongType, length: n, values: y, validity: null },
  ], n)]);
  const rows = await df.groupBy(F.window(F.col('t'), '10 seconds', '2 seconds'), F.col('k'))
    .agg(F.count(F.lit(1)).alias('n'), F.sum('v').alias('s'), F.sum('x').alias('sx'), F.sum('y').alias('sy')).collectArrays();
  const startOf = (w: unknown): number => (w as { start: Date }).start.getTime() * 1000;
  const got = new Map(rows.map((r) => [`${startOf(r[0])}|${r[1]}`, [Number(r[2]), Number(r[3]), Number(r[4]), Number(r[5])]]));
  assert.equal(got.size, expected.size);
  for (const [id, e] of expected) assert.deepEqual(got.get(id), e, id);
});
