import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showString, stringHalfWidth } from '../../../src/core/format/show.js';
import { formatFloat } from '../../../src/core/format/numbers.js';
import { parseSchema } from '../../../src/core/ddl.js';
import { parseDate, parseTimestamp } from '../../../src/core/datetime.js';

const value = parseSchema('value STRING');
const long = '1'.repeat(21);
const bytes = (s: string) => new TextEncoder().encode(s);

// Expected strings below are Spark's own, from DataFrameShowSuite / DatasetSuite.
test('truncate = 0 and 20', () => {
  assert.equal(showString(value, [['1'], [long]], 10, 0, false, false),
    '+---------------------+\n|value                |\n+---------------------+\n|1                    |\n|111111111111111111111|\n+---------------------+\n');
  assert.equal(showString(value, [['1'], [long]], 10, true, false, false),
    '+--------------------+\n|               value|\n+--------------------+\n|                   1|\n|11111111111111111...|\n+--------------------+\n');
});

test('truncate = 3 and 17', () => {
  assert.equal(showString(value, [['1'], [long]], 10, 3, false, false),
    '+-----+\n|value|\n+-----+\n|    1|\n|  111|\n+-----+\n');
  assert.equal(showString(value, [['1'], [long]], 10, 17, false, false),
    '+-----------------+\n|            value|\n+-----------------+\n|                1|\n|11111111111111...|\n+-----------------+\n');
});

test('vertical', () => {
  assert.equal(showString(value, [['1'], [long]], 10, 0, true, false),
    '-RECORD 0----------------------\n value | 1                     \n-RECORD 1----------------------\n value | 111111111111111111111 \n');
  assert.equal(showString(value, [['1'], [long]], 10, 20, true, false),
    '-RECORD 0---------------------\n value | 1                    \n-RECORD 1---------------------\n value | 11111111111111111... \n');
  const kv = parseSchema('key INT, value STRING');
  assert.equal(showString(kv, [[1, '1'], [2, '2']], 1, true, true, false),
    '-RECORD 0----\n key   | 1   \n value | 1   \nonly showing top 1 row\n');
  assert.equal(showString(kv, [], 1, true, true, false), '(0 rows)\n');
});

test('footer, zero rows and empty input', () => {
  const kv = parseSchema('key INT, value STRING');
  assert.equal(showString(kv, [[1, '1'], [2, '2']], 1, true, false, false),
    '+---+-----+\n|key|value|\n+---+-----+\n|  1|    1|\n+---+-----+\nonly showing top 1 row\n');
  assert.equal(showString(kv, [[1, '1']], 0, true, false, true),
    '+---+-----+\n|key|value|\n+---+-----+\n+---+-----+\nonly showing top 0 rows\n');
  assert.equal(showString(kv, [], 20, true, false, false), '+---+-----+\n|key|value|\n+---+-----+\n+---+-----+\n');
  assert.equal(showString(parseSchema('a INT, b INT'), [[1, 2], [3, 4]], 20, true, false, true).split('\n').at(-2),
    'only showing top 20 rows');
});

test('arrays, maps, structs and binary (SPARK-23023 / getRows known answers)', () => {
  assert.equal(showString(parseSchema('a ARRAY<INT>'), [[[1, 2, 3, 4]]], 10, true, false, false),
    '+------------+\n|           a|\n+------------+\n|[1, 2, 3, 4]|\n+------------+\n');
  assert.equal(showString(parseSchema('a MAP<INT, STRING>'), [[new Map([[1, 'a'], [2, 'b']])]], 10, true, false, false),
    '+----------------+\n|               a|\n+----------------+\n|{1 -> a, 2 -> b}|\n+----------------+\n');
  assert.equal(showString(parseSchema('a STRUCT<_1: INT, _2: STRING>, b INT'), [[[1, 'a'], 0], [[2, 'b'], 0]], 10, true, false, false),
    '+------+---+\n|     a|  b|\n+------+---+\n|{1, a}|  0|\n|{2, b}|  0|\n+------+---+\n');
  assert.equal(showString(parseSchema('_1 BINARY, _2 BINARY'), [[bytes('12'), bytes('ABC.')], [bytes('34'), bytes('12346')]], 10, true, false, false),
    '+-------+----------------+\n|     _1|              _2|\n+-------+----------------+\n|[31 32]|   [41 42 43 2E]|\n|[33 34]|[31 32 33 34 36]|\n+-------+----------------+\n');
});

test('nulls print as NULL at top level and inside nested values (ToPrettyString)', () => {
  const s = parseSchema('a INT, b ARRAY<STRING>, c STRUCT<x: INT, y: STRING>, d MAP<STRING, INT>');
  assert.equal(showString(s, [[null, ['x', null], [null, 'q'], new Map([['k', null]])]], 20, 0, false, false),
    '+----+---------+---------+-----------+\n' +
    '|a   |b        |c        |d          |\n' +
    '+----+---------+---------+-----------+\n' +
    '|NULL|[x, NULL]|{NULL, q}|{k -> NULL}|\n' +
    '+----+---------+---------+-----------+\n');
});

test('values: doubles, floats, decimals, booleans, dates, timestamps', () => {
  const s = parseSchema('d DOUBLE, f FLOAT, m DECIMAL(10,2), b BOOLEAN, dt DATE, ts TIMESTAMP');
  const row = [1e10, Math.fround(1.1), 5, true, parseDate('2024-01-01'), parseTimestamp('2024-01-01 10:00:00')];
  const row2 = [NaN, Math.fround(0.5), 1.25, false, parseDate('2016-12-01'), parseTimestamp('2016-12-01 08:00:00.5')];
  assert.equal(showString(s, [row, row2], 20, 0, false, false),
    '+------+---+----+-----+----------+---------------------+\n' +
    '|d     |f  |m   |b    |dt        |ts                   |\n' +
    '+------+---+----+-----+----------+---------------------+\n' +
    '|1.0E10|1.1|5.00|true |2024-01-01|2024-01-01 10:00:00  |\n' +
    '|NaN   |0.5|1.25|false|2016-12-01|2016-12-01 08:00:00.5|\n' +
    '+------+---+----+-----+----------+---------------------+\n');
});

test('full-width characters count double (SPARK-25108 known answer)', () => {
  const names = [null, '', 'ab c', '1098', 'mø', 'γύρ', 'pê', 'ー', '测', 'か', '걸', 'à', '焼', '羍む', '뺭ᾘ', '\u0967\u0968\u0969'];
  const s = parseSchema('b INT, a STRING, c INT');
  const got = showString(s, names.map((n) => [0, n, 1]), 20, true, false, false);
  const want = [
    '+---+----+---+', '|  b|   a|  c|', '+---+----+---+',
    '|  0|NULL|  1|', '|  0|    |  1|', '|  0|ab c|  1|', '|  0|1098|  1|', '|  0|  mø|  1|', '|  0| γύρ|  1|',
    '|  0|  pê|  1|', '|  0|  ー|  1|', '|  0|  测|  1|', '|  0|  か|  1|', '|  0|  걸|  1|', '|  0|   à|  1|',
    '|  0|  焼|  1|', '|  0|羍む|  1|', '|  0| 뺭ᾘ|  1|', '|  0| १२३|  1|', '+---+----+---+', '',
  ].join('\n');
  assert.equal(got, want);
  assert.equal(stringHalfWidth('羍む'), 4);
  assert.equal(stringHalfWidth('abc'), 3);
});

test('meta-characters are escaped in names and cells (SPARK-33690)', () => {
  const v = 'aaa\nbbb\tccc\rddd\feee\bfff\u000Bggg\u0007hhh';
  const esc = 'aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh';
  assert.equal(showString(parseSchema('x STRING'), [[v]], 1, 0, false, false),
    `+${'-'.repeat(38)}+\n|x${' '.repeat(37)}|\n+${'-'.repeat(38)}+\n|${esc}|\n+${'-'.repeat(38)}+\n`);
});

test('formatFloat prints the shortest float digits, as Java', () => {
  assert.equal(formatFloat(Math.fround(1.1)), '1.1');
  assert.equal(formatFloat(Math.fround(3.4e38)), '3.4E38');
  assert.equal(formatFloat(Math.fround(1e-5)), '1.0E-5');
  assert.equal(formatFloat(100), '100.0');
});
