// A stream-static join under an aggregation runs as a lookup when the static
// side's keys are unique (fused into the aggregation's input loop), and as a
// join otherwise: either way the streaming answer equals the batch query's.
import { test } from 'node:test';
import { SparkSession, functions as F, type DataFrame } from '../../src/index.js';
import { MemoryStream, testStream, addData, assertOnQuery, checkAnswer, stopStream, startStream } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('lookup-join').getOrCreate();

const EVENTS: [number | null, string | null, number][][] = [
  [[1, 'a', 10], [2, 'b', 20], [3, 'a', 30], [null, 'c', 40], [9, 'b', 50]],
  [[2, 'a', 1], [2, null, 2], [4, 'c', 3], [1, 'd', 4]],
  [[3, 'b', 5], [5, 'a', 6], [null, null, 7]],
];

const DIMS: Record<string, [number | null, string | null, boolean | null, number | null][]> = {
  'unique int keys': [[1, 'one', true, 1.5], [2, 'two', false, null], [3, null, null, 3.5], [4, 'four', true, 4.5], [null, 'none', true, 0]],
  'a repeated key (a real join)': [[1, 'one', true, 1.5], [2, 'two', false, 2.5], [2, 'deux', true, 2.25], [3, 'three', null, 3.5]],
  'a wide key range (a Map)': [[1, 'one', true, 1.5], [1_000_000_000, 'big', false, 2.5], [2, 'two', null, null]],
};

const shapes: Record<string, (events: DataFrame, dim: DataFrame) => DataFrame> = {
  'inner, grouped by a static column': (e, d) => e.join(d, 'id').groupBy('name').agg(F.count('*').alias('n'), F.sum('v').alias('s')),
  'left outer, grouped by event and static columns': (e, d) => e.join(d, 'id', 'left').groupBy('tag', 'flag').agg(F.count('*').alias('n'), F.sum('v').alias('s'), F.max('w').alias('w')),
  'inner after a filter, global': (e, d) => e.filter(F.col('v').gt(3)).join(d, 'id').agg(F.count('*').alias('n'), F.sum(F.col('w')).alias('w')),
};

for (const [dimName, dimRows] of Object.entries(DIMS)) {
  for (const [shapeName, shape] of Object.entries(shapes)) {
    test(`${shapeName}; static side with ${dimName}: streaming equals batch`, async () => {
      const dim = spark.createDataFrame(dimRows, 'id INT, name STRING, flag BOOLEAN, w DOUBLE');
      const input = new MemoryStream(spark, 'id INT, tag STRING, v INT');
      const expected = await shape(spark.createDataFrame(EVENTS.flat(), 'id INT, tag STRING, v INT'), dim).collectArrays();
      await testStream(shape(input.toDF(), dim), 'complete', [
        addData(input, ...EVENTS[0]!),
        addData(input, ...EVENTS[1]!),
        assertOnQuery(async (q) => { await q.processAllAvailable(); return true; }, 'process the first two batches before the restart'),
        stopStream(),
        startStream(),
        addData(input, ...EVENTS[2]!),
        checkAnswer(...expected),
      ]);
    });
  }
}

test('a BIGINT key looks up through the direct table, with keys below, inside and above its range', async () => {
  const dim = spark.createDataFrame([[10, 'ten'], [12, 'twelve'], [-3, 'minus three']], 'id BIGINT, name STRING');
  const input = new MemoryStream(spark, 'id BIGINT, v INT');
  const events: [number | null, number][] = [[10, 1], [11, 2], [12, 3], [-3, 4], [-4, 5], [13, 6], [2 ** 40, 7], [null, 8], [12, 9]];
  const shape = (e: DataFrame) => e.join(dim, 'id').groupBy('name').agg(F.count('*').alias('n'), F.sum('v').alias('s'));
  await testStream(shape(input.toDF()), 'complete', [
    addData(input, ...events),
    checkAnswer(['ten', 1, 1], ['twelve', 2, 12], ['minus three', 1, 4]),
  ]);
});
