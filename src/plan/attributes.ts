import { AnalysisException, didYouMean } from '../core/errors.js';
import { StructField, StructType, type DataType } from '../core/types.js';

/**
 * One output column of a resolved plan node: its name, type, the alias
 * qualifier it can be named by (`t.x` after `df.alias('t')`) and the ids of
 * the DataFrames whose output carries it unchanged (for `df.col('x')`).
 */
export interface Attr {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly qualifier?: string;
  readonly planIds: readonly number[];
  /** Set on an event-time column (withWatermark), and on a window over one: the watermark delay in ms. */
  readonly watermarkDelayMs?: number;
}

export function attrsToSchema(attrs: readonly Attr[]): StructType {
  return StructType(attrs.map((a) => StructField(a.name, a.type, a.nullable)));
}

export function schemaToAttrs(schema: StructType, planId: number): Attr[] {
  return schema.fields.map((f) => ({ name: f.name, type: f.dataType, nullable: f.nullable, planIds: [planId] }));
}

/** The same attributes, now also carried by plan node `planId`. */
export function passThrough(attrs: readonly Attr[], planId: number): Attr[] {
  return attrs.map((a) => ({ ...a, planIds: [...a.planIds, planId] }));
}

/** Splits a column name on dots outside backquotes: "a.`b.c`.d" → ['a', 'b.c', 'd']. */
export function splitName(name: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '`') {
      if (quoted && name[i + 1] === '`') { cur += '`'; i++; continue; }
      quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

const eqName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A resolved column reference: the input column and the nested fields to take from it. */
export interface ColumnMatch { readonly index: number; readonly fields: readonly string[] }

/**
 * Resolves a column name against input attributes, case-insensitively (Spark's
 * default `spark.sql.caseSensitive=false`). `qualifier.name` is tried before
 * `column.field`. Throws COLUMN_NOT_FOUND (with the closest names) or
 * AMBIGUOUS_REFERENCE (saying how to disambiguate).
 */
export function resolveColumn(name: string, attrs: readonly Attr[], planId: number | undefined, where: string): ColumnMatch {
  const parts = splitName(name);
  const scoped = attrs.map((a, i) => ({ a, i })).filter(({ a }) => planId === undefined || a.planIds.includes(planId));
  const pool = scoped.length > 0 ? scoped : attrs.map((a, i) => ({ a, i }));
  if (parts.length >= 2) {
    const q = pool.filter(({ a }) => a.qualifier !== undefined && eqName(a.qualifier, parts[0]!) && eqName(a.name, parts[1]!));
    if (q.length === 1) return { index: q[0]!.i, fields: parts.slice(2) };
    if (q.length > 1) throw ambiguous(name, where);
  }
  const m = pool.filter(({ a }) => eqName(a.name, parts[0]!));
  if (m.length === 1) return { index: m[0]!.i, fields: parts.slice(1) };
  if (m.length > 1) throw ambiguous(name, where);
  const available = attrs.map((a) => a.name);
  throw new AnalysisException('COLUMN_NOT_FOUND',
    `Column '${name}' not found in ${where}. Available: ${available.join(', ') || '(no columns)'}.${didYouMean(parts[0]!, available)}`);
}

function ambiguous(name: string, where: string): AnalysisException {
  return new AnalysisException('AMBIGUOUS_REFERENCE',
    `Column '${name}' in ${where} is ambiguous: more than one input column has that name. ` +
    `Name it through its DataFrame (df.col('${name}')) or alias the DataFrames (df.alias('a')) and use 'a.${name}'.`);
}
