import type { StructType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import { PrefixIndex } from './prefix-index.js';
import { newSlotIndex, type SlotIndex } from './slot-index.js';
import { ValueColumn } from './value-column.js';

/**
 * The in-memory state of one store directory at a committed version,
 * columnar: a slot index over the keys, the key and value columns indexed
 * by slot, and a live flag per slot (removed keys keep a dead slot until
 * compaction). No JS object per key. Successive StateStore handles share it
 * so a micro-batch does not reload state from disk.
 */
export class StateData {
  index: SlotIndex;
  keyCols: ValueColumn[];
  valueCols: ValueColumn[];
  live: Uint8Array;
  /** Per slot, changes in the open handle: 0 untouched, 1 upserted, 2 removed. */
  touched: Uint8Array;
  numLive = 0;
  capacity = 16;
  private scratch = new Int32Array(1024);

  constructor(readonly keySchema: StructType, readonly valueSchema: StructType) {
    this.index = newSlotIndex(keySchema);
    // The index keeps each distinct key once; its columns, indexed by slot, are the store's key columns.
    this.keyCols = this.index.keyColumns();
    this.valueCols = valueSchema.fields.map((f) => new ValueColumn(f.dataType, this.capacity));
    this.live = new Uint8Array(this.capacity);
    this.touched = new Uint8Array(this.capacity);
  }

  /** Slots handed out so far (live and dead). */
  get numSlots(): number {
    return this.index.size;
  }

  /** A scratch Int32Array of at least n entries (reused; valid until the next call). */
  slotsScratch(n: number): Int32Array {
    if (this.scratch.length < n) this.scratch = new Int32Array(Math.max(n, this.scratch.length * 2));
    return this.scratch;
  }

  /** Maps rows to slots (inserting new keys) and makes room for them; returns the slots (scratch). */
  mapKeys(keys: readonly Vector[], numRows: number): Int32Array {
    const slots = this.slotsScratch(numRows);
    const size = this.index.map(keys, numRows, slots);
    this.ensure(size);
    return slots;
  }

  /** Slot of each row, -1 for absent or removed keys. */
  lookup(keys: readonly Vector[], numRows: number, out: Int32Array): void {
    this.index.lookup(keys, numRows, out);
    const live = this.live;
    for (let i = 0; i < numRows; i++) {
      const s = out[i]!;
      if (s >= 0 && live[s] === 0) out[i] = -1;
    }
  }

  /** Slot := live with row `row` of the value vectors. */
  put(slot: number, values: readonly Vector[], row: number): void {
    if (this.live[slot] === 0) { this.live[slot] = 1; this.numLive++; }
    for (let c = 0; c < this.valueCols.length; c++) this.valueCols[c]!.set(slot, values[c]!, row);
  }

  /** Slot := removed (no-op when not live). */
  drop(slot: number): boolean {
    if (this.live[slot] === 0) return false;
    this.live[slot] = 0;
    this.numLive--;
    for (const col of this.valueCols) col.setNull(slot);
    return true;
  }

  /** Applies a delta or snapshot read from disk: upserts, or removals where `removed[row]` is 1. */
  apply(keys: readonly Vector[], values: readonly Vector[], removed: Uint8Array | null, numRows: number): void {
    if (numRows === 0) return;
    const slots = this.mapKeys(keys, numRows);
    for (let i = 0; i < numRows; i++) {
      if (removed !== null && removed[i] === 1) this.drop(slots[i]!);
      else this.put(slots[i]!, values, i);
    }
  }

  /** The live slots in slot order. */
  liveSlots(): Int32Array {
    const out = new Int32Array(this.numLive);
    let k = 0;
    const n = this.numSlots;
    for (let s = 0; s < n; s++) if (this.live[s] === 1) out[k++] = s;
    return out;
  }

  /** Makes room for slots [0, n). */
  ensure(n: number): void {
    if (n <= this.capacity) return;
    let cap = this.capacity;
    while (cap < n) cap *= 2;
    for (const c of this.valueCols) c.ensure(cap);
    const live = new Uint8Array(cap);
    live.set(this.live);
    const touched = new Uint8Array(cap);
    touched.set(this.touched);
    this.live = live;
    this.touched = touched;
    this.capacity = cap;
  }

  /** The slots by their first `width` key columns (built on first use, dropped by compaction). */
  private prefix: PrefixIndex | undefined;

  /** The live slots whose first `prefix.length` key columns equal each row's (see PrefixIndex.slotsOf). */
  slotsByPrefix(prefix: readonly Vector[], numRows: number): { offsets: Int32Array; slots: Int32Array } {
    if (this.prefix === undefined || this.prefix.width !== prefix.length) {
      this.prefix = new PrefixIndex(prefix.length, this.keySchema.fields.map((f) => f.dataType));
    }
    const n = this.numSlots;
    this.prefix.extend(this.keyCols.map((c) => c.view(n)), n);
    return this.prefix.slotsOf(prefix, numRows, this.live);
  }

  /** Rebuilds the index and columns over the live keys only, dropping dead slots (slots change). */
  compact(): void {
    this.prefix = undefined;
    const slots = this.liveSlots();
    const n = slots.length;
    const keys = this.keyCols.map((c) => c.take(slots));
    const values = this.valueCols.map((c) => c.take(slots));
    const fresh = new StateData(this.keySchema, this.valueSchema);
    fresh.apply(keys, values, null, n);
    this.index = fresh.index;
    this.keyCols = fresh.keyCols;
    this.valueCols = fresh.valueCols;
    this.live = fresh.live;
    this.touched = fresh.touched;
    this.numLive = fresh.numLive;
    this.capacity = fresh.capacity;
  }

  /** Approximate bytes held: index (with its key copies), slot-indexed columns, flags. */
  memoryBytes(): number {
    const n = this.numSlots;
    // The key columns are the index's own (counted in it).
    let b = this.index.memoryBytes() + this.live.byteLength + this.touched.byteLength;
    for (const c of this.valueCols) b += c.memoryBytes(n);
    return b;
  }
}

