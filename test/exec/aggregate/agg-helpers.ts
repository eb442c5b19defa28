import { typeEquals, type DataType } from '../../../src/core/types.js';
import { getValue, vectorFromValues, vectorToArray, type Vector } from '../../../src/core/vector.js';
import { castFunction } from '../../../src/expressions/cast.js';
import type { ArgInfo } from '../../../src/expressions/functions/function.js';
import type { AggregateResolution } from '../../../src/expressions/aggregate/aggregate-function.js';
import { HashAggregator } from '../../../src/exec/aggregate/hash-aggregate.js';
import { lookupAggregate } from '../../../src/expressions/aggregate/registry.js';

/** Test helpers: resolve an aggregate like the analyzer does and run it. */
export const ctx = { timeZone: 'UTC', nowMicros: 0 };

/** A column argument (not constant). */
export const col = (type: DataType, values: unknown[]): { type: DataType; values: unknown[]; constant?: boolean } => ({ type, values });
/** A constant argument, repeated on every row. */
export const constant = (type: DataType, value: unknown): { type: DataType; values: unknown[]; constant: true } => ({ type, values: [value], constant: true });

export type Arg = ReturnType<typeof col> | ReturnType<typeof constant>;

export function resolve(name: string, args: readonly Arg[], opts: { distinct?: boolean; ignoreNulls?: boolean } = {}): AggregateResolution {
  const fn = lookupAggregate(name);
  if (!fn) throw new Error(`no aggregate ${name}`);
  const infos: ArgInfo[] = args.map((a, i) => a.constant
    ? { type: a.type, nullable: a.values[0] === null, foldable: true, value: a.values[0], display: String(a.values[0]) }
    : { type: a.type, nullable: true, foldable: false, display: `c${i}` });
  return fn.resolve(infos, ctx, { distinct: opts.distinct ?? false, ignoreNulls: opts.ignoreNulls ?? false });
}

/** The argument vectors for `numRows` rows, cast to the resolution's argTypes. */
export function argVectors(res: AggregateResolution, args: readonly Arg[], numRows: number): Vector[] {
  return args.map((a, i) => {
    const vals = a.constant ? Array.from({ length: numRows }, () => a.values[0]) : a.values;
    const to = res.argTypes?.[i];
    if (to === undefined || typeEquals(to, a.type)) return vectorFromValues(a.type, vals);
    const f = castFunction(a.type, to)!;
    return vectorFromValues(to, vals.map((v) => (v === null ? null : f(v))));
  });
}

/** Runs one aggregate over rows grouped by `keys` (global when absent); returns [key..., result] rows. */
export function runAgg(name: string, args: readonly Arg[], opts: { distinct?: boolean; ignoreNulls?: boolean; keys?: { type: DataType; values: unknown[] } } = {}): { rows: unknown[][]; res: AggregateResolution } {
  const res = resolve(name, args, opts);
  const n = opts.keys?.values.length ?? args.find((a) => !a.constant)?.values.length ?? 0;
  const agg = new HashAggregator(opts.keys ? [opts.keys.type] : [], [res]);
  const keyVecs = opts.keys ? [vectorFromValues(opts.keys.type, opts.keys.values)] : [];
  agg.add(keyVecs, [argVectors(res, args, n)], n);
  const out = agg.finish();
  const rows: unknown[][] = [];
  for (let g = 0; g < out.numGroups; g++) rows.push([...out.keys.map((k) => getValue(k, g)), getValue(out.results[0]!, g)]);
  return { rows, res };
}

/** The single result of a global aggregation. */
export function global(name: string, args: readonly Arg[], opts: { distinct?: boolean; ignoreNulls?: boolean } = {}): unknown {
  return runAgg(name, args, opts).rows[0]![0];
}

export { vectorToArray };
