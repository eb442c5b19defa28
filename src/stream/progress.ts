import type { Offset } from '../sources/source.js';

/** One source's part of a progress report (Spark's SourceProgress). */
export interface SourceProgress {
  readonly description: string;
  readonly startOffset: Offset | null;
  readonly endOffset: Offset | null;
  readonly latestOffset: Offset | null;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  /** Source-specific metrics (Spark's SourceProgress.metrics), e.g. Kafka's offsetsBehindLatest. */
  readonly metrics?: Readonly<Record<string, string>>;
}

/** One stateful operator's part of a progress report (Spark's StateOperatorProgress). */
export interface StateOperatorProgress {
  readonly operatorName: string;
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly numRowsDroppedByWatermark: number;
  readonly commitTimeMs: number;
  readonly memoryUsedBytes: number;
  readonly numShufflePartitions: number;
  readonly numStateStoreInstances: number;
}

/** One physical operator's part of a progress report (spate's, in the spirit of Spark's SQL metrics). */
export interface OperatorProgress {
  readonly operator: string;
  readonly numInputRows: number;
  readonly numOutputRows: number;
  readonly timeMs: number;
}

/** What a micro-batch did, in the JSON shape of Spark's StreamingQueryProgress. */
export interface StreamingQueryProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  /** ISO-8601 time the trigger started. */
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  /**
   * Milliseconds per phase, each timing only its own step: latestOffset (asking the sources), getBatch
   * (reading the data), execution (running the plan up to the state sealed in memory; Spark runs it lazily
   * inside addBatch, spate before it), walCommit (writing offsets/N, which overlaps the execution), addBatch
   * (the sink's write), commitOffsets (writing commits/N), triggerExecution (the whole batch). The state
   * files' write is each operator's stateOperators[].commitTimeMs.
   */
  readonly durationMs: Readonly<Record<string, number>>;
  readonly eventTime: Readonly<Record<string, string>>;
  readonly stateOperators: readonly StateOperatorProgress[];
  /**
   * spate's own: every physical operator that ran on its own in this batch, top-down, with its explain
   * line, rows in, rows out and its own time (nodes fused into a loop report through the node that runs it).
   */
  readonly operators: readonly OperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: { readonly description: string; readonly numOutputRows: number };
}

/** Rows per second over a span of milliseconds (0 when the span is empty, as Spark reports). */
export function rate(rows: number, ms: number): number {
  return ms > 0 ? (rows * 1000) / ms : 0;
}

/** Times the phases of one trigger. */
export class PhaseTimer {
  readonly durations: Record<string, number> = {};
  constructor(private readonly now: () => number) {}
  async time<T>(phase: string, f: () => Promise<T> | T): Promise<T> {
    const t0 = this.now();
    try {
      return await f();
    } finally {
      this.durations[phase] = (this.durations[phase] ?? 0) + (this.now() - t0);
    }
  }
}
