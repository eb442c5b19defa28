import type { DataType } from '../../core/types.js';
import { isTypedStorage, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { equality } from '../compare.js';
import { capacityFor, hashKeys, type KeyIds } from './key-hash.js';

/** Marks in `out[i - start]` (1 = usable) the rows of [start, end) whose key columns are all non-null. */
export function nonNullKeyMask(keys: readonly Vector[], start: number, end: number, out: Uint8Array): void {
  const n = end - start;
  out.fill(1, 0, n);
  for (const k of keys) {
    const valid = k.validity;
    if (valid === null) continue;
    for (let i = 0; i < n; i++) out[i] = out[i]! & valid[start + i]!;
  }
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

/**
 * Any key columns: rows are hashed column by column in bulk, then an
 * open-addressing table maps hash → key id, confirming matches against the
 * build row that first carried the key.
 */
export class GenericKeyIds implements KeyIds {
  private buildKeys: readonly Vector[] = [];
  private eqs: RowEquals[] = [];
  private slotIds = new Int32Array(16).fill(-1);
  private slotHashes = new Int32Array(16);
  private keyRow = new Int32Array(16);
  private count = 0;
  // Probe scratch, reused across chunks so probing allocates nothing per chunk.
  private hashBuf = new Int32Array(0);
  private maskBuf = new Uint8Array(0);

  assign(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    this.buildKeys = keys;
    this.eqs = keys.map((k) => rowEquals(k.type));
    const hashes = new Int32Array(numRows);
    hashKeys(keys, 0, numRows, hashes);
    const usable = new Uint8Array(numRows);
    nonNullKeyMask(keys, 0, numRows, usable);
    this.resize(capacityFor(Math.min(numRows, 1 << 12)));
    for (let i = 0; i < numRows; i++) {
      if (usable[i] === 0) { out[i] = -1; continue; }
      const h = hashes[i]!;
      const mask = this.slotIds.length - 1;
      let s = h & mask;
      let id: number;
      while ((id = this.slotIds[s]!) >= 0 && !(this.slotHashes[s] === h && this.rowMatches(id, keys, i))) s = (s + 1) & mask;
      if (id < 0) {
        id = this.count++;
        if (id >= this.keyRow.length) {
          const grown = new Int32Array(this.keyRow.length * 2);
          grown.set(this.keyRow);
          this.keyRow = grown;
        }
        this.keyRow[id] = i;
        this.slotIds[s] = id;
        this.slotHashes[s] = h;
        if (this.count * 2 > mask + 1) this.resize((mask + 1) * 2);
      }
      out[i] = id;
    }
    return this.count;
  }

  lookup(keys: readonly Vector[], start: number, end: number, out: Int32Array): void {
    const n = end - start;
    if (this.hashBuf.length < n) {
      this.hashBuf = new Int32Array(n);
      this.maskBuf = new Uint8Array(n);
    }
    const hashes = this.hashBuf;
    const usable = this.maskBuf;
    hashKeys(keys, start, end, hashes);
    nonNullKeyMask(keys, start, end, usable);
    const slotIds = this.slotIds;
    const slotHashes = this.slotHashes;
    const mask = slotIds.length - 1;
    for (let k = 0; k < n; k++) {
      if (usable[k] === 0) { out[k] = -1; continue; }
      const h = hashes[k]!;
      let s = h & mask;
      let id: number;
      while ((id = slotIds[s]!) >= 0 && !(slotHashes[s] === h && this.rowMatches(id, keys, start + k))) s = (s + 1) & mask;
      out[k] = id;
    }
  }

  private rowMatches(id: number, keys: readonly Vector[], i: number): boolean {
    const j = this.keyRow[id]!;
    for (let c = 0; c < keys.length; c++) if (!this.eqs[c]!(this.buildKeys[c]!, j, keys[c]!, i)) return false;
    return true;
  }

  private resize(cap: number): void {
    if (cap <= this.slotIds.length && this.count === 0) return;
    const oldIds = this.slotIds;
    const oldHashes = this.slotHashes;
    this.slotIds = new Int32Array(cap).fill(-1);
    this.slotHashes = new Int32Array(cap);
    const mask = cap - 1;
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s]!;
      if (id < 0) continue;
      const h = oldHashes[s]!;
      let t = h & mask;
      while (this.slotIds[t]! >= 0) t = (t + 1) & mask;
      this.slotIds[t] = id;
      this.slotHashes[t] = h;
    }
  }
}
