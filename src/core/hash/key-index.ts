import { SpateError } from '../errors.js';
import type { DataType } from '../types.js';
import type { PrimitiveArray, Vector } from '../vector.js';
import { DenseIds } from './dense-ids.js';
import { checkedPackMapLoop, kindsOf, packMapLoop, rangeLoop } from './packed-keys.js';
import type { GrowableColumn } from './growable-column.js';
import { fmix32, hashColumnInto, keyColumnFor, mix, NULL_HASH, numberHash, NumKeyColumn, stringHash, StringKeyColumn, type KeyColumn } from './key-columns.js';

const EMPTY = -1;
const INITIAL_SLOTS = 1024;

/**
 * Assigns each distinct key tuple a dense id (0, 1, 2, ...) in first-seen
 * order: the group ids of hash aggregation and the build side of joins and
 * dedup. Keys compare as Spark groups them: null = null, NaN = NaN,
 * -0.0 = 0.0. An open-addressing table (linear probing, load <= 1/2) of ids
 * over an Int32Array; each id's full hash is kept so growth never rehashes keys.
 */
export class KeyIndex {
  private readonly cols: KeyColumn[];
  private readonly keyTypes: readonly DataType[];
  private slots: Int32Array;
  private mask: number;
  private groupHash: Int32Array;
  private count = 0;
  private rowHash = new Int32Array(0);
  private dense: DenseIds | null = null;

  /** `makeStore` makes the column each key column's distinct values live in (a state store passes its own kind). */
  constructor(keyTypes: readonly DataType[], makeStore?: (t: DataType) => GrowableColumn) {
    if (keyTypes.length === 0) throw new SpateError('INTERNAL_ERROR', 'KeyIndex needs at least one key column; use a single group for a global aggregation.');
    this.keyTypes = keyTypes;
    this.cols = keyTypes.map((t) => keyColumnFor(t, makeStore ? makeStore(t) : undefined));
    this.slots = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
    this.mask = INITIAL_SLOTS - 1;
    this.groupHash = new Int32Array(INITIAL_SLOTS >> 1);
  }

  /** Number of distinct keys seen. */
  get size(): number { return this.count; }

  /** Writes each row's key id to `out`, inserting unseen keys; returns the number of distinct keys after the batch. */
  map(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    const c0 = this.cols[0]!;
    if (this.cols.length === 1 && c0 instanceof NumKeyColumn) {
      const dense = (this.dense ??= new DenseIds());
      if (dense.enabled) return this.mapDense(c0, keys[0]!, numRows, out, dense);
      return this.mapOneNumber(c0, keys[0]!, numRows, this.hashRows(keys, numRows), out);
    }
    if (this.cols.length === 1 && c0 instanceof StringKeyColumn) {
      const v = keys[0]!;
      return v.dictionary !== undefined && v.validity === null ? this.mapDictionary(c0, v, numRows, out) : this.mapOneString(c0, v, numRows, out);
    }
    const numbers = this.cols.every((c) => c instanceof NumKeyColumn) && keys.every((v) => v.validity === null);
    if (numbers && this.cols.length > 1 && this.mapPacked(keys, numRows, out)) return this.count;
    const c1 = this.cols[1];
    if (numbers && this.cols.length === 2) return this.mapTwoNumbers(c0 as NumKeyColumn, c1 as NumKeyColumn, keys, numRows, this.hashRows(keys, numRows), out);
    const h = this.hashRows(keys, numRows);
    for (let i = 0; i < numRows; i++) {
      const hh = h[i]!;
      let s = hh & this.mask;
      for (;;) {
        const id = this.slots[s]!;
        if (id === EMPTY) { out[i] = this.insert(keys, i, hh, s); break; }
        if (this.groupHash[id] === hh && this.rowEquals(keys, i, id)) { out[i] = id; break; }
        s = (s + 1) & this.mask;
      }
    }
    return this.count;
  }

  /** Writes each row's key id to `out`, or -1 for keys never inserted; inserts nothing. */
  lookup(keys: readonly Vector[], numRows: number, out: Int32Array): void {
    const h = this.hashRows(keys, numRows);
    for (let i = 0; i < numRows; i++) {
      const hh = h[i]!;
      let s = hh & this.mask;
      for (;;) {
        const id = this.slots[s]!;
        if (id === EMPTY) { out[i] = -1; break; }
        if (this.groupHash[id] === hh && this.rowEquals(keys, i, id)) { out[i] = id; break; }
        s = (s + 1) & this.mask;
      }
    }
  }

  /** The distinct keys, one vector per key column, in id order. */
  keyVectors(): Vector[] {
    return this.cols.map((c) => c.toVector(this.count));
  }

  /** Approximate bytes held by the table and the stored keys. */
  memoryBytes(): number {
    let b = this.slots.byteLength + this.groupHash.byteLength + this.rowHash.byteLength;
    for (const c of this.cols) b += c.memoryBytes(this.count);
    return b;
  }

  /** The columns holding the distinct keys, by id (shared, not copied). */
  keyStores(): GrowableColumn[] {
    return this.cols.map((c) => c.store);
  }

  /** Drops the per-batch scratch buffers (they grow to the largest batch seen); they come back on the next use. */
  releaseScratch(): void {
    this.rowHash = new Int32Array(0);
    this.direct = new Int32Array(0);
    this.layout = undefined;
  }

  /** The key types this index was built for. */
  types(): readonly DataType[] { return this.keyTypes; }

  /** Per dictionary seen (by its entries array): the key id of each entry, -1 until first met. */
  private dictIds = new WeakMap<readonly string[], Int32Array>();

  // A dictionary-encoded string key: each distinct entry is looked up once, then rows map through their codes.
  private mapDictionary(col: StringKeyColumn, v: Vector, numRows: number, out: Int32Array): number {
    const { codes, entries } = v.dictionary!;
    let ids = this.dictIds.get(entries);
    if (ids === undefined || ids.length < entries.length) {
      const grown = new Int32Array(Math.max(entries.length, 64)).fill(-1);
      if (ids !== undefined) grown.set(ids);
      ids = grown;
      this.dictIds.set(entries, ids);
    }
    const one = new Int32Array(1);
    for (let i = 0; i < numRows; i++) {
      const code = codes[i]!;
      let id = ids[code]!;
      if (id < 0) {
        // Not yet met: the ordinary path for this one value (a one-row vector of it).
        this.mapOneString(col, { type: v.type, length: 1, values: [entries[code]!], validity: null }, 1, one);
        id = one[0]!;
        ids[code] = id;
      }
      out[i] = id;
    }
    return this.count;
  }

  // A single string key: hashed and compared inline, the same hash hashRows gives (so lookup() agrees).
  private mapOneString(col: StringKeyColumn, v: Vector, numRows: number, out: Int32Array): number {
    const vals = v.values as (string | null)[];
    const valid = v.validity;
    const store = col.store;
    const nullHash = fmix32(mix(0, NULL_HASH));
    // Table fields in locals, refreshed only after an insert (the one thing that moves them).
    let slots = this.slots;
    let mask = this.mask;
    let groupHash = this.groupHash;
    let stored = store.values as unknown[];
    for (let i = 0; i < numRows; i++) {
      const x = vals[i];
      const isNull = (valid !== null && valid[i] === 0) || x === null || x === undefined;
      const hh = isNull ? nullHash : fmix32(mix(0, stringHash(x)));
      let s = hh & mask;
      for (;;) {
        const id = slots[s]!;
        if (id === EMPTY) {
          out[i] = this.insert([v], i, hh, s);
          slots = this.slots;
          mask = this.mask;
          groupHash = this.groupHash;
          stored = store.values as unknown[];
          break;
        }
        if (groupHash[id] === hh && (isNull ? store.valid[id] === 0 : stored[id] === x)) { out[i] = id; break; }
        s = (s + 1) & mask;
      }
    }
    return this.count;
  }

  // Small integral keys: ids come from the direct-address table; only rows it misses are hashed, one by one.
  private mapDense(col: NumKeyColumn, v: Vector, numRows: number, out: Int32Array, dense: DenseIds): number {
    const vals = v.values as PrimitiveArray;
    const valid = v.validity;
    if (dense.lookup(vals, valid, numRows, out) === 0) return this.count;
    const store = col.store;
    for (let i = 0; i < numRows; i++) {
      if (out[i]! >= 0) continue;
      const isNull = valid !== null && valid[i] === 0;
      const x = vals[i]!;
      if (!isNull) {
        const known = dense.get(x);
        if (known >= 0) { out[i] = known; continue; }
      }
      const hh = fmix32(mix(0, isNull ? NULL_HASH : numberHash(x)));
      let s = hh & this.mask;
      let id: number;
      for (;;) {
        id = this.slots[s]!;
        if (id === EMPTY) { id = this.insert([v], i, hh, s); break; }
        if (this.groupHash[id] === hh) {
          const sv = store.valid[id] === 1;
          if (isNull ? !sv : sv && (x === (store.values as PrimitiveArray)[id]! || (x !== x && store.values[id] !== store.values[id]))) break;
        }
        s = (s + 1) & this.mask;
      }
      if (!isNull) dense.remember(x, id, this.count);
      out[i] = id;
    }
    return this.count;
  }

  // The single numeric key is the common case (ids, window starts, codes); inlining its equality keeps the probe loop tight.
  private mapOneNumber(col: NumKeyColumn, v: Vector, numRows: number, h: Int32Array, out: Int32Array): number {
    const vals = v.values as PrimitiveArray;
    const valid = v.validity;
    for (let i = 0; i < numRows; i++) {
      const hh = h[i]!;
      const isNull = valid !== null && valid[i] === 0;
      const x = vals[i]!;
      let s = hh & this.mask;
      for (;;) {
        const id = this.slots[s]!;
        if (id === EMPTY) { out[i] = this.insert([v], i, hh, s); break; }
        if (this.groupHash[id] === hh) {
          const store = col.store;
          const sv = store.valid[id] === 1;
          if (isNull ? !sv : sv && (x === (store.values as PrimitiveArray)[id]! || (x !== x && store.values[id] !== store.values[id]))) {
            out[i] = id;
            break;
          }
        }
        s = (s + 1) & this.mask;
      }
    }
    return this.count;
  }

  private direct = new Int32Array(0);
  /** How tuples pack into `direct` (ids stay valid while it holds: a key's id never changes). */
  private layout: PackLayout | undefined;

  /**
   * Integral number keys without nulls whose ranges multiply to a small number (a window index and a
   * campaign id, say): each row's tuple packs into one index, and a direct table maps it to the key's
   * id, so only the first row of each distinct tuple is hashed. The layout is kept from call to call
   * (the slices of a batch see the same few windows): rows are packed against it with a bounds check,
   * and only when a row falls outside are the ranges measured again (and joined to the old ones, so they
   * settle). Returns false, having done nothing, when the keys do not pack.
   */
  private mapPacked(keys: readonly Vector[], numRows: number, out: Int32Array): boolean {
    const cols = keys.map((v) => v.values as PrimitiveArray);
    const kinds = kindsOf(cols);
    const miss = (row: number, p: number): number => (this.direct[p] = this.findOrInsert(keys, row));
    const old = this.layout !== undefined && this.layout.kinds === kinds ? this.layout : undefined;
    if (old !== undefined && checkedPackMapLoop(cols)(cols, numRows, old.mins, old.maxs, old.strides, this.direct, out, miss)) return true;
    const k = keys.length;
    const range = new Float64Array(2 * k);
    if (!rangeLoop(cols)(cols, numRows, range)) return false; // fractions, NaN and infinities hash the usual way
    const limit = Math.max(1 << 16, numRows);
    const layout = (old !== undefined ? packLayout(kinds, range, old, limit) : undefined) ?? packLayout(kinds, range, undefined, limit);
    this.layout = layout;
    if (layout === undefined) return false;
    if (this.direct.length < layout.total) this.direct = new Int32Array(Math.max(layout.total, 1024));
    this.direct.fill(EMPTY, 0, layout.total);
    packMapLoop(cols)(cols, numRows, layout.mins, layout.strides, this.direct, out, miss);
    return true;
  }

  /** The id of row `row`'s key (number columns without nulls), inserted if new; hashed as hashRows does. */
  private findOrInsert(keys: readonly Vector[], row: number): number {
    let h = 0;
    for (let c = 0; c < keys.length; c++) h = mix(h, numberHash((keys[c]!.values as PrimitiveArray)[row]!));
    const hh = fmix32(h);
    let s = hh & this.mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id === EMPTY) return this.insert(keys, row, hh, s);
      if (this.groupHash[id] === hh && this.rowEquals(keys, row, id)) return id;
      s = (s + 1) & this.mask;
    }
  }

  // Two numeric keys without nulls (a window start and an id, say): equality inlined, as for one number.
  private mapTwoNumbers(c0: NumKeyColumn, c1: NumKeyColumn, keys: readonly Vector[], numRows: number, h: Int32Array, out: Int32Array): number {
    const a = keys[0]!.values as PrimitiveArray;
    const b = keys[1]!.values as PrimitiveArray;
    let slots = this.slots;
    let mask = this.mask;
    let groupHash = this.groupHash;
    for (let i = 0; i < numRows; i++) {
      const hh = h[i]!;
      const x = a[i]!;
      const y = b[i]!;
      let s = hh & mask;
      for (;;) {
        const id = slots[s]!;
        if (id === EMPTY) {
          out[i] = this.insert(keys, i, hh, s);
          slots = this.slots;
          mask = this.mask;
          groupHash = this.groupHash;
          break;
        }
        if (groupHash[id] === hh && c0.store.valid[id] === 1 && c1.store.valid[id] === 1) {
          const sx = (c0.store.values as PrimitiveArray)[id]!;
          const sy = (c1.store.values as PrimitiveArray)[id]!;
          if ((x === sx || (x !== x && sx !== sx)) && (y === sy || (y !== y && sy !== sy))) { out[i] = id; break; }
        }
        s = (s + 1) & mask;
      }
    }
    return this.count;
  }

  private hashRows(keys: readonly Vector[], numRows: number): Int32Array {
    if (keys.length !== this.cols.length) {
      throw new SpateError('INTERNAL_ERROR', `KeyIndex built for ${this.cols.length} key column(s) got ${keys.length}.`);
    }
    if (this.rowHash.length < numRows) this.rowHash = new Int32Array(Math.max(numRows, 1024));
    const h = this.rowHash;
    h.fill(0, 0, numRows);
    for (let c = 0; c < this.cols.length; c++) this.cols[c]!.hash(keys[c]!, numRows, h);
    for (let i = 0; i < numRows; i++) h[i] = fmix32(h[i]!);
    return h;
  }

  private rowEquals(keys: readonly Vector[], row: number, id: number): boolean {
    for (let c = 0; c < this.cols.length; c++) if (!this.cols[c]!.equals(keys[c]!, row, id)) return false;
    return true;
  }

  private insert(keys: readonly Vector[], row: number, hh: number, slot: number): number {
    const id = this.count++;
    for (let c = 0; c < this.cols.length; c++) this.cols[c]!.append(keys[c]!, row, id);
    if (id >= this.groupHash.length) {
      const gh = new Int32Array(this.groupHash.length * 2);
      gh.set(this.groupHash);
      this.groupHash = gh;
    }
    this.groupHash[id] = hh;
    this.slots[slot] = id;
    if (this.count * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const n = this.slots.length * 2;
    const slots = new Int32Array(n).fill(EMPTY);
    const mask = n - 1;
    for (let id = 0; id < this.count; id++) {
      let s = this.groupHash[id]! & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * A stable 32-bit hash of each row's key tuple (same equality as KeyIndex), for
 * hash partitioning: `partition = (out[i] >>> 0) % numPartitions`. The value
 * is part of the checkpoint contract (state is partitioned by it), so it must
 * not change between versions.
 */
export function hashVectors(keys: readonly Vector[], numRows: number, out: Int32Array | Uint32Array): void {
  const h = new Int32Array(numRows);
  for (const k of keys) hashColumnInto(k, numRows, h);
  for (let i = 0; i < numRows; i++) out[i] = fmix32(h[i]!);
}

/** Where each key column's values go in a direct table: value c packs as (x - mins[c]) * strides[c]. */
interface PackLayout {
  /** The array kinds the layout was made for (see packed-keys.ts). */
  readonly kinds: string;
  readonly mins: Float64Array;
  readonly maxs: Float64Array;
  readonly strides: Float64Array;
  /** Slots of the direct table the layout spans. */
  readonly total: number;
}

/** The layout over `range` (min, max per column), joined with `join`'s ranges when given; undefined past `limit` slots. */
function packLayout(kinds: string, range: Float64Array, join: PackLayout | undefined, limit: number): PackLayout | undefined {
  const k = range.length / 2;
  const mins = new Float64Array(k);
  const maxs = new Float64Array(k);
  const strides = new Float64Array(k);
  let total = 1;
  for (let c = k - 1; c >= 0; c--) {
    mins[c] = join === undefined ? range[2 * c]! : Math.min(range[2 * c]!, join.mins[c]!);
    maxs[c] = join === undefined ? range[2 * c + 1]! : Math.max(range[2 * c + 1]!, join.maxs[c]!);
    strides[c] = total;
    total *= maxs[c]! - mins[c]! + 1;
    if (!(total <= limit)) return undefined;
  }
  return { kinds, mins, maxs, strides, total };
}
