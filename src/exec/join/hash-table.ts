import { isTypedStorage, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { fmix32, hashKeys, hashNumber, nonNullKeyMask, rowEquals, type RowEquals } from './key-hash.js';

/**
 * Dense ids for join keys: `assign` numbers the build side's distinct keys,
 * `lookup` finds a probe row's id. Rows with any null key get -1 on both
 * sides, because a null key never matches in an equi-join.
 */
interface KeyIds {
  assign(keys: readonly Vector[], numRows: number, ids: Int32Array): number;
  lookup(keys: readonly Vector[], numRows: number, ids: Int32Array): void;
}

function capacityFor(n: number): number {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  return cap;
}

/**
 * One key stored in a typed array (numbers, dates, timestamps, booleans): an
 * open-addressing table over the key values themselves, so probing never
 * touches the build vectors. NaN has its own id since NaN !== NaN.
 */
class NumericKeyIds implements KeyIds {
  private vals = new Float64Array(16);
  private ids = new Int32Array(16).fill(-1);
  private count = 0;
  private nanId = -1;

  assign(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    const k = keys[0]!;
    const a = k.values as PrimitiveArray;
    const valid = k.validity;
    this.resize(capacityFor(Math.min(numRows, 1 << 12)));
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = -1; continue; }
      const v = a[i]!;
      if (v !== v) {
        if (this.nanId < 0) this.nanId = this.count++;
        out[i] = this.nanId;
        continue;
      }
      let mask = this.ids.length - 1;
      let s = fmix32(hashNumber(v)) & mask;
      let id: number;
      while ((id = this.ids[s]!) >= 0 && this.vals[s] !== v) s = (s + 1) & mask;
      if (id < 0) {
        id = this.count++;
        this.ids[s] = id;
        this.vals[s] = v;
        if (this.count * 2 > mask + 1) this.resize((mask + 1) * 2);
      }
      out[i] = id;
    }
    return this.count;
  }

  lookup(keys: readonly Vector[], numRows: number, out: Int32Array): void {
    const k = keys[0]!;
    const a = k.values as PrimitiveArray;
    const valid = k.validity;
    const vals = this.vals;
    const ids = this.ids;
    const mask = ids.length - 1;
    const nanId = this.nanId;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = -1; continue; }
      const v = a[i]!;
      if (v !== v) { out[i] = nanId; continue; }
      let s = fmix32(hashNumber(v)) & mask;
      let id: number;
      while ((id = ids[s]!) >= 0 && vals[s] !== v) s = (s + 1) & mask;
      out[i] = id;
    }
  }

  private resize(cap: number): void {
    if (cap <= this.ids.length && this.count === 0) return;
    const oldVals = this.vals;
    const oldIds = this.ids;
    this.vals = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s]!;
      if (id < 0) continue;
      const v = oldVals[s]!;
      let t = fmix32(hashNumber(v)) & mask;
      while (this.ids[t]! >= 0) t = (t + 1) & mask;
      this.ids[t] = id;
      this.vals[t] = v;
    }
  }
}

/**
 * Any key columns: rows are hashed column by column in bulk, then an
 * open-addressing table maps hash → key id, confirming matches against the
 * build row that first carried the key.
 */
class GenericKeyIds implements KeyIds {
  private buildKeys: readonly Vector[] = [];
  private eqs: RowEquals[] = [];
  private slotIds = new Int32Array(16).fill(-1);
  private slotHashes = new Int32Array(16);
  private keyRow = new Int32Array(16);
  private count = 0;

  assign(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    this.buildKeys = keys;
    this.eqs = keys.map((k) => rowEquals(k.type));
    const hashes = new Int32Array(numRows);
    hashKeys(keys, numRows, hashes);
    const usable = new Uint8Array(numRows);
    nonNullKeyMask(keys, numRows, usable);
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

  lookup(keys: readonly Vector[], numRows: number, out: Int32Array): void {
    const hashes = new Int32Array(numRows);
    hashKeys(keys, numRows, hashes);
    const usable = new Uint8Array(numRows);
    nonNullKeyMask(keys, numRows, usable);
    const slotIds = this.slotIds;
    const slotHashes = this.slotHashes;
    const mask = slotIds.length - 1;
    for (let i = 0; i < numRows; i++) {
      if (usable[i] === 0) { out[i] = -1; continue; }
      const h = hashes[i]!;
      let s = h & mask;
      let id: number;
      while ((id = slotIds[s]!) >= 0 && !(slotHashes[s] === h && this.rowMatches(id, keys, i))) s = (s + 1) & mask;
      out[i] = id;
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

/**
 * The build side of a hash join: its rows chained by key id (`head[id]` is the
 * first build row with that key, `next[row]` the following one, -1 ends the
 * chain), in ascending row order, with no object per row.
 */
export class JoinHashTable {
  /** First build row of each key id, -1 for none. */
  readonly head: Int32Array;
  /** Next build row with the same key, -1 at the end of a chain. */
  readonly next: Int32Array;
  /** Number of distinct non-null keys on the build side. */
  readonly numKeys: number;
  private readonly ids: KeyIds;

  /** Builds the table over `numRows` rows of the build side's key columns (already cast to the probe side's types). */
  constructor(keys: readonly Vector[], numRows: number) {
    this.ids = keys.length === 1 && isTypedStorage(keys[0]!.type) ? new NumericKeyIds() : new GenericKeyIds();
    const rowIds = new Int32Array(numRows);
    this.numKeys = this.ids.assign(keys, numRows, rowIds);
    this.head = new Int32Array(this.numKeys).fill(-1);
    this.next = new Int32Array(numRows).fill(-1);
    // Walking backwards and prepending leaves each chain in ascending row order.
    for (let i = numRows - 1; i >= 0; i--) {
      const id = rowIds[i]!;
      if (id < 0) continue;
      this.next[i] = this.head[id]!;
      this.head[id] = i;
    }
  }

  /** Writes each probe row's key id into `out` (-1 when the key is null or absent from the build side). */
  probe(keys: readonly Vector[], numRows: number, out: Int32Array): void {
    if (this.numKeys === 0) { out.fill(-1, 0, numRows); return; }
    this.ids.lookup(keys, numRows, out);
  }
}
