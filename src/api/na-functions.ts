import { AnalysisException } from '../core/errors.js';
import { isNumeric, type DataType } from '../core/types.js';
import { call, column, literal, type Expr } from '../plan/expr.js';
import { node } from '../plan/logical.js';
import { positionalColumn } from '../plan/bind-expr.js';
import { inferLiteral } from './literal.js';
import type { DataFrame } from './dataframe.js';

/** `df.na`: fill or drop nulls, as Spark's DataFrameNaFunctions. */
export class DataFrameNaFunctions {
  constructor(private readonly df: DataFrame) {}

  /**
   * Replaces nulls: a number fills numeric columns, a string fills string
   * columns, a boolean fills boolean columns (each only in `subset` when given);
   * an object maps column names to their fill values.
   */
  fill(value: unknown, subset?: readonly string[]): DataFrame {
    const fields = this.df.schema.fields;
    const perColumn = new Map<string, unknown>();
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (!fields.some((f) => f.name.toLowerCase() === k.toLowerCase())) {
          throw new AnalysisException('COLUMN_NOT_FOUND', `na.fill(): column '${k}' not found. Available: ${fields.map((f) => f.name).join(', ')}.`);
        }
        perColumn.set(k.toLowerCase(), v);
      }
    } else {
      const names = subset?.map((s) => s.toLowerCase());
      for (const f of fields) {
        if (names && !names.includes(f.name.toLowerCase())) continue;
        if (fillApplies(f.dataType, value)) perColumn.set(f.name.toLowerCase(), value);
      }
    }
    const exprs: Expr[] = fields.map((f, i) => {
      const v = perColumn.get(f.name.toLowerCase());
      if (v === undefined || !fillApplies(f.dataType, v)) return positionalColumn(i, f.name);
      const lit = inferLiteral(typeof v === 'number' && f.dataType.kind !== 'double' && f.dataType.kind !== 'float' && isNumeric(f.dataType) ? Math.trunc(v) : v);
      const filled = call('coalesce', [positionalColumn(i, f.name), { kind: 'cast', child: literal(lit.value, lit.type), to: f.dataType }]);
      return { kind: 'alias', child: filled, names: [f.name] };
    });
    return this.project(exprs);
  }

  /**
   * Drops rows with nulls: how='any' (a null in any column) or 'all' (every
   * column null); `thresh` keeps rows with at least that many non-nulls.
   */
  drop(how: 'any' | 'all' = 'any', thresh?: number, subset?: readonly string[]): DataFrame {
    if (how !== 'any' && how !== 'all') throw new AnalysisException('INVALID_ARGUMENT', `na.drop(how): expected 'any' or 'all', got '${String(how)}'.`);
    const names = subset ?? this.df.columns;
    const need = thresh ?? (how === 'any' ? names.length : 1);
    // Spark counts a value as present when it is not null and, for float/double columns, not NaN.
    const fields = this.df.schema.fields;
    const nonNull = names.map((n): Expr => {
      const f = fields.find((x) => x.name.toLowerCase() === n.toLowerCase());
      if (!f) throw new AnalysisException('COLUMN_NOT_FOUND', `na.drop(): column '${n}' not found. Available: ${fields.map((x) => x.name).join(', ')}.`);
      const floating = f.dataType.kind === 'double' || f.dataType.kind === 'float';
      const present = floating ? call('and', [call('isnotnull', [column(n)]), call('not', [call('isnan', [column(n)])])]) : call('isnotnull', [column(n)]);
      return { kind: 'case', branches: [[present, literal(1, { kind: 'int' })]], otherwise: literal(0, { kind: 'int' }) };
    });
    const sum = nonNull.reduce((a, b) => call('add', [a, b]));
    const cond = call('ge', [sum, literal(need, { kind: 'int' })]);
    const Ctor = this.df.constructor as new (s: DataFrame['sparkSession'], p: DataFrame['plan']) => DataFrame;
    const df = new Ctor(this.df.sparkSession, node({ kind: 'filter', child: this.df.plan, condition: cond }));
    df.analyze();
    return df;
  }

  private project(exprs: Expr[]): DataFrame {
    const Ctor = this.df.constructor as new (s: DataFrame['sparkSession'], p: DataFrame['plan']) => DataFrame;
    const df = new Ctor(this.df.sparkSession, node({ kind: 'project', child: this.df.plan, exprs }));
    df.analyze();
    return df;
  }
}

function fillApplies(t: DataType, v: unknown): boolean {
  if (typeof v === 'number') return isNumeric(t);
  if (typeof v === 'string') return t.kind === 'string';
  if (typeof v === 'boolean') return t.kind === 'boolean';
  return false;
}
