import { KeyIndex } from '../core/hash/key-index.js';
import type { DataType } from '../core/types.js';
import { sliceVector, type Vector } from '../core/vector.js';

/**
 * A secondary index of a store's slots by the first `width` key columns:
 * the sessions of one key under a session-window aggregation (whose state
 * key is the grouping keys plus the session start). Slots are never reused
 * and a slot's key never changes until compaction (see SlotIndex), so the
 * index only grows: each new slot is linked into its prefix's list, dead
 * slots are skipped when read, and compaction (which renumbers slots)
 * drops the index so it is built again. A lookup costs the slots of the
 * prefixes asked for, not the whole store.
 */
export class PrefixIndex {
  private readonly index: KeyIndex | null;
  /** Per prefix group: the newest slot, or -1. */
  private head = new Int32Array(16).fill(-1);
  /** Per slot: the previous slot of the same prefix, or -1. */
  private next = new Int32Array(16);
  private covered = 0;
  private ids = new Int32Array(0);

  constructor(readonly width: number, types: readonly DataType[]) {
    this.index = width === 0 ? null : new KeyIndex(types.slice(0, width));
  }

  /** Links slots [covered, numSlots) in, whose keys are `keyViews` (indexed by slot). */
  extend(keyViews: readonly Vector[], numSlots: number): void {
    const from = this.covered;
    const n = numSlots - from;
    if (n <= 0) return;
    if (this.ids.length < n) this.ids = new Int32Array(Math.max(n, 1024));
    const ids = this.ids;
    let groups = 1;
    if (this.index === null) ids.fill(0, 0, n);
    else groups = this.index.map(keyViews.slice(0, this.width).map((v) => sliceVector(v, from, numSlots)), n, ids);
    if (this.head.length < groups) {
      const h = new Int32Array(Math.max(groups, this.head.length * 2)).fill(-1);
      h.set(this.head);
      this.head = h;
    }
    if (this.next.length < numSlots) {
      const x = new Int32Array(Math.max(numSlots, this.next.length * 2));
      x.set(this.next);
      this.next = x;
    }
    for (let i = 0; i < n; i++) {
      const slot = from + i;
      const g = ids[i]!;
      this.next[slot] = this.head[g]!;
      this.head[g] = slot;
    }
    this.covered = numSlots;
  }

  /**
   * The live slots of each row's prefix, as offsets into one array: row r's
   * slots are `slots[offsets[r] .. offsets[r + 1])`, newest first.
   */
  slotsOf(prefix: readonly Vector[], numRows: number, live: Uint8Array): { offsets: Int32Array; slots: Int32Array } {
    const groups = new Int32Array(numRows);
    if (this.index === null) groups.fill(this.covered > 0 ? 0 : -1);
    else this.index.lookup(prefix, numRows, groups);
    const offsets = new Int32Array(numRows + 1);
    let total = 0;
    for (let r = 0; r < numRows; r++) {
      offsets[r] = total;
      for (let s = groups[r]! < 0 ? -1 : this.head[groups[r]!]!; s >= 0; s = this.next[s]!) if (live[s] === 1) total++;
    }
    offsets[numRows] = total;
    const slots = new Int32Array(total);
    for (let r = 0, k = 0; r < numRows; r++) {
      for (let s = groups[r]! < 0 ? -1 : this.head[groups[r]!]!; s >= 0; s = this.next[s]!) if (live[s] === 1) slots[k++] = s;
    }
    return { offsets, slots };
  }
}
