// A long aggregation over a scanned batch gives the event loop turns between its slices
// (exec/yield.ts), so a pipelined commit or a server in the same process is not held up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../../src/index.js';
import { makeBatch } from '../../../src/core/batch.js';
import { IntegerType, LongType, StructField, StructType } from '../../../src/core/types.js';

const spark = SparkSession.builder.appName('event-loop-turns').getOrCreate();

test('an aggregation over 4M scanned rows lets a setImmediate run before it finishes, and counts right', async () => {
  const n = 4_000_000;
  const k = new Int32Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) { k[i] = i % 1000; v[i] = i; }
  const schema = StructType([StructField('k', IntegerType, false), StructField('v', LongType, false)]);
  const df = spark.fromBatches(schema, [makeBatch(schema, [
    { type: IntegerType, length: n, values: k, validity: null },
    { type: LongType, length: n, values: v, validity: null },
  ], n)]);
  const order: string[] = [];
  setImmediate(() => order.push('turn'));
  const rows = await df.groupBy('k').agg(F.count(F.lit(1)).alias('n'), F.sum('v').alias('s')).orderBy('k').collectArrays();
  order.push('done');
  assert.deepEqual(order, ['turn', 'done'], 'the event loop had a turn while the aggregation ran');
  assert.equal(rows.length, 1000);
  assert.deepEqual(rows[7], [7, 4000, 4000 * 7 + 1000 * (3999 * 4000) / 2]);
});
