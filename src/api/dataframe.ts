import { batchToRows, concatBatches, type RecordBatch } from '../core/batch.js';
import { AnalysisException, SpateError } from '../core/errors.js';
import { parseDurationMs } from '../core/duration.js';
import { structToRow, toExternal, type Row } from '../core/row.js';
import { simpleString, TimestampType, type StructType } from '../core/types.js';
import { toStringFn } from '../expressions/cast.js';
import { execute } from '../exec/execute.js';
import type { OperatorMetrics } from '../exec/operator-metrics.js';
import { logicalPlanLines } from '../plan/explain.js';
import { explainString } from '../exec/explain.js';
import { toArrowTable } from '../io/arrow.js';
import type { Analyzed } from '../plan/analyzer.js';
import type { PhysicalPlan } from '../physical/physical.js';
import { positionalColumn } from '../plan/bind-expr.js';
import { alias, column, type Expr } from '../plan/expr.js';
import { isStreamingPlan, node, type JoinType, type LogicalPlan } from '../plan/logical.js';
import { parseExpression } from '../sql/index.js';
import { Column, fromExpr, toColumnExpr } from './column.js';
import { DataFrameNaFunctions } from './na-functions.js';
import { DataFrameWriter } from './writer.js';
import { DataStreamWriter } from './stream-writer.js';
import { describeFrame } from './describe.js';
import { showString } from '../core/format/show.js';
import { treeString } from '../core/format/print-schema.js';
import { GroupedData } from './grouped-data.js';
import type { SparkSession } from './session.js';
import type * as arrow from 'apache-arrow';
import { expectInstance, expectString, expectStringList, invalidArgument } from './args.js';

type ColumnLike = Column | string;

/** Flattens `f('a', 'b')` and `f(['a', 'b'])` (both are Spark call styles). */
/** A Column or column name argument of `api`, as an expression. */
function columnArg(api: string, c: unknown): Expr {
  if (typeof c !== 'string' && !(c instanceof Column)) throw invalidArgument(api, 'each column', 'a Column or a column name (string)', c);
  return toColumnExpr(c);
}

function flat<T>(args: readonly (T | readonly T[])[]): T[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly T[])] : (args as T[]);
}

const JOIN_TYPES: Record<string, JoinType> = {
  inner: 'inner', cross: 'cross',
  outer: 'full', full: 'full', fullouter: 'full', full_outer: 'full',
  left: 'left', leftouter: 'left', left_outer: 'left',
  right: 'right', rightouter: 'right', right_outer: 'right',
  semi: 'left_semi', leftsemi: 'left_semi', left_semi: 'left_semi',
  anti: 'left_anti', leftanti: 'left_anti', left_anti: 'left_anti',
};

/**
 * A distributed-collection-shaped query, as in Spark: immutable and lazy.
 * Transformations return a new DataFrame (and check names and types at once,
 * as Spark's analyzer does); actions (`collect`, `count`, `show`, ...) are
 * async and run the plan over columnar batches.
 */
export class DataFrame {
  /** @internal */
  readonly plan: LogicalPlan;
  readonly sparkSession: SparkSession;
  private analyzed: Analyzed | undefined;
  private optimized: PhysicalPlan | undefined;
  /** What each physical node did in the last action run on this DataFrame (explain() shows it). */
  private lastRun: OperatorMetrics | undefined;

  /** @internal Use the session's and other DataFrames' methods to build DataFrames. */
  constructor(session: SparkSession, plan: LogicalPlan) {
    this.sparkSession = session;
    this.plan = plan;
  }

  /** @internal The resolved plan (cached). */
  analyze(): Analyzed {
    this.analyzed ??= this.sparkSession.analyze(this.plan);
    return this.analyzed;
  }

  /** @internal The analyzed plan after the optimizer (cached): what actions run and writeStream plans incrementally. */
  optimizedPlan(): PhysicalPlan {
    this.optimized ??= this.sparkSession.optimize(this.analyze().plan);
    return this.optimized;
  }

  private derive(plan: LogicalPlan): DataFrame {
    const df = new DataFrame(this.sparkSession, plan);
    df.analyze(); // Spark analyses eagerly: a bad column name fails here, not at the action.
    return df;
  }

  // ---- schema ----

  get schema(): StructType { return this.analyze().plan.schema; }
  get columns(): string[] { return this.schema.fields.map((f) => f.name); }
  /** Column names with their types as Spark's simple strings: [['word', 'string'], ['count', 'bigint']]. */
  get dtypes(): [string, string][] { return this.schema.fields.map((f) => [f.name, simpleString(f.dataType)]); }
  /** True when the DataFrame reads a stream; it then runs only through writeStream.start(). */
  get isStreaming(): boolean { return isStreamingPlan(this.plan); }
  /** Prints the schema as a tree, as Spark's printSchema(). */
  printSchema(level?: number): void { process.stdout.write(treeString(this.schema, level) + '\n'); }

  /** This DataFrame's column `name`, usable in expressions over a join of it with others. */
  col(name: string): Column {
    expectString('df.col(name)', 'name', name, 'a column name (string)');
    if (name === '*') return fromExpr({ kind: 'star' });
    return fromExpr(column(name, this.plan.id));
  }

  // ---- transformations ----

  select(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    return this.derive(node({ kind: 'project', child: this.plan, exprs: flat(cols).map((c) => columnArg('select()', c)) }));
  }
  /** select() with SQL expression strings: selectExpr('a * 2 AS b', 'upper(c)'). */
  selectExpr(...exprs: (string | readonly string[])[]): DataFrame {
    return this.derive(node({ kind: 'project', child: this.plan, exprs: flat(exprs).map((e) => parseExpression(expectString('selectExpr()', 'each expression', e, 'a SQL expression string'))) }));
  }
  /** Keeps rows where the condition is true (a Column or a SQL expression string). */
  filter(condition: Column | string): DataFrame {
    const e = typeof condition === 'string' ? parseExpression(condition)
      : expectInstance('filter(condition)', 'condition', condition, Column, "a Column or a SQL expression string such as 'amount > 10'").expr;
    return this.derive(node({ kind: 'filter', child: this.plan, condition: e }));
  }
  where(condition: Column | string): DataFrame { return this.filter(condition); }

  /** Adds a column, or replaces the one with that name in place. */
  withColumn(name: string, c: Column): DataFrame {
    expectString('withColumn(name, col)', 'name', name, 'a column name (string)');
    expectInstance('withColumn(name, col)', 'col', c, Column, "a Column (e.g. F.col('x'), F.lit(1) or F.expr('x + 1'))");
    return this.withColumns({ [name]: c });
  }
  withColumns(cols: Record<string, Column> | Map<string, Column>): DataFrame {
    if (cols === null || typeof cols !== 'object') throw invalidArgument('withColumns(cols)', 'cols', 'an object or Map of column name to Column', cols);
    const entries = cols instanceof Map ? [...cols.entries()] : Object.entries(cols);
    for (const [k, c] of entries) expectInstance('withColumns(cols)', `cols['${String(k)}']`, c, Column, 'a Column');
    const existing = this.columns;
    const exprs: Expr[] = existing.map((n, i) => {
      const e = entries.find(([k]) => k.toLowerCase() === n.toLowerCase());
      // A replaced column takes the name as given (Spark's withColumns: col.as(colName)).
      return e ? alias(e[1].expr, e[0]) : positionalColumn(i, n);
    });
    for (const [k, c] of entries) if (!existing.some((n) => n.toLowerCase() === k.toLowerCase())) exprs.push(alias(c.expr, k));
    return this.derive(node({ kind: 'project', child: this.plan, exprs }));
  }
  /** Renames a column; a no-op when it does not exist, as in Spark. */
  withColumnRenamed(existing: string, newName: string): DataFrame {
    expectString('withColumnRenamed(existing, newName)', 'existing', existing, 'a column name (string)');
    expectString('withColumnRenamed(existing, newName)', 'newName', newName, 'a column name (string)');
    return this.withColumnsRenamed({ [existing]: newName });
  }
  withColumnsRenamed(renames: Record<string, string>): DataFrame {
    const lower = new Map(Object.entries(renames).map(([k, v]) => [k.toLowerCase(), v]));
    const cols = this.columns;
    if (!cols.some((n) => lower.has(n.toLowerCase()))) return this;
    return this.derive(node({ kind: 'project', child: this.plan, exprs: cols.map((n, i) => positionalColumn(i, lower.get(n.toLowerCase()) ?? n)) }));
  }
  /** Drops columns by name (names that do not exist are ignored, as in Spark) or by Column. */
  drop(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    const items = flat(cols);
    const a = this.analyze();
    const dropIdx = new Set<number>();
    for (const c of items) {
      if (typeof c !== 'string') expectInstance('drop()', 'each column', c, Column, 'a column name or a Column');
      if (typeof c === 'string') {
        a.attrs.forEach((at, i) => { if (at.name.toLowerCase() === c.toLowerCase()) dropIdx.add(i); });
      } else if (c.expr.kind === 'column') {
        const e = c.expr;
        const matches = a.attrs.map((at, i) => ({ at, i })).filter(({ at }) => at.name.toLowerCase() === e.name.toLowerCase() && (e.planId === undefined || at.planIds.includes(e.planId)));
        matches.forEach(({ i }) => dropIdx.add(i));
      } else {
        throw new AnalysisException('INVALID_DROP', 'drop() takes column names or column references, not expressions.');
      }
    }
    if (dropIdx.size === 0) return this;
    const exprs = a.attrs.map((at, i) => (dropIdx.has(i) ? null : positionalColumn(i, at.name))).filter((e): e is Expr => e !== null);
    return this.derive(node({ kind: 'project', child: this.plan, exprs }));
  }
  /** Renames all columns positionally. */
  toDF(...names: string[]): DataFrame {
    const cols = this.columns;
    if (names.length !== cols.length) {
      throw new AnalysisException('NUM_COLUMNS_MISMATCH', `toDF() got ${names.length} names for ${cols.length} columns (${cols.join(', ')}).`);
    }
    return this.derive(node({ kind: 'project', child: this.plan, exprs: names.map((n, i) => positionalColumn(i, n)) }));
  }

  /** Groups rows by the given columns for aggregation (see GroupedData). */
  groupBy(...cols: (ColumnLike | readonly ColumnLike[])[]): GroupedData { return new GroupedData(this, flat(cols).map((c) => columnArg('groupBy()', c))); }
  groupby(...cols: (ColumnLike | readonly ColumnLike[])[]): GroupedData { return this.groupBy(...cols); }
  /** Aggregates the whole DataFrame: df.agg(max('x'), avg('y')). */
  agg(...exprs: (Column | readonly Column[] | Record<string, string>)[]): DataFrame { return this.groupBy().agg(...exprs); }

  /** Sorts by the given columns (ascending, nulls first, unless the Column says otherwise). */
  orderBy(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    return this.derive(node({ kind: 'sort', child: this.plan, orders: flat(cols).map((c) => columnArg('orderBy()', c)) }));
  }
  sort(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame { return this.orderBy(...cols); }

  limit(n: number): DataFrame {
    checkCount('limit', n);
    return this.derive(node({ kind: 'limit', child: this.plan, limit: n, offset: 0 }));
  }
  offset(n: number): DataFrame {
    checkCount('offset', n);
    return this.derive(node({ kind: 'limit', child: this.plan, limit: Number.MAX_SAFE_INTEGER, offset: n }));
  }

  distinct(): DataFrame { return this.derive(node({ kind: 'deduplicate', child: this.plan })); }
  /** Keeps the first row of each distinct value of `subset` (all columns when omitted). */
  dropDuplicates(subset?: readonly string[]): DataFrame {
    expectStringList('dropDuplicates(subset)', 'subset', subset);
    return this.derive(node(subset === undefined ? { kind: 'deduplicate', child: this.plan } : { kind: 'deduplicate', child: this.plan, subset }));
  }
  drop_duplicates(subset?: readonly string[]): DataFrame { return this.dropDuplicates(subset); }
  /**
   * Streaming dedup whose keys expire (Spark 3.5): a key is remembered from
   * its first row until the watermark passes that row's event time plus the
   * watermark delay, so `subset` need not include the event-time column. Needs
   * withWatermark on the input; in a batch query it is dropDuplicates(subset).
   */
  dropDuplicatesWithinWatermark(subset?: readonly string[]): DataFrame {
    expectStringList('dropDuplicatesWithinWatermark(subset)', 'subset', subset);
    return this.derive(node(subset === undefined
      ? { kind: 'deduplicate', child: this.plan, withinWatermark: true }
      : { kind: 'deduplicate', child: this.plan, subset, withinWatermark: true }));
  }

  /** Rows of both, matched by position (Spark's union keeps duplicates, like SQL UNION ALL). */
  union(other: DataFrame): DataFrame {
    expectInstance('union(other)', 'other', other, DataFrame, 'a DataFrame');
    return this.derive(node({ kind: 'union', children: [this.plan, other.plan], byName: false, allowMissingColumns: false }));
  }
  unionAll(other: DataFrame): DataFrame { return this.union(other); }
  /** Rows of both, matched by column name; missing columns become null when allowMissingColumns. */
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    expectInstance('unionByName(other)', 'other', other, DataFrame, 'a DataFrame');
    return this.derive(node({ kind: 'union', children: [this.plan, other.plan], byName: true, allowMissingColumns }));
  }

  /**
   * Joins with another DataFrame on column names (`'id'` or `['a', 'b']`,
   * which appear once in the output) or a condition Column; `how` is one of
   * Spark's join types (inner, left, right, full/outer, left_semi, left_anti, cross).
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how = 'inner'): DataFrame {
    expectInstance('join(other, on, how)', 'other', other, DataFrame, 'a DataFrame');
    if (on !== undefined && typeof on !== 'string' && !(on instanceof Column)) expectStringList('join(other, on, how)', 'on', on);
    expectString('join(other, on, how)', 'how', how, "a join type such as 'inner' or 'left'");
    const joinType = JOIN_TYPES[how.toLowerCase().replace(/\s/g, '')];
    if (!joinType) {
      throw new AnalysisException('UNSUPPORTED_JOIN_TYPE', `Unknown join type '${how}'. Use one of: ${Object.keys(JOIN_TYPES).join(', ')}.`);
    }
    const hint = broadcastOf(this) ? 'left' : broadcastOf(other) ? 'right' : undefined;
    const base = { kind: 'join' as const, left: this.plan, right: other.plan, joinType, ...(hint ? { broadcast: hint as 'left' | 'right' } : {}) };
    if (on === undefined) return this.derive(node(base));
    if (on instanceof Column) return this.derive(node({ ...base, condition: on.expr }));
    return this.derive(node({ ...base, using: typeof on === 'string' ? [on] : [...on] }));
  }
  crossJoin(other: DataFrame): DataFrame { return this.join(other, undefined, 'cross'); }

  /**
   * Declares `eventTime` (a timestamp column) as event time with a delay such
   * as '10 minutes': in a streaming query the watermark trails the maximum
   * event time seen by that delay; rows older than the watermark are dropped
   * by stateful operators, and their state is evicted. No effect on batch queries.
   */
  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    expectString('withWatermark(eventTime, delayThreshold)', 'eventTime', eventTime, 'a column name (string)');
    expectString('withWatermark(eventTime, delayThreshold)', 'delayThreshold', delayThreshold, "a duration string such as '10 minutes'");
    const delayMs = parseDurationMs(delayThreshold, `withWatermark('${eventTime}', delayThreshold)`);
    return this.derive(node({ kind: 'watermark', child: this.plan, eventTime, delayMs }));
  }

  /** Names this DataFrame so its columns can be referred to as `name.column`. */
  alias(name: string): DataFrame { return this.derive(node({ kind: 'subqueryAlias', child: this.plan, alias: name })); }
  as(name: string): DataFrame { return this.alias(name); }

  /** Null handling: df.na.fill(...), df.na.drop(...). */
  get na(): DataFrameNaFunctions { return new DataFrameNaFunctions(this); }
  fillna(value: unknown, subset?: readonly string[]): DataFrame { return this.na.fill(value, subset); }
  dropna(how: 'any' | 'all' = 'any', thresh?: number, subset?: readonly string[]): DataFrame { return this.na.drop(how, thresh, subset); }

  /** count, mean, stddev, min, max of numeric and string columns, as Spark's describe(). */
  describe(...cols: (string | readonly string[])[]): DataFrame { return describeFrame(this, flat(cols)); }

  /** A no-op in spate (there is no cluster cache); returns this DataFrame. */
  cache(): DataFrame { return this; }
  persist(): DataFrame { return this; }
  unpersist(): DataFrame { return this; }

  // ---- actions ----

  /** @internal Runs the plan and returns its output as one batch. */
  async collectBatch(): Promise<RecordBatch> {
    this.assertBatch();
    const plan = this.optimizedPlan();
    const metrics: OperatorMetrics = new Map();
    const batches = await execute(plan, { ...this.sparkSession.execOptions(), metrics });
    this.lastRun = metrics;
    return concatBatches(plan.schema, batches);
  }

  /** All rows, as plain objects keyed by column name. */
  async collect(): Promise<Row[]> {
    const b = await this.collectBatch();
    return batchToRows(b).map((r) => structToRow(b.schema, r));
  }
  /** All rows as arrays of values in column order (handy when names repeat after a join). */
  async collectArrays(): Promise<unknown[][]> {
    const b = await this.collectBatch();
    return batchToRows(b).map((r) => r.map((v, i) => toExternal(b.schema.fields[i]!.dataType, v)));
  }
  async count(): Promise<number> {
    this.assertBatch();
    const metrics: OperatorMetrics = new Map();
    const batches = await execute(this.optimizedPlan(), { ...this.sparkSession.execOptions(), metrics });
    this.lastRun = metrics;
    return batches.reduce((s, b) => s + b.numRows, 0);
  }
  async take(n: number): Promise<Row[]> { return this.limit(n).collect(); }
  async head(n?: number): Promise<Row[] | Row | null> {
    if (n === undefined) return (await this.take(1))[0] ?? null;
    return this.take(n);
  }
  async first(): Promise<Row | null> { return (await this.take(1))[0] ?? null; }
  async isEmpty(): Promise<boolean> { return (await this.take(1)).length === 0; }
  /** The rows as an Apache Arrow table (long → Int64, timestamp → Timestamp[us, UTC]). */
  async toArrow(): Promise<arrow.Table> {
    const b = await this.collectBatch();
    return toArrowTable(b.schema, [b]);
  }

  /** Prints the first `n` rows as Spark's table (or vertically); `truncate` cuts cells to 20 characters, or to a given width. */
  async show(n = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    // Spark prints the table with println, so a blank line follows it.
    process.stdout.write(await this.showString(n, truncate, vertical) + '\n');
  }
  /** The text show() prints. */
  async showString(n = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    const b = await this.limit(n + 1).collectBatch();
    const rows = batchToRows(b);
    const formatTimestamp = toStringFn(TimestampType, this.sparkSession.timeZone()) as (micros: number) => string;
    return showString(b.schema, rows.slice(0, n), n, truncate, vertical, rows.length > n, { formatTimestamp });
  }

  /** Prints the physical plan (and the logical one when extended). */
  explain(extended = false): void { process.stdout.write(this.explainString(extended)); }
  /** The plan explain() prints; after an action ran on this DataFrame, each node shows its rows in, rows out and time. */
  explainString(extended = false): string { return explainString(logicalPlanLines(this.plan), this.optimizedPlan(), this.optimizedPlan(), extended, this.lastRun); }

  /** Saves the DataFrame to files (df.write.mode('overwrite').parquet(path)). */
  get write(): DataFrameWriter {
    this.assertBatch('write');
    return new DataFrameWriter(this);
  }

  /** Starts a streaming query over this (streaming) DataFrame: df.writeStream.format('console').start(). */
  get writeStream(): DataStreamWriter { return new DataStreamWriter(this); }

  /** Batch actions on a stream fail as in Spark. */
  private assertBatch(what = 'this action'): void {
    if (this.isStreaming) {
      throw new AnalysisException('STREAMING_QUERY_REQUIRED',
        `Queries with streaming sources must be executed with writeStream.start(); ${what} needs a static DataFrame. ` +
        'Use df.writeStream...start(), or foreachBatch((df, id) => ...) to run batch actions on each micro-batch.');
    }
  }
}


function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new SpateError('INVALID_ARGUMENT', `${what}() needs a non-negative integer, got ${n}.`);
}

const BROADCAST = new WeakSet<DataFrame>();
/** Marks a DataFrame as the side to build the join hash table on (Spark's broadcast hint). */
export function markBroadcast(df: DataFrame): DataFrame {
  const copy = new DataFrame(df.sparkSession, df.plan);
  BROADCAST.add(copy);
  return copy;
}
function broadcastOf(df: DataFrame): boolean {
  return BROADCAST.has(df);
}
