import { AnalysisException } from '../../core/errors.js';
import {
  BooleanType, DecimalType, DoubleType, LongType, isNumeric, simpleString, widerType, type DataType,
} from '../../core/types.js';
import { comparator } from '../compare.js';
import { argTypeError, coerceArg, literalArg, simpleFunction } from './checks.js';
import { roundDouble, roundIntegral, type RoundingMode } from './decimal-round.js';
import type { ArgInfo, Resolution, ScalarFunction } from './function.js';
import { register, registerAlias } from './registry.js';

/**
 * Math functions under Spark's names and result types: most return double;
 * abs keeps its input type; round/bround keep it too (so round(int) is an
 * int); floor/ceil return bigint for doubles. Logarithms of non-positive
 * numbers are null (Spark), not NaN.
 */

const D = DoubleType;

/** The numeric type an argument keeps; strings are read as doubles, as Spark's implicit cast does. */
function numericArg(fn: string, i: number, a: ArgInfo): DataType {
  if (a.type.kind === 'null' || a.type.kind === 'string') return D;
  if (!isNumeric(a.type)) throw argTypeError(fn, i, a, 'numeric');
  return a.type;
}

const abs: ScalarFunction = {
  name: 'abs', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = numericArg('abs', 0, args[0]!);
    // Integer abs wraps like Java's Math.abs: abs(-2147483648) is -2147483648 with ANSI off.
    if (t.kind === 'int') return { type: t, argTypes: [t], impl: (x: number) => Math.abs(x) | 0, inline: (x) => `(Math.abs(${x[0]}) | 0)` };
    return { type: t, argTypes: [t], impl: Math.abs, inline: (x) => `Math.abs(${x[0]})` };
  },
};

/**
 * The type of a decimal(p, s) rounded to `scale` places (Spark's RoundBase, shared by round, bround and
 * floor/ceil with a scale): one more integral digit for the carry, ceil(9.9) = 10.
 */
function roundedDecimalType(t: DataType & { kind: 'decimal' }, scale: number): DataType {
  const intDigits = t.precision - t.scale + 1;
  return scale < 0 ? DecimalType(Math.min(Math.max(intDigits, -scale + 1), 38), 0)
    : DecimalType(Math.min(intDigits + Math.min(t.scale, scale), 38), Math.min(t.scale, scale));
}

function roundFunction(name: 'round' | 'bround', mode: RoundingMode): ScalarFunction {
  return {
    name, minArgs: 1, maxArgs: 2,
    resolve(args): Resolution {
      const t = numericArg(name, 0, args[0]!);
      const scale = args[1] ? Number(literalArg<number>(name, 1, args[1], 'integer scale') ?? 0) : 0;
      if (!Number.isInteger(scale)) throw argTypeError(name, 1, args[1]!, 'int');
      const argTypes = args[1] ? [t, coerceArg(name, 1, args[1], { kind: 'int' })] : [t];
      switch (t.kind) {
        case 'int': return { type: t, argTypes, impl: (x: number) => roundIntegral(x, scale, mode) | 0 };
        case 'long': return { type: t, argTypes, impl: (x: number) => roundIntegral(x, scale, mode) };
        case 'float': return { type: t, argTypes, impl: (x: number) => Math.fround(roundDouble(x, scale, mode)) };
        case 'decimal': return { type: roundedDecimalType(t, scale), argTypes, impl: (x: number) => roundDouble(x, scale, mode) };
        default: return { type: D, argTypes: [D, ...argTypes.slice(1)], impl: (x: number) => roundDouble(x, scale, mode) };
      }
    },
  };
}

/** A double → bigint conversion as Java's `(long)` cast: NaN → 0, saturating at the long range. */
function toLong(x: number): number {
  if (x !== x) return 0;
  if (x >= 9223372036854775807) return 9223372036854775807;
  if (x <= -9223372036854775808) return -9223372036854775808;
  return x === 0 ? 0 : x; // a long has no -0 (ceil(-0.1) is 0)
}

function floorCeil(name: 'floor' | 'ceil', op: (x: number) => number, mode: RoundingMode): ScalarFunction {
  return {
    name, minArgs: 1, maxArgs: 2,
    resolve(args) {
      const t = numericArg(name, 0, args[0]!);
      if (args[1]) {
        // floor(x, scale) / ceil(x, scale) (Spark 3.3+): decimal result for decimals, double otherwise.
        const scale = Number(literalArg<number>(name, 1, args[1], 'integer scale') ?? 0);
        const argTypes = [t.kind === 'decimal' || isIntegralKind(t) ? t : D, coerceArg(name, 1, args[1], { kind: 'int' })];
        if (isIntegralKind(t)) return { type: t, argTypes, impl: (x: number) => roundIntegral(x, scale, mode) };
        return { type: t.kind === 'decimal' ? roundedDecimalType(t, scale) : D, argTypes, impl: (x: number) => roundDouble(x, scale, mode) };
      }
      if (t.kind === 'decimal') {
        const rt = t.scale === 0 ? t : DecimalType(Math.min(t.precision - t.scale + 1, 38), 0);
        return { type: rt, argTypes: [t], impl: op };
      }
      if (isIntegralKind(t)) return { type: LongType, argTypes: [LongType], impl: (x: number) => x };
      return { type: LongType, argTypes: [D], impl: (x: number) => toLong(op(x)) };
    },
  };
}

function isIntegralKind(t: DataType): boolean {
  return t.kind === 'int' || t.kind === 'long';
}

/** A double → double function; `nullIfAtMost` gives Spark's null for log of x <= 0 (its yAsymptote rule). */
function unaryDouble(name: string, f: (x: number) => number, inlineName?: string, nullIfAtMost?: number): ScalarFunction {
  if (nullIfAtMost === undefined) return simpleFunction(name, [D], D, f, inlineName ? { inline: (x) => `${inlineName}(${x[0]})` } : {});
  const lim = nullIfAtMost;
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve: (args) => ({ type: D, nullable: true, argTypes: [coerceArg(name, 0, args[0]!, D, 'numeric')], impl: (x: number) => (x <= lim ? null : f(x)) }),
  };
}

/** log(x) is the natural log; log(base, x) divides logs, both null for non-positive inputs. */
const log: ScalarFunction = {
  name: 'log', minArgs: 1, maxArgs: 2,
  resolve(args) {
    const argTypes = args.map((a, i) => coerceArg('log', i, a, D, 'numeric'));
    if (args.length === 1) return { type: D, nullable: true, argTypes, impl: (x: number) => (x <= 0 ? null : Math.log(x)) };
    return { type: D, nullable: true, argTypes, impl: (b: number, x: number) => (b <= 0 || x <= 0 ? null : Math.log(x) / Math.log(b)) };
  },
};

/** greatest/least: skip nulls (null only when all are null); NaN is larger than any number, as in Spark's ordering. */
function extreme(name: 'greatest' | 'least', pick: (c: number) => boolean): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: Infinity,
    resolve(args) {
      let t: DataType | undefined = args[0]!.type;
      for (let i = 1; i < args.length && t; i++) t = widerType(t, args[i]!.type);
      if (!t) {
        throw new AnalysisException('DATATYPE_MISMATCH',
          `${name}() needs arguments of one type, but got ${args.map((a) => `${a.display} (${simpleString(a.type)})`).join(', ')}; cast them to a common type.`);
      }
      const rt = t;
      const c = comparator(rt);
      return {
        type: rt, argTypes: args.map(() => rt), nullSafe: true, nullable: args.every((a) => a.nullable),
        impl: (...xs: unknown[]) => {
          let best: unknown = null;
          for (const x of xs) if (x !== null && (best === null || pick(c(x, best)))) best = x;
          return best;
        },
      };
    },
  };
}

const isnan: ScalarFunction = {
  name: 'isnan', minArgs: 1, maxArgs: 1,
  resolve(args) {
    return { type: BooleanType, nullable: false, nullSafe: true, argTypes: [coerceArg('isnan', 0, args[0]!, D, 'double')], impl: (x: number | null) => x !== null && x !== x };
  },
};

/** nanvl(a, b): b when a is NaN, else a; both float or double. */
const nanvl: ScalarFunction = {
  name: 'nanvl', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = args.every((a) => a.type.kind === 'float' || a.type.kind === 'null') ? args[0]!.type.kind === 'null' ? D : args[0]!.type : D;
    const argTypes = args.map((a, i) => coerceArg('nanvl', i, a, t, 'double'));
    return { type: t, argTypes, nullSafe: true, nullable: args.some((a) => a.nullable), impl: (a: number | null, b: number | null) => (a === null ? null : a !== a ? b : a) };
  },
};

const signum = simpleFunction('signum', [D], D, (x: number) => (x !== x ? x : x > 0 ? 1 : x < 0 ? -1 : x), {});
const pow = simpleFunction('pow', [D, D], D, Math.pow, { inline: (x) => `Math.pow(${x[0]}, ${x[1]})` });
const LN2 = Math.log(2);

register(
  abs, roundFunction('round', 'HALF_UP'), roundFunction('bround', 'HALF_EVEN'),
  floorCeil('floor', Math.floor, 'FLOOR'), floorCeil('ceil', Math.ceil, 'CEILING'),
  unaryDouble('sqrt', Math.sqrt, 'Math.sqrt'), unaryDouble('cbrt', Math.cbrt, 'Math.cbrt'), pow,
  unaryDouble('exp', Math.exp, 'Math.exp'), unaryDouble('expm1', Math.expm1, 'Math.expm1'),
  log, unaryDouble('ln', Math.log, undefined, 0), unaryDouble('log10', Math.log10, undefined, 0),
  unaryDouble('log2', (x) => Math.log(x) / LN2, undefined, 0), unaryDouble('log1p', Math.log1p, undefined, -1),
  unaryDouble('sin', Math.sin, 'Math.sin'), unaryDouble('cos', Math.cos, 'Math.cos'), unaryDouble('tan', Math.tan, 'Math.tan'),
  unaryDouble('asin', Math.asin), unaryDouble('acos', Math.acos), unaryDouble('atan', Math.atan),
  simpleFunction('atan2', [D, D], D, Math.atan2),
  unaryDouble('degrees', (x) => (x * 180) / Math.PI), unaryDouble('radians', (x) => (x / 180) * Math.PI),
  signum, extreme('greatest', (c) => c > 0), extreme('least', (c) => c < 0), isnan, nanvl,
);
registerAlias('power', 'pow');
registerAlias('ceiling', 'ceil');
registerAlias('sign', 'signum');
