import { IntegerType } from '../core/types.js';
import { call, literal, type Expr } from '../plan/expr.js';
import { fromExpr, litExpr, toColumnExpr, type Column } from './column.js';

/**
 * Aggregate functions under Spark's names (pyspark.sql.functions /
 * org.apache.spark.sql.functions). Each takes a Column or a column name and
 * returns a Column for `groupBy(...).agg(...)` or a global `select(...)`.
 */

type ColumnLike = Column | string;

function agg(name: string, cols: readonly ColumnLike[], opts?: { distinct?: boolean; ignoreNulls?: boolean }): Column {
  return fromExpr(call(name, cols.map(toColumnExpr), opts));
}

/** count(col): non-null values; count('*') counts rows (Spark rewrites it to count(1)). */
export function count(col: ColumnLike): Column {
  if (col === '*') return fromExpr(call('count', [literal(1, IntegerType)]));
  return agg('count', [col]);
}

/** Number of distinct non-null tuples (rows where any column is null are skipped). */
export function countDistinct(col: ColumnLike, ...cols: ColumnLike[]): Column {
  return agg('count', [col, ...cols], { distinct: true });
}

/** Alias of countDistinct, under Spark 3.2+'s snake_case name. */
export const count_distinct = countDistinct;

/** Sum of the values: bigint for integers, double for floating point, decimal(p+10, s) for decimals; null without input. */
export function sum(col: ColumnLike): Column { return agg('sum', [col]); }

/** Sum of the distinct values. */
export function sumDistinct(col: ColumnLike): Column { return agg('sum', [col], { distinct: true }); }

/** Alias of sumDistinct, under Spark 3.2+'s name. */
export const sum_distinct = sumDistinct;

/** Mean of the values (double, or decimal(p+4, s+4) for decimals); null without input. */
export function avg(col: ColumnLike): Column { return agg('avg', [col]); }

/** Alias of avg (the result column is named avg(...), as in Spark's DataFrame API). */
export function mean(col: ColumnLike): Column { return agg('avg', [col]); }

/** Smallest value (any orderable type; NaN is larger than every number). */
export function min(col: ColumnLike): Column { return agg('min', [col]); }

/** Largest value (any orderable type; NaN is larger than every number). */
export function max(col: ColumnLike): Column { return agg('max', [col]); }

/** The first value in input order; with ignoreNulls, the first non-null one. */
export function first(col: ColumnLike, ignoreNulls = false): Column {
  return agg('first', [col], ignoreNulls ? { ignoreNulls: true } : undefined);
}

/** The last value in input order; with ignoreNulls, the last non-null one. */
export function last(col: ColumnLike, ignoreNulls = false): Column {
  return agg('last', [col], ignoreNulls ? { ignoreNulls: true } : undefined);
}

/** The non-null values as an array, in input order. */
export function collect_list(col: ColumnLike): Column { return agg('collect_list', [col]); }

/** The distinct non-null values as an array. */
export function collect_set(col: ColumnLike): Column { return agg('collect_set', [col]); }

/** Sample standard deviation (alias of stddev_samp); null for fewer than two values. */
export function stddev(col: ColumnLike): Column { return agg('stddev', [col]); }

/** Sample standard deviation; null for fewer than two values. */
export function stddev_samp(col: ColumnLike): Column { return agg('stddev_samp', [col]); }

/** Population standard deviation; null without input. */
export function stddev_pop(col: ColumnLike): Column { return agg('stddev_pop', [col]); }

/** Sample variance (alias of var_samp); null for fewer than two values. */
export function variance(col: ColumnLike): Column { return agg('variance', [col]); }

/** Sample variance; null for fewer than two values. */
export function var_samp(col: ColumnLike): Column { return agg('var_samp', [col]); }

/** Population variance; null without input. */
export function var_pop(col: ColumnLike): Column { return agg('var_pop', [col]); }

/** Approximate number of distinct values (HyperLogLog++, Spark's hashes); `rsd` is the maximum relative standard deviation (default 0.05). */
export function approx_count_distinct(col: ColumnLike, rsd?: number): Column {
  const args: Expr[] = [toColumnExpr(col)];
  if (rsd !== undefined) args.push(litExpr(rsd));
  return fromExpr(call('approx_count_distinct', args));
}

/** Deprecated Spark name of approx_count_distinct. */
export const approxCountDistinct = approx_count_distinct;

/** Number of rows where the condition is true. */
export function count_if(col: ColumnLike): Column { return agg('count_if', [col]); }

/** True when every non-null value is true; null without input. */
export function bool_and(col: ColumnLike): Column { return agg('bool_and', [col]); }

/** True when any non-null value is true; null without input. */
export function bool_or(col: ColumnLike): Column { return agg('bool_or', [col]); }

/** Alias of bool_and. */
export function every(col: ColumnLike): Column { return agg('every', [col]); }

/** Alias of bool_or. */
export function some(col: ColumnLike): Column { return agg('some', [col]); }

/** Alias of bool_or. */
export function any(col: ColumnLike): Column { return agg('any', [col]); }
