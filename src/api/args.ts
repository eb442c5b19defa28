import { SpateError } from '../core/errors.js';

/**
 * Argument checks at the public API boundary, for callers from plain
 * JavaScript (TypeScript callers are stopped by the types): a wrong argument
 * fails at once with INVALID_ARGUMENT naming the method, the parameter, what
 * was expected and what came, instead of a TypeError from deep inside the
 * planner. Each check is a typeof or instanceof test, so the cost is nil.
 */

/** A short description of a value for "got ...": undefined, null, number 5, string "x", an array, a DataFrame. */
export function describeArg(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number': case 'bigint': case 'boolean': return `${typeof v} ${String(v)}`;
    case 'string': return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
    default: {
      if (Array.isArray(v)) return 'an array';
      const name = (v as object).constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
  }
}

/** The error for an argument that is not what `api`'s `param` takes. */
export function invalidArgument(api: string, param: string, expected: string, got: unknown): SpateError {
  return new SpateError('INVALID_ARGUMENT', `${api}: ${param} must be ${expected}, got ${describeArg(got)}.`);
}

/** `v` when it is a string, else INVALID_ARGUMENT. */
export function expectString(api: string, param: string, v: unknown, expected = 'a string'): string {
  if (typeof v !== 'string') throw invalidArgument(api, param, expected, v);
  return v;
}

/** `v` when it is undefined or an array of strings, else INVALID_ARGUMENT. */
export function expectStringList(api: string, param: string, v: unknown): readonly string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidArgument(api, param, 'an array of column names', v);
  for (const s of v) if (typeof s !== 'string') throw invalidArgument(api, `${param}[${v.indexOf(s)}]`, 'a column name (string)', s);
  return v as readonly string[];
}

/** `v` when it is an instance of `cls`, else INVALID_ARGUMENT saying `expected`. */
export function expectInstance<T>(api: string, param: string, v: unknown, cls: abstract new (...args: never[]) => T, expected: string): T {
  if (!(v instanceof cls)) throw invalidArgument(api, param, expected, v);
  return v;
}
