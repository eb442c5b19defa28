import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, readFile, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchFromRows, batchToRows, concatBatches, emptyBatch } from '../../src/core/batch.js';
import { IntegerType, LongType, StringType, StructField, StructType } from '../../src/core/types.js';
import { readFiles } from '../../src/io/index.js';
import { createSink, FileSink } from '../../src/sinks/index.js';

const schema = StructType([StructField('word', StringType), StructField('n', LongType)]);
const b = (...rows: unknown[][]) => batchFromRows(schema, rows);
const ctx = { timeZone: 'UTC', partitionBy: [] as string[], outputMode: 'append' as const };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'spate-sink-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

async function readBack(format: 'parquet' | 'json' | 'csv' | 'text', path: string, s?: StructType, options: Record<string, string> = {}): Promise<unknown[][]> {
  const r = await readFiles(format, [path], options, s ?? (format === 'json' ? schema : undefined), { timeZone: 'UTC' });
  return batchToRows(concatBatches(r.schema, r.batches)).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}

/** Data files (not hidden), relative to `dir`, sorted. */
async function dataFiles(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true, withFileTypes: true });
  return all.filter((e) => e.isFile() && !e.name.startsWith('.') && !join(e.parentPath, e.name).includes('_spark_metadata'))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

test('file sink writes each batch\'s files, then _spark_metadata/<batchId> listing exactly them', async () => withDir(async (dir) => {
  const out = join(dir, 'out');
  const sink = createSink('parquet', { path: out }, ctx);
  assert.equal(sink.description, `FileSink[${out}]`);
  await sink.addBatch(0, b(['a', 1], ['b', 2]), 'append');
  const after0 = await dataFiles(out);
  await sink.addBatch(1, b(['c', null]), 'append');
  const after1 = await dataFiles(out);
  assert.equal(after0.length, 1);
  assert.match(after0[0]!, /^part-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/);
  assert.equal(after1.length, 2);
  assert.deepEqual((await readdir(join(out, '_spark_metadata'))).sort(), ['0', '1']);

  const text = await readFile(join(out, '_spark_metadata', '1'), 'utf8');
  const lines = text.split('\n');
  assert.equal(lines[0], 'v1');
  assert.equal(lines.length, 2, 'one JSON line per file, no trailing newline (FileStreamSinkLog)');
  const entry = JSON.parse(lines[1]!);
  assert.deepEqual(Object.keys(entry), ['path', 'size', 'isDir', 'modificationTime', 'blockReplication', 'blockSize', 'action']);
  const newFile = after1.find((f) => !after0.includes(f))!;
  assert.equal(fileURLToPath(entry.path), join(out, newFile));
  assert.equal(entry.size, (await readFile(join(out, newFile))).length);
  assert.equal(entry.isDir, false);
  assert.equal(entry.action, 'add');
  assert.equal(entry.blockReplication, 1);
  assert.ok(Number.isInteger(entry.modificationTime) && entry.modificationTime > 0);

  assert.deepEqual(await readBack('parquet', out), [['a', 1], ['b', 2], ['c', null]]);
  assert.ok(!(await readdir(out)).includes('_SUCCESS'), 'the streaming sink writes no _SUCCESS marker');
}));

test('file sink: a batch id already committed is skipped, also by a new sink after a restart', async () => withDir(async (dir) => {
  const sink = createSink('json', { path: dir }, ctx);
  await sink.addBatch(0, b(['a', 1]), 'append');
  await sink.addBatch(1, b(['b', 2]), 'append');
  await sink.addBatch(1, b(['b', 2]), 'append');
  const files = await dataFiles(dir);
  assert.equal(files.length, 2);
  const restarted = new FileSink('json', dir, {}, ctx);
  await restarted.addBatch(0, b(['a', 1]), 'append');
  await restarted.addBatch(1, b(['b', 2]), 'append');
  assert.deepEqual(await dataFiles(dir), files);
  await restarted.addBatch(2, b(['c', 3]), 'append');
  assert.deepEqual(await readBack('json', dir), [['a', 1], ['b', 2], ['c', 3]]);
  assert.deepEqual((await readdir(join(dir, '_spark_metadata'))).sort(), ['0', '1', '2']);
}));

test('file sink: partitionBy writes key=value directories and the log lists the files inside them', async () => withDir(async (dir) => {
  const s3 = StructType([StructField('word', StringType), StructField('day', IntegerType), StructField('n', LongType)]);
  const sink = createSink('csv', { path: dir, header: 'true' }, { ...ctx, partitionBy: ['day'] });
  await sink.addBatch(0, batchFromRows(s3, [['a', 1, 10], ['b', 2, 20], ['c', 1, 30], ['d', null, 40]]), 'append');
  const files = await dataFiles(dir);
  assert.equal(files.length, 3);
  assert.deepEqual(files.map((f) => f.split('/')[0]).sort(), ['day=1', 'day=2', 'day=__HIVE_DEFAULT_PARTITION__']);
  assert.ok(files.every((f) => /\/part-\d{5}-[0-9a-f-]{36}\.c000\.csv$/.test(f)));
  const logged = (await readFile(join(dir, '_spark_metadata', '0'), 'utf8')).split('\n').slice(1)
    .map((l) => fileURLToPath(JSON.parse(l).path).slice(dir.length + 1)).sort();
  assert.deepEqual(logged, files);
  const day1 = await readFile(join(dir, files.find((f) => f.startsWith('day=1/'))!), 'utf8');
  assert.equal(day1, 'word,n\na,10\nc,30\n', 'partition columns are left out of the files');
  assert.deepEqual(await readBack('csv', dir, StructType([StructField('word', StringType), StructField('n', LongType), StructField('day', IntegerType)]), { header: 'true' }),
    [['a', 10, 1], ['b', 20, 2], ['c', 30, 1], ['d', 40, null]]);
}));

test('file sink: orphan files of a batch that crashed before its log entry are invisible to a batch read', async () => withDir(async (dir) => {
  const sink = createSink('json', { path: dir }, ctx);
  await sink.addBatch(0, b(['a', 1]), 'append');
  // A crash between writing batch 1's files and its log entry leaves them unlisted.
  const [committed] = await dataFiles(dir);
  await copyFile(join(dir, committed!), join(dir, 'part-00000-orphan.c000.json'));
  await mkdir(join(dir, 'k=1'));
  await writeFile(join(dir, 'k=1', 'part-00001-orphan.c000.json'), '{"word":"zzz","n":9}\n');
  assert.deepEqual(await readBack('json', dir), [['a', 1]]);
  // A glob reads the directory's files without the log, as in Spark.
  assert.equal((await readBack('json', join(dir, '*.json'))).length, 2);
  // The restarted query re-runs batch 1: its new files are logged and read once.
  const restarted = createSink('json', { path: dir }, ctx);
  await restarted.addBatch(1, b(['b', 2]), 'append');
  assert.deepEqual(await readBack('json', dir), [['a', 1], ['b', 2]]);
}));

test('file sink: an empty batch writes no data file and an entry with no files', async () => withDir(async (dir) => {
  const sink = createSink('parquet', { path: dir }, ctx);
  await sink.addBatch(0, emptyBatch(schema), 'append');
  assert.deepEqual(await dataFiles(dir), []);
  assert.equal(await readFile(join(dir, '_spark_metadata', '0'), 'utf8'), 'v1\n');
  await sink.addBatch(1, b(['x', 1]), 'append');
  assert.deepEqual(await readBack('parquet', dir), [['x', 1]]);
}));

test('file sink: the log exists from creation, so a directory read before the first commit sees no files', async () => withDir(async (dir) => {
  await writeFile(join(dir, 'stale.txt'), 'old\n');
  createSink('text', { path: dir }, ctx);
  const r = await readFiles('text', [dir], {}, undefined, { timeZone: 'UTC' });
  assert.equal(r.batches.reduce((n, x) => n + x.numRows, 0), 0);
}));

test('file sink: non-append output modes are rejected at creation, naming the mode', () => {
  for (const mode of ['complete', 'update'] as const) {
    assert.throws(() => createSink('parquet', { path: '/nonexistent/never-created' }, { ...ctx, outputMode: mode }),
      (e: any) => e.code === 'UNSUPPORTED_OUTPUT_MODE' && e.message.includes(`does not support ${mode === 'complete' ? 'Complete' : 'Update'} output mode`)
        && e.message.includes("outputMode('append')"));
  }
});

test('file sink: missing path, unknown partition column and a schema the format cannot write are clear errors', async () => withDir(async (dir) => {
  assert.throws(() => createSink('csv', {}, ctx), /'path' is not specified for the csv sink/);
  const bad = createSink('csv', { path: join(dir, 'p') }, { ...ctx, partitionBy: ['wrd'] });
  await assert.rejects(bad.addBatch(0, b(['a', 1]), 'append'), /Partition column 'wrd'.*Did you mean 'word'/);
  const text = createSink('text', { path: join(dir, 't') }, ctx);
  await assert.rejects(text.addBatch(0, b(['a', 1]), 'append'));
  assert.deepEqual(await readdir(join(dir, 't', '_spark_metadata')), [], 'a failed batch commits nothing');
  await writeFile(join(dir, 'file'), 'x');
  assert.throws(() => createSink('json', { path: join(dir, 'file') }, ctx), /is a file/);
}));
