import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataType, parseSchema, toDDL } from '../../src/core/ddl.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, MapType,
  StringType, StructField, StructType, TimestampType,
} from '../../src/core/types.js';
import { ParseException } from '../../src/core/errors.js';

test('simple type names, case-insensitive, with Spark aliases', () => {
  const cases: [string, unknown][] = [
    ['int', IntegerType], ['INTEGER', IntegerType], ['smallint', IntegerType], ['tinyint', IntegerType],
    ['bigint', LongType], ['Long', LongType], ['float', FloatType], ['real', FloatType], ['double', DoubleType],
    ['string', StringType], ['varchar(10)', StringType], ['char(3)', StringType], ['binary', BinaryType],
    ['boolean', BooleanType], ['date', DateType], ['timestamp', TimestampType], ['timestamp_ltz', TimestampType],
    ['timestamp_ntz', TimestampType],
    ['decimal', DecimalType(10, 0)], ['decimal(10,2)', DecimalType(10, 2)], ['dec(5)', DecimalType(5, 0)],
    ['NUMERIC(38, 18)', DecimalType(38, 18)],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseDataType(text), want, text);
});

test('nested types', () => {
  assert.deepEqual(parseDataType('array<array<int>>'), ArrayType(ArrayType(IntegerType)));
  assert.deepEqual(parseDataType('map<string, array<bigint>>'), MapType(StringType, ArrayType(LongType)));
  assert.deepEqual(parseDataType('struct<a:int,b string,`c d`: double NOT NULL>'),
    StructType([StructField('a', IntegerType), StructField('b', StringType), StructField('c d', DoubleType, false)]));
  assert.deepEqual(parseDataType('struct<>'), StructType([]));
});

test('schemas: NOT NULL, COMMENT, backquoted names, struct<...> form', () => {
  assert.deepEqual(parseSchema('word STRING, count BIGINT'),
    StructType([StructField('word', StringType), StructField('count', LongType)]));
  assert.deepEqual(parseSchema("a INT NOT NULL, b STRING COMMENT 'x', `my col` DATE"), StructType([
    StructField('a', IntegerType, false), StructField('b', StringType, true, { comment: 'x' }), StructField('my col', DateType),
  ]));
  assert.deepEqual(parseSchema('struct<a:int,b:string>'), StructType([StructField('a', IntegerType), StructField('b', StringType)]));
  assert.deepEqual(parseSchema('`a``b` int'), StructType([StructField('a`b', IntegerType)]));
  assert.deepEqual(parseSchema(''), StructType([]));
});

test("toDDL matches Spark's StructType.toDDL", () => {
  // Known answers from Spark's StructTypeSuite.
  assert.equal(toDDL(StructType([StructField('a', IntegerType)])), 'a INT');
  assert.equal(toDDL(StructType([StructField('metaData', StructType([StructField('eventId', StringType)]))])),
    'metaData STRUCT<eventId: STRING>');
  assert.equal(toDDL(StructType([StructField('b', BooleanType, true, { comment: "Field's comment" })])),
    "b BOOLEAN COMMENT 'Field\\'s comment'");
  assert.equal(toDDL(parseSchema('a MAP<INT, STRING>,b INT')), 'a MAP<INT, STRING>,b INT');
  assert.equal(toDDL(StructType([StructField('my col', LongType, false), StructField('1', DecimalType(10, 2))])),
    '`my col` BIGINT NOT NULL,`1` DECIMAL(10,2)');
});

test('round trips through toDDL and parseSchema', () => {
  const schema = StructType([
    StructField('word', StringType), StructField('count', LongType, false),
    StructField('tags', ArrayType(StringType)), StructField('m', MapType(StringType, DoubleType)),
    StructField('s', StructType([StructField('x y', IntegerType, false, { comment: 'c' }), StructField('t', TimestampType)])),
    StructField('b', BinaryType), StructField('d', DecimalType(12, 3)),
  ]);
  assert.deepEqual(parseSchema(toDDL(schema)), schema);
});

test('errors quote the text with a caret under the offending token', () => {
  assert.throws(() => parseSchema('word STRNG'), (e: unknown) => {
    assert.ok(e instanceof ParseException);
    assert.match(e.message, /Unsupported data type "STRNG"/);
    assert.ok(e.message.endsWith('== DDL ==\nword STRNG\n-----^^^'), e.message);
    return true;
  });
  assert.throws(() => parseDataType('array<int'), /Syntax error at or near end of input: expected '>'/);
  assert.throws(() => parseDataType('decimal(40,2)'), /precision 40 is out of range/);
  assert.throws(() => parseDataType('decimal(5,6)'), /scale 6 is larger than its precision 5/);
  assert.throws(() => parseDataType('varchar'), /VARCHAR needs a length/);
  assert.throws(() => parseDataType('int extra'), /Syntax error at or near 'extra'/);
  assert.throws(() => parseSchema('a INT,'), /expected a field name/);
  assert.throws(() => parseSchema('a: INT'), ParseException);
  assert.throws(() => parseSchema('a INT NOT'), /expected NULL after NOT/);
});
