import type { DataType } from '../types.js';
import { allocValues, isTypedStorage, type PrimitiveArray, type Vector } from '../vector.js';

/**
 * A column that grows by doubling, indexed by group id: the storage behind
 * distinct keys and per-group values (min, max, first, last). Typed types
 * live in a typed array; everything else in a plain array. `valid[g]` is 1
 * once slot g holds a non-null value.
 */
export class GrowableColumn {
  readonly type: DataType;
  readonly typed: boolean;
  values: PrimitiveArray | unknown[];
  valid: Uint8Array;
  capacity: number;

  constructor(type: DataType, capacity = 16) {
    this.type = type;
    this.typed = isTypedStorage(type);
    this.capacity = Math.max(1, capacity);
    this.values = allocValues(type, this.capacity);
    this.valid = new Uint8Array(this.capacity);
  }

  /** Makes room for slots [0, n). */
  ensure(n: number): void {
    if (n <= this.capacity) return;
    let cap = this.capacity;
    while (cap < n) cap *= 2;
    const values = allocValues(this.type, cap);
    if (this.typed) (values as PrimitiveArray).set(this.values as PrimitiveArray);
    else { const src = this.values as unknown[]; const dst = values as unknown[]; for (let i = 0; i < src.length; i++) dst[i] = src[i]; }
    const valid = new Uint8Array(cap);
    valid.set(this.valid);
    this.values = values;
    this.valid = valid;
    this.capacity = cap;
  }

  /** Slot g := row `row` of `src` (null stays null). Callers ensure capacity. */
  copyFrom(g: number, src: Vector, row: number): void {
    if (src.validity !== null && src.validity[row] === 0) { this.setNull(g); return; }
    (this.values as unknown[])[g] = (src.values as unknown[])[row];
    this.valid[g] = 1;
  }

  setNull(g: number): void {
    this.valid[g] = 0;
    if (!this.typed) (this.values as unknown[])[g] = null;
  }

  /** Slots [0, n) as a new vector; validity is null when every slot holds a value. */
  toVector(n: number): Vector {
    const values = this.typed ? (this.values as PrimitiveArray).slice(0, n) : (this.values as unknown[]).slice(0, n);
    let allValid = true;
    for (let i = 0; i < n; i++) if (this.valid[i] === 0) { allValid = false; break; }
    return { type: this.type, length: n, values, validity: allValid ? null : this.valid.slice(0, n) };
  }

  /** Approximate bytes held (typed storage exactly; strings at 2 bytes a char plus a header). */
  memoryBytes(size: number): number {
    let bytes = this.valid.byteLength;
    if (this.typed) return bytes + (this.values as PrimitiveArray).byteLength;
    const vals = this.values as unknown[];
    bytes += this.capacity * 8;
    for (let i = 0; i < size; i++) bytes += estimateValueBytes(vals[i]);
    return bytes;
  }
}

/** A rough size of one internal value in bytes, for memory accounting. */
export function estimateValueBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (typeof v === 'number' || typeof v === 'boolean') return 8;
  if (v instanceof Uint8Array) return 32 + v.byteLength;
  if (Array.isArray(v)) { let b = 16 + 8 * v.length; for (const e of v) b += estimateValueBytes(e); return b; }
  if (v instanceof Map) { let b = 64; for (const [k, x] of v) b += 16 + estimateValueBytes(k) + estimateValueBytes(x); return b; }
  return 32;
}
