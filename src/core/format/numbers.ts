/** Number text as Spark (Java) prints it, shared by casts to string, show() and to_json. */

/** Java's Double.toString, which Spark uses: `1.0`, `0.1`, `1.0E10`, `NaN`, `Infinity`. */
export function formatDouble(n: number): string {
  if (n !== n) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') || s.includes('e') ? s : s + '.0';
  }
  const [mant, exp] = n.toExponential().split('e') as [string, string];
  const m = mant.includes('.') ? mant : mant + '.0';
  return `${m}E${Number(exp)}`;
}

/**
 * Java's Float.toString: the shortest decimal that reads back as the same
 * float (0.1f prints as 0.1, not 0.10000000149011612), in Java's layout.
 */
export function formatFloat(f: number): string {
  if (!Number.isFinite(f) || f === 0) return formatDouble(f);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return formatDouble(s);
  }
  return formatDouble(f);
}

