import type { EventTimeStats } from '../exec/stream-context.js';
import type { OperatorStateMetrics } from '../exec/stateful/operator-state.js';
import type { Offset, StreamSource } from '../sources/source.js';
import { rate, type OperatorProgress, type PhaseTimer, type StreamingQueryProgress } from './progress.js';

/** What a committed batch hands the reporter. */
export interface FinishedBatch {
  readonly batchId: number;
  readonly starts: readonly (Offset | null)[];
  readonly ends: readonly (Offset | null)[];
  /** Input rows per source. */
  readonly counts: readonly number[];
  readonly outputRows: number;
  readonly triggerStartMs: number;
  /** Clock time from the previous trigger's start to this one's (0 for the first): the span of inputRowsPerSecond. */
  readonly inputIntervalMs: number;
  /** performance.now() when the batch began; its duration runs to the report. */
  readonly t0: number;
  readonly timer: PhaseTimer;
  readonly eventTime: readonly EventTimeStats[];
  readonly batchWatermarkMs: number;
  readonly droppedByWatermark: ReadonlyMap<number, number>;
  /** Every operator that ran on its own, top-down (operatorMetrics). */
  readonly operators: readonly OperatorProgress[];
  /** Per stateful operator (in operator-id order): its id, Spark's name, partitions and this batch's state metrics. */
  readonly stateOperators: readonly { readonly operatorId: number; readonly operatorName: string; readonly numPartitions: number; readonly metrics: OperatorStateMetrics }[];
}

export interface ProgressContext {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly sinkDescription: string;
  readonly hasWatermark: boolean;
}

/**
 * Builds each batch's StreamingQueryProgress (Spark's ProgressReporter):
 * inputRowsPerSecond divides the input rows by the clock time since the
 * previous trigger started (idle triggers included), processedRowsPerSecond
 * by the batch's own duration; durationMs holds the phases the batch timed
 * (see StreamingQueryProgress.durationMs).
 */
export class ProgressReporter {
  private lastTriggerStartMs: number | undefined;

  /** Marks the start of a trigger (Spark's startTrigger); returns the time since the previous trigger started, 0 for the first. */
  startTrigger(nowMs: number): number {
    const interval = this.lastTriggerStartMs === undefined ? 0 : nowMs - this.lastTriggerStartMs;
    this.lastTriggerStartMs = nowMs;
    return interval;
  }

  report(ctx: ProgressContext, b: FinishedBatch, sources: readonly StreamSource[]): StreamingQueryProgress {
    const elapsed = performance.now() - b.t0;
    b.timer.durations.triggerExecution = elapsed;
    const numInputRows = b.counts.reduce((a, c) => a + c, 0);
    return {
      id: ctx.id,
      runId: ctx.runId,
      name: ctx.name,
      timestamp: new Date(b.triggerStartMs).toISOString(),
      batchId: b.batchId,
      batchDuration: Math.round(elapsed),
      numInputRows,
      inputRowsPerSecond: rate(numInputRows, b.inputIntervalMs),
      processedRowsPerSecond: rate(numInputRows, elapsed),
      durationMs: Object.fromEntries(Object.entries(b.timer.durations).map(([k, v]) => [k, Math.round(v)])),
      eventTime: eventTimeProgress(b.eventTime, b.batchWatermarkMs, ctx.hasWatermark),
      stateOperators: b.stateOperators.map((s) => ({
        operatorName: s.operatorName,
        ...s.metrics,
        numRowsDroppedByWatermark: b.droppedByWatermark.get(s.operatorId) ?? 0,
        numShufflePartitions: s.numPartitions,
        numStateStoreInstances: s.numPartitions,
      })),
      operators: b.operators,
      sources: sources.map((s, i) => {
        const metrics = s.metrics?.(b.ends[i] ?? null);
        return {
          description: s.description,
          startOffset: b.starts[i] ?? null,
          endOffset: b.ends[i] ?? null,
          latestOffset: s.reportLatestOffset ? s.reportLatestOffset() : b.ends[i] ?? null,
          numInputRows: b.counts[i]!,
          inputRowsPerSecond: rate(b.counts[i]!, b.inputIntervalMs),
          processedRowsPerSecond: rate(b.counts[i]!, elapsed),
          ...(metrics !== undefined ? { metrics } : {}),
        };
      }),
      sink: { description: ctx.sinkDescription, numOutputRows: b.outputRows },
    };
  }
}

/** Spark's eventTime progress entry: this batch's min/avg/max event time and the watermark it ran with, as ISO strings. */
export function eventTimeProgress(stats: readonly EventTimeStats[], watermarkMs: number, hasWatermark: boolean): Record<string, string> {
  if (!hasWatermark) return {};
  const out: Record<string, string> = {};
  const seen = stats.filter((s) => s.count > 0);
  if (seen.length > 0) {
    const iso = (micros: number) => new Date(Math.floor(micros / 1000)).toISOString();
    out.min = iso(Math.min(...seen.map((s) => s.min)));
    out.max = iso(Math.max(...seen.map((s) => s.max)));
    out.avg = iso(seen.reduce((a, s) => a + s.sum, 0) / seen.reduce((a, s) => a + s.count, 0));
  }
  out.watermark = new Date(watermarkMs).toISOString();
  return out;
}
