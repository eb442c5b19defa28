import { AnalysisException } from '../../core/errors.js';
import {
  ArrayType, BooleanType, DecimalType, DoubleType, LongType, isNumeric, simpleString, type DataType,
} from '../../core/types.js';
import { argTypeError } from '../functions/checks.js';
import type { ArgInfo } from '../functions/function.js';
import type { AggregateFunction, AggregateOptions, AggregateResolution, GroupAccumulator } from './aggregate-function.js';
import { CentralMomentAccumulator, type MomentKind } from './central-moments.js';
import { CollectAccumulator } from './collect.js';
import { CountAccumulator } from './count.js';
import { DistinctAccumulator } from './distinct-accumulator.js';
import { FirstLastAccumulator } from './first-last.js';
import { HyperLogLogAccumulator, hllPrecision } from './hyperloglog.js';
import { MinMaxAccumulator } from './min-max.js';
import { SumAvgAccumulator } from './sum-avg.js';

/**
 * Spark's aggregate functions as small records: argument checks, result type
 * and nullability exactly as Spark 3.5 reports them (non-ANSI), and the
 * accumulator factory. Any of them takes DISTINCT.
 */

/** Wraps a factory so DISTINCT dedupes (group, arguments) before the aggregate sees them. */
function finish(
  opts: AggregateOptions,
  argTypes: readonly DataType[],
  r: { type: DataType; nullable: boolean; argTypes?: readonly (DataType | undefined)[]; display?: string; make: () => GroupAccumulator },
): AggregateResolution {
  const { make, ...rest } = r;
  const create = opts.distinct ? () => new DistinctAccumulator(make(), argTypes) : make;
  return { ...rest, create };
}

/** Final argument types after the casts in `cast` (undefined keeps the argument's own type). */
function finalTypes(args: readonly ArgInfo[], cast: readonly (DataType | undefined)[]): DataType[] {
  return args.map((a, i) => cast[i] ?? a.type);
}

/** Spark's implicit cast of an input to a numeric aggregate: numbers as they are, strings and NULL to double. */
function numericInput(fn: string, a: ArgInfo): DataType {
  if (isNumeric(a.type)) return a.type;
  if (a.type.kind === 'string' || a.type.kind === 'null') return DoubleType;
  throw argTypeError(fn, 0, a, 'numeric');
}

function booleanInput(fn: string, a: ArgInfo): DataType {
  if (a.type.kind === 'boolean' || a.type.kind === 'null') return BooleanType;
  throw argTypeError(fn, 0, a, 'boolean');
}

function checkOrderable(fn: string, a: ArgInfo): void {
  const bad = (t: DataType): boolean =>
    t.kind === 'map' || (t.kind === 'array' && bad(t.elementType)) || (t.kind === 'struct' && t.fields.some((f) => bad(f.dataType)));
  if (bad(a.type)) {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `${fn}() argument ${a.display} has type ${simpleString(a.type)}, which is not orderable (maps cannot be compared); aggregate a map_keys/map_values array or a field instead.`);
  }
}

const count: AggregateFunction = {
  name: 'count', minArgs: 1, maxArgs: Infinity,
  resolve(args, _ctx, opts) {
    return finish(opts, finalTypes(args, []), { type: LongType, nullable: false, make: () => new CountAccumulator(false) });
  },
};

const countIf: AggregateFunction = {
  name: 'count_if', minArgs: 1, maxArgs: 1,
  resolve(args, _ctx, opts) {
    const t = booleanInput('count_if', args[0]!);
    return finish(opts, [t], { type: LongType, nullable: false, argTypes: [t], make: () => new CountAccumulator(true) });
  },
};

const sum: AggregateFunction = {
  name: 'sum', minArgs: 1, maxArgs: 1,
  resolve(args, _ctx, opts) {
    const input = numericInput('sum', args[0]!);
    // Spark: integral → bigint, fractional → double, decimal(p,s) → decimal(min(38, p+10), s).
    const cast = input.kind === 'int' || input.kind === 'long' ? LongType : input.kind === 'decimal' ? input : DoubleType;
    const type = cast.kind === 'decimal' ? DecimalType(Math.min(38, cast.precision + 10), cast.scale) : cast;
    return finish(opts, [cast], { type, nullable: true, argTypes: [cast], make: () => new SumAvgAccumulator(type, false) });
  },
};

const avg: AggregateFunction = {
  name: 'avg', minArgs: 1, maxArgs: 1,
  resolve(args, _ctx, opts) {
    const input = numericInput('avg', args[0]!);
    const cast = input.kind === 'decimal' ? input : DoubleType;
    // Spark: decimal(p,s) → decimal(p+4, s+4) bounded at 38; everything else → double.
    const type = cast.kind === 'decimal' ? DecimalType(Math.min(38, cast.precision + 4), Math.min(38, cast.scale + 4)) : DoubleType;
    const sumType = cast.kind === 'decimal' ? DecimalType(Math.min(38, cast.precision + 10), cast.scale) : DoubleType;
    return finish(opts, [cast], { type, nullable: true, argTypes: [cast], make: () => new SumAvgAccumulator(type, true, sumType) });
  },
};

function minMax(name: string, isMax: boolean): AggregateFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, _ctx, opts) {
      const a = args[0]!;
      checkOrderable(name, a);
      return finish(opts, [a.type], { type: a.type, nullable: true, make: () => new MinMaxAccumulator(a.type, isMax) });
    },
  };
}

function boolAgg(name: string, isOr: boolean): AggregateFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, _ctx, opts) {
      const t = booleanInput(name, args[0]!);
      return finish(opts, [t], { type: BooleanType, nullable: true, argTypes: [t], make: () => new MinMaxAccumulator(BooleanType, isOr) });
    },
  };
}

function firstLast(name: string, isLast: boolean): AggregateFunction {
  return {
    name, minArgs: 1, maxArgs: 2,
    resolve(args, _ctx, opts) {
      const a = args[0]!;
      let ignoreNulls = opts.ignoreNulls;
      const flag = args[1];
      if (flag !== undefined) {
        if (!flag.foldable || (flag.type.kind !== 'boolean')) {
          throw new AnalysisException('DATATYPE_MISMATCH',
            `${name}() argument 2 (${flag.display}) must be a constant boolean (ignoreNulls), e.g. ${name}(col, true).`);
        }
        ignoreNulls = ignoreNulls || flag.value === true;
      }
      const display = `${name}(${opts.distinct ? 'DISTINCT ' : ''}${a.display})${ignoreNulls ? ' IGNORE NULLS' : ''}`;
      return finish(opts, [a.type], {
        type: a.type, nullable: true, display,
        make: () => new FirstLastAccumulator(a.type, isLast, ignoreNulls),
      });
    },
  };
}

function collect(name: string, isSet: boolean): AggregateFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, _ctx, opts) {
      const a = args[0]!;
      if (isSet && a.type.kind === 'map') {
        throw new AnalysisException('DATATYPE_MISMATCH',
          `collect_set() cannot collect ${a.display} of map type ${simpleString(a.type)} (maps have no equality in Spark); collect_list it or collect map_entries(...) instead.`);
      }
      return finish(opts, [a.type], { type: ArrayType(a.type, false), nullable: false, make: () => new CollectAccumulator(a.type, isSet) });
    },
  };
}

function moment(name: string, kind: MomentKind): AggregateFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, _ctx, opts) {
      numericInput(name, args[0]!);
      return finish(opts, [DoubleType], { type: DoubleType, nullable: true, argTypes: [DoubleType], make: () => new CentralMomentAccumulator(kind) });
    },
  };
}

const approxCountDistinct: AggregateFunction = {
  name: 'approx_count_distinct', minArgs: 1, maxArgs: 2,
  resolve(args, _ctx, opts) {
    const a = args[0]!;
    let rsd = 0.05;
    const r = args[1];
    if (r !== undefined) {
      if (!r.foldable || typeof r.value !== 'number' || !isNumeric(r.type)) {
        throw new AnalysisException('DATATYPE_MISMATCH',
          `approx_count_distinct() argument 2 (${r.display}) must be a constant number (the relative standard deviation), e.g. approx_count_distinct(col, 0.05).`);
      }
      rsd = r.value;
    }
    const p = hllPrecision(rsd);
    const argTypes = r === undefined ? undefined : [undefined, DoubleType];
    return finish(opts, [a.type], {
      type: LongType, nullable: false, ...(argTypes ? { argTypes } : {}),
      make: () => new HyperLogLogAccumulator(a.type, p),
    });
  },
};

/** Every built-in aggregate, with Spark's aliases as [alias, name] pairs. */
export const BUILTIN_AGGREGATES: readonly AggregateFunction[] = [
  count, countIf, sum, avg,
  minMax('min', false), minMax('max', true),
  boolAgg('bool_and', false), boolAgg('bool_or', true),
  firstLast('first', false), firstLast('last', true),
  collect('collect_list', false), collect('collect_set', true),
  moment('stddev_samp', 'stddev_samp'), moment('stddev_pop', 'stddev_pop'),
  moment('var_samp', 'var_samp'), moment('var_pop', 'var_pop'),
  approxCountDistinct,
];

/** Spark's other names for the same aggregates. */
export const AGGREGATE_ALIASES: readonly (readonly [string, string])[] = [
  ['mean', 'avg'], ['every', 'bool_and'], ['some', 'bool_or'], ['any', 'bool_or'],
  ['first_value', 'first'], ['last_value', 'last'],
  ['stddev', 'stddev_samp'], ['std', 'stddev_samp'], ['variance', 'var_samp'],
];
