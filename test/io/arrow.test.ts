import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { toArrowTable, fromArrowTable } from '../../src/io/arrow.js';
import { batchFromRows, batchToRows } from '../../src/core/batch.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, MapType, StringType,
  StructField, StructType, TimestampType,
} from '../../src/core/types.js';
import { parseDate, parseTimestamp } from '../../src/core/datetime.js';

const all = StructType([
  StructField('b', BooleanType), StructField('i', IntegerType), StructField('l', LongType), StructField('f', FloatType),
  StructField('d', DoubleType), StructField('dec', DecimalType(10, 2)), StructField('s', StringType), StructField('bin', BinaryType),
  StructField('day', DateType), StructField('ts', TimestampType), StructField('arr', ArrayType(IntegerType)),
  StructField('m', MapType(StringType, LongType)), StructField('st', StructType([StructField('x', StringType), StructField('y', DoubleType)])),
]);
const data = [
  [true, 1, 2 ** 40, 1.5, NaN, 12.34, 'héllo', new Uint8Array([1, 2]), parseDate('2024-01-05'), parseTimestamp('2024-01-05 10:00:00.123456'),
    [1, null], new Map([['k', 5]]), ['a', 0.5]],
  [null, null, null, null, null, null, null, null, null, null, null, null, null],
  [false, -7, -3, -0.25, -Infinity, 0, '', new Uint8Array([]), parseDate('1969-12-31'), parseTimestamp('1969-12-31 23:59:59'), [], new Map(), [null, null]],
];

test('every spate type survives spate → Arrow → spate', () => {
  const table = toArrowTable(all, [batchFromRows(all, data)]);
  assert.equal(table.numRows, 3);
  assert.equal(String(table.schema.fields.find((f) => f.name === 'ts')!.type), 'Timestamp<MICROSECOND, UTC>');
  assert.equal(table.getChild('l')!.type.typeId, arrow.Type.Int);
  assert.equal(table.getChild('l')!.get(0), 2n ** 40n);
  assert.equal(table.getChild('s')!.get(0), 'héllo');
  assert.equal(table.getChild('i')!.get(1), null);
  const back = fromArrowTable(table);
  assert.deepEqual(back.schema.fields.map((f) => f.dataType.kind),
    ['boolean', 'int', 'long', 'float', 'double', 'double', 'string', 'binary', 'date', 'timestamp', 'array', 'map', 'struct']);
  assert.deepEqual(batchToRows(back.batches[0]!), data);
});

test('Float64 and Int32 columns share memory with Arrow', () => {
  const s = StructType([StructField('d', DoubleType), StructField('i', IntegerType)]);
  const b = batchFromRows(s, [[1.5, 1], [2.5, 2]]);
  const t = toArrowTable(s, [b]);
  const back = fromArrowTable(t).batches[0]!;
  assert.equal((back.columns[0]!.values as Float64Array).buffer, (b.columns[0]!.values as Float64Array).buffer);
  assert.equal((back.columns[1]!.values as Int32Array).buffer, (b.columns[1]!.values as Int32Array).buffer);
});

test('Arrow-only types map in: dictionary strings, Int64, Date64, millisecond timestamps, LargeUtf8', () => {
  const dict = arrow.vectorFromArray(['a', 'b', 'a', null], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
  const i64 = arrow.vectorFromArray([1n, null, -2n, 3n], new arrow.Int64());
  const d64 = arrow.vectorFromArray([new Date(Date.UTC(2024, 0, 5)), null, null, null], new arrow.DateMillisecond());
  const tms = arrow.vectorFromArray([Date.UTC(2024, 0, 5, 10), null, null, 0], new arrow.TimestampMillisecond());
  const big = arrow.vectorFromArray(['x', 'y', null, 'z'], new arrow.LargeUtf8());
  const t = new arrow.Table({ dict, i64, d64, tms, big });
  const back = fromArrowTable(t);
  assert.deepEqual(back.schema.fields.map((f) => f.dataType.kind), ['string', 'long', 'date', 'timestamp', 'string']);
  const rows = back.batches.flatMap((b) => batchToRows(b));
  assert.deepEqual(rows[0], ['a', 1, parseDate('2024-01-05'), parseTimestamp('2024-01-05 10:00:00'), 'x']);
  assert.deepEqual(rows[3], [null, 3, null, 0, 'z']);
});
