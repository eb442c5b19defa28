import type { DataType } from '../core/types.js';
import { allocValues, type PrimitiveArray, type Vector } from '../core/vector.js';
import { GrowableColumn } from '../core/hash/growable-column.js';

/**
 * One key or value column of a state store, indexed by key slot: the
 * growable column of the hash index (numbers in a typed array, everything
 * else in a plain array, `valid[slot]` 1 when the slot holds a value), plus
 * the slot copies, views and memory report the store needs. No object per key.
 */
export class ValueColumn extends GrowableColumn {
  constructor(type: DataType, capacity = 16) {
    super(type, Math.max(16, capacity));
  }

  /** Slot := row `row` of `src` (same type). */
  set(slot: number, src: Vector, row: number): void {
    this.copyFrom(slot, src, row);
  }

  /** Slot `to` := slot `from` of `other` (a column of the same type). */
  copySlot(other: ValueColumn, from: number, to: number): void {
    if (other.valid[from] === 0) { this.setNull(to); return; }
    (this.values as unknown[])[to] = (other.values as unknown[])[from];
    this.valid[to] = 1;
  }

  /** Slots [0, n) as a vector sharing this column's memory (read-only; invalid after the column grows). */
  view(n: number): Vector {
    const values = this.typed ? (this.values as PrimitiveArray).subarray(0, n) : (this.values as unknown[]);
    return { type: this.type, length: n, values, validity: this.valid.subarray(0, n) };
  }

  /** Slots `slots[0..count)` as a new vector (validity null when all are valid). */
  take(slots: Int32Array, count = slots.length): Vector {
    const values = allocValues(this.type, count);
    const valid = new Uint8Array(count);
    let allValid = true;
    const src = this.values;
    for (let k = 0; k < count; k++) {
      const s = slots[k]!;
      if (this.valid[s] === 1) { valid[k] = 1; (values as unknown[])[k] = (src as unknown[])[s]; } else allValid = false;
    }
    return { type: this.type, length: count, values, validity: allValid ? null : valid };
  }

  /**
   * Bytes held: exact for typed storage; plain arrays at 8 bytes a reference plus an estimate of each
   * value. Past SAMPLED_SLOTS slots the values are sized from evenly spaced samples: the report comes
   * every batch, and walking a million strings for it cost more than the batch's own state work.
   */
  override memoryBytes(n: number): number {
    let bytes = this.valid.byteLength;
    if (this.typed) return bytes + (this.values as PrimitiveArray).byteLength;
    bytes += this.capacity * 8;
    const vals = this.values as unknown[];
    if (n <= SAMPLED_SLOTS) {
      for (let i = 0; i < n; i++) bytes += valueBytes(vals[i]);
      return bytes;
    }
    let sampled = 0;
    for (let k = 0; k < SAMPLED_SLOTS; k++) sampled += valueBytes(vals[Math.floor((k * n) / SAMPLED_SLOTS)]);
    return bytes + Math.round((sampled * n) / SAMPLED_SLOTS);
  }
}

/** Slots a plain-array column sizes one by one before it samples (see ValueColumn.memoryBytes). */
const SAMPLED_SLOTS = 4096;

/**
 * A rough heap size of one internal value, for state memory reports: strings
 * at one byte a character (V8 keeps ASCII strings one-byte), numbers in plain
 * arrays as small integers with no heap cost.
 */
export function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return 16 + v.length;
  if (typeof v === 'number' || typeof v === 'boolean') return 0;
  if (v instanceof Uint8Array) return 64 + v.byteLength;
  if (Array.isArray(v)) { let b = 16 + 8 * v.length; for (const e of v) b += valueBytes(e); return b; }
  if (v instanceof Map) { let b = 64; for (const [k, x] of v) b += 24 + valueBytes(k) + valueBytes(x); return b; }
  return 32;
}
