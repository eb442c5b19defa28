// CommitPipeline: the ordering rules of pipelined commits, by batch id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitPipeline, PIPELINE_DEPTH } from '../../src/stream/commit-pipeline.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** True when `p` has settled after the queued callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  await new Promise((r) => setImmediate(r));
  return done;
}

test('each rule waits for the one commit it names, and nothing before this run', async () => {
  const p = new CommitPipeline();
  assert.equal(PIPELINE_DEPTH, 3);
  // Batches 7.. of a restarted run: commits before it are done.
  assert.ok(await settled(p.mayCompute(7)));
  assert.ok(await settled(p.mayWriteOffsets(7)));
  assert.ok(await settled(p.mayWriteSink(7)));
  const c7 = deferred();
  const c8 = deferred();
  p.add(7, c7.promise);
  p.add(8, c8.promise);
  assert.equal(await settled(p.mayWriteSink(8)), false, 'sink 8 after commits/7');
  assert.ok(await settled(p.mayWriteSink(10)), 'commits/9 is not in flight');
  assert.equal(await settled(p.mayWriteOffsets(9)), false, 'offsets/9 after commits/7');
  assert.equal(await settled(p.mayWriteOffsets(10)), false, 'offsets/10 after commits/8');
  assert.equal(await settled(p.mayCompute(10)), false, 'batch 10 computes once commits/7 is done (three in flight)');
  assert.ok(await settled(p.mayCompute(9)));
  c7.resolve();
  assert.ok(await settled(p.mayWriteSink(8)));
  assert.ok(await settled(p.mayWriteOffsets(9)));
  assert.ok(await settled(p.mayCompute(10)));
  assert.equal(await settled(p.mayWriteOffsets(10)), false);
  assert.equal(await settled(p.allDone()), false);
  c8.resolve();
  assert.ok(await settled(p.allDone()));
});

test('allDone and firstFailure report the first failed commit in batch order', async () => {
  const p = new CommitPipeline();
  const c0 = deferred();
  const c1 = deferred();
  p.add(0, c0.promise);
  p.add(1, c1.promise);
  c1.reject(new Error('commit 1 failed'));
  c0.reject(new Error('commit 0 failed'));
  await assert.rejects(p.allDone(), /commit 0 failed/);
  assert.match(String(await p.firstFailure()), /commit 0 failed/);
  await p.settled();
});

test('commits older than the depth are forgotten (no rule asks for them)', async () => {
  const p = new CommitPipeline(2);
  const never = deferred();
  p.add(0, never.promise);
  p.add(1, Promise.resolve());
  p.add(2, Promise.resolve());
  // Batch 0 dropped out when 2 came in: a commit that never ends no longer holds anything up.
  assert.ok(await settled(p.allDone()));
  assert.ok(await settled(p.mayCompute(2)));
});
