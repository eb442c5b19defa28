import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows } from '../../src/core/batch.js';
import { IntegerType, StringType, StructField, StructType } from '../../src/core/types.js';
import { MemoryStream } from '../../src/sources/memory-stream.js';
import { rowsOf } from './support.js';

const schema = StructType([StructField('id', IntegerType), StructField('name', StringType)]);
const all = { kind: 'all' } as const;

test('addData returns Spark LongOffsets 0, 1, ...; latestOffset is null before any data', async () => {
  const s = new MemoryStream(schema);
  assert.equal(s.description, 'MemoryStream[id,name]');
  assert.equal(await s.latestOffset(null, all), null);
  assert.equal(s.addData([[1, 'a'], [2, null]]), 0);
  assert.equal(s.addData([[3, 'c']]), 1);
  assert.equal(await s.latestOffset(null, all), 1);
  assert.deepEqual(rowsOf(await s.getBatch(null, 1)), [[1, 'a'], [2, null], [3, 'c']]);
  assert.deepEqual(rowsOf(await s.getBatch(0, 1)), [[3, 'c']]);
  assert.deepEqual(rowsOf(await s.getBatch(1, 1)), []);
});

test('any uncommitted range replays identical rows; an empty addData is its own offset', async () => {
  const s = new MemoryStream(schema);
  s.addData([[1, 'a']]);
  s.addData([]);
  s.addData([[2, 'b'], [3, 'c']]);
  const first = rowsOf(await s.getBatch(null, 2));
  assert.deepEqual(first, [[1, 'a'], [2, 'b'], [3, 'c']]);
  assert.deepEqual(rowsOf(await s.getBatch(null, 2)), first);
  assert.deepEqual(rowsOf(await s.getBatch(0, 1)), []);
});

test('commit drops committed batches but keeps later ones; reading dropped data is an error', async () => {
  const s = new MemoryStream(schema);
  s.addData([[1, 'a']]);
  s.addData([[2, 'b']]);
  s.addData([[3, 'c']]);
  await s.commit(0);
  assert.deepEqual(rowsOf(await s.getBatch(0, 2)), [[2, 'b'], [3, 'c']]);
  await s.commit(0); // a replayed commit is harmless
  await s.commit(1);
  assert.deepEqual(rowsOf(await s.getBatch(1, 2)), [[3, 'c']]);
  await assert.rejects(s.getBatch(null, 2), (e: Error & { code?: string }) => e.code === 'OFFSET_OUT_OF_RANGE' && /committed and dropped/.test(e.message));
  await assert.rejects(s.getBatch(2, 5), /only offsets up to 2/);
});

test('reset forgets everything and restarts the offsets', async () => {
  const s = new MemoryStream(schema);
  s.addData([[1, 'a']]);
  await s.commit(0);
  s.reset();
  assert.equal(s.currentOffset, -1);
  assert.equal(await s.latestOffset(null, all), null);
  assert.equal(s.addData([[9, 'z']]), 0);
  assert.deepEqual(rowsOf(await s.getBatch(null, 0)), [[9, 'z']]);
});

test('a one-column stream takes bare values; a RecordBatch of the schema is accepted as is', async () => {
  const one = new MemoryStream(StructType([StructField('value', IntegerType)]));
  one.addData([1, 2, null]);
  assert.deepEqual(rowsOf(await one.getBatch(null, 0)), [[1], [2], [null]]);
  const s = new MemoryStream(schema);
  s.addData(batchFromRows(schema, [[5, 'e']]));
  assert.deepEqual(rowsOf(await s.getBatch(null, 0)), [[5, 'e']]);
  assert.throws(() => s.addData([[1]]), /row 0 has 1 value\(s\) but the stream has 2 column/);
  assert.throws(() => s.addData(batchFromRows(StructType([StructField('x', StringType)]), [['q']])), /columns \(x:string\)/);
});
