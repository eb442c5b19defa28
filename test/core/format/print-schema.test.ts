import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeString } from '../../../src/core/format/print-schema.js';
import { parseSchema } from '../../../src/core/ddl.js';
import { ArrayType, MapType, StringType, StructField, StructType, DecimalType, LongType } from '../../../src/core/types.js';

test('flat schema', () => {
  const s = StructType([StructField('word', StringType), StructField('count', LongType, false), StructField('d', DecimalType(10, 2))]);
  assert.equal(treeString(s),
    'root\n |-- word: string (nullable = true)\n |-- count: long (nullable = false)\n |-- d: decimal(10,2) (nullable = true)\n');
});

test('nested array, map and struct as Spark prints them', () => {
  const s = parseSchema('a INT, b ARRAY<STRUCT<x: INT NOT NULL>>, c MAP<STRING, ARRAY<BIGINT>>, e STRUCT<f: MAP<INT, STRING>>');
  assert.equal(treeString(s), [
    'root',
    ' |-- a: integer (nullable = true)',
    ' |-- b: array (nullable = true)',
    ' |    |-- element: struct (containsNull = true)',
    ' |    |    |-- x: integer (nullable = false)',
    ' |-- c: map (nullable = true)',
    ' |    |-- key: string',
    ' |    |-- value: array (valueContainsNull = true)',
    ' |    |    |-- element: long (containsNull = true)',
    ' |-- e: struct (nullable = true)',
    ' |    |-- f: map (nullable = true)',
    ' |    |    |-- key: integer',
    ' |    |    |-- value: string (valueContainsNull = true)',
    '',
  ].join('\n'));
});

test('level limits the depth', () => {
  const s = parseSchema('a STRUCT<b: STRUCT<c: INT>>');
  assert.equal(treeString(s, 1), 'root\n |-- a: struct (nullable = true)\n');
  assert.equal(treeString(s, 2), 'root\n |-- a: struct (nullable = true)\n |    |-- b: struct (nullable = true)\n');
  assert.equal(treeString(s, 0), treeString(s));
});

test('meta-characters in names are escaped (SPARK-34308 known answers)', () => {
  const name = 'aaa\nbbb\tccc\rddd\feee\bfff\u000Bggg\u0007hhh';
  assert.equal(treeString(StructType([StructField(name, StringType, false)])),
    'root\n |-- aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh: string (nullable = false)\n');
  assert.equal(treeString(StructType([StructField('m', MapType(StringType, StringType, false), false)])),
    'root\n |-- m: map (nullable = false)\n |    |-- key: string\n |    |-- value: string (valueContainsNull = false)\n');
  assert.equal(treeString(StructType([StructField('a', ArrayType(StringType, false), false)])),
    'root\n |-- a: array (nullable = false)\n |    |-- element: string (containsNull = false)\n');
});

test('empty schema', () => {
  assert.equal(treeString(StructType([])), 'root\n');
});
