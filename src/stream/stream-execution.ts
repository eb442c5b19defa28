import type { OperatorMetrics } from '../exec/operator-metrics.js';
import type { Offset, StreamSource } from '../sources/source.js';
import type { StreamingQueryProgress } from './progress.js';

/** Hooks the StreamingQuery listens on, whatever runs the query. */
export interface ExecutionEvents {
  onStarted(id: string): void;
  onProgress(p: StreamingQueryProgress): void;
  onIdle(): void;
  onStatus(message: string, isDataAvailable: boolean, isTriggerActive: boolean): void;
}

/**
 * What runs a started query (Spark's StreamExecution): today
 * MicroBatchExecution; a continuous or real-time execution is a second
 * implementation that StreamingQuery starts instead, for its trigger. The
 * parts under `stream/` are shared by both: recovery planning over the
 * offsets and commits logs (recovery.ts), the watermark (watermark-tracker.ts),
 * progress (progress-reporter.ts); the micro-batch one adds its trigger
 * executor and commit pipeline.
 */
export interface StreamExecution {
  /** The query id (from the checkpoint's metadata file once started). */
  readonly id: string;
  /** Runs until the trigger is done or stop() is called; rejects with the failure that stopped it. */
  run(): Promise<void>;
  /** Asks the run to finish after the work in progress. */
  stop(): void;
  /** Resolves once the committed end offset of `source` reaches `offset` (the test harness's awaitOffset). */
  waitForOffset(source: StreamSource, offset: Offset): Promise<void>;
  /** Resolves when a check for new data that began after this call found none (processAllAvailable). */
  waitForIdle(): Promise<void>;
  /** What each physical node did over the run so far (rows out and time), for explain(). */
  readonly operatorTotals: OperatorMetrics;
}
