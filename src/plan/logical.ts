import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import type { Expr } from './expr.js';
import type { SourceContext, StreamSource } from '../sources/source.js';

/**
 * The logical plan a DataFrame holds: a tree of immutable nodes, built by the
 * DataFrame API, unresolved (names not yet bound). Every node has a unique
 * `id`; `df.col(name)` records it so the analyzer can tell the two sides of a
 * self-join apart.
 */
export type LogicalPlan =
  | LocalRelation
  | StreamingRelation
  | FileRelation
  | DataSourceRelation
  | Project
  | Filter
  | Aggregate
  | Sort
  | Limit
  | Deduplicate
  | Union
  | Join
  | SubqueryAlias
  | Watermark;

interface Base { readonly id: number }

/** Rows held in memory (createDataFrame, range, Arrow input). */
export interface LocalRelation extends Base {
  readonly kind: 'localRelation';
  readonly schema: StructType;
  readonly batches: readonly RecordBatch[];
}

/**
 * An unbounded input (readStream...load()). The source itself is created when
 * a query starts, with that query's checkpoint; `schema` is known up front.
 */
export interface StreamingRelation extends Base {
  readonly kind: 'streamingRelation';
  readonly schema: StructType;
  readonly source: StreamSourceSpec;
}

/** How to make a streaming source for one query run. */
export interface StreamSourceSpec {
  /** Format name as the user gave it (`rate`, `socket`, `csv`, `memory`, ...). */
  readonly format: string;
  readonly options: Readonly<Record<string, string>>;
  /** Creates the source for a query run (the memory stream returns itself). */
  create(ctx: SourceContext): StreamSource;
}

/** Files read at execution time; the schema was fixed (given or inferred) when the DataFrame was created. */
export interface FileRelation extends Base {
  readonly kind: 'fileRelation';
  readonly format: 'csv' | 'json' | 'text' | 'parquet';
  readonly paths: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly schema: StructType;
}

/**
 * A bounded read of a broker or database (spark.read.format('kafka' | 'jdbc' ...)):
 * the schema was fixed when the DataFrame was made; `read` fetches the rows
 * each time the DataFrame is executed.
 */
export interface DataSourceRelation extends Base {
  readonly kind: 'dataSourceRelation';
  readonly format: string;
  /** A one-line description for explain(), e.g. `kafka [subscribe=clicks]` (never credentials). */
  readonly description: string;
  readonly schema: StructType;
  read(): Promise<RecordBatch[]>;
}

/** select(...): expressions may include aliases, stars and at most one generator (explode). */
export interface Project extends Base { readonly kind: 'project'; readonly child: LogicalPlan; readonly exprs: readonly Expr[] }

export interface Filter extends Base { readonly kind: 'filter'; readonly child: LogicalPlan; readonly condition: Expr }

/** groupBy(keys).agg(aggs): output is the keys then the aggregate expressions. */
export interface Aggregate extends Base {
  readonly kind: 'aggregate';
  readonly child: LogicalPlan;
  readonly groupBy: readonly Expr[];
  readonly aggs: readonly Expr[];
}

export interface Sort extends Base { readonly kind: 'sort'; readonly child: LogicalPlan; readonly orders: readonly Expr[] }

export interface Limit extends Base { readonly kind: 'limit'; readonly child: LogicalPlan; readonly limit: number; readonly offset: number }

/** distinct() (subset undefined: all columns) or dropDuplicates(subset): keeps the first row of each key. */
export interface Deduplicate extends Base {
  readonly kind: 'deduplicate';
  readonly child: LogicalPlan;
  readonly subset?: readonly string[];
  /** dropDuplicatesWithinWatermark: keys are kept only until the watermark passes (first event time + delay). */
  readonly withinWatermark?: boolean;
}

/** union (by position) or unionByName (with allowMissingColumns). */
export interface Union extends Base {
  readonly kind: 'union';
  readonly children: readonly LogicalPlan[];
  readonly byName: boolean;
  readonly allowMissingColumns: boolean;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi' | 'left_anti' | 'cross';

/** A join on an expression, or on column names (`using`), which appear once in the output as in Spark. */
export interface Join extends Base {
  readonly kind: 'join';
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly joinType: JoinType;
  readonly condition?: Expr;
  readonly using?: readonly string[];
  /** Set by the broadcast() hint on either side. */
  readonly broadcast?: 'left' | 'right';
}

/** withWatermark(eventTime, delay): marks the event-time column; stateful operators above it drop late rows and evict old state. */
export interface Watermark extends Base {
  readonly kind: 'watermark';
  readonly child: LogicalPlan;
  readonly eventTime: string;
  readonly delayMs: number;
}

/** df.alias('t'): lets `t.col` name this DataFrame's columns. */
export interface SubqueryAlias extends Base { readonly kind: 'subqueryAlias'; readonly child: LogicalPlan; readonly alias: string }

let nextId = 1;
/** A fresh plan node id. */
export function newPlanId(): number {
  return nextId++;
}

type Without<T> = T extends unknown ? Omit<T, 'id'> : never;
/** Builds a node with a fresh id. */
export function node<T extends Without<LogicalPlan>>(n: T): T & Base {
  return Object.freeze({ ...n, id: newPlanId() }) as unknown as T & Base;
}

export function children(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'localRelation': case 'fileRelation': case 'dataSourceRelation': case 'streamingRelation': return [];
    case 'union': return p.children;
    case 'join': return [p.left, p.right];
    default: return [p.child];
  }
}

/** True when the plan reads a stream anywhere (such a DataFrame runs only through writeStream.start()). */
export function isStreamingPlan(p: LogicalPlan): boolean {
  return p.kind === 'streamingRelation' || children(p).some(isStreamingPlan);
}

/** Every streaming relation in the plan, left to right: the query's sources, in checkpoint order. */
export function streamingRelations(p: LogicalPlan): StreamingRelation[] {
  if (p.kind === 'streamingRelation') return [p];
  return children(p).flatMap(streamingRelations);
}
