import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { concatBatches, emptyBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { CommitLog } from '../checkpoint/commit-log.js';
import { OffsetLog } from '../checkpoint/offset-log.js';
import { readStreamMetadata, streamMetadataPath, writeStreamMetadata } from '../checkpoint/stream-metadata.js';
import { execute, type ExecOptions } from '../exec/execute.js';
import type { PhysicalPlan } from '../physical/physical.js';
import { OperatorState, type OperatorStateMetrics, type StateStoreOptions } from '../exec/stateful/operator-state.js';
import { addMetrics, operatorMetrics, type OperatorMetrics } from '../exec/operator-metrics.js';
import { stateSpecOf } from '../exec/operators.js';
import type { StreamingRelation } from '../plan/logical.js';
import type { StatefulOperatorInfo } from '../plan/streaming.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from '../sinks/sink.js';
import type { Offset, ReadLimit, StreamSource } from '../sources/source.js';
import type { Clock } from './clock.js';
import { CommitPipeline } from './commit-pipeline.js';
import { PhaseTimer } from './progress.js';
import { ProgressReporter, type FinishedBatch } from './progress-reporter.js';
import { planRecovery, readRecoveryInput, type ReplayBatch } from './recovery.js';
import type { ExecutionEvents, StreamExecution } from './stream-execution.js';
import { executeTriggers, type TriggerOutcome } from './trigger-executor.js';
import type { Trigger } from './trigger.js';
import { WatermarkTracker, type MultipleWatermarkPolicy } from './watermark-tracker.js';

/** Everything a micro-batch run needs, fixed at start(). */
export interface MicroBatchConfig {
  readonly id: string | undefined;
  readonly runId: string;
  readonly name: string | null;
  readonly checkpointDir: string;
  readonly plan: PhysicalPlan;
  readonly operators: readonly StatefulOperatorInfo[];
  readonly relations: readonly StreamingRelation[];
  readonly sink: StreamSink;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  readonly clock: Clock;
  readonly exec: ExecOptions;
  /** Session confs that must not change over a checkpoint's life, recorded in every offsets file. */
  readonly conf: Readonly<Record<string, string>>;
  readonly stateStore: StateStoreOptions;
  readonly timeZone: string;
  /** Milliseconds between checks for new data when idle with the default trigger (spark.sql.streaming.pollingDelay). */
  readonly pollingDelayMs: number;
  /** The delay of each withWatermark node, by watermark id. */
  readonly watermarkDelaysMs: readonly number[];
  /** spark.sql.streaming.multipleWatermarkPolicy: how several watermarks combine. */
  readonly multipleWatermarkPolicy: MultipleWatermarkPolicy;
  /** spark.sql.streaming.noDataMicroBatches.enabled: run a batch without new data when the watermark moved. */
  readonly noDataBatches: boolean;
}

/** Hooks the StreamingQuery listens on. */
export type MicroBatchEvents = ExecutionEvents;

const sameOffset = (a: Offset | null, b: Offset | null): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The micro-batch engine (Spark's MicroBatchExecution): the batch loop. Each
 * batch, in order: ask every source for its latest offset; write `offsets/N`
 * (the write-ahead log) before the sink sees anything; read exactly the data
 * between the previous end offsets and these; run the plan, whose stateful
 * operators read state version N and write N+1; hand the result to the sink
 * with the batch id; commit the state; write `commits/N`; let the sources
 * forget what is committed. A restart that finds `offsets/N` without
 * `commits/N` runs batch N again with exactly the logged offsets, so the
 * sink (idempotent by batch id) and the state see every input exactly once.
 *
 * The parts it drives: recovery planning (recovery.ts, from the logs alone),
 * the trigger executor (when batches run), the watermark tracker, the commit
 * pipeline (commits overlap the next batches' computing under named ordering
 * rules) and the progress reporter.
 */
export class MicroBatchExecution implements StreamExecution {
  /** The query id from the checkpoint's metadata file. */
  id = '';

  // Fixed once open() has run.
  private sources: StreamSource[] = [];
  private readonly states = new Map<number, OperatorState>();
  private offsetLog!: OffsetLog;
  private commitLog!: CommitLog;
  private statePartitions = 0;
  /** The new checkpoint's metadata file, being written (see open()); the first commit entry waits for it. */
  private metadataWrite: Promise<void> | undefined;
  private opened = false;

  // Where the batches are.
  /** End offsets of the last committed batch (what waitForOffset reports). */
  private committed: readonly (Offset | null)[] = [];
  /** End offsets of the last batch run, committed or not: where the next batch starts. */
  private planned: readonly (Offset | null)[] = [];
  private nextBatchId = 0;
  private replays: readonly ReplayBatch[] = [];
  /** The watermark the last batch ran with: rows at or below it are late for the next. */
  private lastBatchWatermarkMs = 0;
  private readonly watermark: WatermarkTracker;
  private readonly pipeline = new CommitPipeline();
  private readonly progress = new ProgressReporter();
  private readonly staticCache = new Map<object, RecordBatch[]>();
  /** What each physical node did over this run's batches (explain() after a run shows it). */
  readonly operatorTotals: OperatorMetrics = new Map();

  // Run control and the waits of waitForOffset / waitForIdle.
  private readonly abort = new AbortController();
  private stopped = false;
  /** A batch's commit failed: the loop stops and reports it. */
  private failed = false;
  private noDataSeen = 0;
  private idleWaiters: (() => void)[] = [];
  private offsetWaiters: (() => void)[] = [];

  constructor(private readonly cfg: MicroBatchConfig, private readonly events: ExecutionEvents) {
    this.watermark = new WatermarkTracker(cfg.watermarkDelaysMs, cfg.multipleWatermarkPolicy);
  }

  /** Asks the loop to finish after the current batch. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  /**
   * Resolves once the committed end offset of `source` (a source object of
   * this run, e.g. a MemoryStream) reaches `offset` — what the test harness
   * waits for after addData, as Spark's StreamTest does (awaitOffset). Numeric
   * offsets compare by value, others by equality.
   */
  waitForOffset(source: StreamSource, offset: Offset): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const i = this.sources.indexOf(source);
        if (this.stopped) return resolve();
        if (i < 0 && this.opened) return reject(new SpateError('SOURCE_NOT_IN_QUERY', `${source.description} is not a source of this query.`));
        const c = i < 0 ? null : this.committed[i] ?? null;
        const reached = c !== null && (typeof c === 'number' && typeof offset === 'number' ? c >= offset : sameOffset(c, offset));
        if (reached) resolve();
        else this.offsetWaiters.push(check);
      };
      check();
    });
  }

  /** Resolves when a check for new data that began after this call found none (Spark's processAllAvailable). */
  waitForIdle(): Promise<void> {
    const target = this.noDataSeen + 2;
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.noDataSeen >= target || this.stopped) resolve();
        else this.idleWaiters.push(check);
      };
      check();
    });
  }

  /** Runs until the trigger is done or stop() is called; rejects with the failure that stopped it. */
  async run(): Promise<void> {
    try {
      await this.open();
      await this.loop();
    } finally {
      // A failed run may leave a commit under way; it finishes before the stores and sources close.
      await Promise.allSettled([this.pipeline.settled(), this.metadataWrite]);
      await Promise.allSettled(this.sources.map((s) => s.stop()));
      for (const s of this.states.values()) s.close();
      await this.cfg.sink.stop?.();
      this.noDataSeen = Number.MAX_SAFE_INTEGER;
      wake(this.idleWaiters);
    }
  }

  private async open(): Promise<void> {
    const dir = this.cfg.checkpointDir;
    await mkdir(dir, { recursive: true });
    // A new checkpoint's metadata file is written while the query starts; the first commit entry waits for
    // it, so a committed batch always has its query id on disk.
    const meta = await readStreamMetadata(dir);
    this.id = meta?.id ?? randomUUID();
    if (meta === undefined) {
      const file = streamMetadataPath(dir);
      this.metadataWrite = writeStreamMetadata(dir, { id: this.id }).then((created) => {
        if (!created) {
          throw new SpateError('CONCURRENT_QUERY', `Another run created ${file} first: two queries are starting on the same new checkpoint location. ` +
            'Stop the other query, or give this one its own checkpointLocation.');
        }
      });
      this.metadataWrite.catch(() => undefined); // awaited before the first commit entry and by run()
    }
    this.events.onStarted(this.id);
    this.offsetLog = new OffsetLog(join(dir, 'offsets'));
    this.commitLog = new CommitLog(join(dir, 'commits'));
    this.sources = this.cfg.relations.map((r, i) => r.source.create({
      metadataPath: join(dir, 'sources', String(i)),
      options: r.source.options,
      schema: r.schema,
      timeZone: this.cfg.timeZone,
      now: () => this.cfg.clock.now(),
    }));
    await this.recover();
    await this.cfg.sink.open?.({ id: this.id, runId: this.cfg.runId, name: this.cfg.name, checkpointDir: dir });
    this.opened = true;
    this.wakeOffsetWaiters();
    if (this.cfg.trigger.kind === 'availableNow') {
      for (const s of this.sources) await s.prepareForTriggerAvailableNow?.();
    }
  }

  /** Finds where the last run stopped (planRecovery over the logs) and loads each operator's state there. */
  private async recover(): Promise<void> {
    const plan = planRecovery(await readRecoveryInput(this.offsetLog, this.commitLog, {
      checkpointDir: this.cfg.checkpointDir,
      numSources: this.sources.length,
      shufflePartitions: Number(this.cfg.conf['spark.sql.shuffle.partitions']),
    }));
    this.committed = plan.committed;
    this.planned = plan.committed;
    this.nextBatchId = plan.nextBatchId;
    this.statePartitions = plan.statePartitions;
    this.lastBatchWatermarkMs = plan.lastBatchWatermarkMs;
    this.watermark.set(plan.watermarkMs);
    this.replays = plan.replays;
    for (const op of this.cfg.operators) {
      const spec = stateSpecOf(op.node);
      if (spec === undefined) throw new SpateError('INTERNAL_ERROR', `Operator ${op.operatorId} (${op.node.kind}) keeps no state.`);
      const state = new OperatorState(op.operatorId, spec.name, this.cfg.checkpointDir, this.statePartitions, spec.keySchema, spec.valueSchema, this.cfg.stateStore);
      await state.load(this.nextBatchId);
      this.states.set(op.operatorId, state);
    }
  }

  private async loop(): Promise<void> {
    const t = this.cfg.trigger;
    // Uncommitted batches first, with exactly their logged offsets and watermarks.
    for (const r of this.replays) {
      this.watermark.set(r.watermarkMs);
      await this.runBatch({ batchId: r.batchId, ends: r.offsets, triggerStartMs: this.cfg.clock.now(), inputIntervalMs: 0, timer: newTimer(), replay: true });
    }
    if (!(this.replays.length > 0 && t.kind === 'once')) {
      await executeTriggers(t, { clock: this.cfg.clock, pollingDelayMs: this.cfg.pollingDelayMs, signal: this.abort.signal, isActive: () => !this.stopped && !this.failed },
        (triggerStartMs) => this.runTrigger(triggerStartMs));
    }
    // The last batches' commits, before the run counts as finished.
    await this.pipeline.allDone();
    await this.metadataWrite;
  }

  /** One trigger: a batch when a source has new data or the watermark moved, else an idle check. */
  private async runTrigger(triggerStartMs: number): Promise<TriggerOutcome> {
    const t = this.cfg.trigger;
    const inputIntervalMs = this.progress.startTrigger(triggerStartMs);
    const timer = newTimer();
    this.events.onStatus('Getting offsets from sources', false, true);
    const limitOf = (s: StreamSource): ReadLimit => (t.kind === 'once' ? { kind: 'all' } : s.defaultReadLimit?.() ?? { kind: 'all' });
    const ends = await timer.time('latestOffset', () => Promise.all(this.sources.map((s, i) => s.latestOffset(this.planned[i] ?? null, limitOf(s)))));
    const hasData = ends.some((e, i) => e !== null && !sameOffset(e, this.planned[i] ?? null));
    // A batch without new data when the watermark moved, so append output and eviction are not held back.
    const noDataBatch = !hasData && this.cfg.noDataBatches && this.watermark.hasWatermarks &&
      this.states.size > 0 && this.watermark.currentMs > this.lastBatchWatermarkMs;
    if (hasData || noDataBatch) {
      await this.runBatch({ batchId: this.nextBatchId, ends: ends.map((e, i) => e ?? this.planned[i] ?? null), triggerStartMs, inputIntervalMs, timer, replay: false });
      return hasData ? 'data' : 'noData';
    }
    // Idle means every batch run so far is committed (processAllAvailable reads the sink after this).
    await this.pipeline.allDone();
    this.noDataSeen++;
    wake(this.idleWaiters);
    this.events.onStatus('Waiting for data to arrive', false, false);
    this.events.onIdle();
    return 'idle';
  }

  /**
   * Runs one batch up to its sealed state, then starts its commit (the
   * sink, the state files, `commits/N`) without waiting for it.
   */
  private async runBatch(b: { batchId: number; ends: readonly (Offset | null)[]; triggerStartMs: number; inputIntervalMs: number; timer: PhaseTimer; replay: boolean }): Promise<void> {
    const { batchId, ends, timer } = b;
    // Lets I/O completions run (the loop may otherwise go from batch to batch in microtasks), and bounds the
    // batches in flight.
    await new Promise<void>((r) => setImmediate(r));
    await this.pipeline.mayCompute(batchId);
    this.events.onStatus('Processing new data', true, true);
    const t0 = performance.now();
    const starts = this.planned;
    const batchWatermarkMs = this.watermark.currentMs;
    // The write-ahead log entry is written while the batch computes: it must be durable before the sink sees
    // any output, not before the computing starts (a crash before then leaves nothing to undo).
    const metadata = { batchWatermarkMs, batchTimestampMs: b.triggerStartMs, conf: { ...this.cfg.conf, 'spark.sql.shuffle.partitions': String(this.statePartitions) } };
    const wal: Promise<boolean> = b.replay ? Promise.resolve(true)
      : this.pipeline.mayWriteOffsets(batchId).then(() => timer.time('walCommit', () => this.offsetLog.add(batchId, { offsets: ends, metadata })));
    wal.catch(() => undefined); // awaited by the commit; this only keeps an early failure from being reported as unhandled
    const eventTime = this.watermark.newStats();
    const droppedByWatermark = new Map<number, number>();
    const metrics: OperatorMetrics = new Map();
    const inputs = new Map<number, readonly RecordBatch[]>();
    const counts: number[] = [];
    let out: RecordBatch;
    let sealed: Promise<OperatorStateMetrics[]>;
    try {
      await timer.time('getBatch', async () => {
        for (let i = 0; i < this.sources.length; i++) {
          const start = starts[i] ?? null;
          const end = ends[i] ?? null;
          const data = end === null || sameOffset(start, end) ? [] : await this.sources[i]!.getBatch(start, end);
          const rel = this.cfg.relations[i]!;
          inputs.set(rel.id, data.length > 0 ? data : [emptyBatch(rel.schema)]);
          counts.push(data.reduce((s, x) => s + x.numRows, 0));
        }
      });
      // Running the plan, its stateful operators included, up to the state sealed in memory (the files follow in the commit).
      out = await timer.time('execution', async () => {
        const result = await execute(this.cfg.plan, {
          ...this.cfg.exec,
          metrics,
          stream: {
            batchId, inputs, outputMode: this.cfg.outputMode, operators: this.states, staticCache: this.staticCache,
            watermarkMs: batchWatermarkMs, lateWatermarkMs: this.lastBatchWatermarkMs, eventTime, droppedByWatermark,
          },
        });
        // Sealing hands the next batch this batch's state from memory.
        sealed = Promise.all([...this.states.values()].map((st) => st.seal()));
        sealed.catch(() => undefined); // awaited by the commit
        return result.length === 1 ? result[0]! : concatBatches(this.cfg.plan.schema, result);
      });
    } catch (e) {
      // The commits under way finish before the stores are rolled back; if one failed, that failure came
      // first and is the one reported.
      const earlier = await this.pipeline.firstFailure();
      for (const s of this.states.values()) s.abort();
      await wal.catch(() => undefined);
      throw earlier ?? e;
    }
    const nextWatermarkMs = this.watermark.update(eventTime);
    addMetrics(this.operatorTotals, metrics);
    this.planned = ends;
    this.nextBatchId = batchId + 1;
    this.lastBatchWatermarkMs = batchWatermarkMs;
    const commit = this.commitBatch(wal, sealed!, out, nextWatermarkMs, {
      batchId, starts, ends, counts, outputRows: out.numRows, triggerStartMs: b.triggerStartMs, inputIntervalMs: b.inputIntervalMs,
      t0, timer, eventTime, batchWatermarkMs, droppedByWatermark, stateOperators: [], operators: operatorMetrics(this.cfg.plan, metrics),
    });
    // Awaited by the next batch's commit and by the loop; a failure also wakes the loop from a trigger wait.
    commit.catch(() => { this.failed = true; this.abort.abort(); });
    this.pipeline.add(batchId, commit);
  }

  /** The second half of a batch: once the sink may write, its sink and state files, then `commits/N`. */
  private async commitBatch(wal: Promise<boolean>, sealed: Promise<OperatorStateMetrics[]>, out: RecordBatch, nextWatermarkMs: number, b: FinishedBatch): Promise<void> {
    const { batchId, ends, timer } = b;
    await this.pipeline.mayWriteSink(batchId);
    if (!(await wal)) {
      throw new SpateError('CONCURRENT_QUERY', `Another run wrote ${join(this.cfg.checkpointDir, 'offsets', String(batchId))} first: ` +
        'two queries are using the same checkpoint location. Stop the other query, or give this one its own checkpointLocation.');
    }
    // The state files are written while the sink writes the output: the commit log entry, which makes the
    // batch done, follows both (state files of a batch without one are never read). A failure here ends the
    // run with sealed versions in memory that no commit vouches for; run() drops them, a restart reads the disk.
    const [, metrics] = await Promise.all([
      timer.time('addBatch', () => this.cfg.sink.addBatch(batchId, out, this.cfg.outputMode)),
      sealed,
    ]);
    if (this.metadataWrite !== undefined) { await this.metadataWrite; this.metadataWrite = undefined; }
    await timer.time('commitOffsets', () => this.commitLog.add(batchId, { nextBatchWatermarkMs: nextWatermarkMs }));
    // Keep the last minBatchesToRetain batches' logs, as Spark does, so the checkpoint does not grow forever.
    const threshold = batchId + 1 - this.cfg.stateStore.minBatchesToRetain;
    if (threshold > 0 && batchId % 10 === 0) {
      await this.offsetLog.purge(threshold);
      await this.commitLog.purge(threshold);
    }
    for (let i = 0; i < this.sources.length; i++) {
      const end = ends[i];
      if (end !== null && end !== undefined) await this.sources[i]!.commit(end);
    }
    await Promise.all([...this.states.values()].map((st) => st.cleanup(batchId + 1)));
    this.committed = ends;
    this.wakeOffsetWaiters();
    const stateOperators = [...this.states.values()].map((s, i) => ({ operatorId: s.operatorId, operatorName: s.operatorName, numPartitions: s.numPartitions, metrics: metrics[i]! }));
    this.events.onProgress(this.progress.report(
      { id: this.id, runId: this.cfg.runId, name: this.cfg.name, sinkDescription: this.cfg.sink.description, hasWatermark: this.watermark.hasWatermarks },
      { ...b, stateOperators }, this.sources));
  }

  private wakeOffsetWaiters(): void {
    wake(this.offsetWaiters);
  }
}

const newTimer = (): PhaseTimer => new PhaseTimer(() => performance.now());

/** Calls and forgets every waiter (each re-registers itself if its condition does not hold yet). */
function wake(waiters: (() => void)[]): void {
  const w = waiters.splice(0);
  for (const f of w) f();
}

