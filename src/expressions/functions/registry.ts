import { AnalysisException, didYouMean } from '../../core/errors.js';
import type { ScalarFunction } from './function.js';

/**
 * Every scalar function by lower-case name. Category modules register their
 * functions at import time through `register`; `index.ts` imports them all.
 */
const SCALARS = new Map<string, ScalarFunction>();

export function register(...fns: ScalarFunction[]): void {
  for (const f of fns) SCALARS.set(f.name.toLowerCase(), f);
}

/** Registers `alias` as another name of an existing function. */
export function registerAlias(alias: string, name: string): void {
  const f = SCALARS.get(name.toLowerCase());
  if (!f) throw new Error(`cannot alias unknown function ${name}`);
  SCALARS.set(alias.toLowerCase(), { ...f, name: alias, resolve: f.resolve.bind(f) });
}

export function lookupScalar(name: string): ScalarFunction | undefined {
  return SCALARS.get(name.toLowerCase());
}

export function scalarNames(): string[] {
  return [...SCALARS.keys()];
}

/** The error for an unknown function name, with the closest known names. */
export function unknownFunction(name: string, known: readonly string[]): AnalysisException {
  return new AnalysisException('UNRESOLVED_ROUTINE',
    `Function '${name}' is not known.${didYouMean(name, known)} See spate's functions module for the supported list.`);
}
