import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFiles, writeFiles, listInputFiles } from '../../src/io/index.js';
import { batchFromRows, batchToRows, concatBatches } from '../../src/core/batch.js';
import {
  ArrayType, BooleanType, DateType, DoubleType, IntegerType, LongType, MapType, StringType, StructField, StructType, TimestampType,
  simpleString,
} from '../../src/core/types.js';
import { parseDate, parseTimestamp } from '../../src/core/datetime.js';

const ctx = { timeZone: 'UTC' };
const rows = (r: { schema: StructType; batches: any[] }) => batchToRows(concatBatches(r.schema, r.batches));
const sortRows = (x: unknown[][]) => x.sort((a, b) => JSON.stringify(a, rep) < JSON.stringify(b, rep) ? -1 : 1);
const rep = (_: string, v: unknown) => (v instanceof Map ? [...v] : v);

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'spate-io-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

const flat = StructType([
  StructField('id', IntegerType), StructField('n', LongType), StructField('x', DoubleType), StructField('ok', BooleanType),
  StructField('s', StringType), StructField('d', DateType), StructField('t', TimestampType),
]);
const flatRows = [
  [1, 10, 1.5, true, 'a,b "q"', parseDate('2024-01-05'), parseTimestamp('2024-01-05 10:00:00.123')],
  [2, null, null, false, null, null, null],
  [3, -5, -0.25, null, 'line\nbreak', parseDate('1999-12-31'), parseTimestamp('1970-01-01 00:00:00')],
];

for (const format of ['csv', 'json', 'parquet'] as const) {
  test(`${format} round trip keeps values, nulls, dates and timestamps`, () => withDir(async (dir) => {
    const out = join(dir, 'out');
    const opts: Record<string, string> = format === 'csv' ? { header: 'true', nullValue: 'NULL', multiLine: 'true' } : {};
    await writeFiles(format, out, flat, [batchFromRows(flat, flatRows)], opts, 'error', []);
    const names = await readdir(out);
    assert.ok(names.includes('_SUCCESS'));
    const ext = { csv: '.csv', json: '.json', parquet: '.snappy.parquet' }[format];
    assert.ok(names.some((n) => /^part-00000-[0-9a-f-]{36}/.test(n) && n.endsWith(ext)), names.join(','));
    const back = await readFiles(format, [out], opts, flat, ctx);
    assert.deepEqual(rows(back), flatRows.map((r) => r.map((v) => (typeof v === 'boolean' ? v : v))));
  }));
}

const nested = StructType([
  StructField('k', StringType),
  StructField('arr', ArrayType(LongType)),
  StructField('m', MapType(StringType, IntegerType)),
  StructField('st', StructType([StructField('a', IntegerType), StructField('b', ArrayType(StringType))])),
]);
const nestedRows = [
  ['x', [1, null, 3], new Map([['p', 1], ['q', null]]), [7, ['u', 'v']]],
  ['y', [], new Map(), [null, null]],
  ['z', null, null, null],
];

for (const format of ['json', 'parquet'] as const) {
  test(`${format} round trip of arrays, maps and structs`, () => withDir(async (dir) => {
    await writeFiles(format, join(dir, 'o'), nested, [batchFromRows(nested, nestedRows)], {}, 'overwrite', []);
    const back = await readFiles(format, [join(dir, 'o')], {}, nested, ctx);
    assert.deepEqual(rows(back), nestedRows);
  }));
}

test('parquet without a schema reads the file footer types', () => withDir(async (dir) => {
  await writeFiles('parquet', join(dir, 'o'), flat, [batchFromRows(flat, flatRows)], {}, 'error', []);
  const back = await readFiles('parquet', [join(dir, 'o')], {}, undefined, ctx);
  assert.equal(simpleString(back.schema), 'struct<id:int,n:bigint,x:double,ok:boolean,s:string,d:date,t:timestamp>');
}));

test('partitionBy writes key=value dirs, escapes values, and discovery reads them back typed', () => withDir(async (dir) => {
  const s = StructType([StructField('v', StringType), StructField('year', IntegerType), StructField('city', StringType)]);
  const data = [['a', 2024, 'Paris'], ['b', 2023, 'a/b'], ['c', 2024, null], ['d', 2024, 'Paris']];
  for (const format of ['csv', 'json', 'parquet', 'text'] as const) {
    const out = join(dir, format);
    await writeFiles(format, out, s, [batchFromRows(s, data)], {}, 'error', ['year', 'city']);
    const dirs = (await readdir(out)).sort();
    assert.deepEqual(dirs, ['_SUCCESS', 'year=2023', 'year=2024']);
    assert.deepEqual((await readdir(join(out, 'year=2023'))), ['city=a%2Fb']);
    assert.ok((await readdir(join(out, 'year=2024'))).includes('city=__HIVE_DEFAULT_PARTITION__'));
    const back = await readFiles(format, [out], {}, undefined, ctx);
    const names = back.schema.fields.map((f) => `${f.name}:${simpleString(f.dataType)}`);
    assert.deepEqual(names.slice(-2), ['year:int', 'city:string'], format);
    assert.deepEqual(sortRows(rows(back)), sortRows(data.map((r) => [...r])), format);
  }
}));

test('save modes: error, ignore, append, overwrite', () => withDir(async (dir) => {
  const s = StructType([StructField('value', StringType)]);
  const out = join(dir, 't');
  const one = [batchFromRows(s, [['a']])];
  await writeFiles('text', out, s, one, {}, 'error', []);
  await assert.rejects(writeFiles('text', out, s, one, {}, 'errorifexists', []), /already exists\. Use mode\('overwrite'\).*mode\('append'\)/);
  await writeFiles('text', out, s, [batchFromRows(s, [['ignored']])], {}, 'ignore', []);
  assert.deepEqual(rows(await readFiles('text', [out], {}, undefined, ctx)), [['a']]);
  await writeFiles('text', out, s, [batchFromRows(s, [['b']])], {}, 'append', []);
  assert.deepEqual(sortRows(rows(await readFiles('text', [out], {}, undefined, ctx))), [['a'], ['b']]);
  await writeFiles('text', out, s, [batchFromRows(s, [['c']])], {}, 'overwrite', []);
  assert.deepEqual(rows(await readFiles('text', [out], {}, undefined, ctx)), [['c']]);
  await assert.rejects(writeFiles('text', join(dir, 'u'), flat, [], {}, 'error', []), /exactly one string column/);
}));

test('globs, hidden files and directories', () => withDir(async (dir) => {
  await mkdir(join(dir, 'a', 'sub'), { recursive: true });
  await writeFile(join(dir, 'a', 'x.csv'), '1\n');
  await writeFile(join(dir, 'a', 'y.txt'), 'no\n');
  await writeFile(join(dir, 'a', 'sub', 'z.csv'), '2\n');
  await writeFile(join(dir, 'a', '_hidden.csv'), '3\n');
  await writeFile(join(dir, 'a', '.h.csv'), '4\n');
  const names = async (p: string[]) => (await listInputFiles(p, {})).map((f) => f.path.slice(dir.length + 1).split('\\').join('/'));
  assert.deepEqual(await names([join(dir, 'a')]), ['a/sub/z.csv', 'a/x.csv', 'a/y.txt']);
  assert.deepEqual(await names([join(dir, 'a/*.csv')]), ['a/x.csv']);
  assert.deepEqual(await names([join(dir, 'a/**/*.csv')]), ['a/sub/z.csv', 'a/x.csv']);
  assert.deepEqual(await names([join(dir, 'a/{x,y}.*')]), ['a/x.csv', 'a/y.txt']);
  assert.deepEqual(await names([join(dir, 'a/?.csv')]), ['a/x.csv']);
  const r = await readFiles('text', [join(dir, 'a/**/*.csv')], {}, undefined, ctx);
  assert.deepEqual(rows(r), [['2'], ['1']]);
}));

test('json writes Spark text: nulls omitted, ISO timestamps with Z', () => withDir(async (dir) => {
  await writeFiles('json', join(dir, 'j'), flat, [batchFromRows(flat, flatRows.slice(0, 2))], {}, 'error', []);
  const file = (await readdir(join(dir, 'j'))).find((n) => n.endsWith('.json'))!;
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(join(dir, 'j', file), 'utf8')).split('\n');
  assert.equal(lines[0], '{"id":1,"n":10,"x":1.5,"ok":true,"s":"a,b \\"q\\"","d":"2024-01-05","t":"2024-01-05T10:00:00.123Z"}');
  assert.equal(lines[1], '{"id":2,"ok":false}');
}));
