import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IntegerType, LongType, StringType, StructField, StructType } from '../../src/core/types.js';
import { FileSource } from '../../src/sources/file-source.js';
import { createSource, streamSourceSchema } from '../../src/sources/index.js';
import type { Offset, ReadLimit } from '../../src/sources/source.js';
import { makeCtx, rowsOf, tempDir } from './support.js';

const all: ReadLimit = { kind: 'all' };
const jsonSchema = StructType([StructField('id', LongType), StructField('name', StringType)]);
const BASE_S = 1_700_000_000; // seconds

/** Writes a file with modification time BASE_S + `ageS` seconds. */
function put(path: string, text: string, mtimeS: number): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, BASE_S + mtimeS, BASE_S + mtimeS);
}

function textSource(dir: string, meta: string, options: Record<string, string> = {}): FileSource {
  return new FileSource('text', makeCtx(meta, { path: dir, ...options }));
}

async function readNext(s: FileSource, start: Offset | null, limit: ReadLimit = all): Promise<{ end: Offset | null; rows: unknown[][] }> {
  const end = await s.latestOffset(start, limit);
  if (end === null || JSON.stringify(end) === JSON.stringify(start)) return { end, rows: [] };
  return { end, rows: rowsOf(await s.getBatch(start, end)) };
}

test('file source: new files are picked up in modification-time order; offsets are {logOffset}; replay is identical', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  mkdirSync(dir);
  const meta = join(root, 'ckpt', 'sources', '0');
  const s = textSource(dir, meta);
  assert.equal(s.description, `FileStreamSource[${dir}]`);
  assert.equal(await s.latestOffset(null, all), null);
  put(join(dir, 'b.txt'), 'b1\nb2\n', 2);
  put(join(dir, 'a.txt'), 'a1\n', 1);
  put(join(dir, '_hidden.txt'), 'no\n', 1);
  const first = await readNext(s, null);
  assert.deepEqual(first.end, { logOffset: 0 });
  assert.deepEqual(first.rows, [['a1'], ['b1'], ['b2']]);
  // The log is Spark's FileStreamSourceLog: v1, then one FileEntry per line.
  const log = readFileSync(join(meta, '0'), 'utf8').split('\n');
  assert.equal(log[0], 'v1');
  assert.deepEqual(JSON.parse(log[1]!), { path: `file://${join(dir, 'a.txt')}`, timestamp: (BASE_S + 1) * 1000, batchId: 0 });
  assert.equal(await readNext(s, first.end).then((r) => r.rows.length), 0);
  put(join(dir, 'c.txt'), 'c1\n', 3);
  const second = await readNext(s, first.end);
  assert.deepEqual(second, { end: { logOffset: 1 }, rows: [['c1']] });
  assert.deepEqual(rowsOf(await s.getBatch(null, { logOffset: 1 })), [['a1'], ['b1'], ['b2'], ['c1']]);
});

test('file source: each file is read once across a restart (new source object, same metadata path)', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  const meta = join(root, 'meta');
  put(join(dir, 'a.txt'), 'a\n', 1);
  const s1 = textSource(dir, meta);
  const r1 = await readNext(s1, null);
  assert.deepEqual(r1.rows, [['a']]);
  // Crash after the source logged batch 1 but before the engine wrote its offset.
  put(join(dir, 'b.txt'), 'b\n', 2);
  assert.deepEqual(await s1.latestOffset(r1.end, all), { logOffset: 1 });
  put(join(dir, 'c.txt'), 'c\n', 3);
  const s2 = textSource(dir, meta);
  // The restarted engine re-runs batch 0's range identically, then continues: b (already logged) and c, never a again.
  assert.deepEqual(rowsOf(await s2.getBatch(null, r1.end!)), [['a']]);
  const r2 = await readNext(s2, r1.end);
  assert.deepEqual(r2, { end: { logOffset: 2 }, rows: [['b'], ['c']] });
  assert.equal((await readNext(textSource(dir, meta), r2.end)).rows.length, 0);
});

test('file source: maxFilesPerTrigger limits each batch; latestFirst takes the newest first', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  for (let i = 1; i <= 5; i++) put(join(dir, `f${i}.txt`), `${i}\n`, i);
  const s = textSource(dir, join(root, 'm1'), { maxFilesPerTrigger: '2' });
  const limit = s.defaultReadLimit();
  assert.deepEqual(limit, { kind: 'maxFiles', files: 2 });
  const seen: unknown[][][] = [];
  let start: Offset | null = null;
  for (let i = 0; i < 4; i++) {
    const r = await readNext(s, start, limit);
    seen.push(r.rows);
    start = r.end;
  }
  assert.deepEqual(seen, [[['1'], ['2']], [['3'], ['4']], [['5']], []]);
  const latest = textSource(dir, join(root, 'm2'), { maxFilesPerTrigger: '2', latestFirst: 'true' });
  const a = await readNext(latest, null, latest.defaultReadLimit());
  assert.deepEqual(a.rows, [['5'], ['4']]);
  assert.deepEqual((await readNext(latest, a.end, latest.defaultReadLimit())).rows, [['3'], ['2']]);
  assert.throws(() => textSource(dir, root, { maxFilesPerTrigger: 'many' }), /Option 'maxFilesPerTrigger' must be a positive integer, got "many"/);
});

test('file source: maxFileAge is relative to the newest file seen; the first batch takes all', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  put(join(dir, 'old.txt'), 'old\n', 0);
  put(join(dir, 'new.txt'), 'new\n', 100);
  const s = textSource(dir, join(root, 'm'), { maxFileAge: '10s' });
  const r1 = await readNext(s, null);
  assert.deepEqual(r1.rows, [['old'], ['new']]);
  put(join(dir, 'late-but-old.txt'), 'stale\n', 50); // older than 100 - 10
  put(join(dir, 'recent.txt'), 'recent\n', 95);
  assert.deepEqual((await readNext(s, r1.end)).rows, [['recent']]);
  const dir2 = join(root, 'in2');
  put(join(dir2, 'x1.txt'), 'x1\n', 0);
  put(join(dir2, 'x2.txt'), 'x2\n', 100);
  const lim = textSource(dir2, join(root, 'm2'), { maxFileAge: '10s', maxFilesPerTrigger: '1', latestFirst: 'true' });
  // Newest first with a file limit: the age limit is off (as in Spark), else x1, older than x2 - 10s, would be dropped unread.
  const b1 = await readNext(lim, null, lim.defaultReadLimit());
  assert.deepEqual(b1.rows, [['x2']]);
  assert.deepEqual((await readNext(lim, b1.end, lim.defaultReadLimit())).rows, [['x1']]);
});

test('file source: cleanSource archive moves committed files under sourceArchiveDir + full path; delete removes them', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  const archive = join(root, 'archive');
  put(join(dir, 'sub', 'a.txt'), 'a\n', 1);
  put(join(dir, 'b.txt'), 'b\n', 2);
  const s = textSource(dir, join(root, 'm'), { cleanSource: 'archive', sourceArchiveDir: archive, maxFilesPerTrigger: '1' });
  const r1 = await readNext(s, null, s.defaultReadLimit());
  assert.deepEqual(r1.rows, [['a']]);
  assert.ok(existsSync(join(dir, 'sub', 'a.txt')), 'not cleaned before commit');
  await s.commit(r1.end!);
  assert.ok(!existsSync(join(dir, 'sub', 'a.txt')));
  assert.equal(readFileSync(join(archive, resolve(dir, 'sub', 'a.txt')), 'utf8'), 'a\n');
  const r2 = await readNext(s, r1.end, s.defaultReadLimit());
  assert.deepEqual(r2.rows, [['b']]);
  await s.commit(r2.end!);
  assert.ok(existsSync(join(archive, resolve(dir, 'b.txt'))));
  // The archived files are not found again.
  assert.equal((await readNext(s, r2.end)).rows.length, 0);

  const dir2 = join(root, 'in2');
  put(join(dir2, 'c.txt'), 'c\n', 1);
  const d = textSource(dir2, join(root, 'm2'), { cleanSource: 'DELETE' });
  const r3 = await readNext(d, null);
  await d.commit(r3.end!);
  assert.ok(!existsSync(join(dir2, 'c.txt')));
});

test('file source: cleanSource option errors', (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  mkdirSync(dir);
  assert.throws(() => textSource(dir, root, { cleanSource: 'archive' }), /'sourceArchiveDir' must be set when 'cleanSource' is 'archive'/);
  assert.throws(() => textSource(dir, root, { cleanSource: 'archive', sourceArchiveDir: join(dir, 'done') }), /is inside the source path/);
  assert.throws(() => textSource(dir, root, { cleanSource: 'move' }), /'cleanSource' must be one of 'off', 'archive', 'delete', got "move"/);
});

test('file source: a schema is required for csv/json/parquet unless spark.sql.streaming.schemaInference is true', (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  put(join(dir, 'a.json'), '{"id": 1, "name": "x"}\n', 1);
  assert.throws(() => streamSourceSchema('json', { path: dir }, undefined, 'UTC'),
    (e: Error & { code?: string }) => e.code === 'STREAMING_SCHEMA_REQUIRED' && e.message.startsWith('Schema must be specified when creating a streaming source DataFrame.') && e.message.includes('schemaInference'));
  const inferred = streamSourceSchema('json', { path: dir, 'spark.sql.streaming.schemaInference': 'true' }, undefined, 'UTC');
  assert.deepEqual(inferred.fields.map((f) => `${f.name}:${f.dataType.kind}`), ['id:long', 'name:string']);
  assert.deepEqual(streamSourceSchema('text', { path: dir }, undefined, 'UTC').fields.map((f) => f.name), ['value']);
  assert.throws(() => streamSourceSchema('csv', { path: join(root, 'missing') }, jsonSchema, 'UTC'), /Path does not exist/);
  assert.throws(() => streamSourceSchema('csv', {}, jsonSchema, 'UTC'), /'path' is not specified/);
});

test('file source: partition directories become columns; json rows are read with the schema', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  put(join(dir, 'day=1', 'a.json'), '{"id": 1, "name": "x"}\n{"id": 2}\n', 1);
  const schema = streamSourceSchema('json', { path: dir }, jsonSchema, 'UTC');
  assert.deepEqual(schema.fields.map((f) => `${f.name}:${f.dataType.kind}`), ['id:long', 'name:string', 'day:int']);
  const s = createSource('json', makeCtx(join(root, 'm'), { path: dir }, schema));
  put(join(dir, 'day=2', 'b.json'), '{"id": 3, "name": "z"}\n', 2);
  const end = await s.latestOffset(null, all);
  assert.deepEqual(rowsOf(await s.getBatch(null, end!)), [[1, 'x', 1], [2, null, 1], [3, 'z', 2]]);
  // After a restart partition values come from the logged paths.
  const again = createSource('json', makeCtx(join(root, 'm'), { path: dir }, schema));
  assert.deepEqual(rowsOf(await again.getBatch(null, end!)), [[1, 'x', 1], [2, null, 1], [3, 'z', 2]]);
});

test('file source: availableNow fixes the files to those present when prepared; globs work', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  put(join(dir, 'a.csv'), '1\n', 1);
  put(join(dir, 'b.csv'), '2\n', 2);
  put(join(dir, 'skip.txt'), 'x\n', 2);
  const schema = StructType([StructField('n', IntegerType)]);
  const s = createSource('csv', makeCtx(join(root, 'm'), { path: join(dir, '*.csv'), maxFilesPerTrigger: '1' }, schema));
  await s.prepareForTriggerAvailableNow!();
  put(join(dir, 'c.csv'), '3\n', 3);
  const limit = s.defaultReadLimit!();
  const got: unknown[][] = [];
  let start: Offset | null = null;
  for (let i = 0; i < 4; i++) {
    const end = await s.latestOffset(start, limit);
    if (end !== null && JSON.stringify(end) !== JSON.stringify(start)) got.push(...rowsOf(await s.getBatch(start, end)));
    start = end;
  }
  assert.deepEqual(got, [[1], [2]]);
  // A glob that matches nothing yet is an empty stream.
  const empty = createSource('csv', makeCtx(join(root, 'm2'), { path: join(root, 'later', '*.csv') }, schema));
  assert.equal(await empty.latestOffset(null, all), null);
});

test('createSource: unknown formats are named with the known ones; formats are case-insensitive', (t) => {
  assert.throws(() => createSource('kinesis', makeCtx('/m', {})), { message: "Unknown streaming source format 'kinesis'. Known formats: rate, rate-micro-batch, socket, text, csv, json, parquet, kafka, redis, nats, rabbitmq, mqtt, postgres-cdc (and MemoryStream for tests)." });
  assert.equal(createSource('RATE', makeCtx(tempDir(t), {})).schema.fields.length, 2);
  assert.throws(() => streamSourceSchema('rate', { rowsPerSecond: 'ten' }, undefined, 'UTC'), /'rowsPerSecond' must be a positive integer, got "ten"/);
  assert.throws(() => streamSourceSchema('socket', { host: 'h' }, undefined, 'UTC'), /Set a port/);
});

test('file source: a corrupt source log stops with the file named; a log entry written by another query is refused', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  put(join(dir, 'a.txt'), 'a\n', 1);
  const meta = join(root, 'm');
  mkdirSync(meta);
  writeFileSync(join(meta, '0'), 'v1\nnot json');
  await assert.rejects(textSource(dir, meta).latestOffset(null, all),
    (e: Error & { code?: string }) => e.code === 'CHECKPOINT_CORRUPT' && e.message.includes(join(meta, '0')) && /line 2 is not valid JSON/.test(e.message));
  writeFileSync(join(meta, '0'), 'v9\n{}');
  await assert.rejects(textSource(dir, meta).latestOffset(null, all), /newer version \(v9\)/);

  const meta2 = join(root, 'm2');
  const s = textSource(dir, meta2);
  await s.prepareForTriggerAvailableNow(); // loads the (empty) log now
  mkdirSync(meta2, { recursive: true });
  writeFileSync(join(meta2, '0'), `v1\n${JSON.stringify({ path: 'file:///elsewhere/x.txt', timestamp: 1, batchId: 0 })}`);
  await assert.rejects(s.latestOffset(null, all), (e: Error & { code?: string }) => e.code === 'CONCURRENT_QUERY' && e.message.includes('own checkpointLocation'));
});

test('file source: fileNameOnly treats files with the same name in different directories as one', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'in');
  put(join(dir, 'a', 'x.txt'), 'first\n', 1);
  const byName = textSource(join(dir, '*'), join(root, 'm1'), { fileNameOnly: 'true' });
  const byPath = textSource(join(dir, '*'), join(root, 'm2'));
  const n1 = await readNext(byName, null);
  const p1 = await readNext(byPath, null);
  put(join(dir, 'b', 'x.txt'), 'second\n', 2);
  assert.deepEqual((await readNext(byName, n1.end)).rows, []);
  assert.deepEqual((await readNext(byPath, p1.end)).rows, [['second']]);
});
