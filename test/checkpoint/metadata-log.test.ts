import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitLog, JsonMetadataLog, OffsetLog, verifyBatchIds, type OffsetSeq } from '../../src/checkpoint/index.js';
import { SpateError } from '../../src/core/errors.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'spate-log-'));
}

function seq(n: number): OffsetSeq {
  return { offsets: [{ logOffset: n }, null, n * 10], metadata: { batchWatermarkMs: 5, batchTimestampMs: 1_700_000_000_000 + n, conf: { 'spark.sql.shuffle.partitions': '4' } } };
}

/** Asserts `p` rejects with a SpateError of `code` whose message contains every one of `parts`. */
async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SpateError, `expected SpateError, got ${String(e)}`);
    assert.equal(e.code, code);
    for (const s of parts) assert.ok(e.message.includes(s), `message ${JSON.stringify(e.message)} should include ${JSON.stringify(s)}`);
    return true;
  });
}

test('offset log writes Spark\'s format and reads it back', async () => {
  const dir = join(await tempDir(), 'offsets');
  const log = new OffsetLog(dir);
  assert.equal(await log.add(0, seq(0)), true);
  const text = await readFile(join(dir, '0'), 'utf8');
  assert.equal(text, 'v1\n{"batchWatermarkMs":5,"batchTimestampMs":1700000000000,"conf":{"spark.sql.shuffle.partitions":"4"}}\n{"logOffset":0}\n-\n0');
  assert.deepEqual(await log.get(0), seq(0));
  assert.equal(await log.get(1), undefined);
});

test('offset log reads a file written by Spark', async () => {
  const dir = join(await tempDir(), 'offsets');
  await mkdir(dir);
  await writeFile(join(dir, '3'), 'v1\n{"batchWatermarkMs":0,"batchTimestampMs":1690000000000,"conf":{"spark.sql.streaming.stateStore.providerClass":"org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"}}\n{"logOffset":2}\n');
  const got = await new OffsetLog(dir).get(3);
  assert.deepEqual(got?.offsets, [{ logOffset: 2 }]);
  assert.equal(got?.metadata.batchTimestampMs, 1690000000000);
});

test('add never overwrites: a second add of the same id returns false and keeps the first', async () => {
  const log = new OffsetLog(join(await tempDir(), 'offsets'));
  assert.equal(await log.add(0, seq(0)), true);
  assert.equal(await log.add(0, seq(99)), false);
  assert.deepEqual(await log.get(0), seq(0));
  // Concurrent adds of one id: exactly one wins.
  const results = await Promise.all([1, 2, 3, 4].map((k) => log.add(1, seq(k))));
  assert.equal(results.filter((r) => r).length, 1);
  const winner = results.indexOf(true) + 1;
  assert.deepEqual(await log.get(1), seq(winner));
});

test('getLatest, listBatchIds, getRange and purge', async () => {
  const log = new CommitLog(join(await tempDir(), 'commits'));
  assert.equal(await log.getLatest(), undefined);
  assert.deepEqual(await log.listBatchIds(), []);
  for (const id of [0, 1, 2, 3, 10]) await log.add(id, { nextBatchWatermarkMs: id * 100 });
  assert.deepEqual(await log.listBatchIds(), [0, 1, 2, 3, 10]);
  assert.deepEqual(await log.getLatest(), { batchId: 10, value: { nextBatchWatermarkMs: 1000 } });
  assert.deepEqual((await log.getRange(1, 3)).map((e) => e.batchId), [1, 2, 3]);
  await rejectsWith(log.getRange(2, 10), 'CHECKPOINT_CORRUPT', 'batch file(s) 4, 5, 6, 7, 8, 9 are missing', 'commits');
  await log.purge(3);
  assert.deepEqual(await log.listBatchIds(), [3, 10]);
  assert.equal(await readFile(join(log.path, '3'), 'utf8'), 'v1\n{"nextBatchWatermarkMs":300}');
});

test('verifyBatchIds names the exact missing ids', () => {
  assert.doesNotThrow(() => verifyBatchIds('log', [2, 3, 4], 2, 4));
  assert.doesNotThrow(() => verifyBatchIds('log', []));
  assert.throws(() => verifyBatchIds('log', [3, 4], 1, 4), /batch file\(s\) 1, 2 are missing/);
  assert.throws(() => verifyBatchIds('log', [1, 2], 1, 4), /batch file\(s\) 3, 4 are missing/);
  assert.throws(() => verifyBatchIds('log', [1, 5]), /batch file\(s\) 2, 3, 4 are missing/);
  assert.throws(() => verifyBatchIds('log', [], 0, 0), /batch file\(s\) 0 are missing/);
});

test('a leftover temp file of an interrupted write is ignored', async () => {
  const log = new CommitLog(join(await tempDir(), 'commits'));
  await log.add(0, { nextBatchWatermarkMs: 0 });
  await writeFile(join(log.path, '.1.3f2a.tmp'), 'v1\n{"nextBat');
  assert.deepEqual(await log.listBatchIds(), [0]);
  assert.equal((await log.getLatest())?.batchId, 0);
  assert.equal(await log.add(1, { nextBatchWatermarkMs: 7 }), true);
  assert.deepEqual(await log.get(1), { nextBatchWatermarkMs: 7 });
  // Successful writes leave no temp files behind.
  assert.deepEqual((await readdir(log.path)).filter((n) => n.startsWith('.') && n !== '.1.3f2a.tmp'), []);
});

const corruptCases: [string, string | Uint8Array, string][] = [
  ['empty', '', 'the file is empty'],
  ['version only', 'v1\n', 'truncated'],
  ['version only, no newline', 'v1', 'truncated'],
  ['bad version line', 'version1\n{}', "should be a log version like 'v1'"],
  ['truncated JSON', 'v1\n{"batchWatermarkMs":0,"batchTimes', 'line 2 (the batch metadata) is not valid JSON'],
  ['truncated offset', 'v1\n{"batchWatermarkMs":0,"batchTimestampMs":0,"conf":{}}\n{"logOff', "source 0's offset) is not valid JSON"],
  ['not UTF-8', new Uint8Array([0x76, 0x31, 0x0a, 0xff, 0xfe, 0x7b]), 'not UTF-8'],
  ['wrong metadata type', 'v1\n{"batchWatermarkMs":"zero","batchTimestampMs":0}', "'batchWatermarkMs' should be a number"],
];

for (const [name, content, expected] of corruptCases) {
  test(`a corrupt offsets file (${name}) names the file and the batch`, async () => {
    const dir = join(await tempDir(), 'offsets');
    await mkdir(dir);
    await writeFile(join(dir, '7'), content);
    const log = new OffsetLog(dir);
    await rejectsWith(log.get(7), 'CHECKPOINT_CORRUPT', join(dir, '7'), '(batch 7)', expected, 'new checkpointLocation');
    await rejectsWith(log.getLatest(), 'CHECKPOINT_CORRUPT', join(dir, '7'));
  });
}

test('a file from a newer version is refused with the versions named', async () => {
  const dir = join(await tempDir(), 'commits');
  await mkdir(dir);
  await writeFile(join(dir, '2'), 'v2\n{"nextBatchWatermarkMs":0}');
  await rejectsWith(new CommitLog(dir).get(2), 'CHECKPOINT_INCOMPATIBLE', join(dir, '2'), 'was written by a newer version (v2); this version reads up to v1');
});

test('a corrupt commit file names the file', async () => {
  const dir = join(await tempDir(), 'commits');
  await mkdir(dir);
  await writeFile(join(dir, '0'), 'v1\n[1,2]');
  await rejectsWith(new CommitLog(dir).get(0), 'CHECKPOINT_CORRUPT', join(dir, '0'), 'should be an object');
  await writeFile(join(dir, '1'), 'v1\n{}');
  assert.deepEqual(await new CommitLog(dir).get(1), { nextBatchWatermarkMs: 0 }, 'old Spark commit files have no watermark');
});

test('JsonMetadataLog validates entries', async () => {
  const dir = join(await tempDir(), 'files');
  const log = new JsonMetadataLog<{ files: string[] }>(dir, (v) =>
    typeof v === 'object' && v !== null && Array.isArray((v as { files?: unknown }).files) ? undefined : "the entry should have a 'files' array");
  await log.add(0, { files: ['a.json'] });
  assert.deepEqual(await log.get(0), { files: ['a.json'] });
  await writeFile(join(dir, '1'), 'v1\n{"file":"b"}');
  await rejectsWith(log.get(1), 'CHECKPOINT_CORRUPT', join(dir, '1'), "'files' array");
});

test('offsets round-trip any JSON offset, including strings with newlines', async () => {
  const log = new OffsetLog(join(await tempDir(), 'offsets'));
  const value: OffsetSeq = { offsets: ['a\nb', { '0': 120, '1': [1, 2] }, true, null, 0], metadata: { batchWatermarkMs: 0, batchTimestampMs: 0, conf: {} } };
  await log.add(5, value);
  assert.deepEqual(await log.get(5), value);
});
