import { AnalysisException, SpateError } from '../../core/errors.js';
import { isNumeric, simpleString, type DataType } from '../../core/types.js';
import type { ArgInfo, Resolution, ScalarFunction } from './function.js';

/** A wrong-type argument: names the function, the argument position and what was expected. */
export function argTypeError(fn: string, index: number, arg: ArgInfo, expected: string): AnalysisException {
  return new AnalysisException('DATATYPE_MISMATCH',
    `${fn}() argument ${index + 1} (${arg.display}) has type ${simpleString(arg.type)}, but ${expected} is required; ` +
    `cast it, e.g. col.cast('${expected.split(' ')[0]}').`);
}

/** A constant argument that must be a literal (e.g. a regex pattern or a format). */
export function literalArg<T>(fn: string, index: number, arg: ArgInfo | undefined, what: string): T {
  if (!arg || !arg.foldable) {
    throw new AnalysisException('NON_FOLDABLE_ARGUMENT', `${fn}() argument ${index + 1} must be a constant ${what}; pass lit(...) or a literal value.`);
  }
  return arg.value as T;
}

export function isStringLike(t: DataType): boolean {
  return t.kind === 'string' || t.kind === 'null';
}

function isAtomic(t: DataType): boolean {
  return t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'struct';
}

/**
 * True when Spark's implicit cast (ImplicitTypeCasts, non-ANSI) turns a `from`
 * argument into the `to` an input slot expects: numbers widen or narrow to any
 * number, strings read as numbers/dates/timestamps/binary, atomic values print
 * as strings, dates and timestamps convert into each other.
 */
export function implicitlyCastable(from: DataType, to: DataType): boolean {
  if (from.kind === 'null' || from.kind === to.kind) return true;
  if (isNumeric(to)) return isNumeric(from) || from.kind === 'string';
  switch (to.kind) {
    case 'string': return isAtomic(from);
    case 'date': return from.kind === 'string' || from.kind === 'timestamp';
    case 'timestamp': return from.kind === 'string' || from.kind === 'date';
    case 'binary': return from.kind === 'string';
    case 'boolean': return from.kind === 'string';
    default: return false;
  }
}

/** Checks that argument `i` can be implicitly cast to `to` and returns `to` for `argTypes`; throws naming the function otherwise. */
export function coerceArg(fn: string, i: number, arg: ArgInfo, to: DataType, expected = simpleString(to)): DataType {
  if (!implicitlyCastable(arg.type, to)) throw argTypeError(fn, i, arg, expected);
  return to;
}

/** The value of a constant argument, or undefined when the argument is not constant (e.g. a column). */
export function constValue(arg: ArgInfo | undefined): unknown {
  return arg && arg.foldable ? arg.value : undefined;
}

/**
 * A fixed-signature function: arguments implicitly cast to `params`, result of
 * type `ret`, null in → null out. `make` may specialize on constant arguments.
 */
export function simpleFunction(
  name: string,
  params: readonly DataType[],
  ret: DataType,
  impl: (...args: any[]) => unknown,
  opts: { minArgs?: number; inline?: (x: readonly string[]) => string; nullable?: boolean } = {},
): ScalarFunction {
  return {
    name, minArgs: opts.minArgs ?? params.length, maxArgs: params.length,
    resolve(args): Resolution {
      const argTypes = args.map((a, i) => coerceArg(name, i, a, params[i]!));
      const r: Resolution = { type: ret, argTypes, impl };
      return {
        ...r,
        ...(opts.inline ? { inline: opts.inline } : {}),
        ...(opts.nullable !== undefined ? { nullable: opts.nullable || args.some((a) => a.nullable) } : {}),
      };
    },
  };
}

/** A runtime failure inside a function (Spark raises these even with ANSI off, e.g. element_at(arr, 0)). */
export function runtimeError(code: string, message: string): SpateError {
  return new SpateError(code, message);
}
