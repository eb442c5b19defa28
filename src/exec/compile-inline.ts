import type { DataType } from '../core/types.js';
import { isTypedStorage, type PrimitiveArray, type Vector } from '../core/vector.js';
import type { Bound } from '../expressions/bound.js';
import type { Stage } from './compile.js';

// Helpers of the whole-stage compiler (compile.ts): folding constant calls, inline forms for calls that lack one,
// the purity test behind branch-free filters, and wrapping output arrays as vectors.

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
  // Bitwise, not || and &&: no branch on the data, so a random outcome costs no misprediction.
  lt: (a, b) => `(((${a} < ${b}) | ((${b} !== ${b}) & (${a} === ${a}))) !== 0)`,
  le: (a, b) => `(((${a} <= ${b}) | (${b} !== ${b})) !== 0)`,
  gt: (a, b) => `(((${b} < ${a}) | ((${a} !== ${a}) & (${b} === ${b}))) !== 0)`,
  ge: (a, b) => `(((${b} <= ${a}) | (${a} !== ${a})) !== 0)`,
};

/** An inline form for <, <=, >, >= over float, double or decimal, whose functions only carry a comparator call. */
export function numberComparison(e: Bound & { kind: 'call' }): ((args: readonly string[]) => string) | undefined {
  const f = NUMBER_COMPARISONS[e.name];
  if (f === undefined || e.nullSafe || e.args.length !== 2) return undefined;
  const k = e.args[0]!.type.kind;
  if ((k !== 'double' && k !== 'float' && k !== 'decimal') || e.args[1]!.type.kind !== k) return undefined;
  return (x) => f(x[0]!, x[1]!);
}


/** True for AND / OR, which the compiler emits as straight-line boolean logic. */
export function isLogic(e: Bound & { kind: 'call' }): boolean {
  return e.nullSafe && (e.name === 'and' || e.name === 'or') && e.args.length === 2;
}

/** True when `e` compiles to plain expressions only (no function call that could throw or cost much, no CASE). */
export function isPure(e: Bound): boolean {
  switch (e.kind) {
    case 'ref': case 'lit': return true;
    case 'case': return false;
    case 'call':
      if (constantValue(e) !== null) return true;
      if (!(e.inline !== undefined || numberComparison(e) !== undefined || isLogic(e))) return false;
      return e.args.every(isPure);
  }
}

/** True when every expression of the stage is pure (see isPure). */
export function stageIsPure(s: Stage): boolean {
  if (s.kind === 'observe') return true;
  return s.kind === 'filter' ? isPure(s.condition) : s.exprs.every(isPure);
}

/** A reused output as a vector of `count` rows: typed storage as a view, plain arrays as they are (possibly longer). */
export function scratchVector(type: DataType, values: PrimitiveArray | unknown[], validity: Uint8Array | null, count: number): Vector {
  const v = isTypedStorage(type) ? (values as PrimitiveArray).subarray(0, count) : values;
  return { type, length: count, values: v, validity: validity && validity.subarray(0, count) };
}

/** A fresh output of capacity `cap` as a vector of `count` rows. */
export function finishVector(type: DataType, values: PrimitiveArray | unknown[], validity: Uint8Array | null, count: number, cap: number): Vector {
  if (count === cap) return { type, length: count, values, validity };
  let v = values;
  if (isTypedStorage(type)) v = (values as PrimitiveArray).subarray(0, count);
  else (values as unknown[]).length = count; // fresh and unshared: truncating beats copying
  return { type, length: count, values: v, validity: validity && validity.subarray(0, count) };
}
