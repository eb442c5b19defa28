import { SpateError } from '../core/errors.js';
import { typeEquals, type StructType } from '../core/types.js';
import { SourceOptions } from '../io/options.js';

/**
 * Option parsing shared by the streaming sources. Values arrive as strings
 * (Spark's `option(key, value)`); a value that does not fit fails with the
 * option's name, what it must be and what was given, so the fix is obvious.
 */

/** Reads `ctx.options` case-insensitively, as Spark's CaseInsensitiveStringMap does. */
export function sourceOptions(options: Readonly<Record<string, string>>): SourceOptions {
  return new SourceOptions(options);
}

function invalid(source: string, name: string, what: string, got: string): SpateError {
  return new SpateError('INVALID_OPTION', `Option '${name}' must be ${what}, got ${JSON.stringify(got)} (${source} source).`);
}

/** An integer option >= `min` (safe integer range); `what` is e.g. 'a positive integer'. */
export function intOption(o: SourceOptions, source: string, name: string, dflt: number | undefined, min: number, what: string): number | undefined {
  const raw = o.get(name);
  if (raw === undefined) return dflt;
  const t = raw.trim();
  const n = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw invalid(source, name, what, raw);
  return n;
}

/** A positive integer option (`rowsPerSecond`, `numPartitions`, ...). */
export function positiveInt(o: SourceOptions, source: string, name: string, dflt: number): number {
  return intOption(o, source, name, dflt, 1, 'a positive integer')!;
}

/** A non-negative integer option (`startTimestamp`, `advanceMillisPerBatch`). */
export function nonNegativeInt(o: SourceOptions, source: string, name: string, dflt: number): number {
  return intOption(o, source, name, dflt, 0, 'a non-negative integer')!;
}

/** 'true' / 'false' (any case). */
export function boolOption(o: SourceOptions, source: string, name: string, dflt: boolean): boolean {
  const raw = o.get(name);
  if (raw === undefined) return dflt;
  const l = raw.trim().toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw invalid(source, name, "'true' or 'false'", raw);
}

const TIME_UNITS_MS: Record<string, number> = {
  us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000,
};

/**
 * A time string as Spark's JavaUtils.timeStringAs reads it: a number with an
 * optional unit (us, ms, s, m, min, h, d); a bare number is in `defaultUnit`.
 * Returns milliseconds.
 */
export function timeStringMs(o: SourceOptions, source: string, name: string, dflt: string, defaultUnit: 's' | 'ms'): number {
  const raw = o.get(name) ?? dflt;
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = m === null ? undefined : (m[2] === '' ? defaultUnit : m[2]!.toLowerCase());
  const scale = unit === undefined ? undefined : TIME_UNITS_MS[unit];
  if (m === null || scale === undefined) {
    throw invalid(source, name, `a non-negative duration such as '5s', '10m', '7d' (a bare number is in ${defaultUnit === 's' ? 'seconds' : 'milliseconds'})`, raw);
  }
  return Number(m[1]) * scale;
}

/**
 * Sources with a fixed schema (rate, socket) accept the schema the engine
 * hands back only when it is their own; Spark rejects a user schema for them.
 */
export function checkFixedSchema(source: string, own: StructType, given: StructType | undefined): void {
  if (given === undefined || sameSchema(own, given)) return;
  const show = (s: StructType) => s.fields.map((f) => `${f.name} ${f.dataType.kind}`).join(', ');
  throw new SpateError('USER_SCHEMA_NOT_SUPPORTED',
    `The ${source} source does not support a user-specified schema: its columns are fixed (${show(own)}), got (${show(given)}). Remove .schema(...) from readStream.`);
}

function sameSchema(a: StructType, b: StructType): boolean {
  if (a.fields.length !== b.fields.length) return false;
  return a.fields.every((f, i) => f.name === b.fields[i]!.name && typeEquals(f.dataType, b.fields[i]!.dataType));
}

/** Receives the sources' warnings (Spark logs them); replaceable so tests and hosts can capture them. */
export type WarningHandler = (message: string) => void;

let warningHandler: WarningHandler = (message) => { console.warn(`WARN ${message}`); };

/** Routes source warnings to `handler`; returns the previous handler so a test can restore it. */
export function setSourceWarningHandler(handler: WarningHandler): WarningHandler {
  const prev = warningHandler;
  warningHandler = handler;
  return prev;
}

/** Emits a warning through the current handler. */
export function sourceWarning(message: string): void {
  warningHandler(message);
}

/** A non-negative integer offset read back from the offsets log; anything else means a foreign or corrupt checkpoint. */
export function longOffset(source: string, offset: unknown, what = 'offset'): number {
  if (typeof offset === 'number' && Number.isSafeInteger(offset)) return offset;
  if (typeof offset === 'string' && /^-?\d+$/.test(offset)) return Number(offset);
  throw new SpateError('INVALID_OFFSET',
    `${source}: the ${what} ${JSON.stringify(offset)} is not an integer. The checkpoint was written by a different source; use a new checkpointLocation for a changed query.`);
}
