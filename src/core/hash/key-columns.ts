import type { DataType } from '../types.js';
import { isTypedStorage, type PrimitiveArray, type Vector } from '../vector.js';
import { canonicalKey } from './canonical-key.js';
import { GrowableColumn } from './growable-column.js';

/**
 * Per-column pieces of KeyIndex: hashing a batch column into the running row
 * hashes, comparing a row with a stored distinct key, and storing new keys.
 * Equality is Spark's grouping equality: null = null, NaN = NaN, -0.0 = 0.0.
 */
export interface KeyColumn {
  /** The distinct keys, by id (a state store uses it as its key column). */
  readonly store: GrowableColumn;
  /** Mixes the hash of each of rows [0, n) of `v` into `h`. */
  hash(v: Vector, n: number, h: Int32Array): void;
  /** True when row `row` of `v` equals stored key `id` (call after hash() for the same batch). */
  equals(v: Vector, row: number, id: number): boolean;
  /** Stores row `row` of `v` as key `id` (the next id). */
  append(v: Vector, row: number, id: number): void;
  toVector(n: number): Vector;
  memoryBytes(n: number): number;
}

/** Hash of a null key value. */
export const NULL_HASH = 0x2f0b3a49;
const NAN_HASH = 0x7ff80000;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** Mixes one column's 32-bit value hash into the running row hash. */
export function mix(h: number, k: number): number {
  h = Math.imul(h ^ k, 0x9e3779b1);
  return (h << 13) | (h >>> 19);
}

/** Murmur3's 32-bit finalizer: spreads the bits before masking into a table. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of a number as grouped: integral values by value, -0.0 as 0.0, one NaN. */
export function numberHash(x: number): number {
  const iv = x | 0;
  if (iv === x) return iv;
  if (x !== x) return NAN_HASH;
  F64[0] = x;
  return U32[0]! ^ Math.imul(U32[1]!, 0x27d4eb2f);
}

/** FNV-1a over UTF-16 code units. */
export function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Keys stored in typed arrays: boolean, int, date, long, timestamp, float, double, decimal. */
export class NumKeyColumn implements KeyColumn {
  readonly store: GrowableColumn;
  anyNull = false;
  constructor(type: DataType, store: GrowableColumn = new GrowableColumn(type)) { this.store = store; }

  hash(v: Vector, n: number, h: Int32Array): void {
    const vals = v.values as PrimitiveArray;
    const valid = v.validity;
    if (valid === null) for (let i = 0; i < n; i++) h[i] = mix(h[i]!, numberHash(vals[i]!));
    else for (let i = 0; i < n; i++) h[i] = mix(h[i]!, valid[i] === 0 ? NULL_HASH : numberHash(vals[i]!));
  }

  equals(v: Vector, row: number, id: number): boolean {
    const sv = this.store.valid[id] === 1;
    const rv = v.validity === null || v.validity[row] === 1;
    if (!sv || !rv) return sv === rv;
    const a = (v.values as PrimitiveArray)[row]!;
    const b = (this.store.values as PrimitiveArray)[id]!;
    return a === b || (a !== a && b !== b);
  }

  append(v: Vector, row: number, id: number): void {
    this.store.ensure(id + 1);
    if (v.validity !== null && v.validity[row] === 0) { this.store.setNull(id); this.anyNull = true; return; }
    const x = (v.values as PrimitiveArray)[row]!;
    // Spark normalizes grouping keys: -0.0 becomes 0.0 and every NaN the same NaN.
    (this.store.values as PrimitiveArray)[id] = x === 0 ? 0 : x !== x ? NaN : x;
    this.store.valid[id] = 1;
  }

  toVector(n: number): Vector { return this.store.toVector(n); }
  memoryBytes(n: number): number { return this.store.memoryBytes(n); }
}

/** String keys compared directly. */
export class StringKeyColumn implements KeyColumn {
  readonly store: GrowableColumn;
  constructor(type: DataType, store: GrowableColumn = new GrowableColumn(type)) { this.store = store; }

  hash(v: Vector, n: number, h: Int32Array): void {
    const vals = v.values as (string | null)[];
    const valid = v.validity;
    for (let i = 0; i < n; i++) {
      const s = vals[i];
      h[i] = mix(h[i]!, (valid !== null && valid[i] === 0) || s === null || s === undefined ? NULL_HASH : stringHash(s));
    }
  }

  equals(v: Vector, row: number, id: number): boolean {
    const sv = this.store.valid[id] === 1;
    const rv = v.validity === null || v.validity[row] === 1;
    if (!sv || !rv) return sv === rv;
    return (v.values as unknown[])[row] === (this.store.values as unknown[])[id];
  }

  append(v: Vector, row: number, id: number): void {
    this.store.ensure(id + 1);
    this.store.copyFrom(id, v, row);
  }

  toVector(n: number): Vector { return this.store.toVector(n); }
  memoryBytes(n: number): number { return this.store.memoryBytes(n); }
}

/** Binary and nested keys (and null-typed ones), compared through their canonical string. */
export class CanonicalKeyColumn implements KeyColumn {
  readonly store: GrowableColumn;
  private canon: string[] = [];
  private batchCanon: string[] = [];
  constructor(readonly type: DataType, store: GrowableColumn = new GrowableColumn(type)) { this.store = store; }

  hash(v: Vector, n: number, h: Int32Array): void {
    const vals = v.values as unknown[];
    const valid = v.validity;
    const bc = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const isNull = (valid !== null && valid[i] === 0) || vals[i] === null || vals[i] === undefined;
      const c = isNull ? '\u0000' : canonicalKey(this.type, vals[i]);
      bc[i] = c;
      h[i] = mix(h[i]!, isNull ? NULL_HASH : stringHash(c));
    }
    this.batchCanon = bc;
  }

  equals(_v: Vector, row: number, id: number): boolean {
    return this.batchCanon[row] === this.canon[id];
  }

  append(v: Vector, row: number, id: number): void {
    this.store.ensure(id + 1);
    if (this.type.kind === 'null') this.store.setNull(id);
    else this.store.copyFrom(id, v, row);
    this.canon[id] = this.batchCanon[row]!;
  }

  toVector(n: number): Vector { return this.store.toVector(n); }
  memoryBytes(n: number): number {
    let b = this.store.memoryBytes(n);
    for (let i = 0; i < n; i++) b += 16 + 2 * this.canon[i]!.length;
    return b;
  }
}

/** The KeyColumn that fits type `t`. */
export function keyColumnFor(t: DataType, store: GrowableColumn = new GrowableColumn(t)): KeyColumn {
  if (isTypedStorage(t)) return new NumKeyColumn(t, store);
  if (t.kind === 'string') return new StringKeyColumn(t, store);
  return new CanonicalKeyColumn(t, store);
}

/** Mixes the hash of rows [0, n) of `v` into `h` (stateless; canonical strings for nested values). */
export function hashColumnInto(v: Vector, n: number, h: Int32Array): void {
  keyColumnFor(v.type).hash(v, n, h);
}
