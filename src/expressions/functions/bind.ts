import { AnalysisException } from '../../core/errors.js';
import { isNumeric, simpleString, typeEquals, type DataType } from '../../core/types.js';
import { boundDisplay, isFoldable, type Bound, type BoundCall } from '../bound.js';
import { castDisplay, castFunction } from '../cast.js';
import { evalConstant } from '../interpret.js';
import type { ArgInfo, FunctionContext, ScalarFunction } from './function.js';
import { lookupScalar, scalarNames, unknownFunction } from './registry.js';

/** Describes a bound argument for a function's `resolve`. Constants are evaluated once here. */
export function argInfo(e: Bound): ArgInfo {
  const foldable = isFoldable(e);
  return foldable
    ? { type: e.type, nullable: e.nullable, foldable, value: evalConstant(e), display: boundDisplay(e) }
    : { type: e.type, nullable: e.nullable, foldable, display: boundDisplay(e) };
}

/**
 * Wraps `e` in a cast to `to` (Spark's non-ANSI cast: unconvertible values
 * become null). `timeZone` is the session zone used between strings, dates and timestamps.
 */
export function castTo(e: Bound, to: DataType, explicit = false, timeZone = 'UTC'): Bound {
  if (typeEquals(e.type, to) && e.type.kind !== 'decimal') return e;
  if (e.type.kind === 'decimal' && typeEquals(e.type, to)) return e;
  const f = castFunction(e.type, to, timeZone);
  if (!f) {
    throw new AnalysisException('CAST_NOT_SUPPORTED',
      `Cannot cast ${boundDisplay(e)} from ${simpleString(e.type)} to ${simpleString(to)}${explicit ? '' : ' (needed to make the types match)'}; ` +
      `convert it with a function (e.g. to_date, to_json) or cast to a type Spark allows.`);
  }
  // An implicit numeric cast of a literal is done now (the number prints the same), not once per row.
  if (!explicit && e.kind === 'lit' && typeof e.value === 'number' && isNumeric(e.type) && isNumeric(to)) {
    const v = f(e.value);
    return { kind: 'lit', value: v ?? null, type: to, nullable: v === null || v === undefined };
  }
  const display = explicit ? castDisplay(boundDisplay(e), to) : boundDisplay(e);
  const canBecomeNull = to.kind !== 'string' || e.type.kind === 'null';
  return {
    kind: 'call', name: 'cast', args: [e], type: to, nullable: e.nullable || canBecomeNull,
    impl: f, nullSafe: false, display,
  };
}

/** Resolves scalar function `fn` for these bound arguments: checks the count, inserts casts, returns the call. */
export function bindScalar(fn: ScalarFunction, args: readonly Bound[], ctx: FunctionContext): BoundCall {
  if (args.length < fn.minArgs || args.length > fn.maxArgs) {
    const want = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
    throw new AnalysisException('WRONG_NUM_ARGS', `${fn.name}() takes ${want} argument(s), but ${args.length} were given.`);
  }
  const r = fn.resolve(args.map(argInfo), ctx);
  const cast = args.map((a, i) => {
    const t = r.argTypes?.[i];
    return t === undefined ? a : castTo(a, t, false, ctx.timeZone);
  });
  const nullSafe = r.nullSafe ?? false;
  const nullable = r.nullable ?? (nullSafe ? true : cast.some((a) => a.nullable));
  return {
    kind: 'call', name: fn.name, args: cast, type: r.type, nullable, impl: r.impl, nullSafe,
    ...(r.inline ? { inline: r.inline } : {}),
    display: r.display ?? `${fn.name}(${args.map(boundDisplay).join(', ')})`,
  };
}

/** Looks up a scalar function by name and binds it; unknown names list the closest known ones. */
export function callScalar(name: string, args: readonly Bound[], ctx: FunctionContext): BoundCall {
  const fn = lookupScalar(name);
  if (!fn) throw unknownFunction(name, scalarNames());
  return bindScalar(fn, args, ctx);
}
