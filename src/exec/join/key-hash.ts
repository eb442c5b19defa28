import type { DataType } from '../../core/types.js';
import { isTypedStorage, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { equality } from '../compare.js';

// Scratch views for reading a double's bits without allocating per row.
const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/** Hash of NaN: every NaN hashes alike because Spark's join keys treat NaN = NaN. */
const NAN_HASH = 0x7ff80000;

/** murmur3's 32-bit finaliser: spreads the bits so the low bits index a power-of-two table well. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hash of a number as a join key: equal numbers (including -0.0 and 0.0, and
 * every NaN) hash alike. Integers in int32 range skip the bit reinterpretation.
 */
export function hashNumber(v: number): number {
  const n = v | 0;
  if (n === v) return n; // also maps -0.0 to 0
  if (v !== v) return NAN_HASH;
  f64[0] = v;
  return i32[0]! ^ Math.imul(i32[1]!, 0x9e3779b1);
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** Hash of one non-null internal value of type `t` (the slow, general path for nested keys). */
export function hashValue(t: DataType, v: unknown): number {
  switch (t.kind) {
    case 'string': return hashString(v as string);
    case 'boolean': return v === true || v === 1 ? 1 : 0;
    case 'binary': {
      const b = v as Uint8Array;
      let h = 0x811c9dc5;
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 16777619);
      return h;
    }
    case 'array': {
      let h = 7;
      for (const e of v as unknown[]) h = Math.imul(h, 31) + (e === null ? 0 : hashValue(t.elementType, e)) | 0;
      return h;
    }
    case 'struct': {
      const vals = v as unknown[];
      let h = 11;
      for (let i = 0; i < t.fields.length; i++) {
        const e = vals[i];
        h = Math.imul(h, 31) + (e === null || e === undefined ? 0 : hashValue(t.fields[i]!.dataType, e)) | 0;
      }
      return h;
    }
    // Maps are not valid join keys in Spark; the size keeps hashing total without ordering entries.
    case 'map': return (v as Map<unknown, unknown>).size;
    case 'null': return 0;
    default: return hashNumber(v as number);
  }
}

/**
 * Writes into `out[i]` the combined hash of row i's key columns. Rows with a
 * null in any key column get an arbitrary hash; callers skip them.
 */
export function hashKeys(keys: readonly Vector[], numRows: number, out: Int32Array): void {
  out.fill(0, 0, numRows);
  for (const k of keys) {
    const vals = k.values;
    if (isTypedStorage(k.type)) {
      const a = vals as PrimitiveArray;
      for (let i = 0; i < numRows; i++) out[i] = Math.imul(out[i]!, 0x01000193) ^ hashNumber(a[i]!);
    } else if (k.type.kind === 'string') {
      const a = vals as unknown[];
      for (let i = 0; i < numRows; i++) {
        const s = a[i];
        out[i] = Math.imul(out[i]!, 0x01000193) ^ (typeof s === 'string' ? hashString(s) : 0);
      }
    } else {
      const a = vals as unknown[];
      const t = k.type;
      for (let i = 0; i < numRows; i++) {
        const v = a[i];
        out[i] = Math.imul(out[i]!, 0x01000193) ^ (v === null || v === undefined ? 0 : hashValue(t, v));
      }
    }
  }
  for (let i = 0; i < numRows; i++) out[i] = fmix32(out[i]!);
}

/** Marks in `out` (1 = usable) the rows whose key columns are all non-null; returns how many are usable. */
export function nonNullKeyMask(keys: readonly Vector[], numRows: number, out: Uint8Array): number {
  out.fill(1, 0, numRows);
  for (const k of keys) {
    const valid = k.validity;
    if (valid === null) continue;
    for (let i = 0; i < numRows; i++) out[i] = out[i]! & valid[i]!;
  }
  let n = 0;
  for (let i = 0; i < numRows; i++) n += out[i]!;
  return n;
}

/** True when row `i` of `a` and row `j` of `b` (both non-null) hold equal keys. */
export type RowEquals = (a: Vector, i: number, b: Vector, j: number) => boolean;

/** Key equality for one column type: NaN equals NaN and -0.0 equals 0.0, as in Spark's join keys. */
export function rowEquals(t: DataType): RowEquals {
  if (isTypedStorage(t)) {
    return (a, i, b, j) => {
      const x = (a.values as PrimitiveArray)[i]!;
      const y = (b.values as PrimitiveArray)[j]!;
      return x === y || (x !== x && y !== y);
    };
  }
  if (t.kind === 'string') return (a, i, b, j) => (a.values as unknown[])[i] === (b.values as unknown[])[j];
  const eq = equality(t);
  return (a, i, b, j) => eq((a.values as unknown[])[i], (b.values as unknown[])[j]);
}
