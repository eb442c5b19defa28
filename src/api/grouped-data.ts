import { AnalysisException } from '../core/errors.js';
import { isNumeric } from '../core/types.js';
import { call, column, literal, type Expr } from '../plan/expr.js';
import { node } from '../plan/logical.js';
import { Column } from './column.js';
import type { DataFrame } from './dataframe.js';

/**
 * The result of `df.groupBy(...)`: aggregate it with `agg(...)` or a shortcut
 * (`count()`, `sum('x')`, ...). Output columns are the grouping columns
 * followed by the aggregates, as in Spark.
 */
export class GroupedData {
  constructor(private readonly df: DataFrame, private readonly keys: readonly Expr[]) {}

  /** agg(F.sum('x').alias('total'), F.count('*')), or agg({ x: 'sum', y: 'max' }) as in PySpark. */
  agg(...exprs: (Column | readonly Column[] | Record<string, string>)[]): DataFrame {
    const out: Expr[] = [];
    for (const e of exprs) {
      if (e instanceof Column) out.push(e.expr);
      else if (Array.isArray(e)) out.push(...(e as readonly Column[]).map((c) => c.expr));
      else for (const [col, fn] of Object.entries(e as Record<string, string>)) out.push(call(fn, [col === '*' ? literal(1, { kind: 'int' }) : column(col)]));
    }
    if (out.length === 0) throw new AnalysisException('EMPTY_AGGREGATION', 'agg() needs at least one aggregate, e.g. agg(F.count("*")).');
    return this.derive(out);
  }

  /** Rows per group, in a column named `count`. */
  count(): DataFrame {
    return this.derive([{ kind: 'alias', child: call('count', [literal(1, { kind: 'int' })]), names: ['count'] }]);
  }
  sum(...cols: string[]): DataFrame { return this.numeric('sum', cols); }
  avg(...cols: string[]): DataFrame { return this.numeric('avg', cols); }
  mean(...cols: string[]): DataFrame { return this.numeric('avg', cols); }
  min(...cols: string[]): DataFrame { return this.numeric('min', cols); }
  max(...cols: string[]): DataFrame { return this.numeric('max', cols); }

  /** Applies `fn` to the named columns, or to every numeric non-grouping column when none are named (Spark's rule). */
  private numeric(fn: string, cols: readonly string[]): DataFrame {
    let names = cols;
    if (names.length === 0) {
      const keyNames = new Set(this.keys.filter((k) => k.kind === 'column').map((k) => (k as { name: string }).name.toLowerCase()));
      names = this.df.schema.fields.filter((f) => isNumeric(f.dataType) && !keyNames.has(f.name.toLowerCase())).map((f) => f.name);
    } else {
      for (const c of names) {
        const f = this.df.schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
        if (f && !isNumeric(f.dataType)) {
          throw new AnalysisException('DATATYPE_MISMATCH', `"${c}" is not a numeric column; ${fn}() in groupBy(...).${fn}(...) needs numbers. Use agg(F.${fn}(...)) with a cast.`);
        }
      }
    }
    return this.derive(names.map((c) => call(fn, [column(c)])));
  }

  private derive(aggs: readonly Expr[]): DataFrame {
    const Ctor = this.df.constructor as new (s: DataFrame['sparkSession'], p: DataFrame['plan']) => DataFrame;
    const df = new Ctor(this.df.sparkSession, node({ kind: 'aggregate', child: this.df.plan, groupBy: this.keys, aggs }));
    df.analyze();
    return df;
  }
}
