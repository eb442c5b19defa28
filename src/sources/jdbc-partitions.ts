/**
 * Spark's partitioned jdbc read (JDBCRelation.columnPartition): the range
 * [lowerBound, upperBound) of `partitionColumn` is cut into numPartitions
 * strides; each partition is one query with its WHERE clause. The bounds
 * only decide the strides, they filter nothing: the first partition also
 * takes everything below (and the nulls), the last everything above.
 */
import { AnalysisException, SpateError } from '../core/errors.js';
import { formatDate, formatTimestamp } from '../core/datetime.js';
import { simpleString, type StructType } from '../core/types.js';
import { parseDbDate, parseDbTimestamp } from '../clients/jdbc-values.js';
import type { JdbcDialect } from '../clients/jdbc-dialect.js';
import type { JdbcPartitioning } from '../clients/jdbc-options.js';

type BoundKind = 'number' | 'date' | 'timestamp';

function parseBound(kind: BoundKind, option: string, raw: string): number {
  const s = raw.trim();
  const v = kind === 'number' ? (/^[+-]?\d+$/.test(s) ? Number(s) : NaN)
    : kind === 'date' ? parseDbDate(s) ?? NaN : parseDbTimestamp(s) ?? NaN;
  if (!Number.isSafeInteger(v)) {
    const what = kind === 'number' ? 'an integer' : kind === 'date' ? "a date ('2018-07-06')" : "a timestamp ('2018-07-04 03:30:00')";
    throw new SpateError('INVALID_OPTION', `Option '${option}' must be ${what} for partition column of type ${kind}, got ${JSON.stringify(raw)}.`);
  }
  return v;
}

function boundText(kind: BoundKind, v: number): string {
  return kind === 'number' ? String(v) : kind === 'date' ? `'${formatDate(v)}'` : `'${formatTimestamp(v)}'`;
}

/**
 * The WHERE clause of each partition (null: no clause), as Spark builds
 * them; one partition when numPartitions <= 1 or the bounds are equal.
 */
export function partitionWhereClauses(p: JdbcPartitioning, schema: StructType, dialect: JdbcDialect): (string | null)[] {
  const field = schema.fields.find((f) => f.name.toLowerCase() === p.column.trim().toLowerCase());
  if (field === undefined) {
    throw new AnalysisException('COLUMN_NOT_FOUND',
      `User-defined partition column ${p.column} not found in the JDBC relation: ${simpleString(schema)}`);
  }
  const t = field.dataType.kind;
  const kind: BoundKind | undefined = t === 'int' || t === 'long' || t === 'float' || t === 'double' || t === 'decimal' ? 'number'
    : t === 'date' ? 'date' : t === 'timestamp' ? 'timestamp' : undefined;
  if (kind === undefined) {
    throw new AnalysisException('INVALID_OPTION',
      `Partition column type should be numeric, date, or timestamp, but ${simpleString(field.dataType)} found.`);
  }
  const lower = parseBound(kind, 'lowerBound', p.lowerBound);
  const upper = parseBound(kind, 'upperBound', p.upperBound);
  if (p.numPartitions <= 1 || lower === upper) return [null];
  if (lower > upper) {
    throw new SpateError('INVALID_OPTION', 'Operation not allowed: the lower bound of partitioning column is larger than the upper bound. ' +
      `Lower bound: ${p.lowerBound.trim()}; Upper bound: ${p.upperBound.trim()}`);
  }
  // Fewer partitions than asked when the range is narrower than their number (Spark logs a warning).
  const n = upper - lower >= p.numPartitions ? p.numPartitions : upper - lower;
  // Divide first, then subtract: Spark's guard against overflow, kept so the strides are Spark's.
  const stride = Math.trunc(upper / n) - Math.trunc(lower / n);
  const column = dialect.quoteIdentifier(field.name);
  const out: (string | null)[] = [];
  let current = lower;
  for (let i = 0; i < n; i++) {
    const lBound = i !== 0 ? `${column} >= ${boundText(kind, current)}` : null;
    current += stride;
    const uBound = i !== n - 1 ? `${column} < ${boundText(kind, current)}` : null;
    out.push(uBound === null ? lBound : lBound === null ? `${uBound} or ${column} is null` : `${lBound} AND ${uBound}`);
  }
  return out;
}
