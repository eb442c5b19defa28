// The function-case harness itself: it fails a wrong answer in every path, lifts literals into columns,
// keeps a literal constant where the function needs one, and prints values as Spark's golden files do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayType, IntegerType, MapType, StringType, StructField, StructType, TimestampType } from '../../../src/core/types.js';
import { fails, hiveString, runRow } from '../function-cases.js';

test('a right answer passes with every literal as a column; a wrong one fails in each path', async () => {
  assert.deepEqual(await runRow(["upper('ab')", 'AB', 'string']), { problems: [], lifted: 1 });
  const wrong = await runRow(["upper('ab')", 'ab', 'string']);
  for (const path of ['interpreted constant', 'compiled constant', 'interpreted with c0', 'compiled with c0', 'compiled without nulls with c0']) {
    assert.ok(wrong.problems.some((p) => p.startsWith(path)), `${path} in ${wrong.problems.join('; ')}`);
  }
  assert.match((await runRow(["upper('ab')", 'AB', 'int'])).problems.join(), /type string, Spark int/);
});

test('a literal the function needs constant stays a literal; the others still lift', async () => {
  // round's scale must be a constant: only the value becomes a column.
  assert.deepEqual(await runRow(['round(2.25D, 1)', '2.3', 'double']), { problems: [], lifted: 1 });
});

test('expected failures: the code must match', async () => {
  assert.deepEqual((await runRow(['concat_ws()', fails('WRONG_NUM_ARGS')])).problems, []);
  assert.match((await runRow(['concat_ws()', fails('SOMETHING_ELSE')])).problems.join(), /WRONG_NUM_ARGS, expected SOMETHING_ELSE/);
  assert.match((await runRow(["upper('a')", fails('WRONG_NUM_ARGS')])).problems.join(), /expected failure/);
});

test('values print as HiveResult.toHiveString does', () => {
  assert.equal(hiveString(StringType, null), 'NULL');
  assert.equal(hiveString(ArrayType(StringType), ['a', null]), '["a",null]');
  assert.equal(hiveString(MapType(StringType, IntegerType), new Map([['b', 2], ['a', 1]])), '{"a":1,"b":2}');
  assert.equal(hiveString(StructType([StructField('x', IntegerType)]), [1]), '{"x":1}');
  assert.equal(hiveString(TimestampType, 0), '1969-12-31 16:00:00', 'in the session zone, America/Los_Angeles');
  assert.equal(hiveString({ kind: 'double' }, 1e10), '1.0E10');
  assert.equal(hiveString({ kind: 'decimal', precision: 4, scale: 2 }, 1.5), '1.50');
});
