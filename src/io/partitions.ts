import { DateType, DoubleType, IntegerType, LongType, StringType, TimestampType, type DataType } from '../core/types.js';
import { formatTimestamp, parseDate } from '../core/datetime.js';
import { getZone } from '../core/time-zone.js';
import { BAD, lenientTimestampParser, textFormatter } from './text-values.js';

/** Spark's directory value for a null or empty partition value. */
export const DEFAULT_PARTITION_NAME = '__HIVE_DEFAULT_PARTITION__';

/** Characters Spark percent-encodes in partition directory names (ExternalCatalogUtils.escapePathName). */
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\x7f', '{', '[', ']', '^']);

export function escapePartitionValue(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += ESCAPED.has(c) || (code >= 1 && code < 32) ? '%' + code.toString(16).toUpperCase().padStart(2, '0') : c;
  }
  return out;
}

export function unescapePartitionValue(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** `k=v` directory segments of `relDir` (a path relative to the base, `/`-separated), unescaped. */
export function parsePartitionPath(relDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const seg of relDir.split('/')) {
    const eq = seg.indexOf('=');
    if (eq <= 0) continue;
    out[unescapePartitionValue(seg.slice(0, eq))] = unescapePartitionValue(seg.slice(eq + 1));
  }
  return out;
}

type Kind = 'int' | 'long' | 'double' | 'date' | 'timestamp' | 'string';
const RANK: Record<Kind, number> = { int: 1, long: 2, double: 3, date: 10, timestamp: 11, string: 20 };

/**
 * Spark's partition column type inference (spark.sql.sources.partitionColumnTypeInference.enabled):
 * int, then long, double, timestamp, date, else string; numbers widen to the
 * wider numeric type, other mixes become string. Null values do not vote.
 */
export function inferPartitionType(values: readonly (string | null)[], timeZone: string): DataType {
  const ts = lenientTimestampParser(timeZone);
  let acc: Kind | null = null;
  for (const v of values) {
    if (v === null || v === DEFAULT_PARTITION_NAME) continue;
    let k: Kind;
    if (/^[+-]?\d+$/.test(v)) {
      const n = Number(v);
      k = n <= 2147483647 && n >= -2147483648 ? 'int' : Number.isSafeInteger(n) || Math.abs(n) <= 9223372036854775807 ? 'long' : 'string';
    } else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) k = 'double';
    else if (/^\d{4}-\d{2}-\d{2}$/.test(v) && parseDate(v) !== null) k = 'date';
    else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(v) && ts(v) !== BAD) k = 'timestamp';
    else k = 'string';
    if (acc === null) acc = k;
    else if (acc !== k) {
      const numeric: boolean = RANK[acc] < 10 && RANK[k] < 10;
      acc = numeric ? (RANK[acc] > RANK[k] ? acc : k) : 'string';
    }
  }
  const T: Record<Kind, DataType> = { int: IntegerType, long: LongType, double: DoubleType, date: DateType, timestamp: TimestampType, string: StringType };
  return acc === null ? StringType : T[acc];
}

/** The directory text of a partition value, as Spark writes it (cast to string, escaped; null → __HIVE_DEFAULT_PARTITION__). */
export function partitionDirValue(t: DataType, v: unknown, timeZone: string): string {
  if (v === null || v === undefined) return DEFAULT_PARTITION_NAME;
  const s = t.kind === 'timestamp'
    ? formatTimestamp(v as number, getZone(timeZone).offsetMs(Math.floor((v as number) / 1000)) / 60_000)
    : textFormatter(t, { timeZone }, { date: 'yyyy-MM-dd', timestamp: '' })(v);
  return s === '' ? DEFAULT_PARTITION_NAME : escapePartitionValue(s);
}
