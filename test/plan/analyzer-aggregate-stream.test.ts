// Aggregation analysis (ResolveAggregateFunctions, CheckAnalysis's grouping rules) and the streaming checks
// (UnsupportedOperationChecker) as tables: a DataFrame → Spark's schema, or the failure code and message.
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import type { DataFrame } from '../../src/api/dataframe.js';
import { fails, runAnalyzerTable } from './analyzer-cases.js';

const spark = SparkSession.builder.appName('analyzer-aggregate-stream').getOrCreate();
const t = () => spark.createDataFrame([[1, 'a', 2.5, 10]], 'id INT, name STRING, score DOUBLE, n BIGINT');

runAnalyzerTable({
  name: 'analyzer: aggregation',
  source: 'Spark ResolveAggregateFunctions, CheckAnalysis (MISSING_AGGREGATION); sql-tests/results/group-by.sql.out',
  rows: [
    ['grouping columns first, then aggregates named after their call', () => t().groupBy('name').agg(F.sum('id'), F.avg('score')), 'struct<name:string,sum(id):bigint,avg(score):double>'],
    ['count(*) is named count(1)', () => t().groupBy('name').agg(F.count('*')), 'struct<name:string,count(1):bigint>'],
    ['GroupedData.count() is named count', () => t().groupBy('name').count(), 'struct<name:string,count:bigint>'],
    ['sum of a double is a double, of a bigint a bigint', () => t().groupBy().agg(F.sum('score'), F.sum('n')), 'struct<sum(score):double,sum(n):bigint>'],
    ['min / max keep the type', () => t().groupBy().agg(F.min('name'), F.max('id')), 'struct<min(name):string,max(id):int>'],
    ['an expression over aggregates', () => t().groupBy('name').agg(F.expr('sum(id) + 1').alias('x')), 'struct<name:string,x:bigint>'],
    ['groupBy an expression names it by its text', () => t().groupBy(F.expr('id % 2')).count(), 'struct<(id % 2):int,count:bigint>'],
    ['a global aggregate via select', () => t().select(F.count('id')), 'struct<count(id):bigint>'],
    ['collect_list is an array of the input type', () => t().groupBy().agg(F.collect_list('name')), 'struct<collect_list(name):array<string>>'],
    ['a column neither grouped nor aggregated (MISSING_AGGREGATION)', () => t().groupBy('name').agg(F.col('id')), fails('MISSING_AGGREGATION', /'id'/)],
    ['an aggregate inside an aggregate', () => t().groupBy().agg(F.expr('sum(max(id))')), fails('AGGREGATE_NOT_ALLOWED', /max\(\) cannot be used in sum/)],
    ['an aggregate in a filter', () => t().filter('sum(id) > 1'), fails('AGGREGATE_NOT_ALLOWED')],
    ['a generator nested in an expression', () => t().select(F.expr('explode(array(1, 2)) + 1')), fails('GENERATOR_NOT_ALLOWED')],
    ['two generators in one select', () => t().select(F.expr('explode(array(1))'), F.expr('explode(array(2))')), fails('MULTIPLE_GENERATORS')],
    ['union by position: the first input names the columns, types widen', () => t().select('id', 'name').union(t().select('n', 'name')), 'struct<id:bigint,name:string>'],
    ['union of different widths (NUM_COLUMNS_MISMATCH)', () => t().select('id').union(t().select('id', 'name')), fails('NUM_COLUMNS_MISMATCH')],
  ],
});

/** Starts `df` as a streaming query in `mode` and stops it: the checks run at start(), as in Spark. */
function start(df: DataFrame, mode: 'append' | 'complete' | 'update'): string {
  const q = df.writeStream.format('memory').queryName(`analyzer_${Math.random().toString(36).slice(2)}`).outputMode(mode).start();
  q.stop();
  return 'started';
}
const stream = () => new MemoryStream(spark, 'k STRING, v INT, ts TIMESTAMP').toDF();
const UNSUPPORTED = 'UNSUPPORTED_STREAMING_OPERATION';

runAnalyzerTable({
  name: 'analyzer: streaming checks',
  source: 'Spark UnsupportedOperationChecker; UnsupportedOperationsSuite, EventTimeWatermarkSuite',
  rows: [
    ['a projection and filter start in append mode', () => start(stream().filter('v > 0').select('k'), 'append'), 'started'],
    ['an aggregation starts in complete mode', () => start(stream().groupBy('k').count(), 'complete'), 'started'],
    ['an aggregation starts in update mode', () => start(stream().groupBy('k').count(), 'update'), 'started'],
    ['an aggregation without a watermark fails in append mode', () => start(stream().groupBy('k').count(), 'append'), fails(UNSUPPORTED, /Append output mode not supported when there are streaming aggregations/)],
    ['a windowed aggregation with a watermark starts in append mode', () => start(stream().withWatermark('ts', '10 seconds').groupBy(F.window('ts', '1 minute')).count(), 'append'), 'started'],
    ['complete mode without an aggregation fails', () => start(stream().select('k'), 'complete'), fails(UNSUPPORTED, /Complete output mode not supported when there are no streaming aggregations/)],
    ['sorting a stream fails', () => start(stream().orderBy('v'), 'append'), fails(UNSUPPORTED, /Sorting is not supported on streaming DataFrames/)],
    ['sorting an aggregated stream in complete mode starts', () => start(stream().groupBy('k').count().orderBy('count'), 'complete'), 'started'],
    ['a limit in append mode fails', () => start(stream().limit(5), 'append'), fails(UNSUPPORTED, /Limits are not supported on streaming DataFrames\/Datasets in append output mode/)],
    ['a stream-stream join fails', () => start(stream().join(stream(), 'k'), 'append'), fails(UNSUPPORTED, /Joins between two streaming DataFrames/)],
    ['a stream-static inner join starts', () => start(stream().join(spark.createDataFrame([['a', 1]], 'k STRING, w INT'), 'k'), 'append'), 'started'],
    ['a static-stream left outer join fails', () => start(spark.createDataFrame([['a', 1]], 'k STRING, w INT').join(stream(), 'k', 'left'), 'append'), fails(UNSUPPORTED, /on the right is not supported/)],
    ['dropDuplicatesWithinWatermark needs a watermark', () => start(stream().dropDuplicatesWithinWatermark(['k']), 'append'), fails(UNSUPPORTED, /needs a watermark/)],
    ['redefining the watermark below a stateful operator fails (EventTimeWatermarkSuite)', () => start(stream().withWatermark('ts', '10 seconds').withColumn('ts2', F.col('ts')).withWatermark('ts2', '20 seconds').dropDuplicates(['k']), 'append'), fails(UNSUPPORTED, /Redefining watermark is disallowed/)],
    ['a batch action on a stream fails', () => stream().collect(), fails('STREAMING_QUERY_REQUIRED', /must be executed with writeStream.start\(\)/)],
  ],
});
