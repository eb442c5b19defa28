/**
 * Result comparison for the agreement test: values from spate and DuckDB are
 * brought to one JS shape (bigint → number, DATE → 'YYYY-MM-DD', -0 → 0),
 * then compared as multisets (sorted canonically) or in order, with doubles
 * equal within a relative tolerance.
 */

/** Relative tolerance for doubles (absolute below 1). */
export const TOLERANCE = 1e-9;

/** One value in the shape both engines are compared in. */
export function normalizeValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v + 0; // -0 → 0
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.map(normalizeValue);
  return v;
}

/** Every value of every row normalized. */
export function normalizeRows(rows: readonly (readonly unknown[])[]): unknown[][] {
  return rows.map((r) => r.map(normalizeValue));
}

// The sort key rounds doubles so values equal within tolerance sort together.
function keyOf(row: readonly unknown[]): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(8)) : v));
}

/** Rows sorted by a canonical key (for multiset comparison). */
export function canonicalSort(rows: readonly unknown[][]): unknown[][] {
  return rows.map((r) => ({ r, k: keyOf(r) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.r);
}

function valuesEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  return a === b;
}

// JSON would print NaN as null and hide the very difference being reported.
const show = (row: readonly unknown[]): string => `[${row.map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v))).join(', ')}]`;

/** Null when the row lists agree, else a short description of the first difference. */
export function diffRows(actual: readonly unknown[][], expected: readonly unknown[][]): string | null {
  if (actual.length !== expected.length) return `row count: spate ${actual.length}, duckdb ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a.length !== e.length || !a.every((v, j) => valuesEqual(v, e[j]))) {
      return `row ${i}: spate ${show(a)}, duckdb ${show(e)}`;
    }
  }
  return null;
}
