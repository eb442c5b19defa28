/**
 * Spark's functions under Spark's names (`col`, `lit`, `when`, `explode`,
 * `split`, `sum`, `window`, ...). Import as a namespace
 * (`import { functions as F } from 'spate'`) or by name from 'spate/functions'.
 * Arguments that are columns accept a Column or a column name string, as in PySpark.
 */
import { parseExpression } from '../sql/index.js';
import { call, column as columnExpr } from '../plan/expr.js';
import { Column, fromExpr, litExpr, toColumnExpr } from './column.js';
import { markBroadcast, type DataFrame } from './dataframe.js';
import { expectInstance, expectString } from './args.js';

export * from './functions-scalar.js';
export * from './functions-aggregate.js';

/** A column by name ('x', 'struct.field', 'alias.x', or '*'). */
export function col(name: string): Column {
  return fromExpr(toColumnExpr(expectString('col(name)', 'name', name, "a column name (string), e.g. col('amount')")));
}
/** Same as col(). */
export function column(name: string): Column {
  expectString('column(name)', 'name', name, 'a column name (string)');
  return fromExpr(name === '*' ? { kind: 'star' } : columnExpr(name));
}
/** A literal: numbers (int when integral and 32-bit, else double), strings, booleans, null, Date (timestamp), arrays, Maps, objects (struct). */
export function lit(value: unknown): Column {
  return fromExpr(litExpr(value));
}
/** A SQL expression string: expr("amount * 2 AS doubled"). */
export function expr(sql: string): Column {
  return fromExpr(parseExpression(expectString('expr(sql)', 'sql', sql, "a SQL expression string such as 'amount * 2'")));
}
/** CASE WHEN: when(cond, value).when(cond2, value2).otherwise(other). */
export function when(condition: Column, value: unknown): Column {
  expectInstance('when(condition, value)', 'condition', condition, Column, "a Column such as F.col('x').gt(0)");
  return fromExpr({ kind: 'case', branches: [[condition.expr, litExpr(value)]] });
}

export function asc(name: string | Column): Column { return new Column(toColumnExpr(name)).asc(); }
export function asc_nulls_first(name: string | Column): Column { return new Column(toColumnExpr(name)).asc_nulls_first(); }
export function asc_nulls_last(name: string | Column): Column { return new Column(toColumnExpr(name)).asc_nulls_last(); }
export function desc(name: string | Column): Column { return new Column(toColumnExpr(name)).desc(); }
export function desc_nulls_first(name: string | Column): Column { return new Column(toColumnExpr(name)).desc_nulls_first(); }
export function desc_nulls_last(name: string | Column): Column { return new Column(toColumnExpr(name)).desc_nulls_last(); }

/** One output row per array element (or map entry, as key and value); rows with null or empty collections are dropped. */
export function explode(c: Column | string): Column { return fromExpr(call('explode', [toColumnExpr(c)])); }
/** explode() that keeps rows with a null or empty collection, with a null element. */
export function explode_outer(c: Column | string): Column { return fromExpr(call('explode_outer', [toColumnExpr(c)])); }
/** explode() with the element's position as a `pos` column. */
export function posexplode(c: Column | string): Column { return fromExpr(call('posexplode', [toColumnExpr(c)])); }
export function posexplode_outer(c: Column | string): Column { return fromExpr(call('posexplode_outer', [toColumnExpr(c)])); }

/** Marks a DataFrame small enough to build the join hash table on (Spark's broadcast hint). */
export function broadcast(df: DataFrame): DataFrame { return markBroadcast(df); }

/**
 * Time windows over a timestamp column, for groupBy: tumbling
 * (window(col, '10 minutes')) or sliding (window(col, '10 minutes',
 * '5 minutes')), optionally offset by startTime. The result is a struct
 * column `window` with `start` and `end`; a row falls in every window whose
 * [start, end) contains its time.
 */
export function window(timeColumn: Column | string, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  const args = [toColumnExpr(timeColumn), litExpr(windowDuration)];
  if (slideDuration !== undefined || startTime !== undefined) args.push(litExpr(slideDuration ?? windowDuration));
  if (startTime !== undefined) args.push(litExpr(startTime));
  return fromExpr(call('window', args));
}

/**
 * Session windows over a timestamp column, for groupBy: each row opens a
 * session [time, time + gap], and sessions of the same grouping keys merge
 * where they overlap, so a session ends after `gapDuration` without events.
 * The gap is a duration string ('5 minutes') or a Column giving one per row,
 * e.g. when(col('user').equalTo('bot'), '10 seconds').otherwise('5 minutes');
 * rows whose gap is null, unreadable or not positive are dropped, as in Spark.
 * The result is a struct column `session_window` with `start` and `end`.
 */
export function session_window(timeColumn: Column | string, gapDuration: string | Column): Column {
  const gap = gapDuration instanceof Column ? gapDuration.expr : litExpr(gapDuration);
  return fromExpr(call('session_window', [toColumnExpr(timeColumn), gap]));
}

/** The latest time inside a window (its end minus one microsecond), usable as event time of windowed results. */
export function window_time(windowColumn: Column | string): Column {
  return fromExpr(call('window_time', [toColumnExpr(windowColumn)]));
}
