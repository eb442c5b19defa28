import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayType, IntegerType, MapType, StringType, StructField, StructType, TimestampType } from '../../../src/core/types.js';
import { arr, errorCode, int, lit, micros, nul, run, runTz, str, typeOf } from './support.js';

test('from_json with a DDL schema', () => {
  assert.deepEqual(run('from_json', str('{"a":1, "b":0.8}'), str('a INT, b DOUBLE')), [1, 0.8]);
  assert.deepEqual(typeOf('from_json', str('{}'), str('a INT, b STRING')),
    StructType([StructField('a', IntegerType, true), StructField('b', StringType, true)]));
  assert.deepEqual(run('from_json', str('{"b":"x"}'), str('a INT, b STRING')), [null, 'x']);
  assert.deepEqual(run('from_json', str('{"a":{"c":[1,2]}}'), str('a STRUCT<c: ARRAY<INT>>')), [[[1, 2]]]);
  assert.deepEqual(run('from_json', str('[1,2,null]'), str('array<int>')), [1, 2, null]);
  assert.deepEqual(run('from_json', str('{"k":1,"j":2}'), str('map<string,int>')), new Map([['k', 1], ['j', 2]]));
  assert.equal(run('from_json', nul(), str('a INT')), null);
});

test('from_json is PERMISSIVE: malformed records give a struct of nulls, mismatched fields null', () => {
  assert.deepEqual(run('from_json', str('{"a" 1}'), str('a INT')), [null]);
  assert.deepEqual(run('from_json', str(''), str('a INT, b INT')), [null, null]);
  assert.equal(run('from_json', str('[1,'), str('array<int>')), null);
  assert.deepEqual(run('from_json', str('{"a":"1"}'), str('a INT')), [null]);
  assert.deepEqual(run('from_json', str('{"a":1.5}'), str('a INT')), [null]);
  assert.deepEqual(run('from_json', str('{"a":12,"b":{"x":1.0}}'), str('a STRING, b STRING')), ['12', '{"x":1.0}']);
  assert.deepEqual(run('from_json', str("{'a':1}"), str('a INT')), [1]);
  assert.ok(Number.isNaN((run('from_json', str('{"a":NaN}'), str('a DOUBLE')) as number[])[0]));
});

test('from_json timestamps and dates', () => {
  assert.deepEqual(run('from_json', str('{"t":"2024-01-01T00:00:00.000Z","d":"2024-02-29"}'), str('t TIMESTAMP, d DATE')),
    [micros('2024-01-01 00:00:00'), 19782]);
  assert.deepEqual(runTz('America/Los_Angeles', 'from_json', str('{"t":"2024-01-01 00:00:00"}'), str('t TIMESTAMP')), [micros('2024-01-01 08:00:00')]);
  assert.equal(errorCode(() => run('from_json', str('1'), str('int'))), 'DATATYPE_MISMATCH');
});

test('to_json writes structs, maps and arrays as Spark does', () => {
  const st = StructType([StructField('a', IntegerType), StructField('b', StringType), StructField('c', ArrayType(IntegerType))]);
  assert.equal(run('to_json', lit([1, 'x', [1, null]], st)), '{"a":1,"b":"x","c":[1,null]}');
  assert.equal(run('to_json', lit([1, null, null], st)), '{"a":1}');
  assert.equal(run('to_json', lit(new Map([['a', 1], ['b', null]]), MapType(StringType, IntegerType))), '{"a":1,"b":null}');
  assert.equal(run('to_json', lit([[1, 'x', null]], ArrayType(st))), '[{"a":1,"b":"x"}]');
  const t = StructType([StructField('t', TimestampType), StructField('d', { kind: 'double' }), StructField('s', StringType)]);
  assert.equal(run('to_json', lit([micros('2024-01-01 00:00:00'), 1, 'a"b'], t)), '{"t":"2024-01-01T00:00:00.000Z","d":1.0,"s":"a\\"b"}');
  assert.equal(runTz('+08:00', 'to_json', lit([0, null, null], t)), '{"t":"1970-01-01T08:00:00.000+08:00"}');
  assert.equal(errorCode(() => run('to_json', int(1))), 'DATATYPE_MISMATCH');
  assert.equal(run('to_json', lit(null, st)), null);
});

test('get_json_object extracts by JSONPath; strings unquoted, numbers as written', () => {
  const j = str('{"a":{"b":[1,2.0,"x"]},"c":"hi","d":null}');
  assert.equal(run('get_json_object', j, str('$.c')), 'hi');
  assert.equal(run('get_json_object', j, str('$.a.b[1]')), '2.0');
  assert.equal(run('get_json_object', j, str('$.a.b[2]')), 'x');
  assert.equal(run('get_json_object', j, str('$.a')), '{"b":[1,2.0,"x"]}');
  assert.equal(run('get_json_object', j, str("$['a']['b'][0]")), '1');
  assert.equal(run('get_json_object', j, str('$.a.b[*]')), '[1,2.0,"x"]');
  assert.equal(run('get_json_object', j, str('$.zz')), null);
  assert.equal(run('get_json_object', j, str('$.d')), null);
  assert.equal(run('get_json_object', j, str('a')), null);
  assert.equal(run('get_json_object', str('{bad'), str('$.a')), null);
  assert.equal(run('get_json_object', str('[{"a":1},{"a":2}]'), str('$[1].a')), '2');
  assert.equal(run('get_json_object', str('{"a":"é\\u00e9"}'), str('$.a')), 'éé');
  assert.deepEqual(arr([]).type, ArrayType(IntegerType, false));
});
