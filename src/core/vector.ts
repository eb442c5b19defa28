import type { DataType } from './types.js';

/** Backing store of a fixed-width column. */
export type PrimitiveArray = Uint8Array | Int32Array | Float32Array | Float64Array;

/**
 * One column of a batch. `values` is a typed array for fixed-width types and a
 * plain array for strings, binary and nested values (see types.ts for the
 * mapping). `validity` is a byte mask, 1 = valid, 0 = null, or `null` when the
 * column has no nulls; a byte per row instead of a bit keeps the generated
 * loops free of shifts, and Arrow export packs it into bits. In plain-array
 * columns a null slot also holds `null`.
 */
export interface Vector {
  readonly type: DataType;
  readonly length: number;
  readonly values: PrimitiveArray | unknown[];
  readonly validity: Uint8Array | null;
  /**
   * Optional, for string columns: the same values dictionary-encoded (values[i] === entries[codes[i]]
   * for every valid row). Consumers that know it (KeyIndex) work per distinct entry instead of per
   * row; everyone else just reads `values`. Operations that build new vectors drop it.
   */
  readonly dictionary?: StringDictionary;
}

/** Codes into an append-only list of distinct strings (entries never change once added). */
export interface StringDictionary {
  readonly codes: Int32Array;
  readonly entries: readonly string[];
}

/** A vector under construction: the same shape with writable contents. */
export interface MutableVector extends Vector {
  values: PrimitiveArray | unknown[];
  validity: Uint8Array | null;
}

/** Allocates storage for `n` values of type `t` (zeroed / filled with null). */
export function allocValues(t: DataType, n: number): PrimitiveArray | unknown[] {
  switch (t.kind) {
    case 'boolean': return new Uint8Array(n);
    case 'int': case 'date': return new Int32Array(n);
    case 'float': return new Float32Array(n);
    case 'long': case 'double': case 'decimal': case 'timestamp': return new Float64Array(n);
    default: return new Array<unknown>(n).fill(null);
  }
}

/** True when `t` is stored in a typed array. */
export function isTypedStorage(t: DataType): boolean {
  switch (t.kind) {
    case 'boolean': case 'int': case 'date': case 'float': case 'long': case 'double': case 'decimal': case 'timestamp':
      return true;
    default:
      return false;
  }
}

export function makeVector(type: DataType, values: PrimitiveArray | unknown[], validity: Uint8Array | null, length = values.length): Vector {
  return { type, length, values, validity };
}

/** Builds a vector from internal values (`null` for null; booleans as true/false). */
export function vectorFromValues(type: DataType, vals: readonly unknown[]): Vector {
  const n = vals.length;
  const values = allocValues(type, n);
  let validity: Uint8Array | null = null;
  const typed = isTypedStorage(type);
  const isBool = type.kind === 'boolean';
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v === null || v === undefined) {
      if (validity === null) validity = new Uint8Array(n).fill(1);
      validity[i] = 0;
      continue;
    }
    if (typed) (values as PrimitiveArray)[i] = isBool ? (v ? 1 : 0) : (v as number);
    else (values as unknown[])[i] = v;
  }
  return { type, length: n, values, validity };
}

export function isNullAt(v: Vector, i: number): boolean {
  return v.validity !== null && v.validity[i] === 0;
}

/** The internal value at row i (null for null; booleans as true/false). */
export function getValue(v: Vector, i: number): unknown {
  if (v.validity !== null && v.validity[i] === 0) return null;
  const x = v.values[i];
  return v.type.kind === 'boolean' ? x === 1 : x;
}

/** All values as a plain array of internal values. */
export function vectorToArray(v: Vector): unknown[] {
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = getValue(v, i);
  return out;
}

export function nullVector(type: DataType, n: number): Vector {
  return { type, length: n, values: allocValues(type, n), validity: new Uint8Array(n) };
}

/** A vector of `n` copies of one internal value. */
export function constantVector(type: DataType, value: unknown, n: number): Vector {
  if (value === null || value === undefined) return nullVector(type, n);
  const values = allocValues(type, n);
  if (isTypedStorage(type)) (values as PrimitiveArray).fill(type.kind === 'boolean' ? (value ? 1 : 0) : (value as number));
  else (values as unknown[]).fill(value);
  return { type, length: n, values, validity: null };
}

/** The value every row of a lazyConstantVector holds, so taking rows of it stays a constant. */
const CONSTANT = Symbol('constant');

/** constantVector whose values are only made if read (count(1) reads only the validity, which is null). */
export function lazyConstantVector(type: DataType, value: unknown, n: number): Vector {
  if (value === null || value === undefined) return nullVector(type, n);
  let values: PrimitiveArray | unknown[] | null = null;
  return { type, length: n, validity: null, [CONSTANT]: value, get values() { return (values ??= constantVector(type, value, n).values); } } as Vector;
}

function gatherF64(src: Float64Array, out: Float64Array, indices: Int32Array, count: number): void {
  for (let k = 0; k < count; k++) out[k] = src[indices[k]!]!;
}

function gatherI32(src: Int32Array, out: Int32Array, indices: Int32Array, count: number): void {
  for (let k = 0; k < count; k++) out[k] = src[indices[k]!]!;
}

/** out[k] = src[indices[k]] for k < count (no index -1); arrays of one kind. One loop per array kind: a single loop over every kind would be megamorphic, several times slower. */
export function gatherInto(src: PrimitiveArray, out: PrimitiveArray, indices: Int32Array, count: number): void {
  if (src instanceof Float64Array) gatherF64(src, out as Float64Array, indices, count);
  else if (src instanceof Int32Array) gatherI32(src, out as Int32Array, indices, count);
  else for (let k = 0; k < count; k++) out[k] = src[indices[k]!]!;
}

/** Rows `indices[k]` of `v`, in that order; an index of -1 gives null (used by outer joins). */
export function takeVector(v: Vector, indices: Int32Array, count = indices.length): Vector {
  const constant = (v as { [CONSTANT]?: unknown })[CONSTANT];
  if (constant !== undefined && indices.every((i) => i >= 0)) return lazyConstantVector(v.type, constant, count);
  const values = allocValues(v.type, count);
  let validity: Uint8Array | null = null;
  const src = v.values;
  const srcValid = v.validity;
  let sawMissing = false;
  for (let k = 0; k < count; k++) if (indices[k]! < 0) { sawMissing = true; break; }
  if (srcValid !== null || sawMissing) {
    validity = new Uint8Array(count);
    for (let k = 0; k < count; k++) {
      const i = indices[k]!;
      validity[k] = i < 0 ? 0 : srcValid === null ? 1 : srcValid[i]!;
    }
  }
  if (isTypedStorage(v.type)) {
    if (!sawMissing) gatherInto(src as PrimitiveArray, values as PrimitiveArray, indices, count);
    else {
      const out = values as PrimitiveArray;
      const s = src as PrimitiveArray;
      for (let k = 0; k < count; k++) {
        const i = indices[k]!;
        if (i >= 0) out[k] = s[i]!;
      }
    }
  } else {
    const out = values as unknown[];
    const s = src as unknown[];
    for (let k = 0; k < count; k++) {
      const i = indices[k]!;
      out[k] = i >= 0 ? s[i] : null;
    }
  }
  return { type: v.type, length: count, values, validity };
}

/** Rows [start, end) of `v`; shares memory for typed storage. */
export function sliceVector(v: Vector, start: number, end: number): Vector {
  const values = isTypedStorage(v.type)
    ? (v.values as PrimitiveArray).subarray(start, end)
    : (v.values as unknown[]).slice(start, end);
  return { type: v.type, length: end - start, values, validity: v.validity && v.validity.subarray(start, end) };
}

/** sliceVector deferred until first read of `values` or `validity`: slicing a lazily taken column would otherwise take it whole at once. */
export function lazySliceVector(v: Vector, start: number, end: number): Vector {
  return lazyVector(v.type, end - start, () => sliceVector(v, start, end));
}

/** Concatenates vectors of the same type. */
export function concatVectors(type: DataType, parts: readonly Vector[]): Vector {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  let anyNull = false;
  for (const p of parts) {
    n += p.length;
    if (p.validity !== null) anyNull = true;
  }
  const values = allocValues(type, n);
  const validity = anyNull ? new Uint8Array(n).fill(1) : null;
  let off = 0;
  for (const p of parts) {
    if (isTypedStorage(type)) (values as PrimitiveArray).set(p.values as PrimitiveArray, off);
    else {
      const s = p.values as unknown[];
      const out = values as unknown[];
      for (let i = 0; i < p.length; i++) out[off + i] = s[i];
    }
    if (validity !== null && p.validity !== null) validity.set(p.validity, off);
    off += p.length;
  }
  return { type, length: n, values, validity };
}

/**
 * takeVector deferred until first read of `values` or `validity` (late
 * materialization): a join's output names every column of both sides, but
 * the operator above often reads only a few (a count reads none), and
 * compiled pipelines touch only the columns they use. `indices` must stay
 * unchanged until the vector is read or dropped.
 */
export function lazyTakeVector(v: Vector, indices: Int32Array, count = indices.length): Vector {
  return lazyVector(v.type, count, () => takeVector(v, indices, count));
}

/** A vector of `length` rows of `type` made by `make` on first read of `values` or `validity`. */
export function lazyVector(type: DataType, length: number, make: () => Vector): Vector {
  let made: Vector | null = null;
  const get = (): Vector => (made ??= make());
  return {
    type,
    length,
    get values() { return get().values; },
    get validity() { return get().validity; },
  };
}
