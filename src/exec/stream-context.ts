import type { RecordBatch } from '../core/batch.js';
import type { OutputMode } from '../core/output-mode.js';
import type { OperatorState } from './stateful/operator-state.js';

/** What one micro-batch of a streaming query executes with. */
export interface StreamExecContext {
  readonly batchId: number;
  /** This batch's rows of each streaming source, by the StreamingRelation's id. */
  readonly inputs: ReadonlyMap<number, readonly RecordBatch[]>;
  readonly outputMode: OutputMode;
  /** State of each stateful operator, loaded at this batch's version. */
  readonly operators: ReadonlyMap<number, OperatorState>;
  /** Results of static subtrees (the static side of a stream-static join), computed once per query. */
  readonly staticCache: Map<object, RecordBatch[]>;
  /** The watermark this batch runs with, in ms since the epoch (0 before any): state at or below it is evicted. */
  readonly watermarkMs: number;
  /**
   * The previous batch's watermark: input rows at or below it are late and dropped. As in Spark 3.5+
   * (SPARK-40925), a row is judged late by the watermark of the batch before, so rows a stateful
   * operator emits in this batch (event time above the previous watermark) are not late for the
   * next operator of a chain.
   */
  readonly lateWatermarkMs: number;
  /** Event-time statistics per watermark node, filled while the batch runs. */
  readonly eventTime: EventTimeStats[];
  /** Rows each stateful operator dropped as late in this batch, by operator id. */
  readonly droppedByWatermark: Map<number, number>;
}

/** Event times (microseconds) one watermark node saw in a batch. */
export interface EventTimeStats {
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** Adds the non-null values of a timestamp vector to `stats`. */
export function observeEventTimes(stats: EventTimeStats, values: Float64Array, validity: Uint8Array | null, n: number): void {
  if (validity === null) { observeAll(stats, values, n); return; }
  let { min, max, sum, count } = stats;
  for (let i = 0; i < n; i++) {
    if (validity !== null && validity[i] === 0) continue;
    const t = values[i]!;
    if (t < min) min = t;
    if (t > max) max = t;
    sum += t;
    count++;
  }
  stats.min = min;
  stats.max = max;
  stats.sum = sum;
  stats.count = count;
}

// No nulls: a tight loop the JIT keeps in registers.
function observeAll(stats: EventTimeStats, values: Float64Array, n: number): void {
  let min = stats.min;
  let max = stats.max;
  let sum = stats.sum;
  for (let i = 0; i < n; i++) {
    const t = values[i]!;
    min = Math.min(min, t);
    max = Math.max(max, t);
    sum += t;
  }
  stats.min = min;
  stats.max = max;
  stats.sum = sum;
  stats.count += n;
}
