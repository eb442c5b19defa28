import type { Bound } from './bound.js';

// Compile-time helpers of the whole-stage compiler (compile.ts): folding constant calls and inline forms for calls that lack one.

/**
 * The value of a call whose arguments are all constants, computed once at
 * compile time (e.g. the cast the analyzer puts around a literal): `{ value }`,
 * or null when it is not constant. Calls without arguments (current_timestamp)
 * are left alone, and so is a call that throws, so its error still surfaces
 * only if a row reaches it.
 */
export function constantValue(e: Bound): { value: unknown } | null {
  if (e.kind === 'lit') return { value: e.value };
  if (e.kind !== 'call' || e.args.length === 0) return null;
  const vals: unknown[] = [];
  for (const a of e.args) {
    const c = constantValue(a);
    if (c === null) return null;
    vals.push(c.value);
  }
  if (!e.nullSafe && vals.some((v) => v === null)) return { value: null };
  try {
    const r = e.impl(...vals);
    return { value: r === undefined ? null : r };
  } catch {
    return null;
  }
}

const NUMBER_COMPARISONS: Readonly<Record<string, (a: string, b: string) => string>> = {
  // Spark orders NaN above every number and NaN = NaN; JS's operators are false on NaN, so NaN is patched in.
  lt: (a, b) => `(${a} < ${b} || (${b} !== ${b} && ${a} === ${a}))`,
  le: (a, b) => `(${a} <= ${b} || ${b} !== ${b})`,
  gt: (a, b) => `(${b} < ${a} || (${a} !== ${a} && ${b} === ${b}))`,
  ge: (a, b) => `(${b} <= ${a} || ${a} !== ${a})`,
};

/** An inline form for <, <=, >, >= over float, double or decimal, whose functions only carry a comparator call. */
export function numberComparison(e: Bound & { kind: 'call' }): ((args: readonly string[]) => string) | undefined {
  const f = NUMBER_COMPARISONS[e.name];
  if (f === undefined || e.nullSafe || e.args.length !== 2) return undefined;
  const k = e.args[0]!.type.kind;
  if ((k !== 'double' && k !== 'float' && k !== 'decimal') || e.args[1]!.type.kind !== k) return undefined;
  return (x) => f(x[0]!, x[1]!);
}

