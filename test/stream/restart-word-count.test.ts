/**
 * The seed word count on a file source, restarted on its checkpoint: counts
 * continue from where the last run stopped, and each file is read once.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type DataFrame, type StreamingQuery } from '../../src/index.js';

const spark = SparkSession.builder.appName('restart-word-count').getOrCreate();
const root = mkdtempSync(join(tmpdir(), 'spate-restart-wc-'));
after(() => rmSync(root, { recursive: true, force: true }));

function wordCounts(input: string): DataFrame {
  const lines = spark.readStream.format('text').load(input);
  const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
  return words.groupBy('word').count();
}

/** Runs the word count once with availableNow into the memory table `name`; returns the query after it ended. */
async function runOnce(input: string, checkpoint: string, name: string): Promise<StreamingQuery> {
  const q = wordCounts(input).writeStream.outputMode('complete').format('memory').queryName(name)
    .option('checkpointLocation', checkpoint).trigger({ availableNow: true }).start();
  await q.awaitTermination(30_000);
  assert.equal(q.isActive, false, 'availableNow ends by itself');
  return q;
}

const table = async (name: string): Promise<Record<string, number>> =>
  Object.fromEntries((await spark.table(name).collectArrays()).map((r) => [r[0] as string, r[1] as number]));

const inputRows = (q: StreamingQuery): number => q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);

test('word count on files: a restart on the same checkpoint continues the counts and reads each file once', async () => {
  const input = join(root, 'in');
  const checkpoint = join(root, 'cp');
  mkdirSync(input);
  writeFileSync(join(input, 'a.txt'), 'the cat sat\non the mat\n');
  writeFileSync(join(input, 'b.txt'), 'the end\n');

  const first = await runOnce(input, checkpoint, 'wc_first');
  assert.deepEqual(await table('wc_first'), { the: 3, cat: 1, sat: 1, on: 1, mat: 1, end: 1 });
  assert.equal(inputRows(first), 3);
  const firstId = first.id;

  writeFileSync(join(input, 'c.txt'), 'the cat came back\n\n');
  const second = await runOnce(input, checkpoint, 'wc_second');
  // Complete mode shows the whole table: the old counts plus the new file's words (the empty line is one empty word, as in Spark).
  assert.deepEqual(await table('wc_second'), { the: 4, cat: 2, sat: 1, on: 1, mat: 1, end: 1, came: 1, back: 1, '': 1 });
  assert.equal(inputRows(second), 2, 'only the new file c.txt is read');
  assert.equal(second.id, firstId, 'the query id survives the restart');
  assert.ok(second.lastProgress!.batchId > first.lastProgress!.batchId, 'batch ids continue');

  // A third run with no new files runs no batch and leaves nothing to read.
  const third = await runOnce(input, checkpoint, 'wc_third');
  assert.equal(third.recentProgress.length, 0, 'no new data: no batch');

  // And after more data the counts still continue.
  writeFileSync(join(input, 'd.txt'), 'cat\n');
  const fourth = await runOnce(input, checkpoint, 'wc_fourth');
  assert.equal((await table('wc_fourth')).cat, 3);
  assert.equal(inputRows(fourth), 1);
});

test('word count restarted with a new checkpoint starts over (the checkpoint is what carries the counts)', async () => {
  const input = join(root, 'in2');
  mkdirSync(input);
  writeFileSync(join(input, 'a.txt'), 'x y x\n');
  await runOnce(input, join(root, 'cp2a'), 'wc_a');
  await runOnce(input, join(root, 'cp2b'), 'wc_b');
  assert.deepEqual(await table('wc_a'), { x: 2, y: 1 });
  assert.deepEqual(await table('wc_b'), { x: 2, y: 1 });
});
