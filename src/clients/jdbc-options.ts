/**
 * The options of format('jdbc'), with Spark's names (JDBCOptions.scala) and
 * Spark's messages where Spark has one, read once for the source, df.write
 * and the streaming sink.
 */
import { SpateError } from '../core/errors.js';
import { SourceOptions } from '../io/options.js';
import { retryPolicy, type RetryPolicy } from './retry.js';
import { parseJdbcUrl, type JdbcTarget } from './jdbc-url.js';
import { jdbcDialect } from './jdbc-dialect.js';

export type IsolationLevel = 'NONE' | 'READ_UNCOMMITTED' | 'READ_COMMITTED' | 'REPEATABLE_READ' | 'SERIALIZABLE';
const ISOLATION: readonly IsolationLevel[] = ['NONE', 'READ_UNCOMMITTED', 'READ_COMMITTED', 'REPEATABLE_READ', 'SERIALIZABLE'];

export interface JdbcPartitioning {
  readonly column: string;
  readonly lowerBound: string;
  readonly upperBound: string;
  readonly numPartitions: number;
}

/** Everything every jdbc use needs. */
export interface JdbcCommonOptions {
  readonly target: JdbcTarget;
  readonly policy: RetryPolicy;
  /** The user's options (for masking secrets in messages). */
  readonly raw: Readonly<Record<string, string>>;
  readonly sessionInitStatement: string | undefined;
  /** Seconds a statement may run; 0 = no limit (Spark's queryTimeout). */
  readonly queryTimeoutS: number;
  readonly isolationLevel: IsolationLevel;
}

export interface JdbcReadOptions extends JdbcCommonOptions {
  /** `dbtable` as given, or `(query) spark_gen_subq_0`: what goes after FROM. */
  readonly tableOrQuery: string;
  /** What messages call it: `table 'x'` or `query`. */
  readonly what: string;
  readonly partitioning: JdbcPartitioning | undefined;
  readonly fetchSize: number;
  readonly customSchema: string | undefined;
}

export interface JdbcWriteOptions extends JdbcCommonOptions {
  readonly table: string;
  readonly batchSize: number;
  /** PostgreSQL appends with COPY FROM STDIN (default); false = multi-row INSERT (views, rules, INSERT triggers only). */
  readonly postgresCopy: boolean;
  readonly truncate: boolean;
  readonly cascadeTruncate: boolean;
  readonly createTableOptions: string;
  readonly createTableColumnTypes: string | undefined;
  /** Upsert on these columns (the streaming sink's `upsertKeys`, also honoured by df.write append). */
  readonly upsertKeys: readonly string[];
  readonly commitTable: string;
}

function req(cond: boolean, message: string): void {
  if (!cond) throw new SpateError('INVALID_OPTION', message);
}

function nonEmpty(o: SourceOptions, name: string): string | undefined {
  const v = o.get(name);
  return v === undefined ? undefined : v;
}

function intSpark(o: SourceOptions, name: string, dflt: number, min: number, tail = ''): number {
  const raw = o.get(name);
  if (raw === undefined) return dflt;
  const n = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw new SpateError('INVALID_OPTION', `Option '${name}' must be an integer, got ${JSON.stringify(raw)}.`);
  req(n >= min, `Invalid value \`${n}\` for parameter \`${name}\`. The minimum value is ${min}.${tail}`);
  return n;
}

function common(o: SourceOptions, raw: Readonly<Record<string, string>>): JdbcCommonOptions {
  const url = o.get('url');
  req(url !== undefined, "Option 'url' is required.");
  const target = parseJdbcUrl(url!, o.get('user'), o.get('password'), o.get('connectTimeout'));
  const isoRaw = o.get('isolationLevel') ?? 'READ_UNCOMMITTED';
  const iso = ISOLATION.find((l) => l === isoRaw);
  req(iso !== undefined, `Invalid value \`${isoRaw}\` for parameter \`isolationLevel\`. This can be \`NONE\`, \`READ_UNCOMMITTED\`, \`READ_COMMITTED\`, \`REPEATABLE_READ\` or \`SERIALIZABLE\`.`);
  return {
    isolationLevel: iso!,
    target, policy: retryPolicy(raw), raw,
    sessionInitStatement: nonEmpty(o, 'sessionInitStatement'),
    queryTimeoutS: intSpark(o, 'queryTimeout', 0, 0),
  };
}

/** The options of spark.read.format('jdbc'). */
export function jdbcReadOptions(raw: Readonly<Record<string, string>>): JdbcReadOptions {
  const o = new SourceOptions(raw);
  const c = common(o, raw);
  const table = o.get('dbtable');
  const query = o.get('query');
  req(table !== undefined || query !== undefined, "Option 'dbtable' or 'query' is required.");
  req(!(table !== undefined && query !== undefined), "Both 'dbtable' and 'query' can not be specified.");
  const tableOrQuery = table !== undefined ? table.trim() : query!.trim() === '' ? '' : `(${query}) spark_gen_subq_0`;
  req(tableOrQuery !== '', "Empty string is not allowed in either 'dbtable' or 'query' options");
  const col = o.get('partitionColumn');
  const lo = o.get('lowerBound');
  const hi = o.get('upperBound');
  const np = o.has('numPartitions') ? intSpark(o, 'numPartitions', 1, 1) : undefined;
  req((col === undefined && lo === undefined && hi === undefined) || (col !== undefined && lo !== undefined && hi !== undefined && np !== undefined),
    "When reading JDBC data sources, users need to specify all or none for the following options: 'partitionColumn', 'lowerBound', 'upperBound', and 'numPartitions'");
  req(!(query !== undefined && col !== undefined),
    "Options 'query' and 'partitionColumn' can not be specified together. Please define the query using `dbtable` option instead " +
    "and make sure to qualify the partition columns using the supplied subquery alias to resolve any ambiguity, e.g. " +
    ".option('dbtable', '(select c1, c2 from t1) as subq').option('partitionColumn', 'c1').");
  return {
    ...c, tableOrQuery, what: table !== undefined ? `table '${table.trim()}'` : 'query',
    partitioning: col !== undefined ? { column: col, lowerBound: lo!, upperBound: hi!, numPartitions: np! } : undefined,
    fetchSize: intSpark(o, 'fetchsize', 0, 0, ' When the value is 0, the JDBC driver ignores the value and does the estimates.'),
    customSchema: nonEmpty(o, 'customSchema'),
  };
}

/** A table name as it may appear in DDL and DML: identifiers or quoted identifiers, dot separated (it is spliced into SQL, so nothing else). */
const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"|`(?:[^`]|``)+`)(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"|`(?:[^`]|``)+`)){0,2}$/;

/** Checks a table name that writes splice into SQL. */
export function checkTableName(option: string, name: string): string {
  const t = name.trim();
  if (!TABLE_NAME.test(t)) {
    throw new SpateError('INVALID_OPTION',
      `Option '${option}' must be a table name (schema.table, identifiers or quoted identifiers), got ${JSON.stringify(name)}; writes take a table, not a query.`);
  }
  return t;
}

/** The options of df.write.format('jdbc') and writeStream.format('jdbc'). */
export function jdbcWriteOptions(raw: Readonly<Record<string, string>>): JdbcWriteOptions {
  const o = new SourceOptions(raw);
  const c = common(o, raw);
  req(o.get('query') === undefined, "Option 'query' is not applicable while writing; use 'dbtable' to name the table to write.");
  const table = o.get('dbtable');
  req(table !== undefined, "Option 'dbtable' is required.");
  const keys = (o.get('upsertKeys') ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  return {
    ...c,
    table: checkTableName('dbtable', table!),
    batchSize: intSpark(o, 'batchsize', 1000, 1),
    postgresCopy: o.bool('postgresCopy', true),
    truncate: o.bool('truncate', false),
    cascadeTruncate: o.bool('cascadeTruncate', false),
    createTableOptions: o.get('createTableOptions') ?? '',
    createTableColumnTypes: nonEmpty(o, 'createTableColumnTypes'),
    upsertKeys: keys,
    commitTable: checkTableName('commitTable', o.get('commitTable') ?? 'spate_commits'),
  };
}

/** The statements run first on each new connection: the statement timeout (queryTimeout), then sessionInitStatement. */
export function sessionStatements(o: JdbcCommonOptions): string[] {
  const out: string[] = [];
  if (o.queryTimeoutS > 0) out.push(jdbcDialect(o.target.dialect).statementTimeout(o.queryTimeoutS));
  if (o.sessionInitStatement !== undefined) out.push(o.sessionInitStatement);
  return out;
}
