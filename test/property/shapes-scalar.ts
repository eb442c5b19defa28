/**
 * Query shapes without aggregation or joins (filters, projections), each
 * written once against spate's DataFrame API and once in DuckDB SQL over the
 * same tables t1(i, l, d, s, b, dt) and t2(i, s, x, z).
 */
import { functions as F, type DataFrame } from '../../src/index.js';

/** One query in both engines; `ordered` compares rows in order instead of as multisets. */
export interface Shape {
  readonly name: string;
  readonly spate: (t1: DataFrame, t2: DataFrame) => DataFrame;
  readonly sql: string;
  readonly ordered?: boolean;
}

const { col } = F;

/** Filters: comparisons, three-valued and/or/not, null tests, between, isin. */
export const FILTER_SHAPES: readonly Shape[] = [
  {
    name: 'filter: comparisons with and/or/not',
    spate: (t1) => t1.filter(col('i').gt(2).and(col('s').eq('a')).or(col('d').lt(0).not())),
    sql: "SELECT * FROM t1 WHERE (i > 2 AND s = 'a') OR NOT (d < 0)",
  },
  {
    name: 'filter: isNull / isNotNull / boolean column',
    spate: (t1) => t1.filter(col('i').isNull().or(col('b')).and(col('dt').isNotNull())),
    sql: 'SELECT * FROM t1 WHERE (i IS NULL OR b) AND dt IS NOT NULL',
  },
  {
    name: 'filter: between and isin with a null in the list',
    spate: (t1) => t1.filter(col('i').between(-3, 4).or(col('s').isin('a', 'c', null))),
    sql: "SELECT * FROM t1 WHERE (i BETWEEN -3 AND 4) OR s IN ('a', 'c', NULL)",
  },
  {
    name: 'filter: long, date and string comparisons',
    spate: (t1) => t1.filter(col('l').ge(0).and(col('dt').lt(F.to_date(F.lit('2019-04-01')))).or(col('s').lt('C'))),
    sql: "SELECT * FROM t1 WHERE (l >= 0 AND dt < DATE '2019-04-01') OR s < 'C'",
  },
  {
    name: 'filter: arithmetic over int, long and double',
    spate: (t1) => t1.filter(col('i').plus(col('l')).gt(col('d').multiply(2))),
    sql: 'SELECT * FROM t1 WHERE i + l > d * 2',
  },
  {
    name: 'filter: SQL expression string',
    spate: (t1) => t1.filter("i % 2 = 0 AND NOT b OR s IS NULL"),
    sql: 'SELECT * FROM t1 WHERE (i % 2 = 0 AND NOT b) OR s IS NULL',
  },
];

/** Projections: arithmetic (int / int is double, x / 0 and x % 0 are null), casts, strings, conditionals. */
export const PROJECT_SHAPES: readonly Shape[] = [
  {
    name: 'project: arithmetic incl. division and modulo by zero',
    spate: (t1) => t1.select(
      col('i').plus(1), col('i').multiply(col('l')), col('i').divide(2), col('i').mod(3), col('l').minus(col('i')),
      col('d').multiply(2.5), col('i').negate(), col('i').divide(col('i').minus(col('i'))), col('i').mod(0), col('l').divide(col('i')),
    ),
    // Spark's x / 0 is null; DuckDB's is null too except 0 / 0, which is NaN: nullif() states Spark's rule.
    sql: 'SELECT i + 1, i * l, i / 2, i % 3, l - i, d * 2.5, -i, i / nullif(i - i, 0), i % 0, l / nullif(i, 0) FROM t1',
  },
  {
    name: 'project: casts',
    spate: (t1) => t1.select(
      col('i').cast('string'), col('s').cast('int'), col('d').cast('int'), col('b').cast('int'), col('dt').cast('string'),
      col('i').cast('double'), col('l').cast('int'), col('d').cast('bigint'), col('i').cast('boolean'), col('s').cast('double'),
    ),
    // Spark truncates double → int; DuckDB rounds, hence trunc(). Spark's failed string casts are null: TRY_CAST.
    sql: `SELECT CAST(i AS VARCHAR), TRY_CAST(s AS INTEGER), CAST(trunc(d) AS INTEGER), CAST(b AS INTEGER), CAST(dt AS VARCHAR),
      CAST(i AS DOUBLE), CAST(l AS INTEGER), CAST(trunc(d) AS BIGINT), CAST(i AS BOOLEAN), TRY_CAST(s AS DOUBLE) FROM t1`,
  },
  {
    name: 'project: string functions',
    spate: (t1) => t1.select(
      F.upper('s'), F.lower('s'), F.length('s'), F.substring('s', 2, 2), F.substring('s', -2, 2),
      F.concat(col('s'), F.lit('-'), col('i').cast('string')), F.concat_ws('/', col('s'), col('i').cast('string'), F.upper('s')),
      F.trim('s'), F.ltrim('s'), F.rtrim('s'), F.lpad('s', 4, 'xy'),
    ),
    // Spark's concat is null if any input is; DuckDB's concat skips nulls but `||` does not.
    sql: `SELECT upper(s), lower(s), length(s), substring(s, 2, 2), substring(s, -2, 2),
      s || '-' || CAST(i AS VARCHAR), concat_ws('/', s, CAST(i AS VARCHAR), upper(s)),
      trim(s), ltrim(s), rtrim(s), lpad(s, 4, 'xy') FROM t1`,
  },
  {
    name: 'project: coalesce and when/otherwise',
    spate: (t1) => t1.select(
      F.coalesce('i', 'l'), F.coalesce(col('s'), F.lit('none')),
      F.when(col('i').gt(0), 'pos').when(col('i').lt(0), 'neg').otherwise('zero'),
      F.when(col('b'), col('d')), F.coalesce(col('d'), col('i'), F.lit(0)),
    ),
    sql: `SELECT coalesce(i, l), coalesce(s, 'none'), CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END,
      CASE WHEN b THEN d END, coalesce(d, i, 0) FROM t1`,
  },
  {
    name: 'project: withColumn then filter on the new column',
    spate: (t1) => t1.withColumn('k', col('i').multiply(2).plus(col('l'))).filter(col('k').gt(0)).select('k', 's'),
    sql: 'SELECT k, s FROM (SELECT *, i * 2 + l AS k FROM t1) WHERE k > 0',
  },
  {
    name: 'project (dropping and reordering columns) then filter',
    spate: (t1) => t1.select(col('s'), col('i').plus(col('l')).alias('v'), col('b')).filter(col('v').gt(0).or(col('b'))),
    sql: 'SELECT s, i + l AS v, b FROM t1 WHERE i + l > 0 OR b',
  },
  {
    name: 'project: selectExpr with SQL functions',
    spate: (t1) => t1.selectExpr('i * 2 + 1 AS a', "upper(s) || '!' AS u", 'abs(d) AS ad', 'year(dt) AS y'),
    sql: "SELECT i * 2 + 1, upper(s) || '!', abs(d), year(dt) FROM t1",
  },
];
