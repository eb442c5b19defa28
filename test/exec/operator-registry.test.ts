// The operator registry (exec/operators.ts, with each kind's shape in physical/shapes.ts): one entry per
// physical kind, whose children and withChildren agree, and the metrics every node that runs on its own reports (rows in, rows out, time) in explain()
// after a run and in streaming progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { OPERATORS, describeNode, stateSpecOf } from '../../src/exec/operators.js';
import { physicalChildren, withChildren } from '../../src/physical/shapes.js';
import type { PhysicalPlan } from '../../src/physical/physical.js';
import { planIncremental } from '../../src/plan/streaming.js';

const spark = SparkSession.builder.appName('operators').getOrCreate();

function nodes(p: PhysicalPlan): PhysicalPlan[] {
  return [p, ...physicalChildren(p).flatMap(nodes)];
}

test('every node of real plans: withChildren over its own children gives the same node; each has an explain line', () => {
  const people = spark.createDataFrame([[1, 'a', 10], [2, 'b', 20]], 'id INT, name STRING, v INT');
  const other = spark.createDataFrame([[1, 'x']], 'id INT, tag STRING');
  const plans = [
    people.filter('v > 1').select('id', 'v').groupBy('id').agg(F.sum('v')).orderBy('id').limit(1),
    people.join(other, 'id').union(people.join(other, 'id')).dropDuplicates(['id']),
    people.select(F.explode(F.array('id', 'v')).alias('x')),
  ].map((df) => df.analyze().plan);
  const input = new MemoryStream(spark, 'ts TIMESTAMP, k STRING');
  plans.push(planIncremental(input.toDF().withWatermark('ts', '1 minute').groupBy(F.window('ts', '1 minute'), 'k').count().analyze().plan).plan);
  plans.push(planIncremental(input.toDF().withWatermark('ts', '1 minute').groupBy(F.session_window('ts', '1 minute'), 'k').count().analyze().plan).plan);
  plans.push(planIncremental(input.toDF().dropDuplicates(['k']).analyze().plan).plan);
  const seen = new Set<string>();
  for (const n of plans.flatMap(nodes)) {
    seen.add(n.kind);
    assert.deepEqual(withChildren(n, physicalChildren(n)), n, n.kind);
    assert.ok(describeNode(n).length > 0);
  }
  for (const k of ['filter', 'project', 'aggregate', 'sort', 'limit', 'join', 'union', 'dedup', 'generate', 'scan', 'watermark', 'statefulAggregate', 'sessionAggregate', 'sessionWindow', 'streamingDedup', 'streamScan']) {
    assert.ok(seen.has(k), `a plan above has a ${k} node`);
  }
  // Exactly the stateful kinds name their state.
  const stateful = Object.entries(OPERATORS).filter(([, d]) => d.state !== undefined).map(([k]) => k).sort();
  assert.deepEqual(stateful, ['sessionAggregate', 'statefulAggregate', 'streamingDedup']);
  const agg = plans.flatMap(nodes).find((n) => n.kind === 'statefulAggregate')!;
  assert.equal(stateSpecOf(agg)!.name, 'stateStoreSave');
  assert.equal(stateSpecOf(plans[0]!), undefined);
});

test('withChildren refuses the wrong number of children', () => {
  const p = spark.createDataFrame([[1]], 'v INT').filter('v > 0').analyze().plan;
  assert.throws(() => withChildren(p, []), /takes one child/);
});

test('explain() after an action shows what each node that ran did: rows in, rows out, time', async () => {
  const df = spark.createDataFrame([[1, 'a'], [2, 'a'], [3, 'b'], [4, 'b'], [5, 'c']], 'v INT, k STRING')
    .filter('v > 1').groupBy('k').count();
  assert.doesNotMatch(df.explainString(), /rows in/, 'nothing ran yet');
  assert.equal((await df.collect()).length, 3);
  const text = df.explainString();
  // The filter runs fused into the aggregation's input loop: the aggregation reads the scan's 5 rows.
  assert.match(text, /HashAggregate\(.*\) \[rows in 5, out 3, [\d.]+ ms\]/);
  assert.match(text, /LocalTableScan \[v, k\] \[rows in 0, out 5, [\d.]+ ms\]/);
  assert.match(text, /\*Filter \(v > 1\)\n/, 'a fused node has no numbers of its own');
});

test('streaming progress lists each operator that ran with rows in and out; explain() sums the batches', async () => {
  const input = new MemoryStream(spark, 'k STRING');
  const q = input.toDF().groupBy('k').count().writeStream.outputMode('update').foreachBatch(() => undefined).start();
  try {
    input.addData('a', 'b', 'a');
    await q.processAllAvailable();
    input.addData('c');
    await q.processAllAvailable();
    const ops = q.lastProgress!.operators;
    const agg = ops.find((o) => o.operator.startsWith('StatefulAggregate'))!;
    assert.deepEqual([agg.numInputRows, agg.numOutputRows], [1, 1]);
    const scan = ops.find((o) => o.operator.startsWith('StreamingRelation'))!;
    assert.deepEqual([scan.numInputRows, scan.numOutputRows], [0, 1]);
    assert.ok(ops.every((o) => o.timeMs >= 0));
    assert.match(q.explainString(), /StatefulAggregate\(.*\) \[rows in 4, out 3, [\d.]+ ms\]/);
  } finally {
    await q.stop();
  }
});
