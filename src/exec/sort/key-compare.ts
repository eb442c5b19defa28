import { isTypedStorage, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { comparator, compareCodePoints } from '../../expressions/compare.js';

export { compareCodePoints };

/** One sort key: a column and its direction and null placement (Spark's SortOrder). */
export interface SortKey {
  readonly vector: Vector;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** Orders two row indices of the input. */
export type RowCompare = (i: number, j: number) => number;


const HIGH_UNIT = /[\uD800-\uFFFF]/;

/**
 * Marks the strings holding a code unit ≥ 0xD800: only a pair of such
 * strings needs the slow code-point comparison; every other pair can use the
 * engine's native `<`. Returns null when no row needs it.
 */
export function highUnitRows(vals: readonly unknown[], n: number): Uint8Array | null {
  let flags: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const s = vals[i];
    if (typeof s === 'string' && HIGH_UNIT.test(s)) (flags ??= new Uint8Array(n))[i] = 1;
  }
  return flags;
}

/** Ascending comparison of two non-null rows of `v` in Spark's order (NaN largest, -0.0 = 0.0, strings by code point). */
export function valueComparator(v: Vector): RowCompare {
  if (isTypedStorage(v.type)) {
    const a = v.values as PrimitiveArray;
    return (i, j) => {
      const x = a[i]!;
      const y = a[j]!;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return 0;
      return x !== x ? (y !== y ? 0 : 1) : -1;
    };
  }
  const a = v.values as unknown[];
  if (v.type.kind === 'string') {
    const high = highUnitRows(a, v.length);
    if (high === null) {
      return (i, j) => {
        const x = a[i] as string;
        const y = a[j] as string;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    }
    return (i, j) => {
      const x = a[i] as string;
      const y = a[j] as string;
      if (high[i]! & high[j]!) return compareCodePoints(x, y);
      return x < y ? -1 : x > y ? 1 : 0;
    };
  }
  const c = comparator(v.type);
  return (i, j) => c(a[i], a[j]);
}

/** The comparison of one sort key, with its direction and null placement applied (no tie-break). */
export function keyComparator(key: SortKey): RowCompare {
  const cmp = valueComparator(key.vector);
  const valid = key.vector.validity;
  const nullSide = key.nullsFirst ? -1 : 1; // where a null goes, whatever the direction
  if (key.ascending) {
    if (valid === null) return cmp;
    return (i, j) => {
      const a = valid[i]!;
      const b = valid[j]!;
      if ((a & b) !== 0) return cmp(i, j);
      return a === b ? 0 : a === 0 ? nullSide : -nullSide;
    };
  }
  if (valid === null) return (i, j) => cmp(j, i);
  return (i, j) => {
    const a = valid[i]!;
    const b = valid[j]!;
    if ((a & b) !== 0) return cmp(j, i);
    return a === b ? 0 : a === 0 ? nullSide : -nullSide;
  };
}

/** A total order on row indices: the keys in turn, then the row index, which makes any sort using it stable. */
export function rowComparator(keys: readonly SortKey[]): RowCompare {
  const cs = keys.map(keyComparator);
  if (cs.length === 1) {
    const c0 = cs[0]!;
    return (i, j) => c0(i, j) || i - j;
  }
  if (cs.length === 2) {
    const c0 = cs[0]!;
    const c1 = cs[1]!;
    return (i, j) => c0(i, j) || c1(i, j) || i - j;
  }
  return (i, j) => {
    for (let k = 0; k < cs.length; k++) {
      const c = cs[k]!(i, j);
      if (c !== 0) return c;
    }
    return i - j;
  };
}
