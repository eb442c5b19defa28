import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows, batchToRows } from '../../src/core/batch.js';
import { LongType, StringType, StructField, StructType } from '../../src/core/types.js';
import { MemorySink, createSink, memoryTables } from '../../src/sinks/index.js';

const schema = StructType([StructField('word', StringType), StructField('n', LongType)]);
const b = (...rows: unknown[][]) => batchFromRows(schema, rows);
const ctx = { timeZone: 'UTC', partitionBy: [] as string[] };

test('memory sink, append: keeps every batch\'s rows in batch order', async () => {
  const sink = new MemorySink();
  assert.equal(sink.latestBatchId, undefined);
  await sink.addBatch(0, b(['a', 1], ['b', 2]), 'append');
  await sink.addBatch(1, b(), 'append');
  await sink.addBatch(2, b(['c', null]), 'append');
  assert.deepEqual(batchToRows(sink.allRows()), [['a', 1], ['b', 2], ['c', null]]);
  assert.deepEqual(batchToRows(sink.latestBatchRows()), [['c', null]]);
  assert.deepEqual(batchToRows(sink.rowsSinceBatch(0)), [['c', null]]);
  assert.equal(sink.latestBatchId, 2);
  assert.deepEqual(sink.batchIds(), [0, 1, 2]);
});

test('memory sink, update: accumulates the changed rows of each batch', async () => {
  const sink = new MemorySink();
  await sink.addBatch(0, b(['a', 1]), 'update');
  await sink.addBatch(1, b(['a', 2], ['b', 1]), 'update');
  assert.deepEqual(batchToRows(sink.allRows()), [['a', 1], ['a', 2], ['b', 1]]);
});

test('memory sink, complete: only the last batch (the whole result table) is kept', async () => {
  const sink = new MemorySink();
  await sink.addBatch(0, b(['a', 1]), 'complete');
  await sink.addBatch(1, b(['a', 2], ['b', 1]), 'complete');
  assert.deepEqual(batchToRows(sink.allRows()), [['a', 2], ['b', 1]]);
  assert.deepEqual(sink.batchIds(), [1]);
});

test('memory sink is idempotent by batch id: a replayed batch is not added again', async () => {
  const sink = new MemorySink();
  await sink.addBatch(0, b(['a', 1]), 'append');
  await sink.addBatch(1, b(['b', 1]), 'append');
  await sink.addBatch(1, b(['b', 1]), 'append');
  await sink.addBatch(0, b(['a', 1]), 'append');
  assert.deepEqual(batchToRows(sink.allRows()), [['a', 1], ['b', 1]]);
  const complete = new MemorySink();
  await complete.addBatch(4, b(['x', 9]), 'complete');
  await complete.addBatch(4, b(['x', 9]), 'complete');
  assert.deepEqual(batchToRows(complete.allRows()), [['x', 9]]);
});

test('memory sink: empty before the first batch, with the query schema when given; clear() forgets all', async () => {
  const sink = new MemorySink({ schema });
  const empty = sink.allRows();
  assert.equal(empty.numRows, 0);
  assert.deepEqual(empty.schema.fields.map((f) => f.name), ['word', 'n']);
  assert.equal(new MemorySink().allRows().schema.fields.length, 0);
  await sink.addBatch(5, b(['a', 1]), 'append');
  sink.clear();
  assert.equal(sink.allRows().numRows, 0);
  assert.equal(sink.latestBatchId, undefined);
  await sink.addBatch(0, b(['z', 0]), 'append');
  assert.deepEqual(batchToRows(sink.allRows()), [['z', 0]]);
});

test('createSink("memory") registers the sink under the query name and needs a name', () => {
  const sink = createSink('memory', {}, { ...ctx, outputMode: 'append', queryName: 'counts_test' });
  assert.ok(sink instanceof MemorySink);
  assert.equal(memoryTables.get('counts_test'), sink);
  assert.equal(sink.description, 'MemorySink[counts_test]');
  memoryTables.delete('counts_test');
  assert.throws(() => createSink('memory', {}, { ...ctx, outputMode: 'append' }), /queryName must be specified for memory sink/);
});

test('createSink names an unknown format and suggests the closest', () => {
  assert.throws(() => createSink('consol', {}, { ...ctx, outputMode: 'append' }),
    (e: any) => e.code === 'UNKNOWN_SINK_FORMAT' && /'consol'/.test(e.message) && /Did you mean 'console'/.test(e.message));
  assert.throws(() => createSink('foreachBatch', {}, { ...ctx, outputMode: 'append' }), /foreachBatch\(\(df, batchId\) => \.\.\.\)/);
  assert.throws(() => createSink('console', {}, { ...ctx, partitionBy: ['word'], outputMode: 'append' }), /partitionBy\(word\) applies to file sinks only/);
});
