import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RateSource, valueAtSecond } from '../../src/sources/rate.js';
import { RatePerMicroBatchSource } from '../../src/sources/rate-micro-batch.js';
import { StringType, StructField, StructType } from '../../src/core/types.js';
import { makeCtx, rowsOf, tempDir } from './support.js';

const all = { kind: 'all' } as const;
const T0 = 1_700_000_000_000; // ms

test('valueAtSecond matches Spark (RateStreamProviderSuite known answers)', () => {
  assert.deepEqual([0, 1].map((s) => valueAtSecond(s, 5, 0)), [0, 5]);
  assert.deepEqual([0, 1, 2, 3].map((s) => valueAtSecond(s, 5, 2)), [0, 1, 3, 8]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((s) => valueAtSecond(s, 10, 4)), [0, 2, 6, 12, 20, 30, 40]);
});

test('rate: offset is whole seconds since creation; rows and timestamps follow Spark', async (t) => {
  const dir = tempDir(t);
  const ctx = makeCtx(dir, { rowsPerSecond: '10' }, undefined, { ms: T0 });
  const s = new RateSource(ctx);
  assert.equal(s.description, 'RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=default]');
  assert.equal(await s.latestOffset(null, all), null);
  // The creation time is logged in Spark's layout: a version line, then the ms.
  assert.equal(readFileSync(join(dir, '0'), 'utf8'), `v1\n${T0}`);
  ctx.clock.ms = T0 + 999;
  assert.equal(await s.latestOffset(null, all), null);
  ctx.clock.ms = T0 + 1500;
  assert.equal(await s.latestOffset(null, all), 1);
  const rows = rowsOf(await s.getBatch(null, 1));
  assert.deepEqual(rows.map((r) => r[1]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // timestamp (micros) = creation + index * 100 ms
  assert.deepEqual(rows.map((r) => r[0]), rows.map((_, i) => (T0 + i * 100) * 1000));
  ctx.clock.ms = T0 + 3000;
  assert.equal(await s.latestOffset(1, all), 3);
  const next = rowsOf(await s.getBatch(1, 3));
  assert.equal(next.length, 20);
  assert.deepEqual(next[0], [(T0 + 1000) * 1000, 10]);
  assert.deepEqual(next[19], [(T0 + 1000 + 19 * 100) * 1000, 29]);
  assert.equal(await s.latestOffset(3, all), 3);
});

test('rate: ramp-up, non-integer ms per value, and partitions interleave values as Spark splits them', async (t) => {
  const ctx = makeCtx(tempDir(t), { rowsPerSecond: '10', rampUpTime: '4s', numPartitions: '2' }, undefined, { ms: T0 });
  const s = new RateSource(ctx);
  await s.latestOffset(null, all);
  ctx.clock.ms = T0 + 3000;
  assert.equal(await s.latestOffset(null, all), 3);
  const batches = await s.getBatch(null, 3);
  assert.equal(batches.length, 2);
  // 12 rows over 3 s: 250 ms per value; partition 0 takes even values, partition 1 odd ones.
  assert.deepEqual(rowsOf([batches[0]!]).map((r) => r[1]), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(rowsOf([batches[1]!]).map((r) => r[1]), [1, 3, 5, 7, 9, 11]);
  assert.deepEqual(rowsOf([batches[1]!]).map((r) => r[0]), [1, 3, 5, 7, 9, 11].map((v) => (T0 + v * 250) * 1000));
  // 3 rows in one second: round(v * 333.33) ms
  const c2 = makeCtx(tempDir(t), { rowsPerSecond: '3' }, undefined, { ms: T0 });
  const s2 = new RateSource(c2);
  const r2 = rowsOf(await s2.getBatch(null, 1));
  assert.deepEqual(r2.map((r) => r[0]), [T0, T0 + 333, T0 + 667].map((ms) => ms * 1000));
});

test('rate: a new source on the same metadata path keeps the start time, so replay is identical', async (t) => {
  const dir = tempDir(t);
  const a = new RateSource(makeCtx(dir, { rowsPerSecond: '4' }, undefined, { ms: T0 }));
  await a.latestOffset(null, all);
  const before = rowsOf(await a.getBatch(2, 5));
  const b = new RateSource(makeCtx(dir, { rowsPerSecond: '4' }, undefined, { ms: T0 + 60_000 }));
  assert.deepEqual(rowsOf(await b.getBatch(2, 5)), before);
  assert.equal(before.length, 12);
  assert.equal(await b.latestOffset(5, all), 60);
});

test('rate: availableNow freezes the end at the time it is prepared', async (t) => {
  const ctx = makeCtx(tempDir(t), {}, undefined, { ms: T0 });
  const s = new RateSource(ctx);
  ctx.clock.ms = T0 + 2000;
  await s.prepareForTriggerAvailableNow();
  ctx.clock.ms = T0 + 9000;
  assert.equal(await s.latestOffset(null, all), 2);
  assert.equal(await s.latestOffset(2, all), 2);
});

test('rate: options are validated with the option named', () => {
  const ctx = (o: Record<string, string>) => makeCtx('/nonexistent', o);
  assert.throws(() => new RateSource(ctx({ rowsPerSecond: 'ten' })), { message: 'Option \'rowsPerSecond\' must be a positive integer, got "ten" (rate source).' });
  assert.throws(() => new RateSource(ctx({ rowsPerSecond: '0' })), /'rowsPerSecond' must be a positive integer/);
  assert.throws(() => new RateSource(ctx({ numPartitions: '-1' })), /'numPartitions' must be a positive integer/);
  assert.throws(() => new RateSource(ctx({ rampUpTime: '-5s' })), /'rampUpTime' must be a non-negative duration/);
  assert.throws(() => new RateSource(makeCtx('/x', {}, StructType([StructField('v', StringType)]))), /does not support a user-specified schema/);
  assert.equal(new RateSource(ctx({ rampUpTime: '2m' })).rampUpTimeSeconds, 120);
  assert.equal(new RateSource(ctx({ ROWSPERSECOND: '7' })).rowsPerSecond, 7);
});

test('rate-micro-batch: exactly rowsPerBatch rows per batch, whatever the clock', async () => {
  const s = new RatePerMicroBatchSource(makeCtx('/unused', { rowsPerBatch: '3', startTimestamp: '1000', advanceMillisPerBatch: '500' }));
  assert.deepEqual(s.defaultReadLimit(), { kind: 'maxRows', rows: 3 });
  const e0 = await s.latestOffset(null, s.defaultReadLimit());
  assert.deepEqual(e0, { offset: 3, timestamp: 1500 });
  assert.deepEqual(rowsOf(await s.getBatch(null, e0!)), [[1_000_000, 0], [1_000_000, 1], [1_000_000, 2]]);
  const e1 = await s.latestOffset(e0, all);
  assert.deepEqual(e1, { offset: 6, timestamp: 2000 });
  assert.deepEqual(rowsOf(await s.getBatch(e0, e1!)), [[1_500_000, 3], [1_500_000, 4], [1_500_000, 5]]);
  // Replay of any range is identical, and survives JSON (the offsets log).
  const replay = await s.getBatch(JSON.parse(JSON.stringify(e0)), JSON.parse(JSON.stringify(e1)));
  assert.deepEqual(rowsOf(replay), [[1_500_000, 3], [1_500_000, 4], [1_500_000, 5]]);
  assert.deepEqual(await s.getBatch(e1, e1!), []);
});

test('rate-micro-batch: defaults, partitions, availableNow gives one batch, and option errors', async () => {
  const s = new RatePerMicroBatchSource(makeCtx('/unused', { rowsPerBatch: '5', numPartitions: '2' }));
  const e = await s.latestOffset(null, all);
  assert.deepEqual(e, { offset: 5, timestamp: 1000 });
  const parts = await s.getBatch(null, e!);
  assert.deepEqual(parts.map((b) => rowsOf([b]).map((r) => r[1])), [[0, 2, 4], [1, 3]]);
  await s.prepareForTriggerAvailableNow();
  const a = await s.latestOffset(e, all);
  assert.deepEqual(a, { offset: 10, timestamp: 2000 });
  assert.deepEqual(await s.latestOffset(a, all), a);
  assert.throws(() => new RatePerMicroBatchSource(makeCtx('/u', {})), /Option 'rowsPerBatch' is required/);
  assert.throws(() => new RatePerMicroBatchSource(makeCtx('/u', { rowsPerBatch: 'x' })), /'rowsPerBatch' must be a positive integer, got "x"/);
  assert.throws(() => new RatePerMicroBatchSource(makeCtx('/u', { rowsPerBatch: '1', startTimestamp: '-1' })), /'startTimestamp' must be a non-negative integer/);
  await assert.rejects(s.getBatch({ logOffset: 1 }, e!), /is not \{"offset": n, "timestamp": ms\}/);
});
