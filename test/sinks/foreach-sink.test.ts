import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows, batchToRows, type RecordBatch } from '../../src/core/batch.js';
import { parseDate } from '../../src/core/datetime.js';
import { DateType, IntegerType, StringType, StructField, StructType } from '../../src/core/types.js';
import { ForeachBatchSink, ForeachSink, type ForeachWriter } from '../../src/sinks/index.js';
import type { Row } from '../../src/core/row.js';

const schema = StructType([StructField('id', IntegerType), StructField('s', StringType), StructField('d', DateType)]);
const batch = batchFromRows(schema, [[1, 'a', parseDate('2024-03-01')], [2, null, null]]);

/** A writer that records every call, failing where told. */
function recorder(opts: { openResult?: boolean; failOnId?: number; failOpen?: boolean; failClose?: boolean } = {}) {
  const calls: string[] = [];
  const rows: Row[] = [];
  const writer: ForeachWriter = {
    async open(partitionId, epochId) {
      calls.push(`open(${partitionId},${epochId})`);
      if (opts.failOpen) throw new Error('open failed');
      return opts.openResult ?? true;
    },
    process(row) {
      calls.push(`process(${String(row['id'])})`);
      if (row['id'] === opts.failOnId) throw new Error(`bad row ${String(row['id'])}`);
      rows.push(row);
    },
    close(error) {
      calls.push(`close(${error === null ? 'null' : error.message})`);
      if (opts.failClose) throw new Error('close failed');
    },
  };
  return { writer, calls, rows };
}

test('foreach: open, then process per row as plain objects, then close(null), per batch', async () => {
  const r = recorder();
  const sink = new ForeachSink(r.writer);
  await sink.addBatch(0, batch, 'append');
  await sink.addBatch(1, batchFromRows(schema, []), 'append');
  assert.deepEqual(r.calls, ['open(0,0)', 'process(1)', 'process(2)', 'close(null)', 'open(0,1)', 'close(null)']);
  assert.deepEqual(r.rows, [{ id: 1, s: 'a', d: new Date('2024-03-01T00:00:00Z') }, { id: 2, s: null, d: null }]);
});

test('foreach: open returning false skips the rows but still closes', async () => {
  const r = recorder({ openResult: false });
  await new ForeachSink(r.writer).addBatch(7, batch, 'append');
  assert.deepEqual(r.calls, ['open(0,7)', 'close(null)']);
});

test('foreach: a process error closes with that error and fails the batch', async () => {
  const r = recorder({ failOnId: 1, failClose: true });
  await assert.rejects(new ForeachSink(r.writer).addBatch(0, batch, 'append'), /bad row 1/);
  assert.deepEqual(r.calls, ['open(0,0)', 'process(1)', 'close(bad row 1)']);
});

test('foreach: an open error fails the batch without close; a close error fails it too', async () => {
  const a = recorder({ failOpen: true });
  await assert.rejects(new ForeachSink(a.writer).addBatch(0, batch, 'append'), /open failed/);
  assert.deepEqual(a.calls, ['open(0,0)']);
  const b = recorder({ failClose: true });
  await assert.rejects(new ForeachSink(b.writer).addBatch(0, batch, 'append'), /close failed/);
  assert.deepEqual(b.calls, ['open(0,0)', 'process(1)', 'process(2)', 'close(null)']);
});

test('foreachBatch: called with each batch and its id, awaited, errors propagate', async () => {
  const seen: [number, unknown[][]][] = [];
  let inFlight = false;
  const sink = new ForeachBatchSink(async (b: RecordBatch, id: number) => {
    assert.equal(inFlight, false);
    inFlight = true;
    await new Promise((res) => setImmediate(res));
    seen.push([id, batchToRows(b)]);
    inFlight = false;
  });
  await sink.addBatch(0, batch, 'update');
  await sink.addBatch(1, batchFromRows(schema, []), 'update');
  assert.deepEqual(seen, [[0, batchToRows(batch)], [1, []]]);
  const failing = new ForeachBatchSink((_b, id) => { throw new Error(`batch ${id} failed`); });
  await assert.rejects(failing.addBatch(3, batch, 'append'), /batch 3 failed/);
  assert.equal(sink.description, 'ForeachBatchSink');
});
