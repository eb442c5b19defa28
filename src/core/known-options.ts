import { closestNames, SpateError } from './errors.js';
import { warnOnce } from './warnings.js';

/**
 * Checks a data source's options against the names it knows. Spark ignores
 * an option it does not know, so a misspelling (`rowsPerSec`, `heder`)
 * silently changes nothing; spate knows each built-in format's options, so
 * it warns once naming the closest known one, and under
 * `spark.sql.spate.strictOptions=true` fails instead (UNKNOWN_OPTION).
 * Names compare case-insensitively, as Spark's option maps do.
 */
export interface KnownOptions {
  /** The options the format reads. */
  readonly names: readonly string[];
  /** Options Spark has that spate accepts but does not act on, with why (warned about once when given). */
  readonly ignored?: Readonly<Record<string, string>>;
}

/** Warns about (or, when `strict`, fails on) each option of `options` that `known` does not name; `what` is e.g. "the rate source". */
export function checkOptions(options: Readonly<Record<string, string>>, known: KnownOptions, what: string, strict: boolean): void {
  const lower = new Set(known.names.map((n) => n.toLowerCase()));
  const ignored = new Map(Object.entries(known.ignored ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of Object.keys(options)) {
    const k = key.toLowerCase();
    if (lower.has(k)) continue;
    const why = ignored.get(k);
    if (why !== undefined) {
      warnOnce(`option:${what}:${k}`, `Option '${key}' of ${what} has no effect in spate: ${why}.`);
      continue;
    }
    const close = closestNames(key, [...known.names, ...Object.keys(known.ignored ?? {})], 1);
    const hint = close.length > 0 ? ` Did you mean '${close[0]}'?` : '';
    const list = known.names.length > 0 ? ` Known options: ${known.names.join(', ')}.` : ` It takes no options.`;
    if (strict) {
      throw new SpateError('UNKNOWN_OPTION', `Unknown option '${key}' for ${what}.${hint}${list} (spark.sql.spate.strictOptions is true; set it to false to only warn.)`);
    }
    warnOnce(`option:${what}:${k}`, `Unknown option '${key}' for ${what}: it is ignored.${hint}${list}`);
  }
}
