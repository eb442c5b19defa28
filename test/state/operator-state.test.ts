// The partitions of a stateful operator share one delta file per version (state/<op>/<version>.delta);
// checkpoints written with a delta per partition directory still load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchFromRows, batchToRows } from '../../src/core/batch.js';
import { LongType, StringType, StructField, StructType } from '../../src/core/types.js';
import { OperatorState } from '../../src/exec/stateful/operator-state.js';
import { StateStore } from '../../src/state/index.js';
import { encodeStateFile } from '../../src/state/state-file.js';

const KEYS = StructType([StructField('k', StringType)]);
const VALUES = StructType([StructField('n', LongType)]);
const ROWS = StructType([...KEYS.fields, ...VALUES.fields]);
const PARTS = 4;

/** Upserts (k, n) rows, each into the partition its key hashes to, then commits. */
async function commitRows(op: OperatorState, rows: [string, number][]): Promise<void> {
  const all = batchFromRows(ROWS, rows);
  const byPart = op.splitByPartition([all.columns[0]!], rows.length);
  byPart.forEach((idx, p) => {
    if (idx.length > 0) op.store(p).upsert(batchFromRows(ROWS, [...idx].map((i) => rows[i]!)));
  });
  await op.commit();
}

function contents(op: OperatorState): unknown[][] {
  const out: unknown[][] = [];
  for (let p = 0; p < PARTS; p++) out.push(...batchToRows(op.store(p).rows()));
  return out.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

test('one delta file per version for all partitions, snapshots per partition, old deltas cleaned', async () => {
  const cp = await mkdtemp(join(tmpdir(), 'spate-op-state-'));
  const opts = { minDeltasForSnapshot: 3, minBatchesToRetain: 2 };
  const op = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await op.load(0);
  for (let v = 1; v <= 8; v++) await commitRows(op, [[`a${v}`, v], ['b', v], [`c${v % 3}`, v * 10]]);
  op.close();
  const opDir = join(cp, 'state', '0');
  const names = await readdir(opDir);
  const deltas = names.filter((n) => n.endsWith('.delta')).map((n) => Number(n.split('.')[0])).sort((a, b) => a - b);
  // Snapshots at 3 and 6; keeping 2 batches back from 8 needs the snapshot at 6 and the deltas after it.
  assert.deepEqual(deltas, [6, 7, 8]);
  for (let p = 0; p < PARTS; p++) {
    const own = await readdir(join(opDir, String(p)));
    assert.ok(!own.some((n) => n.endsWith('.delta')), `partition ${p} has no delta of its own: ${own.join(', ')}`);
    assert.ok(own.includes('6.snapshot'), `partition ${p} snapshot at 6: ${own.join(', ')}`);
  }
  // A fresh load from disk (no cache) of every version still retained gives the same state as the run.
  const again = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await again.load(8);
  const expected = [['a1', 1], ['a2', 2], ['a3', 3], ['a4', 4], ['a5', 5], ['a6', 6], ['a7', 7], ['a8', 8], ['b', 8], ['c0', 60], ['c1', 70], ['c2', 80]];
  assert.deepEqual(contents(again), expected);
  again.close();
  const seven = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await seven.load(7);
  assert.deepEqual(contents(seven), expected.filter(([k]) => k !== 'a8').map(([k, n]) => (k === 'b' ? [k, 7] : k === 'c2' ? [k, 50] : [k, n])));
  seven.close();
});

test('a checkpoint with a delta per partition directory (written before shared deltas) loads and goes on that way', async () => {
  const cp = await mkdtemp(join(tmpdir(), 'spate-op-state-own-'));
  const opts = { minDeltasForSnapshot: 10, minBatchesToRetain: 100 };
  const probe = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  // Write version 1 the old way: each partition's store on its own.
  const rows: [string, number][] = [['x', 1], ['y', 2], ['z', 3], ['w', 4]];
  const byPart = probe.splitByPartition([batchFromRows(ROWS, rows).columns[0]!], rows.length);
  for (let p = 0; p < PARTS; p++) {
    const s = await StateStore.load(join(cp, 'state', '0', String(p)), 0, KEYS, VALUES, opts);
    const idx = byPart[p]!;
    if (idx.length > 0) s.upsert(batchFromRows(ROWS, [...idx].map((i) => rows[i]!)));
    await s.commit();
  }
  StateStore.unloadAll(cp);
  const op = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await op.load(1);
  assert.deepEqual(contents(op), [['w', 4], ['x', 1], ['y', 2], ['z', 3]]);
  await commitRows(op, [['x', 10]]);
  op.close();
  const opDir = join(cp, 'state', '0');
  assert.ok(!(await readdir(opDir)).some((n) => n.endsWith('.delta')), 'no shared delta in an old-layout checkpoint');
  const reloaded = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await reloaded.load(2);
  assert.deepEqual(contents(reloaded), [['w', 4], ['x', 10], ['y', 2], ['z', 3]]);
  reloaded.close();
});

test('a shared delta in the first shared format (SPSD sections, one state file per partition) still loads', async () => {
  const cp = await mkdtemp(join(tmpdir(), 'spate-op-state-spsd-'));
  const opts = { minDeltasForSnapshot: 10, minBatchesToRetain: 100 };
  const probe = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  const rows: [string, number][] = [['x', 1], ['y', 2], ['z', 3], ['w', 4]];
  const byPart = probe.splitByPartition([batchFromRows(ROWS, rows).columns[0]!], rows.length);
  // Version 1 as that format wrote it: magic, format 1, partition count, (offset, length) per partition, sections.
  const sections = byPart.map((idx) => {
    const part = batchFromRows(ROWS, [...idx].map((i) => rows[i]!));
    return encodeStateFile('delta', 1, KEYS, VALUES, [part.columns[0]!], [part.columns[1]!], new Uint8Array(part.numRows), part.numRows);
  });
  const head = 12 + 8 * PARTS;
  const file = new Uint8Array(head + sections.reduce((a, s) => a + s.length, 0));
  const view = new DataView(file.buffer);
  view.setUint32(0, 0x44535053, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, PARTS, true);
  let off = head;
  sections.forEach((s, p) => { view.setUint32(12 + 8 * p, off, true); view.setUint32(16 + 8 * p, s.length, true); file.set(s, off); off += s.length; });
  await mkdir(join(cp, 'state', '0'), { recursive: true });
  await writeFile(join(cp, 'state', '0', '1.delta'), file);
  const op = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await op.load(1);
  assert.deepEqual(contents(op), [['w', 4], ['x', 1], ['y', 2], ['z', 3]]);
  // The next version is written in the current format beside it, and both load from disk.
  await commitRows(op, [['x', 10]]);
  op.close();
  const reloaded = new OperatorState(0, 'test', cp, PARTS, KEYS, VALUES, opts);
  await reloaded.load(2);
  assert.deepEqual(contents(reloaded), [['w', 4], ['x', 10], ['y', 2], ['z', 3]]);
  reloaded.close();
});
