import { SpateError } from '../core/errors.js';
import { logicalPlanLines } from '../plan/explain.js';
import { explainString } from '../exec/explain.js';
import type { PhysicalPlan } from '../physical/physical.js';
import type { LogicalPlan } from '../plan/logical.js';
import { MicroBatchExecution, type MicroBatchConfig } from './micro-batch-execution.js';
import type { StreamExecution } from './stream-execution.js';
import type { StreamingQueryProgress } from './progress.js';
import type { StreamingQueryManager } from './query-manager.js';
import type { Offset, StreamSource } from '../sources/source.js';

/** Where a query is (Spark's StreamingQueryStatus). */
export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
}

/** The failure that stopped a query; `cause` is the original error. */
export class StreamingQueryException extends SpateError {
  constructor(readonly queryName: string | null, readonly queryId: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super('STREAMING_QUERY_FAILED', `Query ${queryName ?? ''}[id = ${queryId}] terminated with exception: ${msg}`, { cause });
    this.name = 'StreamingQueryException';
  }
}

const RECENT_PROGRESS = 100;

/**
 * A running streaming query (Spark's StreamingQuery): started by
 * `writeStream.start()`, it runs micro-batches in the background until its
 * trigger is done, `stop()` is called, or a batch fails.
 */
export class StreamingQuery {
  readonly runId: string;
  readonly name: string | null;
  private queryId: string;
  /** What runs the query: the micro-batch engine (a continuous one would be another StreamExecution). */
  private readonly execution: StreamExecution;
  private readonly done: Promise<void>;
  private active = true;
  private failure: StreamingQueryException | null = null;
  private progress: StreamingQueryProgress[] = [];
  private currentStatus: StreamingQueryStatus = { message: 'Initializing sources', isDataAvailable: false, isTriggerActive: false };

  /** @internal Use writeStream.start(). */
  constructor(
    private readonly manager: StreamingQueryManager,
    cfg: MicroBatchConfig,
    private readonly logical: LogicalPlan,
    private readonly optimized: PhysicalPlan,
    private readonly physical: PhysicalPlan,
  ) {
    this.runId = cfg.runId;
    this.name = cfg.name;
    this.queryId = cfg.id ?? '';
    this.execution = new MicroBatchExecution(cfg, {
      onStarted: (id) => {
        this.queryId = id;
        manager.postStarted(this);
      },
      onProgress: (p) => {
        this.progress.push(p);
        if (this.progress.length > RECENT_PROGRESS) this.progress.shift();
        manager.postProgress(p);
      },
      onIdle: () => manager.postIdle(this),
      onStatus: (message, isDataAvailable, isTriggerActive) => { this.currentStatus = { message, isDataAvailable, isTriggerActive }; },
    });
    this.done = this.execution.run().then(
      () => this.finish(null),
      (e: unknown) => this.finish(new StreamingQueryException(this.name, this.queryId, e)),
    );
  }

  private finish(e: StreamingQueryException | null): void {
    this.active = false;
    this.failure = e;
    this.currentStatus = { message: 'Stopped', isDataAvailable: false, isTriggerActive: false };
    this.manager.postTerminated(this, e);
  }

  /** The id that survives restarts from the same checkpoint. */
  get id(): string { return this.queryId; }
  get isActive(): boolean { return this.active; }
  get status(): StreamingQueryStatus { return this.currentStatus; }
  /** The most recent progress update, or null before the first batch. */
  get lastProgress(): StreamingQueryProgress | null { return this.progress[this.progress.length - 1] ?? null; }
  /** The last (up to 100) progress updates, oldest first. */
  get recentProgress(): readonly StreamingQueryProgress[] { return [...this.progress]; }
  /** The failure that stopped the query, or null. */
  exception(): StreamingQueryException | null { return this.failure; }

  /**
   * Waits for the query to end: resolves (true) when it stops normally and
   * rejects with its StreamingQueryException when it failed. With a timeout,
   * resolves false if it is still running after `timeoutMs`.
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) {
      await this.done;
      if (this.failure) throw this.failure;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const r = await Promise.race([this.done.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (this.failure) throw this.failure;
    return r === 'done';
  }

  /** Waits until every row available now has been processed and committed to the sink. Rejects if the query fails. */
  async processAllAvailable(): Promise<void> {
    await Promise.race([this.execution.waitForIdle(), this.done]);
    if (this.failure) throw this.failure;
  }

  /** @internal Waits until the query committed `offset` of `source` (see MicroBatchExecution.waitForOffset). */
  async awaitOffset(source: StreamSource, offset: Offset): Promise<void> {
    await Promise.race([this.execution.waitForOffset(source, offset), this.done]);
    if (this.failure) throw this.failure;
  }

  /** Stops the query after the batch in progress and waits for it to end. */
  async stop(): Promise<void> {
    this.execution.stop();
    await this.done;
  }

  /** The incremental plan this query runs; once batches ran, each node shows its rows in, rows out and time over them. */
  explain(extended = false): void {
    process.stdout.write(this.explainString(extended));
  }

  /** What explain() prints. */
  explainString(extended = false): string {
    const totals = this.execution.operatorTotals;
    return explainString(logicalPlanLines(this.logical), this.optimized, this.physical, extended, totals.size > 0 ? totals : undefined);
  }
}
