/**
 * Decimal rounding of doubles the way Spark and Java do it: on the shortest
 * decimal string that round-trips to the double (Java's `Double.toString`,
 * which `BigDecimal(d)` in Scala uses), not on its exact binary value. So
 * round(2.675, 2) is 2.68 in Spark, where a binary-exact rounding gives 2.67.
 */

export type RoundingMode = 'HALF_UP' | 'HALF_EVEN' | 'FLOOR' | 'CEILING';

/** |x| rounded to `scale` decimal places (negative scale rounds to tens, hundreds, ...), as a plain decimal string without sign. */
export function roundAbsToString(x: number, scale: number, mode: RoundingMode, negative = x < 0): string {
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const point = Number(expText) + 1; // digits = 0.d1d2d3... × 10^point
  const cut = point + scale; // number of digits kept
  let kept: bigint;
  if (cut >= digits.length) kept = BigInt(digits + '0'.repeat(cut - digits.length));
  else {
    kept = cut > 0 ? BigInt(digits.slice(0, cut)) : 0n;
    const next = cut >= 0 ? digits.charCodeAt(cut) - 48 : 0;
    const restNonZero = cut >= 0 ? /[1-9]/.test(digits.slice(cut + 1)) : x !== 0;
    const anyDropped = next > 0 || restNonZero;
    let up: boolean;
    switch (mode) {
      case 'HALF_UP': up = next >= 5; break;
      case 'HALF_EVEN': up = next > 5 || (next === 5 && (restNonZero || kept % 2n === 1n)); break;
      case 'FLOOR': up = negative && anyDropped; break;
      case 'CEILING': up = !negative && anyDropped; break;
    }
    if (up) kept += 1n;
  }
  if (scale <= 0) return kept === 0n ? '0' : kept.toString() + '0'.repeat(-scale);
  const s = kept.toString().padStart(scale + 1, '0');
  return `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}

/** x rounded to `scale` places as a number; NaN and infinities pass through, as in Spark. */
export function roundDouble(x: number, scale: number, mode: RoundingMode): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const r = Number(roundAbsToString(x, scale, mode));
  return x < 0 && r !== 0 ? -r : r;
}

/** An integral x rounded to 10^-scale (scale < 0), exact within the safe-integer range. */
export function roundIntegral(x: number, scale: number, mode: RoundingMode): number {
  if (scale >= 0) return x;
  const f = 10 ** -scale;
  const q = Math.trunc(x / f);
  const rem = Math.abs(x - q * f);
  const half = f / 2;
  let up: boolean;
  switch (mode) {
    case 'HALF_UP': up = rem >= half; break;
    case 'HALF_EVEN': up = rem > half || (rem === half && q % 2 !== 0); break;
    case 'FLOOR': up = x < 0 && rem > 0; break;
    case 'CEILING': up = x > 0 && rem > 0; break;
  }
  return (up ? q + Math.sign(x) : q) * f;
}
