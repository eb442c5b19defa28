import { errorCondition } from './error-conditions.js';

/**
 * The one error type spate throws. Every error carries a stable `code`
 * (e.g. `COLUMN_NOT_FOUND`) and a message that names the thing at fault and,
 * where there is one, how to fix it.
 */
export class SpateError extends Error {
  readonly code: string;
  override readonly cause?: unknown;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'SpateError';
    this.code = code;
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  /** Spark's SQLSTATE for this error's condition (SparkThrowable.getSqlState), from core/error-conditions.ts; undefined where Spark has none. */
  getSqlState(): string | undefined {
    return errorCondition(this.code)?.sqlState;
  }

  /** Spark's condition name where the condition is Spark's (SparkThrowable.getCondition), else spate's code. */
  getCondition(): string {
    return errorCondition(this.code)?.sparkCondition ?? this.code;
  }
}

/** A query that cannot be analysed: unknown column, wrong type, unsupported operation (Spark's AnalysisException). */
export class AnalysisException extends SpateError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'AnalysisException';
  }
}

/** Text that does not parse: a DDL string, a SQL expression, a duration (Spark's ParseException). */
export class ParseException extends SpateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PARSE_ERROR', message, options);
    this.name = 'ParseException';
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/** The candidates closest to `name` (case-insensitive), best first, at most `limit`. */
export function closestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  return candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 2)))
    .sort((x, y) => x.d - y.d)
    .slice(0, limit)
    .map(({ c }) => c);
}

/** " Did you mean 'x'?" or "" — appended to not-found messages. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const close = closestNames(name, candidates);
  if (close.length === 0) return '';
  return ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?`;
}
