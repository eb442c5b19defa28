import type { DataType } from '../core/types.js';

/** Orders two non-null internal values of one type; Spark's order: NaN is larger than any number, NaN = NaN. */
export type Comparator = (a: any, b: any) => number;

/** Spark's order of numbers: NaN above everything, NaN = NaN; -0.0 = 0.0. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = a !== a;
  const bn = b !== b;
  return an && bn ? 0 : an ? 1 : -1;
}

/**
 * Compares strings by Unicode code point, as Spark does (it compares UTF-8
 * bytes). JavaScript's `<` compares UTF-16 code units, which disagrees only
 * when both strings differ first at units ≥ 0xD800: there, surrogates (code
 * points ≥ 0x10000) must sort after U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A comparator for values of type `t` (nulls sort first inside nested values, as in Spark's ascending order). */
export function comparator(t: DataType): Comparator {
  switch (t.kind) {
    case 'string': return compareCodePoints;
    case 'binary': return compareBytes;
    case 'boolean': return (a: boolean, b: boolean) => (a === b ? 0 : a ? 1 : -1);
    case 'array': {
      const el = comparator(t.elementType);
      return (a: unknown[], b: unknown[]) => {
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) {
          const c = compareNullable(el, a[i], b[i]);
          if (c !== 0) return c;
        }
        return a.length - b.length;
      };
    }
    case 'struct': {
      const fs = t.fields.map((f) => comparator(f.dataType));
      return (a: unknown[], b: unknown[]) => {
        for (let i = 0; i < fs.length; i++) {
          const c = compareNullable(fs[i]!, a[i], b[i]);
          if (c !== 0) return c;
        }
        return 0;
      };
    }
    case 'map': {
      const kc = comparator(t.keyType);
      const vc = comparator(t.valueType);
      return (a: Map<unknown, unknown>, b: Map<unknown, unknown>) => {
        const ea = [...a.entries()];
        const eb = [...b.entries()];
        const n = Math.min(ea.length, eb.length);
        for (let i = 0; i < n; i++) {
          const c = kc(ea[i]![0], eb[i]![0]) || compareNullable(vc, ea[i]![1], eb[i]![1]);
          if (c !== 0) return c;
        }
        return ea.length - eb.length;
      };
    }
    case 'null': return () => 0;
    default: return compareNumbers;
  }
}

/** Compares with nulls first. */
export function compareNullable(c: Comparator, a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  return c(a, b);
}

/** Equality of two non-null values of type `t` (NaN equals NaN, as in Spark's grouping and joins). */
export function equality(t: DataType): (a: any, b: any) => boolean {
  switch (t.kind) {
    case 'string': case 'boolean': case 'int': case 'long': case 'date': case 'timestamp':
      return (a, b) => a === b;
    case 'float': case 'double': case 'decimal':
      return (a: number, b: number) => a === b || (a !== a && b !== b);
    default: {
      const c = comparator(t);
      return (a, b) => c(a, b) === 0;
    }
  }
}
