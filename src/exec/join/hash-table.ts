import { isTypedStorage, type Vector } from '../../core/vector.js';
import { GenericKeyIds } from './generic-keys.js';
import { NumericKeyIds, type KeyIds } from './numeric-keys.js';
import { PackedKeyIds } from './packed-keys.js';

/** Probe rows handled per `probe` call (a cache-sized id buffer). */
export const PROBE_CHUNK = 1 << 14;

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
  /** Number of key ids handed out on the build side (an id of a null key, if any, has an empty chain). */
  readonly numKeys: number;
  /** True when no key id has more than one build row (a dimension table's key): every chain is one row. */
  readonly unique: boolean;
  /** `head` shifted by one with -1 in front: `headOrNone[id + 1]` is -1 for id -1, so probes need no branch. */
  readonly headOrNone: Int32Array;
  private readonly ids: KeyIds;

  /** Builds the table over `numRows` rows of the build side's key columns (already cast to the probe side's types). */
  constructor(keys: readonly Vector[], numRows: number) {
    this.ids = keys.length === 1 && isTypedStorage(keys[0]!.type)
      ? new NumericKeyIds()
      : PackedKeyIds.tryCreate(keys, numRows) ?? new GenericKeyIds();
    const rowIds = new Int32Array(numRows);
    this.numKeys = this.ids.assign(keys, numRows, rowIds);
    this.head = new Int32Array(this.numKeys).fill(-1);
    this.next = new Int32Array(numRows).fill(-1);
    // Walking backwards and prepending leaves each chain in ascending row order.
    let unique = true;
    for (let i = numRows - 1; i >= 0; i--) {
      const id = rowIds[i]!;
      if (id < 0) continue;
      if (this.head[id]! >= 0) unique = false;
      this.next[i] = this.head[id]!;
      this.head[id] = i;
    }
    this.unique = unique;
    this.headOrNone = new Int32Array(this.numKeys + 1);
    this.headOrNone[0] = -1;
    this.headOrNone.set(this.head, 1);
  }

  /**
   * Writes the key id of each probe row in [start, end) into `out[i - start]`
   * (-1 when the key is null or absent from the build side). Callers probe in
   * chunks of PROBE_CHUNK rows so the ids stay in cache and no array the size
   * of the probe side is ever allocated.
   */
  probe(keys: readonly Vector[], start: number, end: number, out: Int32Array): void {
    if (this.numKeys === 0) { out.fill(-1, 0, end - start); return; }
    this.ids.lookup(keys, start, end, out);
  }
}
