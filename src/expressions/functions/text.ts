/**
 * Character helpers that count Unicode code points, as Spark's UTF8String does
 * (JS strings count UTF-16 units). Each has a fast path for the common case
 * of a string without surrogate pairs, where the two counts agree.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** True when `s` holds a character outside the Basic Multilingual Plane. */
export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

/** Number of code points. */
export function cpLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

/** Code points [start, end) (clamped), like Java's substring over code points. */
export function cpSlice(s: string, start: number, end?: number): string {
  if (!hasSurrogates(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/** Code-point index of `sub` in `s` at or after code point `from`; -1 when absent. */
export function cpIndexOf(s: string, sub: string, from = 0): number {
  if (!hasSurrogates(s)) return s.indexOf(sub, from);
  const chars = Array.from(s);
  const unitFrom = chars.slice(0, from).join('').length;
  const u = s.indexOf(sub, unitFrom);
  return u < 0 ? -1 : cpLength(s.slice(0, u));
}

/** Code points of `s` as an array of one-character strings. */
export function cpChars(s: string): string[] {
  return hasSurrogates(s) ? Array.from(s) : s.split('');
}
