import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFiles } from '../../src/io/read.js';
import { batchToRows, concatBatches } from '../../src/core/batch.js';
import { simpleString, type StructType } from '../../src/core/types.js';

const F = 'test/fixtures/io/json/records.jsonl';
const ctx = { timeZone: 'UTC' };
const rows = (r: { schema: StructType; batches: any[] }) => batchToRows(concatBatches(r.schema, r.batches));

test('json inference: long+double widen to double, fields sorted, nested struct/array, corrupt column added', async () => {
  const r = await readFiles('json', [F], {}, undefined, ctx);
  assert.equal(simpleString(r.schema), 'struct<_corrupt_record:string,a:double,b:string,c:struct<d:array<bigint>>,e:boolean>');
  assert.deepEqual(rows(r), [
    [null, 1, 'x', [[1, 2]], null],
    [null, 2.5, null, null, true],
    ['{bad json', null, null, null, null],
    [null, null, 'y', [[]], null],
  ]);
});

test('json DROPMALFORMED skips the bad line; primitivesAsString reads numbers as text', async () => {
  const r = await readFiles('json', [F], { mode: 'DROPMALFORMED', primitivesAsString: 'true' }, undefined, ctx);
  assert.equal(simpleString(r.schema), 'struct<a:string,b:string,c:struct<d:array<string>>,e:string>');
  assert.deepEqual(rows(r).map((x) => x[0]), ['1', '2.5', null]);
});

test('json FAILFAST names the file and line', async () => {
  await assert.rejects(readFiles('json', [F], { mode: 'FAILFAST' }, undefined, ctx), /records\.jsonl at line 3/);
});
