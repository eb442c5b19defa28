import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchFromRows, batchToRows } from '../../src/core/batch.js';
import { SpateError } from '../../src/core/errors.js';
import { DecimalType, DoubleType, IntegerType, LongType, StringType, StructField, StructType, TimestampType } from '../../src/core/types.js';
import { vectorFromValues } from '../../src/core/vector.js';
import { StateStore, type StateStoreOptions } from '../../src/state/index.js';

const KEYS = StructType([StructField('word', StringType), StructField('n', LongType)]);
const VALUES = StructType([StructField('count', LongType), StructField('label', StringType), StructField('avg', DoubleType)]);
const ROWS = StructType([...KEYS.fields, ...VALUES.fields]);
const OPTS: StateStoreOptions = { minDeltasForSnapshot: 10, minBatchesToRetain: 100 };

type Key = [string | null, number | null];
type Val = [number | null, string | null, number | null];

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'spate-state-'));
}

function keyVectors(keys: readonly Key[]) {
  return [vectorFromValues(StringType, keys.map((k) => k[0])), vectorFromValues(LongType, keys.map((k) => k[1]))];
}

/** Live rows sorted, for comparison with a model. */
function sortedRows(s: StateStore): unknown[][] {
  return batchToRows(s.rows()).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function modelRows(m: Map<string, [Key, Val]>): unknown[][] {
  return [...m.values()].map(([k, v]) => [...k, ...v]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SpateError, `expected SpateError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const s of parts) assert.ok(e.message.includes(s), `message ${JSON.stringify(e.message)} should include ${JSON.stringify(s)}`);
    return true;
  });
}

test('upsert, lookup, values, remove, rows and updatedRows', async () => {
  const dir = await tempDir();
  const s = await StateStore.load(dir, 0, KEYS, VALUES, OPTS);
  assert.equal(s.version, 0);
  assert.equal(s.numKeys, 0);
  s.upsert(batchFromRows(ROWS, [['a', 1, 10, 'x', 1.5], [null, null, 20, null, NaN], ['a', 1, 11, 'y', null]]));
  assert.equal(s.numKeys, 2, 'the repeated key counts once; the last row wins');
  const slots = new Int32Array(4);
  s.lookup(keyVectors([['a', 1], [null, null], ['a', 2], ['b', 1]]), 4, slots);
  assert.equal(slots[2], -1);
  assert.equal(slots[3], -1);
  const [count, label, avg] = s.values();
  assert.equal(count!.values[slots[0]!], 11);
  assert.equal(label!.values[slots[0]!], 'y');
  assert.equal(avg!.validity![slots[0]!], 0);
  assert.ok(Number.isNaN(avg!.values[slots[1]!] as number));
  assert.equal(s.keys()[0]!.values[slots[0]!], 'a');
  assert.ok(s.isLive(slots[0]!));
  s.remove(keyVectors([['a', 1], ['zz', 0]]), 2);
  assert.equal(s.isLive(slots[0]!), false);
  s.lookup(keyVectors([['a', 1]]), 1, slots);
  assert.equal(slots[0], -1);
  assert.deepEqual(batchToRows(s.rows()), [[null, null, 20, null, NaN]]);
  assert.deepEqual(batchToRows(s.updatedRows()), [[null, null, 20, null, NaN]]);
  assert.deepEqual(s.metrics().numRowsTotal, 1);
  assert.equal(s.metrics().numRowsRemoved, 1);
  assert.equal(s.metrics().numRowsUpdated, 3);
  assert.equal(await s.commit(), 1);
  assert.throws(() => s.upsert(batchFromRows(ROWS, [])), /already committed/);
  const again = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  assert.deepEqual(batchToRows(again.rows()), [[null, null, 20, null, NaN]]);
  assert.deepEqual(batchToRows(again.updatedRows()), []);
  again.abort();
});

test('abort rolls back upserts and removes; the next load sees the committed version', async () => {
  const dir = await tempDir();
  const s0 = await StateStore.load(dir, 0, KEYS, VALUES, OPTS);
  s0.upsert(batchFromRows(ROWS, [['a', 1, 1, 'one', 0.5], ['b', 2, 2, 'two', null]]));
  await s0.commit();
  const s1 = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  s1.upsert(batchFromRows(ROWS, [['a', 1, 100, 'changed', 9], ['c', 3, 3, 'new', 1]]));
  s1.remove(keyVectors([['b', 2]]), 1);
  s1.upsert(batchFromRows(ROWS, [['b', 2, 200, 'back', 2]]));
  s1.abort();
  const s2 = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  assert.deepEqual(sortedRows(s2), [['a', 1, 1, 'one', 0.5], ['b', 2, 2, 'two', null]]);
  s2.abort();
  StateStore.unloadAll(dir);
  const s3 = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  assert.deepEqual(sortedRows(s3), [['a', 1, 1, 'one', 0.5], ['b', 2, 2, 'two', null]]);
  s3.abort();
});

test('a store without key columns holds one row (global aggregation)', async () => {
  const dir = await tempDir();
  const noKeys = StructType([]);
  const vals = StructType([StructField('sum', LongType)]);
  const s = await StateStore.load(dir, 0, noKeys, vals, OPTS);
  const slots = new Int32Array(1);
  s.lookup([], 1, slots);
  assert.equal(slots[0], -1);
  s.upsert(batchFromRows(vals, [[5]]));
  s.lookup([], 1, slots);
  assert.equal(slots[0], 0);
  await s.commit();
  StateStore.unloadAll(dir);
  const t = await StateStore.load(dir, 1, noKeys, vals, OPTS);
  assert.deepEqual(batchToRows(t.rows()), [[5]]);
  t.abort();
});

test('decimal, int and timestamp columns survive the file round trip with their types', async () => {
  const dir = await tempDir();
  const ks = StructType([StructField('d', DecimalType(10, 2)), StructField('i', IntegerType)]);
  const vs = StructType([StructField('ts', TimestampType)]);
  const s = await StateStore.load(dir, 0, ks, vs, OPTS);
  s.upsert(batchFromRows(StructType([...ks.fields, ...vs.fields]), [[12.34, -7, -1_000_001], [null, 2 ** 31 - 1, 2 ** 53 - 1]]));
  await s.commit();
  StateStore.unloadAll(dir);
  const t = await StateStore.load(dir, 1, ks, vs, OPTS);
  assert.deepEqual(batchToRows(t.rows()), [[12.34, -7, -1_000_001], [null, 2 ** 31 - 1, 2 ** 53 - 1]]);
  assert.equal(t.rows().schema.fields[0]!.dataType.kind, 'decimal');
  t.abort();
});

// Random operations over versions against a Map model; reloads from disk at random versions.
const keyArb = fc.tuple(fc.constantFrom<string | null>('a', 'b', 'c', 'é', 'd😀', null), fc.constantFrom<number | null>(0, 1, -5, 2 ** 40, null));
const valArb = fc.tuple(fc.option(fc.integer({ min: -1e6, max: 1e6 })), fc.option(fc.string({ maxLength: 5 })), fc.option(fc.double({ noDefaultInfinity: true })));
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('upsert' as const), rows: fc.array(fc.tuple(keyArb, valArb), { maxLength: 6 }) }),
  fc.record({ kind: fc.constant('remove' as const), keys: fc.array(keyArb, { maxLength: 4 }) }),
);
const versionArb = fc.record({ ops: fc.array(opArb, { maxLength: 4 }), abort: fc.boolean() });

for (const minDeltasForSnapshot of [1, 3, 1000]) {
  test(`state at every version equals a Map model (minDeltasForSnapshot=${minDeltasForSnapshot})`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(versionArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), async (versions, reloads) => {
      const dir = await tempDir();
      const opts = { minDeltasForSnapshot, minBatchesToRetain: 100 };
      const models: Map<string, [Key, Val]>[] = [new Map()];
      let model = new Map<string, [Key, Val]>();
      let v = 0;
      for (const step of versions) {
        const s = await StateStore.load(dir, v, KEYS, VALUES, opts);
        const next = new Map(model);
        for (const op of step.ops) {
          if (op.kind === 'upsert') {
            s.upsert(batchFromRows(ROWS, op.rows.map(([k, x]) => [...k, ...x])));
            for (const [k, x] of op.rows) next.set(JSON.stringify(k), [k, x]);
          } else {
            s.remove(keyVectors(op.keys), op.keys.length);
            for (const k of op.keys) next.delete(JSON.stringify(k));
          }
        }
        assert.deepEqual(sortedRows(s), modelRows(next));
        if (step.abort) { s.abort(); continue; }
        v = await s.commit();
        model = next;
        models.push(model);
      }
      for (const r of reloads) {
        const at = r % (v + 1);
        StateStore.unloadAll(dir);
        const s = await StateStore.load(dir, at, KEYS, VALUES, opts);
        assert.deepEqual(sortedRows(s), modelRows(models[at]!), `reload of version ${at}`);
        s.abort();
      }
      // Snapshots are only an optimisation: without them, deltas rebuild the same state.
      for (const n of await readdir(dir)) if (n.endsWith('.snapshot')) await rm(join(dir, n));
      StateStore.unloadAll(dir);
      const s = await StateStore.load(dir, v, KEYS, VALUES, opts);
      assert.deepEqual(sortedRows(s), modelRows(models[v]!));
      s.abort();
      await rm(dir, { recursive: true });
    }), { numRuns: 40 });
  });
}

async function commitVersions(dir: string, n: number, opts: StateStoreOptions): Promise<void> {
  for (let v = 0; v < n; v++) {
    const s = await StateStore.load(dir, v, KEYS, VALUES, opts);
    s.upsert(batchFromRows(ROWS, [[`k${v % 3}`, v, v, `v${v}`, v / 2]]));
    await s.commit();
  }
}

test('snapshot cadence: a snapshot every minDeltasForSnapshot versions, a delta for every version', async () => {
  const dir = await tempDir();
  await commitVersions(dir, 7, { minDeltasForSnapshot: 3, minBatchesToRetain: 100 });
  const files = (await readdir(dir)).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  assert.deepEqual(files, ['1.delta', '2.delta', '3.delta', '3.snapshot', '4.delta', '5.delta', '6.delta', '6.snapshot', '7.delta']);
});

test('cleanup keeps what recovery of the last minBatchesToRetain versions needs', async () => {
  const dir = await tempDir();
  const opts = { minDeltasForSnapshot: 2, minBatchesToRetain: 3 };
  await commitVersions(dir, 9, opts);
  const files = (await readdir(dir)).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  // Latest 9; versions 6..9 must load: snapshot 6 and the deltas after it stay.
  assert.deepEqual(files, ['6.delta', '6.snapshot', '7.delta', '8.delta', '8.snapshot', '9.delta']);
  for (const v of [6, 7, 8, 9]) {
    StateStore.unloadAll(dir);
    const s = await StateStore.load(dir, v, KEYS, VALUES, opts);
    assert.equal(batchToRows(s.rows()).length, v);
    s.abort();
  }
  StateStore.unloadAll(dir);
  await rejectsWith(StateStore.load(dir, 4, KEYS, VALUES, opts), 'CHECKPOINT_CORRUPT', dir, 'state version 4 is needed but the oldest state file is for version 6');
});

test('with no snapshots nothing is cleaned: deltas are the only truth', async () => {
  const dir = await tempDir();
  await commitVersions(dir, 5, { minDeltasForSnapshot: 1000, minBatchesToRetain: 1 });
  assert.equal((await readdir(dir)).length, 5);
});

test('a missing delta names the file and version', async () => {
  const dir = await tempDir();
  await commitVersions(dir, 4, OPTS);
  await rm(join(dir, '2.delta'));
  StateStore.unloadAll(dir);
  await rejectsWith(StateStore.load(dir, 4, KEYS, VALUES, OPTS), 'CHECKPOINT_CORRUPT', dir, 'version(s) 2', join(dir, '2.delta'));
  // Versions before the gap still load.
  const s = await StateStore.load(dir, 1, KEYS, VALUES, OPTS);
  s.abort();
});

test('an empty state directory cannot serve a version above 0', async () => {
  await rejectsWith(StateStore.load(join(await tempDir(), 'nothing'), 3, KEYS, VALUES, OPTS), 'CHECKPOINT_CORRUPT', 'no state files');
});

const corruptions: [string, (b: Buffer) => Uint8Array, string][] = [
  ['empty', () => new Uint8Array(0), 'the file is empty'],
  ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2)), 'truncated'],
  ['garbage', (b) => new Uint8Array(b.length).fill(7), 'truncated or not an Arrow IPC file'],
];
for (const [name, damage, expected] of corruptions) {
  test(`a ${name} state file names the file and version`, async () => {
    const dir = await tempDir();
    await commitVersions(dir, 3, { minDeltasForSnapshot: 2, minBatchesToRetain: 100 });
    for (const file of ['3.delta', '2.snapshot']) {
      const d = await tempDir();
      for (const n of await readdir(dir)) await writeFile(join(d, n), await readFile(join(dir, n)));
      await writeFile(join(d, file), damage(await readFile(join(d, file))));
      const version = parseInt(file);
      await rejectsWith(StateStore.load(d, 3, KEYS, VALUES, OPTS), 'CHECKPOINT_CORRUPT', join(d, file), `version ${version}`, expected);
    }
  });
}

test('a state file rewritten underneath the cached store is read again (and its damage reported)', async () => {
  const dir = await tempDir();
  await commitVersions(dir, 2, OPTS);
  await writeFile(join(dir, '2.delta'), 'not arrow at all');
  await rejectsWith(StateStore.load(dir, 2, KEYS, VALUES, OPTS), 'CHECKPOINT_CORRUPT', join(dir, '2.delta'));
});

test('a changed key or value schema is refused', async () => {
  const dir = await tempDir();
  await commitVersions(dir, 1, OPTS);
  StateStore.unloadAll(dir);
  const other = StructType([StructField('count', IntegerType), StructField('label', StringType), StructField('avg', DoubleType)]);
  await rejectsWith(StateStore.load(dir, 1, KEYS, other, OPTS), 'CHECKPOINT_INCOMPATIBLE', join(dir, '1.delta'), 'values (int,string,double)', 'values (bigint,string,double)');
});

test('a leftover temp file from a crashed commit is ignored and later cleaned', async () => {
  const dir = await tempDir();
  await commitVersions(dir, 1, { minDeltasForSnapshot: 1, minBatchesToRetain: 1 });
  await writeFile(join(dir, '.2.delta.1234.tmp'), 'half a file');
  StateStore.unloadAll(dir);
  const s = await StateStore.load(dir, 1, KEYS, VALUES, { minDeltasForSnapshot: 1, minBatchesToRetain: 1 });
  assert.equal(s.numKeys, 1);
  s.abort();
  await commitVersions(dir, 0, OPTS);
  const opts = { minDeltasForSnapshot: 1, minBatchesToRetain: 1 };
  for (let v = 1; v < 4; v++) { const t = await StateStore.load(dir, v, KEYS, VALUES, opts); await t.commit(); }
  assert.deepEqual((await readdir(dir)).sort(), ['3.delta', '3.snapshot', '4.delta', '4.snapshot']);
});

test('re-running a version after a crash replaces its stale snapshot', async () => {
  const dir = await tempDir();
  const opts = { minDeltasForSnapshot: 2, minBatchesToRetain: 100 };
  await commitVersions(dir, 2, opts); // 1.delta, 2.delta, 2.snapshot
  StateStore.unloadAll(dir);
  // Batch 1 runs again with different results (after a crash before its commit log entry).
  const s = await StateStore.load(dir, 1, KEYS, VALUES, { minDeltasForSnapshot: 5, minBatchesToRetain: 100 });
  s.upsert(batchFromRows(ROWS, [['other', 1, 1, 'x', 1]]));
  assert.equal(await s.commit(), 2);
  StateStore.unloadAll(dir);
  const t = await StateStore.load(dir, 2, KEYS, VALUES, opts);
  assert.deepEqual(sortedRows(t), [['k0', 0, 0, 'v0', 0], ['other', 1, 1, 'x', 1]]);
  t.abort();
});

test('memory is reported and stays compact per key', async () => {
  const dir = await tempDir();
  const s = await StateStore.load(dir, 0, KEYS, VALUES, OPTS);
  const n = 20_000;
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) rows.push([`w${i}`, i, i, null, 1]);
  s.upsert(batchFromRows(ROWS, rows));
  const perKey = s.memoryBytes() / n;
  assert.ok(perKey > 20 && perKey < 400, `bytes per key ${perKey}`);
  assert.equal(s.metrics().memoryUsedBytes, s.memoryBytes());
  s.abort();
});

test('options are validated', async () => {
  await rejectsWith(StateStore.load(await tempDir(), 0, KEYS, VALUES, { minDeltasForSnapshot: 0, minBatchesToRetain: 1 }), 'INVALID_CONF', 'minDeltasForSnapshot');
});
