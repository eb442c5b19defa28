import { AnalysisException } from '../../core/errors.js';
import { ArrayType, BooleanType, IntegerType, LongType, simpleString, widerType, type DataType } from '../../core/types.js';
import { equality } from '../compare.js';
import { argTypeError, coerceArg, runtimeError } from './checks.js';
import type { ArgInfo, ScalarFunction } from './function.js';
import { register } from './registry.js';

/**
 * Set-like array functions: array_union, array_intersect, array_except,
 * arrays_overlap, array_remove, array_repeat, sequence. Results keep first
 * occurrences in order and contain no duplicates (null counts once), as Spark.
 */

type ArrayT = DataType & { kind: 'array' };

function twoArrays(fn: string, args: readonly ArgInfo[]): ArrayT {
  const [a, b] = args as [ArgInfo, ArgInfo];
  for (const [i, x] of [a, b].entries()) if (x.type.kind !== 'array' && x.type.kind !== 'null') throw argTypeError(fn, i, x, 'array');
  const t = widerType(a.type, b.type);
  if (!t || t.kind !== 'array') {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `${fn}() needs two arrays of the same element type, got ${simpleString(a.type)} and ${simpleString(b.type)}; cast one of them.`);
  }
  return t;
}

/** Distinct-preserving membership over values of `el`, with null as a member like any other. */
function finder(el: DataType): (list: readonly unknown[], x: unknown) => boolean {
  const eq = equality(el);
  return (list, x) => list.some((y) => (x === null ? y === null : y !== null && eq(x, y)));
}

function setOp(name: string, keep: (inA: boolean, inB: boolean) => boolean, fromB: boolean): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 2,
    resolve(args) {
      const t = twoArrays(name, args);
      const has = finder(t.elementType);
      return {
        type: t, argTypes: [t, t],
        impl: (a: unknown[], b: unknown[]) => {
          const out: unknown[] = [];
          for (const x of a) if (keep(true, has(b, x)) && !has(out, x)) out.push(x);
          if (fromB) for (const x of b) if (!has(out, x)) out.push(x);
          return out;
        },
      };
    },
  };
}

/** arrays_overlap(a, b): true on a common non-null element; null when none but either has a null. */
const arraysOverlap: ScalarFunction = {
  name: 'arrays_overlap', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = twoArrays('arrays_overlap', args);
    const eq = equality(t.elementType);
    return {
      type: BooleanType, nullable: true, argTypes: [t, t],
      impl: (a: unknown[], b: unknown[]) => {
        if (a.length === 0 || b.length === 0) return false;
        for (const x of a) if (x !== null) for (const y of b) if (y !== null && eq(x, y)) return true;
        return a.includes(null) || b.includes(null) ? null : false;
      },
    };
  },
};

/** array_remove(arr, x): drops every element equal to x. */
const arrayRemove: ScalarFunction = {
  name: 'array_remove', minArgs: 2, maxArgs: 2,
  resolve(args) {
    if (args[0]!.type.kind !== 'array') throw argTypeError('array_remove', 0, args[0]!, 'array');
    const at = args[0]!.type;
    const el = coerceArg('array_remove', 1, args[1]!, at.elementType, simpleString(at.elementType));
    const eq = equality(el);
    return { type: at, argTypes: [at, el], impl: (a: unknown[], x: unknown) => a.filter((y) => y === null || !eq(y, x)) };
  },
};

const arrayRepeat: ScalarFunction = {
  name: 'array_repeat', minArgs: 2, maxArgs: 2,
  resolve(args) {
    return {
      type: ArrayType(args[0]!.type, args[0]!.nullable), nullSafe: true, nullable: args[1]!.nullable,
      argTypes: [undefined, coerceArg('array_repeat', 1, args[1]!, IntegerType)],
      impl: (x: unknown, n: number | null) => (n === null ? null : new Array<unknown>(Math.max(0, n)).fill(x)),
    };
  },
};

const MAX_SEQUENCE = 10_000_000;

/** sequence(start, stop[, step]) over integers; step defaults to 1 or -1 toward stop. */
const sequence: ScalarFunction = {
  name: 'sequence', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const t = args.some((a) => a.type.kind === 'long') ? LongType : IntegerType;
    return {
      type: ArrayType(t, false), argTypes: args.map((a, i) => coerceArg('sequence', i, a, t)),
      impl: (start: number, stop: number, step?: number) => {
        const s = step ?? (start <= stop ? 1 : -1);
        if (s === 0 ? start !== stop : (stop - start) / s < 0) {
          throw runtimeError('INVALID_PARAMETER_VALUE', `sequence(${start}, ${stop}, ${s}): the step must move from start toward stop.`);
        }
        const n = s === 0 ? 1 : Math.floor((stop - start) / s) + 1;
        if (n > MAX_SEQUENCE) throw runtimeError('INVALID_PARAMETER_VALUE', `sequence(): ${n} elements is too many (limit ${MAX_SEQUENCE}).`);
        const out = new Array<number>(n);
        for (let i = 0; i < n; i++) out[i] = start + i * s;
        return out;
      },
    };
  },
};

register(
  setOp('array_union', () => true, true),
  setOp('array_intersect', (_a, inB) => inB, false),
  setOp('array_except', (_a, inB) => !inB, false),
  arraysOverlap, arrayRemove, arrayRepeat, sequence,
);
