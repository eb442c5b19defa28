import type { StructType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import { KeyIndex } from '../core/hash/key-index.js';
import { ValueColumn } from './value-column.js';

/**
 * Dense slots for key tuples: a KeyIndex, or for stores without key columns
 * (global aggregation) the single empty tuple in slot 0. Slots are never
 * reused; a removed key keeps its slot (marked dead) until compaction.
 */
export interface SlotIndex {
  /** Slots ever handed out. */
  readonly size: number;
  /** Each row's slot, inserting unseen keys; returns the new size. */
  map(keys: readonly Vector[], numRows: number, out: Int32Array): number;
  /** Each row's slot, or -1 for keys never inserted. */
  lookup(keys: readonly Vector[], numRows: number, out: Int32Array): void;
  memoryBytes(): number;
  /** The key columns, by slot (the index's own storage). */
  keyColumns(): ValueColumn[];
  /** Frees buffers sized to the last batch. */
  releaseScratch(): void;
}

class UnitIndex implements SlotIndex {
  size = 0;
  map(_keys: readonly Vector[], numRows: number, out: Int32Array): number {
    if (numRows > 0) this.size = 1;
    out.fill(0, 0, numRows);
    return this.size;
  }
  lookup(_keys: readonly Vector[], numRows: number, out: Int32Array): void {
    out.fill(this.size > 0 ? 0 : -1, 0, numRows);
  }
  memoryBytes(): number { return 0; }
  keyColumns(): ValueColumn[] { return []; }
  releaseScratch(): void {}
}

/** A KeyIndex whose distinct keys live in ValueColumns, so the store reads its key columns straight from it. */
class KeySlotIndex extends KeyIndex implements SlotIndex {
  constructor(keySchema: StructType) {
    super(keySchema.fields.map((f) => f.dataType), (t) => new ValueColumn(t));
  }
  keyColumns(): ValueColumn[] { return this.keyStores() as ValueColumn[]; }
}

/** A slot index for keys of `keySchema`. */
export function newSlotIndex(keySchema: StructType): SlotIndex {
  if (keySchema.fields.length === 0) return new UnitIndex();
  return new KeySlotIndex(keySchema);
}
