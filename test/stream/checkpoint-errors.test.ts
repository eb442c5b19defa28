/**
 * Corrupt or incompatible checkpoints: a real checkpoint is made by running a
 * word count over three files (one batch each), then copies of it are
 * damaged; restarting on a copy must stop the query with an error naming the
 * file (or setting) and what is wrong, and must not start over from zero.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type DataFrame } from '../../src/index.js';

const spark = SparkSession.builder.appName('checkpoint-errors').getOrCreate();
const root = mkdtempSync(join(tmpdir(), 'spate-cp-errors-'));
after(() => rmSync(root, { recursive: true, force: true }));

const input = join(root, 'in');
const original = join(root, 'cp-original');
let copies = 0;

const lines = (): DataFrame => spark.readStream.format('text').option('maxFilesPerTrigger', 1).load(input);
const wordCount = (df: DataFrame): DataFrame => df.select(F.explode(F.split(df.col('value'), ' ')).alias('word')).groupBy('word').count();

/** Runs `df` on `checkpoint` with availableNow into a foreachBatch that records batch ids; rejects when the query fails. */
async function run(df: DataFrame, checkpoint: string): Promise<number[]> {
  const batches: number[] = [];
  const q = df.writeStream.outputMode('complete').option('checkpointLocation', checkpoint).trigger({ availableNow: true })
    .foreachBatch((_df, id) => { batches.push(id); }).start();
  await q.awaitTermination(30_000);
  return batches;
}

before(async () => {
  mkdirSync(input);
  writeFileSync(join(input, '1.txt'), 'a b\n');
  writeFileSync(join(input, '2.txt'), 'b c\n');
  writeFileSync(join(input, '3.txt'), 'c d\n');
  assert.deepEqual(await run(wordCount(lines()), original), [0, 1, 2]);
  for (const log of ['offsets', 'commits']) assert.deepEqual(readdirSync(join(original, log)).sort(), ['0', '1', '2']);
});

/** A fresh copy of the good checkpoint, damaged by `damage`. */
function damagedCopy(damage: (cp: string) => void): string {
  const cp = join(root, `cp-${copies++}`);
  cpSync(original, cp, { recursive: true });
  damage(cp);
  return cp;
}

/** Restarting on `cp` must fail with a message matching every pattern, and write no new batch. */
async function expectRestartFails(cp: string, patterns: readonly RegExp[], df: DataFrame = wordCount(lines())): Promise<void> {
  writeFileSync(join(input, `new-${copies}.txt`), 'z\n');
  const before = { offsets: readdirSync(join(cp, 'offsets')).sort(), commits: readdirSync(join(cp, 'commits')).sort() };
  let batches: number[] = [];
  await assert.rejects(async () => { batches = await run(df, cp); }, (e: Error) => {
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
  assert.deepEqual(batches, [], 'no batch ran');
  assert.deepEqual({ offsets: readdirSync(join(cp, 'offsets')).sort(), commits: readdirSync(join(cp, 'commits')).sort() }, before, 'nothing new was logged');
}

const quote = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the undamaged checkpoint restarts and continues (the control case)', async () => {
  const cp = damagedCopy(() => { /* none */ });
  writeFileSync(join(input, 'control.txt'), 'a\n');
  const batches = await run(wordCount(lines()), cp);
  assert.ok(batches.length >= 1 && batches[0] === 3, `batch ids continue at 3, got ${JSON.stringify(batches)}`);
});

test('a truncated offsets file names the file', async () => {
  const cp = damagedCopy((c) => {
    const f = join(c, 'offsets', '2');
    truncateSync(f, Math.floor(readFileSync(f).length / 2));
  });
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'offsets', '2'))), /corrupt|truncated|not valid JSON/]);
});

test('an empty offsets file names the file', async () => {
  const cp = damagedCopy((c) => truncateSync(join(c, 'offsets', '2'), 0));
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'offsets', '2'))), /empty/]);
});

test('garbage in a commits file names the file', async () => {
  const cp = damagedCopy((c) => writeFileSync(join(c, 'commits', '2'), '\u0000\u0001garbage{{{'));
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'commits', '2'))), /corrupt/]);
});

test('a v99 version line says the file was written by a newer version', async () => {
  const cp = damagedCopy((c) => {
    const f = join(c, 'offsets', '2');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^v1/, 'v99'));
  });
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'offsets', '2'))), /v99/]);
});

test('a v99 commits file is refused the same way', async () => {
  const cp = damagedCopy((c) => {
    const f = join(c, 'commits', '2');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^v1/, 'v99'));
  });
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'commits', '2'))), /v99/]);
});

test('an offsets file deleted in the middle (the one before the latest) is reported, not skipped', async () => {
  // Spark's populateStartOffsets reads offsets/(latest-1) as the committed start and fails "batch 1 doesn't exist".
  const cp = damagedCopy((c) => unlinkSync(join(c, 'offsets', '1')));
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'offsets', '1'))), /missing/]);
});

test('an offsets file deleted in the middle of an uncommitted batch is reported', async () => {
  const cp = damagedCopy((c) => { unlinkSync(join(c, 'commits', '2')); unlinkSync(join(c, 'offsets', '1')); });
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'offsets', '1'))), /missing/]);
});

test('a commit file lost in the middle is reported', async () => {
  const cp = damagedCopy((c) => unlinkSync(join(c, 'commits', '1')));
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'commits'))), /missing/]);
});

test('three batches without a commit are reported: commits are pipelined at most one batch deep', async () => {
  const cp = damagedCopy((c) => { for (const b of ['0', '1', '2']) unlinkSync(join(c, 'commits', b)); });
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'commits'))), /at most two batches/]);
});

test('a corrupt metadata file names the file', async () => {
  const cp = damagedCopy((c) => writeFileSync(join(c, 'metadata'), 'not json'));
  await expectRestartFails(cp, [new RegExp(quote(join(cp, 'metadata'))), /not valid JSON/]);
});

test('a deleted state file names the state file and version', async () => {
  let removed = '';
  const cp = damagedCopy((c) => {
    // The operator's partitions share one delta file per version: recovery of version 3 needs it.
    const f = join(c, 'state', '0', '3.delta');
    if (existsSync(f)) { unlinkSync(f); removed = f; }
  });
  assert.notEqual(removed, '', 'the checkpoint has a state delta for version 3');
  await expectRestartFails(cp, [new RegExp(quote(removed)), /version 3/]);
});

test('a truncated shared state delta names the file', async () => {
  let cut = '';
  const cp = damagedCopy((c) => {
    const f = join(c, 'state', '0', '3.delta');
    if (existsSync(f)) { writeFileSync(f, readFileSync(f).subarray(0, 20)); cut = f; }
  });
  assert.notEqual(cut, '', 'the checkpoint has a state delta for version 3');
  await expectRestartFails(cp, [new RegExp(quote(cut)), /corrupt/]);
});

test('changing spark.sql.shuffle.partitions before a restart names the setting and the checkpoint value', async (t) => {
  const prev = spark.conf.get('spark.sql.shuffle.partitions');
  t.after(() => spark.conf.set('spark.sql.shuffle.partitions', prev));
  const cp = damagedCopy(() => { /* none: the session changes */ });
  spark.conf.set('spark.sql.shuffle.partitions', String(Number(prev) + 3));
  await expectRestartFails(cp, [/spark\.sql\.shuffle\.partitions/, new RegExp(`\\b${prev}\\b`), new RegExp(quote(join(cp, 'offsets')))]);
});

test('a query with a different number of sources names the checkpoint and both counts', async () => {
  const other = join(root, 'in-other');
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, 'x.txt'), 'q\n');
  const cp = damagedCopy(() => { /* none: the query changes */ });
  const two = lines().union(spark.readStream.format('text').load(other));
  await expectRestartFails(cp, [/1 source/, /has 2/, new RegExp(quote(cp))], wordCount(two));
});
