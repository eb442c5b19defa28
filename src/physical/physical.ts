import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import type { Bound } from '../expressions/bound.js';
import type { AggregateResolution } from '../expressions/aggregate/aggregate-function.js';

/**
 * The executable plan: every expression bound to input column positions and
 * typed, every node with its output schema. The analyzer (plan/) builds it;
 * execute.ts runs it over columnar batches.
 */
export type PhysicalPlan =
  | ScanExec
  | StreamScanExec
  | StatefulAggregateExec
  | StreamingDedupExec
  | FileScanExec
  | DataSourceScanExec
  | ProjectExec
  | FilterExec
  | GenerateExec
  | AggregateExec
  | SortExec
  | LimitExec
  | DedupExec
  | UnionExec
  | JoinExec
  | WatermarkExec
  | WindowExec
  | SessionWindowExec
  | SessionAggregateExec;

interface Base { readonly schema: StructType }

export interface ScanExec extends Base { readonly kind: 'scan'; readonly batches: readonly RecordBatch[] }

/** The current micro-batch's rows of one streaming source (`relationId` = the logical StreamingRelation's id). */
export interface StreamScanExec extends Base { readonly kind: 'streamScan'; readonly relationId: number; readonly description: string }

/**
 * A streaming aggregation: the aggregate's fields plus the id of its state
 * (`state/<operatorId>/`). Each batch merges its partial aggregates with the
 * stored state of the same keys and saves the result.
 */
export interface StatefulAggregateExec extends Omit<AggregateExec, 'kind'> {
  readonly kind: 'statefulAggregate';
  readonly operatorId: number;
}

/** Streaming dropDuplicates: a row passes only if its key was never seen in any batch. */
export interface StreamingDedupExec extends Omit<DedupExec, 'kind'> {
  readonly kind: 'streamingDedup';
  readonly operatorId: number;
}

export interface FileScanExec extends Base {
  readonly kind: 'fileScan';
  readonly format: 'csv' | 'json' | 'text' | 'parquet';
  readonly paths: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  /**
   * Set by the optimizer's ColumnPruning: the relation's full schema, of which `schema` is the
   * columns at positions `columns` (the reader reads only those where its format allows).
   */
  readonly pruned?: { readonly readSchema: StructType; readonly columns: readonly number[] };
  /** Set by PushDownFilters: the conjuncts of the filter above, over `schema` (the filter stays above; explain lists them). */
  readonly pushedFilters?: readonly Bound[];
}

/** A bounded read of a broker or database (the logical DataSourceRelation). */
export interface DataSourceScanExec extends Base {
  readonly kind: 'dataSourceScan';
  readonly format: string;
  readonly description: string;
  read(): Promise<RecordBatch[]>;
}

export interface ProjectExec extends Base { readonly kind: 'project'; readonly child: PhysicalPlan; readonly exprs: readonly Bound[] }

export interface FilterExec extends Base { readonly kind: 'filter'; readonly child: PhysicalPlan; readonly condition: Bound }

/**
 * explode / posexplode (outer or not) of an array or map: output is the
 * child's columns (unless pruned) followed by the generated ones (pos?, col | key, value).
 */
export interface GenerateExec extends Base {
  readonly kind: 'generate';
  readonly child: PhysicalPlan;
  readonly input: Bound;
  readonly outer: boolean;
  readonly position: boolean;
  /** False when nothing above reads the child's columns: the output is the generated columns alone. */
  readonly keepChild: boolean;
  /** explode(split(str, plain separator)): the words are cut from `str` directly, with no array per row. */
  readonly splitOn?: { readonly str: Bound; readonly separator: string };
}

/** One aggregate call: its resolved function and argument expressions over the child. */
export interface AggregateCall { readonly fn: AggregateResolution; readonly args: readonly Bound[]; readonly display: string }

/**
 * Hash aggregation. `output` is evaluated over the virtual row
 * [...keys, ...aggregate results] to produce the final columns.
 */
export interface AggregateExec extends Base {
  readonly kind: 'aggregate';
  readonly child: PhysicalPlan;
  readonly keys: readonly Bound[];
  readonly aggs: readonly AggregateCall[];
  readonly output: readonly Bound[];
  /** The key with event time, when the input has a watermark (streaming eviction and append output use it). */
  readonly eventTimeKey?: EventTimeKey;
}

/**
 * withWatermark: passes rows through unchanged; in a streaming query it
 * reports the batch's event-time statistics of `column` so the runner can
 * move the watermark (max event time seen - delay).
 */
export interface WatermarkExec extends Base {
  readonly kind: 'watermark';
  readonly child: PhysicalPlan;
  readonly column: number;
  readonly delayMs: number;
  /** Index of this node among the query's watermark nodes. */
  readonly watermarkId: number;
}

/**
 * Sliding time windows of `time` (Spark's window(...) with a slide shorter than
 * the window; tumbling ones are a projection): each row repeats once per
 * window containing its timestamp, with the
 * window's index k appended as a long column: the window is [k * slide + startTime, ... + windowDuration).
 * Rows with a null time are dropped.
 */
export interface WindowExec extends Base {
  readonly kind: 'window';
  readonly child: PhysicalPlan;
  readonly time: Bound;
  readonly windowMicros: number;
  readonly slideMicros: number;
  readonly startMicros: number;
}

/**
 * Session windows of `time` (Spark's session_window(...)): appends the
 * `session_window` struct<start, end> column. Each row's own session is
 * [time, time + gap]; under an aggregation (`mergeKeys` set) the sessions of
 * rows with the same other grouping keys merge where they overlap, and every
 * row carries its merged session. Rows with a null time, or a null, unreadable
 * or non-positive gap, are dropped.
 */
export interface SessionWindowExec extends Base {
  readonly kind: 'sessionWindow';
  readonly child: PhysicalPlan;
  readonly time: Bound;
  /** A static gap in microseconds, or a string expression giving each row's gap. */
  readonly gap: { readonly micros: number } | { readonly expr: Bound };
  /** The aggregation's other grouping keys, over the child; null in a select (no merging). */
  readonly mergeKeys: readonly Bound[] | null;
}

/**
 * A streaming aggregation over session windows: the aggregate's fields, the
 * position of the session_window column among its keys, and the id of its
 * state. Its child gives each row's own session (the operator reads the
 * child's input and computes them itself, with no struct per row); sessions
 * of a key merge within the batch and with the stored sessions they overlap.
 */
export interface SessionAggregateExec extends Omit<AggregateExec, 'kind' | 'child'> {
  readonly kind: 'sessionAggregate';
  readonly child: SessionWindowExec;
  readonly operatorId: number;
  readonly sessionKey: number;
}

/**
 * The grouping or dedup key that carries event time: a window struct (its end counts) or a timestamp
 * column. A number key stands for the event time `value * scaleMicros + offsetMicros` when given (a
 * window's index k: its end is k * slide + startTime + length).
 */
export interface EventTimeKey { readonly index: number; readonly kind: 'window' | 'timestamp'; readonly scaleMicros?: number; readonly offsetMicros?: number }

export interface SortOrder { readonly expr: Bound; readonly ascending: boolean; readonly nullsFirst: boolean }

export interface SortExec extends Base { readonly kind: 'sort'; readonly child: PhysicalPlan; readonly orders: readonly SortOrder[] }

export interface LimitExec extends Base { readonly kind: 'limit'; readonly child: PhysicalPlan; readonly limit: number; readonly offset: number }

/** Keeps the first row of each distinct value of the key columns. */
export interface DedupExec extends Base {
  readonly kind: 'dedup';
  readonly child: PhysicalPlan;
  readonly keys: readonly number[];
  /** Position in `keys` of a watermarked timestamp column, if any. */
  readonly eventTimeKey?: EventTimeKey;
  /** dropDuplicatesWithinWatermark: the event-time column and its delay; a key expires at its first event time + delay. */
  readonly withinWatermark?: { readonly column: number; readonly delayMicros: number };
  /** dropDuplicatesWithinWatermark was asked for (a streaming query then needs a watermark). */
  readonly withinWatermarkRequested?: boolean;
}

/** Children already projected (and cast) to the union's schema. */
export interface UnionExec extends Base { readonly kind: 'union'; readonly children: readonly PhysicalPlan[] }

/**
 * Hash join on key expressions evaluated per side, with a residual condition
 * over [left columns, right columns]; `output` maps that concatenation to the
 * result columns (it merges `using` columns).
 */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi' | 'left_anti' | 'cross';

export interface JoinExec extends Base {
  readonly kind: 'join';
  readonly left: PhysicalPlan;
  readonly right: PhysicalPlan;
  readonly joinType: JoinType;
  readonly leftKeys: readonly Bound[];
  readonly rightKeys: readonly Bound[];
  readonly residual: Bound | null;
  readonly output: readonly Bound[];
  readonly buildSide: 'left' | 'right' | undefined;
}

// A kind's children and rebuild are its line in shapes.ts; what it does (explain line, execution, state) is its entry in exec/operators.ts.
