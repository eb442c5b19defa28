// StateStore.slotsByPrefix: the live slots of a key prefix (a session aggregation's sessions of one key),
// found through a secondary index that follows inserts, removals, aborts, commits and compaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchFromRows } from '../../src/core/batch.js';
import { LongType, StringType, StructField, StructType, TimestampType } from '../../src/core/types.js';
import { vectorFromValues } from '../../src/core/vector.js';
import { StateStore, type StateStoreOptions } from '../../src/state/index.js';

const KEYS = StructType([StructField('k', StringType), StructField('start', TimestampType, false)]);
const VALUES = StructType([StructField('end', LongType)]);
const ROWS = StructType([...KEYS.fields, ...VALUES.fields]);
const OPTS: StateStoreOptions = { minDeltasForSnapshot: 10, minBatchesToRetain: 100 };

/** Each asked key's sessions' starts, sorted, read through slotsByPrefix. */
function startsOf(store: StateStore, keys: readonly (string | null)[]): number[][] {
  const { offsets, slots } = store.slotsByPrefix([vectorFromValues(StringType, [...keys])], keys.length);
  const starts = store.keys()[1]!.values as Float64Array;
  return keys.map((_, r) => Array.from(slots.subarray(offsets[r]!, offsets[r + 1]!), (s) => starts[s]!).sort((a, b) => a - b));
}

const upsert = (store: StateStore, rows: [string | null, number][]) => store.upsert(batchFromRows(ROWS, rows.map(([k, s]) => [k, s, s + 10])));
const remove = (store: StateStore, rows: [string | null, number][]) =>
  store.remove([vectorFromValues(StringType, rows.map((r) => r[0])), vectorFromValues(TimestampType, rows.map((r) => r[1]))], rows.length);

test('slotsByPrefix finds exactly the live sessions of each key, across removes, aborts and commits', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spate-prefix-'));
  let store = await StateStore.load(dir, 0, KEYS, VALUES, OPTS);
  upsert(store, [['a', 1], ['a', 5], ['b', 2], [null, 3]]);
  assert.deepEqual(startsOf(store, ['a', 'b', null, 'zz']), [[1, 5], [2], [3], []]);
  remove(store, [['a', 1]]);
  upsert(store, [['b', 7]]);
  assert.deepEqual(startsOf(store, ['a', 'b']), [[5], [2, 7]]);
  await store.commit();
  store = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  upsert(store, [['a', 1], ['c', 4]]);
  remove(store, [['b', 2]]);
  assert.deepEqual(startsOf(store, ['a', 'b', 'c']), [[1, 5], [7], [4]]);
  store.abort();
  // The aborted batch's changes are gone: a's 1 (re-added) and c are dead again, b's 2 is back.
  store = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  assert.deepEqual(startsOf(store, ['a', 'b', 'c']), [[5], [2, 7], []]);
});

test('slotsByPrefix agrees with a scan after many batches, compaction included (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 40 })), { maxLength: 30 }), { minLength: 1, maxLength: 12 }),
    async (batches) => {
      const dir = await mkdtemp(join(tmpdir(), 'spate-prefix-'));
      const model = new Map<string, Set<number>>();
      let store = await StateStore.load(dir, 0, KEYS, VALUES, OPTS);
      for (let v = 0; v < batches.length; v++) {
        for (const [add, k, s] of batches[v]!) {
          if (add) { upsert(store, [[k, s]]); (model.get(k) ?? model.set(k, new Set()).get(k)!).add(s); }
          else { remove(store, [[k, s]]); model.get(k)?.delete(s); }
        }
        assert.deepEqual(startsOf(store, ['a', 'b', 'c', 'd']), ['a', 'b', 'c', 'd'].map((k) => [...(model.get(k) ?? [])].sort((x, y) => x - y)));
        await store.commit(); // compacts when dead slots outnumber live ones
        store = await StateStore.load(dir, v + 1, KEYS, VALUES, OPTS);
      }
      store.abort();
    }), { numRuns: 30 });
});

test('slotsByPrefix of one key among many returns only that key\'s slots', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spate-prefix-'));
  const store = await StateStore.load(dir, 0, KEYS, VALUES, OPTS);
  upsert(store, Array.from({ length: 20_000 }, (_, i): [string, number] => [`k${i % 5000}`, i]));
  const { offsets, slots } = store.slotsByPrefix([vectorFromValues(StringType, ['k42'])], 1);
  assert.equal(offsets[1], 4);
  assert.deepEqual(startsOf(store, ['k42']), [[42, 5042, 10042, 15042]]);
  assert.equal(slots.length, 4);
  // Removing most sessions makes the commit compact the store (slots renumbered): the index follows.
  remove(store, Array.from({ length: 15_000 }, (_, i): [string, number] => [`k${i % 5000}`, i]));
  await store.commit();
  const next = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  assert.ok(next.keys()[0]!.length < 20_000, 'the commit compacted the store');
  assert.deepEqual(startsOf(next, ['k42', 'k4999']), [[15042], [19999]]);
  next.abort();
});
