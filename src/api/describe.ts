import { AnalysisException } from '../core/errors.js';
import { isNumeric, StringType } from '../core/types.js';
import { call, column, literal, type Expr } from '../plan/expr.js';
import { node } from '../plan/logical.js';
import type { DataFrame } from './dataframe.js';

const STATS = ['count', 'mean', 'stddev', 'min', 'max'] as const;

/**
 * Spark's describe(): one row per statistic (count, mean, stddev, min, max),
 * a `summary` column, then one string column per numeric or string input
 * column. Mean and stddev are null for string columns.
 */
export function describeFrame(df: DataFrame, cols: readonly string[]): DataFrame {
  const fields = df.schema.fields;
  const chosen = cols.length === 0
    ? fields.filter((f) => isNumeric(f.dataType) || f.dataType.kind === 'string')
    : cols.map((c) => {
      const f = fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
      if (!f) throw new AnalysisException('COLUMN_NOT_FOUND', `describe(): column '${c}' not found. Available: ${fields.map((x) => x.name).join(', ')}.`);
      return f;
    });
  const asString = (e: Expr): Expr => ({ kind: 'cast', child: e, to: StringType });
  const rows = STATS.map((stat) => {
    const exprs: Expr[] = [{ kind: 'alias', child: literal(stat, StringType), names: ['summary'] }];
    for (const f of chosen) {
      const c = column(f.name);
      const numeric = isNumeric(f.dataType);
      let e: Expr;
      switch (stat) {
        case 'count': e = asString(call('count', [c])); break;
        case 'mean': e = numeric ? asString(call('avg', [c])) : asString(call('first', [literal(null, StringType)])); break;
        case 'stddev': e = numeric ? asString(call('stddev', [c])) : asString(call('first', [literal(null, StringType)])); break;
        case 'min': e = asString(call('min', [c])); break;
        case 'max': e = asString(call('max', [c])); break;
      }
      exprs.push({ kind: 'alias', child: e, names: [f.name] });
    }
    return node({ kind: 'aggregate', child: df.plan, groupBy: [], aggs: exprs });
  });
  const Ctor = df.constructor as new (s: DataFrame['sparkSession'], p: DataFrame['plan']) => DataFrame;
  const out = new Ctor(df.sparkSession, node({ kind: 'union', children: rows, byName: false, allowMissingColumns: false }));
  out.analyze();
  return out;
}
