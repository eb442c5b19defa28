/**
 * Commits pipelined one batch deep: batch N+1 computes while batch N's sink,
 * state files and commit log entry are written, but reaches its own sink
 * only after `commits/N`, and batch N+2 starts only after `commits/N`. A
 * restart that finds two batches without a commit runs both again with
 * their logged offsets.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type DataFrame, type StreamingQuery } from '../../src/index.js';
import { ManualClock, MemoryStream } from '../../src/testing/index.js';
import { CommitLog } from '../../src/checkpoint/commit-log.js';
import { MetadataLog } from '../../src/checkpoint/metadata-log.js';
import { OffsetLog } from '../../src/checkpoint/offset-log.js';

const spark = SparkSession.builder.appName('pipelined-commit').getOrCreate();
const root = mkdtempSync(join(tmpdir(), 'spate-pipelined-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = (): string => join(root, `d${dirs++}`);

/** A promise and the function that settles it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => { open = r; });
  return { wait, open };
}

/** Polls (on the event loop, bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), `timed out waiting until ${what}`);
}

/**
 * Every offsets and commits entry the query writes, in order (`offsets 2 start`, `commits 0 done`), with the
 * sinks' own events: the ordering rules are checked on this record once everything ran, so no step has to be
 * proved absent after a sleep.
 */
const events: string[] = [];
const originalAdd = MetadataLog.prototype.add;
MetadataLog.prototype.add = async function add<T>(this: MetadataLog<T>, batchId: number, value: T): Promise<boolean> {
  const log = this instanceof OffsetLog ? 'offsets' : this instanceof CommitLog ? 'commits' : undefined;
  if (log !== undefined) events.push(`${log} ${batchId} start`);
  const added = await originalAdd.call(this, batchId, value) as boolean;
  if (log !== undefined) events.push(`${log} ${batchId} done`);
  return added;
};
after(() => { MetadataLog.prototype.add = originalAdd; });
const before = (a: string, b: string): boolean => events.indexOf(a) >= 0 && events.indexOf(a) < events.indexOf(b);

const has = (cp: string, log: 'offsets' | 'commits', id: number): boolean => existsSync(join(cp, log, String(id)));

const counts = (input: MemoryStream): DataFrame => input.toDF().groupBy('value').count();

/** Starts `df` in complete mode on `cp` with a processingTime trigger on `clock`, into an async foreachBatch. */
function startGated(df: DataFrame, cp: string, clock: ManualClock, sink: (rows: unknown[][], batchId: number) => Promise<void>): StreamingQuery {
  return df.writeStream.outputMode('complete').option('checkpointLocation', cp)
    .trigger({ processingTime: '1 second' }).withClock(clock)
    .foreachBatch(async (out, batchId) => { await sink(await out.orderBy('value').collectArrays(), batchId); })
    .start();
}

test('batch N+1 computes while batch N commits; its sink waits for commits/N, and batch N+2 waits to start', async () => {
  const cp = newDir();
  const clock = new ManualClock(0);
  const input = new MemoryStream(spark, 'value STRING');
  const hold = gate();
  const calls: string[] = [];
  const seen = new Map<number, unknown[][]>();
  events.length = 0;
  const q = startGated(counts(input), cp, clock, async (rows, batchId) => {
    calls.push(`start ${batchId}`);
    events.push(`sink ${batchId} start`);
    if (batchId === 0) await hold.wait;
    seen.set(batchId, rows);
    calls.push(`end ${batchId}`);
  });
  try {
    await until(() => clock.isWaiting(), 'the query waits for its first trigger');
    input.addData('a', 'b');
    clock.advance(1000);
    await until(() => calls.includes('start 0'), 'batch 0 reaches its sink');

    input.addData('a');
    clock.advance(1000);
    // Batch 1 is logged and computed (the loop is back on the clock) while batch 0's sink is still open.
    await until(() => has(cp, 'offsets', 1) && clock.isWaiting(), 'batch 1 is computed');
    assert.equal(has(cp, 'commits', 0), false);

    // Batch 2 computes too (the loop is back on the clock once it has) while batch 0 is uncommitted.
    input.addData('c');
    clock.advance(1000);
    await until(() => clock.isWaiting(), 'batch 2 is computed');
    assert.equal(has(cp, 'commits', 0), false, 'batch 0 is still in its sink');

    hold.open();
    await until(() => q.recentProgress.length === 3, 'all three batches commit');
    assert.deepEqual(calls, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    // The order on disk, from the record of every write: sink N+1 after commits/N, offsets/N+2 after commits/N.
    assert.ok(before('commits 0 done', 'sink 1 start'), `batch 1 reached its sink before commits/0: ${events.join(', ')}`);
    assert.ok(before('commits 1 done', 'sink 2 start'), `batch 2 reached its sink before commits/1: ${events.join(', ')}`);
    assert.ok(before('commits 0 done', 'offsets 2 start'), `offsets/2 was written before commits/0: ${events.join(', ')}`);
    assert.ok(before('offsets 1 done', 'sink 1 start') && before('offsets 2 done', 'sink 2 start'), `a sink ran before its offsets entry: ${events.join(', ')}`);
    assert.deepEqual(seen.get(0), [['a', 1], ['b', 1]]);
    assert.deepEqual(seen.get(1), [['a', 2], ['b', 1]]);
    assert.deepEqual(seen.get(2), [['a', 2], ['b', 1], ['c', 1]]);
    const progress = q.recentProgress.map((p) => [p.batchId, p.numInputRows, p.stateOperators[0]!.numRowsTotal]);
    assert.deepEqual(progress, [[0, 2, 2], [1, 1, 2], [2, 1, 3]], 'progress in batch order, with each batch\'s own state numbers');
    // The new checkpoint's metadata file is written while the query starts, and is there once a batch is committed.
    assert.deepEqual(JSON.parse(readFileSync(join(cp, 'metadata'), 'utf8')), { id: q.id });
  } finally {
    hold.open();
    await q.stop();
  }
  assert.equal(q.exception(), null);
});

test('a sink failing on batch N while batch N+1 is computed: the query reports that failure; a restart counts each row once', async () => {
  const cp = newDir();
  const clock = new ManualClock(0);
  const input = new MemoryStream(spark, 'value STRING');
  const hold = gate();
  const seen = new Map<number, unknown[][]>();
  const q = startGated(counts(input), cp, clock, async (rows, batchId) => {
    if (batchId === 1) { await hold.wait; throw new Error(`sink failed on batch ${batchId}`); }
    seen.set(batchId, rows);
  });
  await until(() => clock.isWaiting(), 'the query waits for its first trigger');
  input.addData('a', 'b');
  clock.advance(1000);
  await until(() => has(cp, 'commits', 0), 'batch 0 commits');
  input.addData('a', 'c');
  clock.advance(1000);
  await until(() => has(cp, 'offsets', 1) && clock.isWaiting(), 'batch 1 is computed');
  input.addData('b');
  clock.advance(1000);
  await until(() => has(cp, 'offsets', 2) && clock.isWaiting(), 'batch 2 is computed on batch 1\'s sealed state');
  hold.open();
  await assert.rejects(q.awaitTermination(10_000), /sink failed on batch 1/);
  assert.equal(has(cp, 'commits', 1), false);

  // The restart finds batches 1 and 2 logged without a commit and runs both again.
  const again = counts(input).writeStream.outputMode('complete').option('checkpointLocation', cp)
    .foreachBatch(async (out, batchId) => { seen.set(batchId, await out.orderBy('value').collectArrays()); }).start();
  try {
    await again.processAllAvailable();
  } finally {
    await again.stop();
  }
  assert.deepEqual(seen.get(1), [['a', 2], ['b', 1], ['c', 1]]);
  assert.deepEqual(seen.get(2), [['a', 2], ['b', 2], ['c', 1]]);
  assert.deepEqual(again.recentProgress.map((p) => p.batchId).slice(0, 2), [1, 2]);
});

/** Word count over a directory of text files, one file per batch. */
const wordCount = (dir: string): DataFrame => {
  const lines = spark.readStream.format('text').option('maxFilesPerTrigger', 1).load(dir);
  return lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word')).groupBy('word').count();
};

async function runAvailable(df: DataFrame, cp: string): Promise<Map<number, unknown[][]>> {
  const out = new Map<number, unknown[][]>();
  const q = df.writeStream.outputMode('complete').option('checkpointLocation', cp).trigger({ availableNow: true })
    .foreachBatch(async (b, id) => { out.set(id, await b.orderBy('word').collectArrays()); }).start();
  await q.awaitTermination(30_000);
  return out;
}

test('two batches left without a commit (a crash with a commit under way) run again with their logged offsets and state', async () => {
  const input = newDir();
  const cp = newDir();
  mkdirSync(input);
  writeFileSync(join(input, '1.txt'), 'a b\n');
  writeFileSync(join(input, '2.txt'), 'b c\n');
  writeFileSync(join(input, '3.txt'), 'c d\n');
  const first = await runAvailable(wordCount(input), cp);
  assert.deepEqual([...first.keys()], [0, 1, 2]);
  // What a crash after offsets/2 and before commits/1 leaves behind.
  unlinkSync(join(cp, 'commits', '1'));
  unlinkSync(join(cp, 'commits', '2'));
  writeFileSync(join(input, '4.txt'), 'd e\n');
  const second = await runAvailable(wordCount(input), cp);
  assert.deepEqual([...second.keys()], [1, 2, 3]);
  assert.deepEqual(second.get(1), first.get(1), 'batch 1 runs again on state version 1 with its own file');
  assert.deepEqual(second.get(2), first.get(2));
  assert.deepEqual(second.get(3), [['a', 1], ['b', 2], ['c', 2], ['d', 2], ['e', 1]]);
});
