import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listInputFiles } from '../../src/io/index.js';
import { FileSinkLog, sinkFileStatus } from '../../src/sinks/index.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'spate-sinklog-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

const entry = (path: string, action = 'add') =>
  JSON.stringify({ path, size: 1, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 33554432, action });

test('FileSinkLog round-trips entries in Spark\'s format and refuses to overwrite a batch', async () => withDir(async (dir) => {
  const log = new FileSinkLog(join(dir, '_spark_metadata'));
  const files = [sinkFileStatus(join(dir, 'a b.json'), 10, 1700000000123.7), sinkFileStatus(join(dir, 'c.json'), 0, 5)];
  assert.equal(files[0]!.path, pathToFileURL(join(dir, 'a b.json')).href);
  assert.equal(files[0]!.modificationTime, 1700000000123);
  assert.equal(await log.add(0, files), true);
  assert.equal(await log.add(0, []), false);
  assert.deepEqual(await log.get(0), files);
  assert.equal(await log.add(1, []), true, 'an empty batch is the version line alone');
  assert.deepEqual(await log.get(1), []);
  assert.deepEqual(await log.getLatest(), { batchId: 1, value: [] });
  assert.equal(await log.get(2), undefined);
}));

test('listing a sink output directory reads the log: compact file, later batches, deletes, relative and file: paths', async () => withDir(async (dir) => {
  for (const f of ['a.json', 'b.json', 'c.json', 'd.json', 'orphan.json']) await writeFile(join(dir, f), '{}\n');
  await mkdir(join(dir, 'p=1'));
  await writeFile(join(dir, 'p=1', 'e.json'), '{}\n');
  const meta = join(dir, '_spark_metadata');
  await mkdir(meta);
  // Batches 0..9 compacted into 9.compact (Spark compacts every 10); 0 is stale and superseded.
  await writeFile(join(meta, '0'), `v1\n${entry(pathToFileURL(join(dir, 'orphan.json')).href)}`);
  await writeFile(join(meta, '9.compact'), `v1\n${entry(pathToFileURL(join(dir, 'a.json')).href)}\n${entry('b.json')}`);
  await writeFile(join(meta, '10'), `v1\n${entry(`file:${join(dir, 'c.json')}`)}\n${entry(pathToFileURL(join(dir, 'p=1', 'e.json')).href)}`);
  await writeFile(join(meta, '11'), `v1\n${entry('b.json', 'delete')}\n${entry(join(dir, 'd.json'))}`);
  await writeFile(join(meta, '.12.abc.tmp'), 'v1\n{half');
  const files = await listInputFiles([dir]);
  assert.deepEqual(files.map((f) => f.path.slice(dir.length + 1)), ['a.json', 'c.json', 'd.json', 'p=1/e.json']);
  assert.deepEqual(files[3]!.partitionValues, { p: '1' });
  // With more than one path Spark does not use the log (FileStreamSink.hasMetadata), nor does spate.
  const both = await listInputFiles([dir, join(dir, 'p=1')]);
  assert.ok(both.some((f) => f.path.endsWith('orphan.json')));
}));

test('listing through a sink log names the file at fault: newer version, bad JSON, missing data file', async () => withDir(async (dir) => {
  const meta = join(dir, '_spark_metadata');
  await mkdir(meta);
  await writeFile(join(meta, '0'), `v2\n${entry('a.json')}`);
  await assert.rejects(listInputFiles([dir]), (e: any) => e.code === 'UNSUPPORTED_LOG_VERSION' && e.message.includes(join(meta, '0')));
  await writeFile(join(meta, '0'), 'v1\n{"path":');
  await assert.rejects(listInputFiles([dir]), (e: any) => e.code === 'CORRUPT_LOG_FILE' && e.message.includes(`${join(meta, '0')} line 2`));
  await writeFile(join(meta, '0'), `v1\n${entry('gone.json')}`);
  await assert.rejects(listInputFiles([dir]), (e: any) => e.code === 'FILE_NOT_FOUND' && e.message.includes(join(dir, 'gone.json')) && e.message.includes(join(meta, '0')));
}));
