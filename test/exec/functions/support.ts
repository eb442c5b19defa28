// Shared helpers for the scalar function tests: literals, evaluation of a call, and column evaluation.
import '../../../src/expressions/functions/index.js';
import { callScalar } from '../../../src/expressions/functions/bind.js';
import { evalConstant, evalRow } from '../../../src/expressions/interpret.js';
import type { Bound } from '../../../src/expressions/bound.js';
import { vectorFromValues } from '../../../src/core/vector.js';
import { parseDate, parseTimestamp } from '../../../src/core/datetime.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DoubleType, IntegerType, LongType, NullType, StringType, TimestampType,
  type DataType,
} from '../../../src/core/types.js';

export const UTC = { timeZone: 'UTC', nowMicros: 1_700_000_000_123_456 };

export const lit = (value: unknown, type: DataType): Bound => ({ kind: 'lit', value, type, nullable: value === null });
export const str = (s: string | null): Bound => lit(s, StringType);
export const int = (n: number | null): Bound => lit(n, IntegerType);
export const long = (n: number | null): Bound => lit(n, LongType);
export const dbl = (n: number | null): Bound => lit(n, DoubleType);
export const bool = (b: boolean | null): Bound => lit(b, BooleanType);
export const nul = (): Bound => lit(null, NullType);
export const bin = (bytes: number[] | string): Bound => lit(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes), BinaryType);
export const date = (s: string): Bound => lit(parseDate(s), DateType);
export const ts = (s: string): Bound => lit(parseTimestamp(s), TimestampType);
export const arr = (values: unknown[], el: DataType = IntegerType): Bound => lit(values, ArrayType(el, values.includes(null)));

/** Days since epoch of 'YYYY-MM-DD'. */
export const days = (s: string): number => parseDate(s)!;
/** Micros since epoch of a UTC timestamp string. */
export const micros = (s: string): number => parseTimestamp(s)!;

/** Evaluates `name(args)` as a constant in the UTC session. */
export function run(name: string, ...args: Bound[]): unknown {
  return evalConstant(callScalar(name, args, UTC));
}

/** Evaluates `name(args)` in session time zone `tz`. */
export function runTz(tz: string, name: string, ...args: Bound[]): unknown {
  return evalConstant(callScalar(name, args, { timeZone: tz, nowMicros: UTC.nowMicros }));
}

/** The result type of `name(args)`. */
export function typeOf(name: string, ...args: Bound[]): DataType {
  return callScalar(name, args, UTC).type;
}

/**
 * Evaluates `name` over columns (non-constant arguments, so no literal specialization):
 * `cols[i]` is column i with type `types[i]`; returns one result per row.
 */
export function runColumns(name: string, types: readonly DataType[], cols: readonly unknown[][]): unknown[] {
  const vectors = cols.map((c, i) => vectorFromValues(types[i]!, c));
  const refs: Bound[] = types.map((t, i) => ({ kind: 'ref', index: i, type: t, nullable: true, name: `c${i}` }));
  const call = callScalar(name, refs, UTC);
  return cols[0]!.map((_, r) => evalRow(call, vectors, r));
}

/** The SpateError code thrown by `f`, or undefined. */
export function errorCode(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return (e as { code?: string }).code; }
  return undefined;
}
