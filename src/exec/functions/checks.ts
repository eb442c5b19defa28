import { AnalysisException } from '../../core/errors.js';
import { simpleString, type DataType } from '../../core/types.js';
import type { ArgInfo } from './function.js';

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
