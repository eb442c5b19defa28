/**
 * Spark's scalar functions as Column builders, under Spark's names and with
 * PySpark's parameters: a `Column | string` parameter takes a Column or a
 * column name (as PySpark's ColumnOrName), while parameters Spark takes as
 * plain values (patterns, formats, scales, positions) take JS values.
 * Each call builds an unresolved `call(name, args)` expression; the analyzer
 * resolves it against the function registry (exec/functions).
 */
import { toDDL, typeSql } from '../core/ddl.js';
import type { DataType } from '../core/types.js';
import { call, type Expr } from '../plan/expr.js';
import { Column, fromExpr, litExpr, toColumnExpr } from './column.js';

/** A Column or the name of one. */
export type ColumnOrName = Column | string;

const c = toColumnExpr;
const fn = (name: string, ...args: Expr[]): Column => fromExpr(call(name, args));
/** A parameter PySpark types as `Column | value`: Columns pass through, anything else is a literal. */
const v = (x: unknown): Expr => (x instanceof Column ? x.expr : litExpr(x));

// ---- strings ----------------------------------------------------------------
/** Upper-cases a string column. */
export function upper(col: ColumnOrName): Column { return fn('upper', c(col)); }
/** Lower-cases a string column. */
export function lower(col: ColumnOrName): Column { return fn('lower', c(col)); }
/** Removes leading and trailing spaces (ASCII 32 only, as Spark), or the characters of `trimStr`. */
export function trim(col: ColumnOrName, trimStr?: string): Column { return trimStr === undefined ? fn('trim', c(col)) : fn('trim', c(col), v(trimStr)); }
/** Removes leading spaces (or the characters of `trimStr`). */
export function ltrim(col: ColumnOrName, trimStr?: string): Column { return trimStr === undefined ? fn('ltrim', c(col)) : fn('ltrim', c(col), v(trimStr)); }
/** Removes trailing spaces (or the characters of `trimStr`). */
export function rtrim(col: ColumnOrName, trimStr?: string): Column { return trimStr === undefined ? fn('rtrim', c(col)) : fn('rtrim', c(col), v(trimStr)); }
/** Number of characters of a string (bytes of a binary). */
export function length(col: ColumnOrName): Column { return fn('length', c(col)); }
/** Same as length(). */
export function char_length(col: ColumnOrName): Column { return fn('char_length', c(col)); }
/** Number of UTF-8 bytes of a string. */
export function octet_length(col: ColumnOrName): Column { return fn('octet_length', c(col)); }
/** `len` characters from 1-based `pos`; a negative pos counts from the end. */
export function substring(str: ColumnOrName, pos: number | Column, len: number | Column): Column { return fn('substring', c(str), v(pos), v(len)); }
/** substring() with an optional length (to the end of the string). */
export function substr(str: ColumnOrName, pos: number | Column, len?: number | Column): Column {
  return len === undefined ? fn('substr', c(str), v(pos)) : fn('substr', c(str), v(pos), v(len));
}
/** Concatenates strings (null if any is null), binaries, or arrays. */
export function concat(...cols: ColumnOrName[]): Column { return fn('concat', ...cols.map(c)); }
/** Joins strings and string arrays with `sep`, skipping nulls. */
export function concat_ws(sep: string, ...cols: ColumnOrName[]): Column { return fn('concat_ws', v(sep), ...cols.map(c)); }
/** Splits around matches of a Java regex; `limit` > 0 caps the number of parts, <= 0 keeps all (with trailing empty strings). */
export function split(str: ColumnOrName, pattern: string, limit = -1): Column { return fn('split', c(str), v(pattern), v(limit)); }
/** Replaces every match of a Java regex; `$1` in the replacement refers to a group. */
export function regexp_replace(str: ColumnOrName, pattern: string | Column, replacement: string | Column): Column {
  return fn('regexp_replace', c(str), v(pattern), v(replacement));
}
/** Group `idx` of the first match of a Java regex, '' when nothing matches. */
export function regexp_extract(str: ColumnOrName, pattern: string, idx: number): Column { return fn('regexp_extract', c(str), v(pattern), v(idx)); }
/** Group `idx` of every match of a Java regex. */
export function regexp_extract_all(str: ColumnOrName, regexp: string | Column, idx: number | Column = 1): Column {
  return fn('regexp_extract_all', c(str), v(regexp), v(idx));
}
/** Number of matches of a Java regex. */
export function regexp_count(str: ColumnOrName, regexp: string | Column): Column { return fn('regexp_count', c(str), v(regexp)); }
/** The first match of a Java regex, null when there is none. */
export function regexp_substr(str: ColumnOrName, regexp: string | Column): Column { return fn('regexp_substr', c(str), v(regexp)); }
/** 1-based position of the first match of a Java regex, 0 when there is none. */
export function regexp_instr(str: ColumnOrName, regexp: string | Column): Column { return fn('regexp_instr', c(str), v(regexp)); }
/** 1-based position of the first `substr` in `str`, 0 when absent. */
export function instr(str: ColumnOrName, substr: string): Column { return fn('instr', c(str), v(substr)); }
/** 1-based position of `substr` in `str` at or after `pos`, 0 when absent. */
export function locate(substr: string, str: ColumnOrName, pos = 1): Column { return fn('locate', v(substr), c(str), v(pos)); }
/** Left-pads to `len` characters with `pad` (truncates longer strings). */
export function lpad(col: ColumnOrName, len: number, pad: string): Column { return fn('lpad', c(col), v(len), v(pad)); }
/** Right-pads to `len` characters with `pad` (truncates longer strings). */
export function rpad(col: ColumnOrName, len: number, pad: string): Column { return fn('rpad', c(col), v(len), v(pad)); }
/** Java String.format: %s %d %f %.2f %5s %-5s %x %%. */
export function format_string(format: string, ...cols: ColumnOrName[]): Column { return fn('format_string', v(format), ...cols.map(c)); }
/** Same as format_string(), with the format as a Column or name. */
export function printf(format: ColumnOrName, ...cols: ColumnOrName[]): Column { return fn('printf', c(format), ...cols.map(c)); }
/** Capitalizes the first letter of each space-separated word, lower-casing the rest. */
export function initcap(col: ColumnOrName): Column { return fn('initcap', c(col)); }
/** Reverses a string (by characters) or an array. */
export function reverse(col: ColumnOrName): Column { return fn('reverse', c(col)); }
/** The string repeated `n` times ('' for n <= 0). */
export function repeat(col: ColumnOrName, n: number | Column): Column { return fn('repeat', c(col), v(n)); }
/** Code point of the first character (0 for ''). */
export function ascii(col: ColumnOrName): Column { return fn('ascii', c(col)); }
/** True when `str` has a match of the Java regex anywhere. */
export function rlike(str: ColumnOrName, regexp: ColumnOrName): Column { return fn('rlike', c(str), c(regexp)); }
/** SQL LIKE (`%` any run, `_` one character, `\` escape). */
export function like(str: ColumnOrName, pattern: ColumnOrName, escapeChar?: string): Column {
  return escapeChar === undefined ? fn('like', c(str), c(pattern)) : fn('like', c(str), c(pattern), v(escapeChar));
}
/** Case-insensitive LIKE. */
export function ilike(str: ColumnOrName, pattern: ColumnOrName, escapeChar?: string): Column {
  return escapeChar === undefined ? fn('ilike', c(str), c(pattern)) : fn('ilike', c(str), c(pattern), v(escapeChar));
}
/** True when `str` starts with `prefix` (both columns, as in PySpark). */
export function startswith(str: ColumnOrName, prefix: ColumnOrName): Column { return fn('startswith', c(str), c(prefix)); }
/** True when `str` ends with `suffix`. */
export function endswith(str: ColumnOrName, suffix: ColumnOrName): Column { return fn('endswith', c(str), c(suffix)); }
/** True when `right` occurs in `left`. */
export function contains(left: ColumnOrName, right: ColumnOrName): Column { return fn('contains', c(left), c(right)); }
/** Replaces every occurrence of `search` (plain text) with `replace` ('' when omitted). */
export function replace(src: ColumnOrName, search: ColumnOrName, replace?: ColumnOrName): Column {
  return replace === undefined ? fn('replace', c(src), c(search)) : fn('replace', c(src), c(search), c(replace));
}
/** Maps each character of `matching` to the one at the same index of `replace` (deleting extras). */
export function translate(srcCol: ColumnOrName, matching: string, replace: string): Column { return fn('translate', c(srcCol), v(matching), v(replace)); }
/** The leftmost `len` characters. */
export function left(str: ColumnOrName, len: ColumnOrName | number): Column { return fn('left', c(str), typeof len === 'number' ? v(len) : c(len)); }
/** The rightmost `len` characters. */
export function right(str: ColumnOrName, len: ColumnOrName | number): Column { return fn('right', c(str), typeof len === 'number' ? v(len) : c(len)); }

// ---- math -------------------------------------------------------------------
/** Absolute value, in the input's type. */
export function abs(col: ColumnOrName): Column { return fn('abs', c(col)); }
/** Rounds HALF_UP to `scale` decimal places (negative scale: tens, hundreds...). */
export function round(col: ColumnOrName, scale = 0): Column { return fn('round', c(col), v(scale)); }
/** Rounds HALF_EVEN (banker's rounding) to `scale` decimal places. */
export function bround(col: ColumnOrName, scale = 0): Column { return fn('bround', c(col), v(scale)); }
/** Largest integer <= x, as bigint (or decimal for decimals). */
export function floor(col: ColumnOrName, scale?: number): Column { return scale === undefined ? fn('floor', c(col)) : fn('floor', c(col), v(scale)); }
/** Smallest integer >= x, as bigint (or decimal for decimals). */
export function ceil(col: ColumnOrName, scale?: number): Column { return scale === undefined ? fn('ceil', c(col)) : fn('ceil', c(col), v(scale)); }
/** Same as ceil(). */
export function ceiling(col: ColumnOrName, scale?: number): Column { return ceil(col, scale); }
/** Square root (NaN for negatives). */
export function sqrt(col: ColumnOrName): Column { return fn('sqrt', c(col)); }
/** Cube root. */
export function cbrt(col: ColumnOrName): Column { return fn('cbrt', c(col)); }
/** col1 raised to col2; numbers are literals, strings column names. */
export function pow(col1: ColumnOrName | number, col2: ColumnOrName | number): Column { return fn('pow', numOrCol(col1), numOrCol(col2)); }
/** Same as pow(). */
export function power(col1: ColumnOrName | number, col2: ColumnOrName | number): Column { return pow(col1, col2); }
/** e^x. */
export function exp(col: ColumnOrName): Column { return fn('exp', c(col)); }
/** e^x - 1. */
export function expm1(col: ColumnOrName): Column { return fn('expm1', c(col)); }
/** log(col) is the natural log; log(base, col) the log in `base`; null for non-positive input. */
export function log(arg1: ColumnOrName | number, arg2?: ColumnOrName): Column {
  return arg2 === undefined ? fn('log', numOrCol(arg1)) : fn('log', numOrCol(arg1), c(arg2));
}
/** Natural logarithm (null for x <= 0). */
export function ln(col: ColumnOrName): Column { return fn('ln', c(col)); }
/** Base-10 logarithm (null for x <= 0). */
export function log10(col: ColumnOrName): Column { return fn('log10', c(col)); }
/** Base-2 logarithm (null for x <= 0). */
export function log2(col: ColumnOrName): Column { return fn('log2', c(col)); }
/** ln(1 + x) (null for x <= -1). */
export function log1p(col: ColumnOrName): Column { return fn('log1p', c(col)); }
/** -1.0, 0.0 or 1.0 by sign. */
export function signum(col: ColumnOrName): Column { return fn('signum', c(col)); }
/** Sine (radians). */
export function sin(col: ColumnOrName): Column { return fn('sin', c(col)); }
/** Cosine (radians). */
export function cos(col: ColumnOrName): Column { return fn('cos', c(col)); }
/** Tangent (radians). */
export function tan(col: ColumnOrName): Column { return fn('tan', c(col)); }
/** Arc sine. */
export function asin(col: ColumnOrName): Column { return fn('asin', c(col)); }
/** Arc cosine. */
export function acos(col: ColumnOrName): Column { return fn('acos', c(col)); }
/** Arc tangent. */
export function atan(col: ColumnOrName): Column { return fn('atan', c(col)); }
/** Angle of the point (x, y). */
export function atan2(col1: ColumnOrName | number, col2: ColumnOrName | number): Column { return fn('atan2', numOrCol(col1), numOrCol(col2)); }
/** Radians to degrees. */
export function degrees(col: ColumnOrName): Column { return fn('degrees', c(col)); }
/** Degrees to radians. */
export function radians(col: ColumnOrName): Column { return fn('radians', c(col)); }
/** Largest non-null argument. */
export function greatest(...cols: ColumnOrName[]): Column { return fn('greatest', ...cols.map(c)); }
/** Smallest non-null argument. */
export function least(...cols: ColumnOrName[]): Column { return fn('least', ...cols.map(c)); }
/** True when the value is NaN (false for null). */
export function isnan(col: ColumnOrName): Column { return fn('isnan', c(col)); }
/** col2 when col1 is NaN, else col1. */
export function nanvl(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('nanvl', c(col1), c(col2)); }

function numOrCol(x: ColumnOrName | number): Expr { return typeof x === 'number' ? litExpr(x) : c(x); }

// ---- null handling ----------------------------------------------------------
/** First non-null argument. */
export function coalesce(...cols: ColumnOrName[]): Column { return fn('coalesce', ...cols.map(c)); }
/** col2 when col1 is null, else col1. */
export function nvl(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('nvl', c(col1), c(col2)); }
/** Same as nvl(). */
export function ifnull(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('ifnull', c(col1), c(col2)); }
/** col2 when col1 is not null, else col3. */
export function nvl2(col1: ColumnOrName, col2: ColumnOrName, col3: ColumnOrName): Column { return fn('nvl2', c(col1), c(col2), c(col3)); }
/** Null when col1 = col2, else col1. */
export function nullif(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('nullif', c(col1), c(col2)); }
/** True when the value is null. */
export function isnull(col: ColumnOrName): Column { return fn('isnull', c(col)); }
/** True when the value is not null. */
export function isnotnull(col: ColumnOrName): Column { return fn('isnotnull', c(col)); }

// ---- dates and times ----------------------------------------------------------
/** The query's start time (one value for the whole query). */
export function current_timestamp(): Column { return fn('current_timestamp'); }
/** Same as current_timestamp(). */
export function now(): Column { return fn('now'); }
/** The query's start date in the session time zone. */
export function current_date(): Column { return fn('current_date'); }
/** Parses to a timestamp with a Spark datetime pattern ('yyyy-MM-dd HH:mm:ss'), or as a cast without one. */
export function to_timestamp(col: ColumnOrName, format?: string): Column { return format === undefined ? fn('to_timestamp', c(col)) : fn('to_timestamp', c(col), v(format)); }
/** Parses to a date with a Spark datetime pattern, or as a cast without one. */
export function to_date(col: ColumnOrName, format?: string): Column { return format === undefined ? fn('to_date', c(col)) : fn('to_date', c(col), v(format)); }
/** Formats a date/timestamp with a Spark datetime pattern in the session time zone. */
export function date_format(date: ColumnOrName, format: string): Column { return fn('date_format', c(date), v(format)); }
/** Seconds since the epoch: now (no arguments), of a timestamp, or of a string parsed with `format`. */
export function unix_timestamp(timestamp?: ColumnOrName, format = 'yyyy-MM-dd HH:mm:ss'): Column {
  return timestamp === undefined ? fn('unix_timestamp') : fn('unix_timestamp', c(timestamp), v(format));
}
/** Seconds since the epoch formatted as a string in the session time zone. */
export function from_unixtime(timestamp: ColumnOrName, format = 'yyyy-MM-dd HH:mm:ss'): Column { return fn('from_unixtime', c(timestamp), v(format)); }
/** Year of a date/timestamp. */
export function year(col: ColumnOrName): Column { return fn('year', c(col)); }
/** Month (1-12). */
export function month(col: ColumnOrName): Column { return fn('month', c(col)); }
/** Day of month (1-31). */
export function dayofmonth(col: ColumnOrName): Column { return fn('dayofmonth', c(col)); }
/** Same as dayofmonth(). */
export function day(col: ColumnOrName): Column { return fn('day', c(col)); }
/** Day of week, 1 = Sunday ... 7 = Saturday. */
export function dayofweek(col: ColumnOrName): Column { return fn('dayofweek', c(col)); }
/** Day of week, 0 = Monday ... 6 = Sunday. */
export function weekday(col: ColumnOrName): Column { return fn('weekday', c(col)); }
/** Day of year (1-366). */
export function dayofyear(col: ColumnOrName): Column { return fn('dayofyear', c(col)); }
/** Hour (0-23) in the session time zone. */
export function hour(col: ColumnOrName): Column { return fn('hour', c(col)); }
/** Minute (0-59). */
export function minute(col: ColumnOrName): Column { return fn('minute', c(col)); }
/** Second (0-59). */
export function second(col: ColumnOrName): Column { return fn('second', c(col)); }
/** ISO-8601 week of year (weeks start Monday; week 1 has the first Thursday). */
export function weekofyear(col: ColumnOrName): Column { return fn('weekofyear', c(col)); }
/** Quarter (1-4). */
export function quarter(col: ColumnOrName): Column { return fn('quarter', c(col)); }
/** The date `days` days after `start`. */
export function date_add(start: ColumnOrName, days: Column | number): Column { return fn('date_add', c(start), v(days)); }
/** The date `days` days before `start`. */
export function date_sub(start: ColumnOrName, days: Column | number): Column { return fn('date_sub', c(start), v(days)); }
/** Days from `start` to `end`. */
export function datediff(end: ColumnOrName, start: ColumnOrName): Column { return fn('datediff', c(end), c(start)); }
/** The date `months` months after `start` (day clamped to the month's length). */
export function add_months(start: ColumnOrName, months: Column | number): Column { return fn('add_months', c(start), v(months)); }
/** Months between two timestamps (fractional, rounded to 8 digits unless roundOff is false). */
export function months_between(date1: ColumnOrName, date2: ColumnOrName, roundOff = true): Column {
  return fn('months_between', c(date1), c(date2), v(roundOff));
}
/** Last day of the date's month. */
export function last_day(date: ColumnOrName): Column { return fn('last_day', c(date)); }
/** First date after `date` that falls on `dayOfWeek` ('Mon', 'Tuesday', ...). */
export function next_day(date: ColumnOrName, dayOfWeek: string): Column { return fn('next_day', c(date), v(dayOfWeek)); }
/** Timestamp truncated to a unit: 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', ... */
export function date_trunc(format: string, timestamp: ColumnOrName): Column { return fn('date_trunc', v(format), c(timestamp)); }
/** Date truncated to 'year', 'quarter', 'month' or 'week' (null for other units). */
export function trunc(date: ColumnOrName, format: string): Column { return fn('trunc', c(date), v(format)); }
/** Seconds since the epoch (fractions allowed) to a timestamp. */
export function timestamp_seconds(col: ColumnOrName): Column { return fn('timestamp_seconds', c(col)); }
/** Milliseconds since the epoch to a timestamp. */
export function timestamp_millis(col: ColumnOrName): Column { return fn('timestamp_millis', c(col)); }
/** Microseconds since the epoch to a timestamp. */
export function timestamp_micros(col: ColumnOrName): Column { return fn('timestamp_micros', c(col)); }
/** Whole seconds since the epoch of a timestamp. */
export function unix_seconds(col: ColumnOrName): Column { return fn('unix_seconds', c(col)); }
/** Milliseconds since the epoch of a timestamp. */
export function unix_millis(col: ColumnOrName): Column { return fn('unix_millis', c(col)); }
/** Microseconds since the epoch of a timestamp. */
export function unix_micros(col: ColumnOrName): Column { return fn('unix_micros', c(col)); }
/** Days since the epoch of a date. */
export function unix_date(col: ColumnOrName): Column { return fn('unix_date', c(col)); }
/** The wall-clock time in zone `tz` of a UTC timestamp. */
export function from_utc_timestamp(timestamp: ColumnOrName, tz: string | Column): Column { return fn('from_utc_timestamp', c(timestamp), v(tz)); }
/** The UTC instant of a wall-clock time in zone `tz`. */
export function to_utc_timestamp(timestamp: ColumnOrName, tz: string | Column): Column { return fn('to_utc_timestamp', c(timestamp), v(tz)); }
/** A date from year, month and day columns (null when impossible). */
export function make_date(year: ColumnOrName, month: ColumnOrName, day: ColumnOrName): Column { return fn('make_date', c(year), c(month), c(day)); }

// ---- collections --------------------------------------------------------------
/** An array of the arguments. */
export function array(...cols: ColumnOrName[]): Column { return fn('array', ...cols.map(c)); }
/** Elements of an array or entries of a map; -1 for null. */
export function size(col: ColumnOrName): Column { return fn('size', c(col)); }
/** Same as size(). */
export function cardinality(col: ColumnOrName): Column { return fn('cardinality', c(col)); }
/** True when the array holds `value` (null when not found and the array has nulls). */
export function array_contains(col: ColumnOrName, value: unknown): Column { return fn('array_contains', c(col), v(value)); }
/** Array element at 1-based `extraction` (negative from the end), or map value for a key. */
export function element_at(col: ColumnOrName, extraction: unknown): Column { return fn('element_at', c(col), v(extraction)); }
/** A struct of the columns, fields named after them. */
export function struct(...cols: ColumnOrName[]): Column { return fn('struct', ...cols.map(c)); }
/** A struct from name/value pairs: named_struct(lit('a'), col('x'), ...). */
export function named_struct(...cols: (Column | string)[]): Column { return fn('named_struct', ...cols.map((x, i) => (i % 2 === 0 && typeof x === 'string' ? litExpr(x) : c(x)))); }
/** A map from key/value column pairs. */
export function create_map(...cols: ColumnOrName[]): Column { return fn('map', ...cols.map(c)); }
/** The keys of a map as an array. */
export function map_keys(col: ColumnOrName): Column { return fn('map_keys', c(col)); }
/** The values of a map as an array. */
export function map_values(col: ColumnOrName): Column { return fn('map_values', c(col)); }
/** The entries of a map as an array of (key, value) structs. */
export function map_entries(col: ColumnOrName): Column { return fn('map_entries', c(col)); }
/** A map from an array of keys and an array of values. */
export function map_from_arrays(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('map_from_arrays', c(col1), c(col2)); }
/** The array without duplicates, first occurrences kept. */
export function array_distinct(col: ColumnOrName): Column { return fn('array_distinct', c(col)); }
/** Joins array elements with `delimiter`; nulls skipped unless `null_replacement` is given. */
export function array_join(col: ColumnOrName, delimiter: string, null_replacement?: string): Column {
  return null_replacement === undefined ? fn('array_join', c(col), v(delimiter)) : fn('array_join', c(col), v(delimiter), v(null_replacement));
}
/** Largest non-null element. */
export function array_max(col: ColumnOrName): Column { return fn('array_max', c(col)); }
/** Smallest non-null element. */
export function array_min(col: ColumnOrName): Column { return fn('array_min', c(col)); }
/** Sorted array; nulls first when ascending, last when descending. */
export function sort_array(col: ColumnOrName, asc = true): Column { return fn('sort_array', c(col), v(asc)); }
/** 1-based position of the first `value`, 0 when absent. */
export function array_position(col: ColumnOrName, value: unknown): Column { return fn('array_position', c(col), v(value)); }
/** `length` elements from 1-based `start` (negative from the end). */
export function slice(x: ColumnOrName, start: Column | number, length: Column | number): Column { return fn('slice', c(x), v(start), v(length)); }
/** Concatenates an array of arrays. */
export function flatten(col: ColumnOrName): Column { return fn('flatten', c(col)); }
/** Distinct elements of either array. */
export function array_union(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('array_union', c(col1), c(col2)); }
/** Distinct elements in both arrays. */
export function array_intersect(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('array_intersect', c(col1), c(col2)); }
/** Distinct elements of col1 not in col2. */
export function array_except(col1: ColumnOrName, col2: ColumnOrName): Column { return fn('array_except', c(col1), c(col2)); }
/** True when the arrays share a non-null element. */
export function arrays_overlap(a1: ColumnOrName, a2: ColumnOrName): Column { return fn('arrays_overlap', c(a1), c(a2)); }
/** The array without elements equal to `element`. */
export function array_remove(col: ColumnOrName, element: unknown): Column { return fn('array_remove', c(col), v(element)); }
/** An array of `count` copies of the value. */
export function array_repeat(col: ColumnOrName, count: Column | number): Column { return fn('array_repeat', c(col), v(count)); }
/** Integers from start to stop (inclusive) by step. */
export function sequence(start: ColumnOrName, stop: ColumnOrName, step?: ColumnOrName): Column {
  return step === undefined ? fn('sequence', c(start), c(stop)) : fn('sequence', c(start), c(stop), c(step));
}
/** Array of structs pairing the i-th elements of each array. */
export function arrays_zip(...cols: ColumnOrName[]): Column { return fn('arrays_zip', ...cols.map(c)); }

// ---- JSON -------------------------------------------------------------------
/** Parses a JSON string column with a schema: a DDL string ('a INT, b STRING', 'array<int>') or a DataType. */
export function from_json(col: ColumnOrName, schema: string | DataType): Column {
  const text = typeof schema === 'string' ? schema : schema.kind === 'struct' ? toDDL(schema) : typeSql(schema);
  return fn('from_json', c(col), litExpr(text));
}
/** A struct, map or array as a JSON string. */
export function to_json(col: ColumnOrName): Column { return fn('to_json', c(col)); }
/** The value at a JSON path ('$.a.b[0]') as a string. */
export function get_json_object(col: ColumnOrName, path: string): Column { return fn('get_json_object', c(col), v(path)); }

// ---- hashing and encoding ---------------------------------------------------
/** Spark's Murmur3 hash (seed 42) of the columns, as an int. */
export function hash(...cols: ColumnOrName[]): Column { return fn('hash', ...cols.map(c)); }
/** MD5 digest as 32 hex characters. */
export function md5(col: ColumnOrName): Column { return fn('md5', c(col)); }
/** SHA-1 digest as hex. */
export function sha1(col: ColumnOrName): Column { return fn('sha1', c(col)); }
/** SHA-2 digest (224, 256, 384 or 512 bits; 0 means 256) as hex. */
export function sha2(col: ColumnOrName, numBits: number): Column { return fn('sha2', c(col), v(numBits)); }
/** CRC-32 checksum as a bigint. */
export function crc32(col: ColumnOrName): Column { return fn('crc32', c(col)); }
/** Base64 text of a binary (or a string's UTF-8 bytes). */
export function base64(col: ColumnOrName): Column { return fn('base64', c(col)); }
/** Binary decoded from base64 text. */
export function unbase64(col: ColumnOrName): Column { return fn('unbase64', c(col)); }
/** Upper-case hex of a number, string or binary. */
export function hex(col: ColumnOrName): Column { return fn('hex', c(col)); }
/** Binary decoded from hex text (null when not hex). */
export function unhex(col: ColumnOrName): Column { return fn('unhex', c(col)); }
