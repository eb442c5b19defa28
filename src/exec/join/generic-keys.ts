import { sliceVector, type Vector } from '../../core/vector.js';
import { KeyIndex } from '../../core/hash/index.js';
import type { KeyIds } from './numeric-keys.js';

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

/**
 * Any key columns (strings, several columns, nested values): the engine's
 * shared KeyIndex numbers the build keys, with its grouping equality (NaN =
 * NaN, -0.0 = 0.0). KeyIndex groups nulls together, so rows with a null key
 * are masked to -1 afterwards: in a join a null key matches nothing.
 */
export class GenericKeyIds implements KeyIds {
  private index: KeyIndex | null = null;
  private mask = new Uint8Array(0);

  assign(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    const index = new KeyIndex(keys.map((k) => k.type));
    this.index = index;
    const count = numRows === 0 ? 0 : index.map(keys, numRows, out);
    this.maskNulls(keys, 0, numRows, out);
    return count;
  }

  lookup(keys: readonly Vector[], start: number, end: number, out: Int32Array): void {
    const chunk = start === 0 && end === keys[0]!.length ? keys : keys.map((k) => sliceVector(k, start, end));
    this.index!.lookup(chunk, end - start, out);
    this.maskNulls(keys, start, end, out);
  }

  private maskNulls(keys: readonly Vector[], start: number, end: number, out: Int32Array): void {
    if (keys.every((k) => k.validity === null)) return;
    const n = end - start;
    if (this.mask.length < n) this.mask = new Uint8Array(n);
    nonNullKeyMask(keys, start, end, this.mask);
    for (let k = 0; k < n; k++) if (this.mask[k] === 0) out[k] = -1;
  }
}
