import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFiles } from '../../src/io/read.js';
import { batchToRows, concatBatches } from '../../src/core/batch.js';
import { IntegerType, StringType, StructField, StructType, simpleString } from '../../src/core/types.js';
import { parseDate, parseTimestamp } from '../../src/core/datetime.js';

const F = 'test/fixtures/io/csv/';
const ctx = { timeZone: 'UTC' };
const rows = (r: { schema: StructType; batches: any[] }) => batchToRows(concatBatches(r.schema, r.batches));
const ddl = (s: StructType) => s.fields.map((f) => `${f.name} ${simpleString(f.dataType)}`).join(', ');

test('multiLine keeps quoted separators and newlines inside one field', async () => {
  const r = await readFiles('csv', [F + 'multiline.csv'], { header: 'true', multiLine: 'true' }, undefined, ctx);
  assert.equal(ddl(r.schema), 'name string, age string, city string');
  assert.deepEqual(rows(r), [['Smith, J', '42', 'New\nYork'], ['Ann', null, 'Paris']]);
});

test('without multiLine a quoted newline ends the record (Spark reads line by line)', async () => {
  const r = await readFiles('csv', [F + 'multiline.csv'], { HEADER: 'true' }, undefined, ctx);
  assert.equal(rows(r).length, 3);
});

test('no header gives _c0.. string columns', async () => {
  const r = await readFiles('csv', [F + 'malformed.csv'], {}, undefined, ctx);
  assert.equal(ddl(r.schema), '_c0 string, _c1 string');
  assert.deepEqual(rows(r)[0], ['a', 'b']);
});

test('inferSchema follows Spark: int widens to long, nullValue skipped, dates and timestamps', async () => {
  const r = await readFiles('csv', [F + 'typed.csv'], { header: 'true', inferSchema: 'true', nullValue: 'NA' }, undefined, ctx);
  assert.equal(ddl(r.schema), 'id bigint, score double, ok boolean, day date, ts timestamp, label string');
  const out = rows(r);
  assert.deepEqual(out[0], [1, 1.5, true, parseDate('2024-01-05'), parseTimestamp('2024-01-05 10:00:00'), 'a']);
  assert.deepEqual(out[1], [2, null, false, parseDate('2024-02-29'), parseTimestamp('2024-01-06 11:30:00.25'), 'b,c']);
  assert.deepEqual(out[2]!.slice(0, 3), [3000000000, 2, true]);
  assert.equal(out[2]![5], null);
});

test('timestampFormat and dateFormat patterns, and a session time zone', async () => {
  const schema = StructType([StructField('d', { kind: 'date' }), StructField('t', { kind: 'timestamp' })]);
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(tmpdir() + '/spate-csv-');
  try {
    await writeFile(dir + '/a.csv', '05/01/2024,2024/01/05 10:30\n');
    const r = await readFiles('csv', [dir], { dateFormat: 'dd/MM/yyyy', timestampFormat: 'yyyy/MM/dd HH:mm' }, schema, { timeZone: '+02:00' });
    assert.deepEqual(rows(r), [[parseDate('2024-01-05'), parseTimestamp('2024-01-05 08:30:00')]]);
  } finally { await rm(dir, { recursive: true }); }
});

const schemaAB = (corrupt: boolean) => StructType([
  StructField('a', IntegerType), StructField('b', StringType), ...(corrupt ? [StructField('_corrupt_record', StringType)] : []),
]);

test('PERMISSIVE keeps bad rows with nulls and the raw line in _corrupt_record', async () => {
  const r = await readFiles('csv', [F + 'malformed.csv'], { header: 'true' }, schemaAB(true), ctx);
  assert.deepEqual(rows(r), [[1, 'x', null], [2, null, '2'], [null, 'y', 'zz,y'], [4, 'w', null]]);
});

test('DROPMALFORMED drops the bad rows', async () => {
  const r = await readFiles('csv', [F + 'malformed.csv'], { header: 'true', mode: 'dropmalformed' }, schemaAB(false), ctx);
  assert.deepEqual(rows(r), [[1, 'x'], [4, 'w']]);
});

test('FAILFAST names the file, line and field', async () => {
  await assert.rejects(
    readFiles('csv', [F + 'malformed.csv'], { header: 'true', mode: 'FAILFAST' }, schemaAB(false), ctx),
    (e: Error) => /malformed\.csv at line 3/.test(e.message) && (e as any).code === 'MALFORMED_RECORD');
});

test('options are validated with the option name in the message', async () => {
  await assert.rejects(readFiles('csv', [F + 'typed.csv'], { sep: ';;' }, undefined, ctx), /Option 'sep' must be a single character, got ";;"/);
  await assert.rejects(readFiles('csv', [F + 'typed.csv'], { encoding: 'latin1' }, undefined, ctx), /encoding/);
  await assert.rejects(readFiles('csv', [F + 'typed.csv'], { header: 'yes' }, undefined, ctx), /Option 'header' must be 'true' or 'false'/);
});

test('user schema without header applies by position; missing path is a clear error', async () => {
  const r = await readFiles('csv', [F + 'malformed.csv'], { mode: 'DROPMALFORMED' }, StructType([StructField('x', StringType), StructField('y', StringType)]), ctx);
  assert.deepEqual(rows(r)[0], ['a', 'b']);
  await assert.rejects(readFiles('csv', [F + 'nope.csv'], {}, undefined, ctx), /Path does not exist/);
});
