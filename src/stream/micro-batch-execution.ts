import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { concatBatches, emptyBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { CommitLog } from '../checkpoint/commit-log.js';
import { verifyBatchIds } from '../checkpoint/metadata-log.js';
import { OffsetLog } from '../checkpoint/offset-log.js';
import { readStreamMetadata, streamMetadataPath, writeStreamMetadata } from '../checkpoint/stream-metadata.js';
import { execute, type ExecOptions } from '../exec/execute.js';
import type { PhysicalPlan } from '../exec/physical.js';
import { OperatorState, type OperatorStateMetrics, type StateStoreOptions } from '../exec/stateful/operator-state.js';
import { aggregateStateSchemas } from '../exec/stateful/stateful-aggregate.js';
import { dedupStateSchemas } from '../exec/stateful/streaming-dedup.js';
import { sessionStateSchemas } from '../exec/stateful/session-aggregate.js';
import type { StreamingRelation } from '../plan/logical.js';
import type { StatefulOperatorInfo } from '../plan/streaming.js';
import type { OutputMode, StreamSink } from '../sinks/sink.js';
import type { Offset, ReadLimit, StreamSource } from '../sources/source.js';
import type { Clock } from './clock.js';
import { PhaseTimer, rate, type StreamingQueryProgress } from './progress.js';
import type { EventTimeStats } from '../exec/stream-context.js';
import type { Trigger } from './trigger.js';
import { WatermarkTracker } from './watermark-tracker.js';

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
  readonly multipleWatermarkPolicy: 'min' | 'max';
  /** spark.sql.streaming.noDataMicroBatches.enabled: run a batch without new data when the watermark moved. */
  readonly noDataBatches: boolean;
}

/** Hooks the StreamingQuery listens on. */
export interface MicroBatchEvents {
  onStarted(id: string): void;
  onProgress(p: StreamingQueryProgress): void;
  onIdle(): void;
  onStatus(message: string, isDataAvailable: boolean, isTriggerActive: boolean): void;
}

/** Spark's short names of the stateful operators, as progress reports them. */
const OPERATOR_NAMES: Record<StatefulOperatorInfo['node']['kind'], string> = {
  statefulAggregate: 'stateStoreSave', streamingDedup: 'dedupe', sessionAggregate: 'sessionWindowStateStoreSaveExec',
};

/**
 * Batches whose commits may be under way at once. Batch N+2 computes while
 * N and N+1 commit; its offsets entry waits for `commits/N`, so on disk at
 * most two batches are without a commit.
 */
const PIPELINE_DEPTH = 3;

const sameOffset = (a: Offset | null, b: Offset | null): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The micro-batch engine (Spark's MicroBatchExecution). Each batch, in order:
 * ask every source for its latest offset; write `offsets/N` (the write-ahead
 * log) before reading anything; read exactly the data between the previous
 * end offsets and these; run the plan, whose stateful operators read state
 * version N and write N+1; hand the result to the sink with the batch id;
 * commit the state; write `commits/N`; let the sources forget what is
 * committed. A restart that finds `offsets/N` without `commits/N` runs batch N
 * again with exactly the logged offsets, so the sink (idempotent by batch id)
 * and the state see every input exactly once.
 *
 * Commits are pipelined: once batch N has computed and sealed its state in
 * memory, the next batches may compute while N's sink, state files and
 * `commits/N` are written (writing, not computing, is most of a large
 * batch's commit). The order on disk is kept: batch N+1 reaches its sink
 * only after `commits/N`, and `offsets/N+2` is written only after
 * `commits/N`. So a crash leaves at most two batches without a commit, and
 * a restart runs both again.
 */
export class MicroBatchExecution {
  private sources: StreamSource[] = [];
  private states = new Map<number, OperatorState>();
  private offsetLog!: OffsetLog;
  private commitLog!: CommitLog;
  /** End offsets of the last committed batch (what waitForOffset reports). */
  private committed: readonly (Offset | null)[] = [];
  /** End offsets of the last batch run, committed or not: where the next batch starts. */
  private planned: readonly (Offset | null)[] = [];
  private nextBatchId = 0;
  /**
   * The commits of the last batches run (at most PIPELINE_DEPTH, oldest first), each under way or done; one
   * rejects if that commit failed. Each waits for the one before it.
   */
  private commits: Promise<void>[] = [];
  private readonly staticCache = new Map<object, RecordBatch[]>();
  private readonly abort = new AbortController();
  private stopped = false;
  /** The new checkpoint's metadata file, being written (see open()). */
  private metadataWrite: Promise<void> | undefined;
  /** A batch's commit failed: the loop stops and reports it. */
  private failed = false;
  private idleWaiters: (() => void)[] = [];
  private noDataSeen = 0;
  /** The query id from the checkpoint's metadata file. */
  id = '';
  /** The watermark the next batch runs with (ms); it never moves back. */
  private readonly watermark: WatermarkTracker;
  /** The watermark the last batch ran with. */
  private lastBatchWatermarkMs = 0;

  constructor(private readonly cfg: MicroBatchConfig, private readonly events: MicroBatchEvents) {
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

  private offsetWaiters: (() => void)[] = [];
  private opened = false;

  private wakeOffsetWaiters(): void {
    const w = this.offsetWaiters;
    this.offsetWaiters = [];
    for (const f of w) f();
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
      await Promise.allSettled([...this.commits, this.metadataWrite]);
      await Promise.allSettled(this.sources.map((s) => s.stop()));
      for (const s of this.states.values()) s.close();
      await this.cfg.sink.stop?.();
      this.noDataSeen = Number.MAX_SAFE_INTEGER;
      this.wakeIdle();
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

  /** Finds where the last run stopped; checks the checkpoint still fits this query. */
  private async recover(): Promise<void> {
    const latest = await this.offsetLog.getLatest();
    this.committed = this.sources.map(() => null);
    // Old batches may have been purged, but the ones kept must have no gap: a missing file is damage, not a fresh start.
    verifyBatchIds(join(this.cfg.checkpointDir, 'offsets'), await this.offsetLog.listBatchIds());
    verifyBatchIds(join(this.cfg.checkpointDir, 'commits'), await this.commitLog.listBatchIds());
    const partitions = Number(this.cfg.conf['spark.sql.shuffle.partitions']);
    let statePartitions = partitions;
    const pending: PendingBatch[] = [];
    if (latest) {
      const file = join(this.cfg.checkpointDir, 'offsets', String(latest.batchId));
      if (latest.value.offsets.length !== this.sources.length) {
        throw new SpateError('CHECKPOINT_INCOMPATIBLE',
          `The checkpoint at ${this.cfg.checkpointDir} was written by a query with ${latest.value.offsets.length} source(s) (${file}), but this query has ${this.sources.length}. ` +
          'Use a new checkpointLocation for a changed query.');
      }
      const logged = latest.value.metadata.conf['spark.sql.shuffle.partitions'];
      if (logged !== undefined && Number(logged) !== partitions) {
        throw new SpateError('CHECKPOINT_INCOMPATIBLE',
          `spark.sql.shuffle.partitions is ${partitions} but the checkpoint's state was partitioned into ${logged} (${file}). ` +
          `The number of state partitions is fixed for the life of a checkpoint: set it back to ${logged}, or use a new checkpointLocation.`);
      }
      statePartitions = logged === undefined ? partitions : Number(logged);
      const lastCommit = await this.commitLog.getLatest();
      const firstUncommitted = lastCommit ? lastCommit.batchId + 1 : 0;
      if (firstUncommitted > latest.batchId) {
        this.committed = latest.value.offsets;
        this.nextBatchId = latest.batchId + 1;
        this.lastBatchWatermarkMs = latest.value.metadata.batchWatermarkMs;
        this.watermark.set(Math.max(lastCommit!.value.nextBatchWatermarkMs, this.lastBatchWatermarkMs));
      } else {
        // With commits pipelined one batch deep, a crash leaves at most two batches uncommitted.
        if (latest.batchId - firstUncommitted > 1) {
          throw new SpateError('CHECKPOINT_CORRUPT',
            `The checkpoint at ${this.cfg.checkpointDir} has offsets for batch ${latest.batchId} but its last commit is ${lastCommit ? `batch ${lastCommit.batchId}` : 'missing'} (${join(this.cfg.checkpointDir, 'commits')}); ` +
            'at most two batches can be uncommitted, so commit files are missing. Restore the missing files or use a new checkpointLocation.');
        }
        // The uncommitted batches run again with exactly their logged offsets and watermarks.
        for (let b = firstUncommitted; b <= latest.batchId; b++) {
          const entry = b === latest.batchId ? latest.value : await this.offsetLog.get(b);
          if (!entry) {
            throw new SpateError('CHECKPOINT_CORRUPT', `Batch ${b} must be run again, but ${join(this.cfg.checkpointDir, 'offsets', String(b))} (its offsets) is missing.`);
          }
          pending.push({ batchId: b, offsets: entry.offsets, watermarkMs: entry.metadata.batchWatermarkMs });
        }
        this.lastBatchWatermarkMs = 0;
        if (firstUncommitted > 0) {
          const prev = await this.offsetLog.get(firstUncommitted - 1);
          if (!prev) {
            throw new SpateError('CHECKPOINT_CORRUPT', `Batch ${firstUncommitted} must be run again, but ${join(this.cfg.checkpointDir, 'offsets', String(firstUncommitted - 1))} (its start offsets) is missing.`);
          }
          this.committed = prev.offsets;
          this.lastBatchWatermarkMs = prev.metadata.batchWatermarkMs;
        }
        this.nextBatchId = firstUncommitted;
      }
    }
    for (const op of this.cfg.operators) {
      const node = op.node;
      const schemas = node.kind === 'statefulAggregate' ? aggregateStateSchemas(node) : node.kind === 'sessionAggregate' ? sessionStateSchemas(node) : dedupStateSchemas(node);
      const state = new OperatorState(op.operatorId, OPERATOR_NAMES[node.kind],
        this.cfg.checkpointDir, statePartitions, schemas.keySchema, schemas.valueSchema, this.cfg.stateStore);
      await state.load(this.nextBatchId);
      this.states.set(op.operatorId, state);
    }
    this.statePartitions = statePartitions;
    this.pending = pending;
    this.planned = this.committed;
  }

  private statePartitions = 0;
  /** The clock time the previous trigger started, and the span from it to the current trigger's start. */
  private lastTriggerStartMs: number | undefined;
  private inputIntervalMs = 0;
  private pending: PendingBatch[] = [];

  private async loop(): Promise<void> {
    await this.loopBatches();
    // The last batches' commits, before the run counts as finished.
    await this.allCommitted();
    await this.metadataWrite;
  }

  private async loopBatches(): Promise<void> {
    const t = this.cfg.trigger;
    if (this.pending.length > 0) {
      const replays = this.pending;
      this.pending = [];
      for (const p of replays) {
        this.watermark.set(p.watermarkMs);
        await this.runBatch(p.batchId, p.offsets, new PhaseTimer(() => performance.now()), this.cfg.clock.now(), true);
      }
      if (t.kind === 'once') return;
    }
    let nextTrigger = this.cfg.clock.now();
    while (!this.stopped && !this.failed) {
      if (t.kind === 'processingTime' && t.intervalMs > 0) {
        await this.cfg.clock.waitUntil(nextTrigger, this.abort.signal);
        if (this.stopped || this.failed) break;
      }
      const triggerStart = this.cfg.clock.now();
      // Spark's inputRowsPerSecond spans from the previous trigger's start (idle ones included) to this one's.
      this.inputIntervalMs = this.lastTriggerStartMs === undefined ? 0 : triggerStart - this.lastTriggerStartMs;
      this.lastTriggerStartMs = triggerStart;
      const timer = new PhaseTimer(() => performance.now());
      this.events.onStatus('Getting offsets from sources', false, true);
      const limitOf = (s: StreamSource): ReadLimit => (t.kind === 'once' ? { kind: 'all' } : s.defaultReadLimit?.() ?? { kind: 'all' });
      const ends = await timer.time('latestOffset', () => Promise.all(this.sources.map((s, i) => s.latestOffset(this.planned[i] ?? null, limitOf(s)))));
      const hasData = ends.some((e, i) => e !== null && !sameOffset(e, this.planned[i] ?? null));
      // A batch without new data when the watermark moved, so append output and eviction are not held back.
      const noDataBatch = !hasData && this.cfg.noDataBatches && this.cfg.watermarkDelaysMs.length > 0 &&
        this.states.size > 0 && this.watermark.currentMs > this.lastBatchWatermarkMs;
      if (hasData || noDataBatch) {
        await this.runBatch(this.nextBatchId, ends.map((e, i) => e ?? this.planned[i] ?? null), timer, triggerStart, false);
        if (t.kind === 'once') break;
      } else {
        // Idle means every batch run so far is committed (processAllAvailable reads the sink after this).
        await this.allCommitted();
        this.noDataSeen++;
        this.wakeIdle();
        this.events.onStatus('Waiting for data to arrive', false, false);
        this.events.onIdle();
        if (t.kind === 'once' || t.kind === 'availableNow') break;
      }
      if (t.kind === 'processingTime' && t.intervalMs > 0) {
        nextTrigger = (Math.floor(this.cfg.clock.now() / t.intervalMs) + 1) * t.intervalMs;
      } else if (!hasData) {
        // Idle with the default trigger: poll again after a real-time delay, as Spark sleeps pollingDelayMs.
        await sleepReal(this.cfg.pollingDelayMs, this.abort.signal);
      }
    }
  }

  /** Resolves when every batch run so far is committed; rejects with the first commit that failed. */
  private async allCommitted(): Promise<void> {
    for (const c of this.commits) await c;
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /**
   * Runs one batch up to its sealed state, then starts its commit (the
   * sink, the state files, `commits/N`) without waiting for it; the commit
   * waits for the previous batch's.
   */
  private async runBatch(batchId: number, ends: readonly (Offset | null)[], timer: PhaseTimer, triggerStart: number, replay: boolean): Promise<void> {
    // Lets I/O completions run (the loop may otherwise go from batch to batch in microtasks), and bounds the
    // batches in flight.
    await new Promise<void>((r) => setImmediate(r));
    if (this.commits.length >= PIPELINE_DEPTH) await this.commits[0];
    this.events.onStatus('Processing new data', true, true);
    const t0 = performance.now();
    const starts = this.planned;
    // The write-ahead log entry is written while the batch computes: it must be durable before the sink sees
    // any output, not before the computing starts (a crash before then leaves nothing to undo). It waits for
    // the commit two batches back, so at most two batches on disk are without a commit.
    const metadata = { batchWatermarkMs: this.watermark.currentMs, batchTimestampMs: triggerStart, conf: { ...this.cfg.conf, 'spark.sql.shuffle.partitions': String(this.statePartitions) } };
    const twoBack = this.commits.length >= 2 ? this.commits[this.commits.length - 2] : undefined;
    const wal: Promise<boolean> = replay ? Promise.resolve(true) : (twoBack ?? Promise.resolve()).then(() => this.offsetLog.add(batchId, { offsets: ends, metadata }));
    wal.catch(() => undefined); // awaited by the commit; this only keeps an early failure from being reported as unhandled
    const batchWatermarkMs = this.watermark.currentMs;
    const inputIntervalMs = replay ? 0 : this.inputIntervalMs;
    const eventTime: EventTimeStats[] = this.watermark.newStats();
    const droppedByWatermark = new Map<number, number>();
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
          counts.push(data.reduce((s, b) => s + b.numRows, 0));
        }
      });
      // Like Spark, where execution is lazy and happens inside the sink's addBatch, addBatch times both.
      const result = await timer.time('addBatch', () => execute(this.cfg.plan, {
        ...this.cfg.exec,
        stream: {
          batchId, inputs, outputMode: this.cfg.outputMode, operators: this.states, staticCache: this.staticCache,
          watermarkMs: batchWatermarkMs, lateWatermarkMs: this.lastBatchWatermarkMs, eventTime, droppedByWatermark,
        },
      }));
      out = result.length === 1 ? result[0]! : concatBatches(this.cfg.plan.schema, result);
      // Sealing hands the next batch this batch's state from memory; the files follow in the commit.
      sealed = Promise.all([...this.states.values()].map((st) => st.seal()));
      sealed.catch(() => undefined); // awaited by the commit
    } catch (e) {
      // The previous batch's commit finishes before the stores are rolled back; if it failed, that failure
      // came first and is the one reported.
      const earlier = await Promise.all(this.commits).then(() => undefined, (err: unknown) => err);
      for (const s of this.states.values()) s.abort();
      await wal.catch(() => undefined);
      throw earlier ?? e;
    }
    const nextWatermarkMs = this.watermark.update(eventTime);
    this.planned = ends;
    this.nextBatchId = batchId + 1;
    this.lastBatchWatermarkMs = batchWatermarkMs;
    const previous = this.commits[this.commits.length - 1];
    const commit = this.commitBatch(previous, {
      batchId, starts, ends, wal, out, sealed, nextWatermarkMs, batchWatermarkMs, eventTime, droppedByWatermark, counts, timer, triggerStart, t0, inputIntervalMs,
    });
    // Awaited by the next batch's commit and by the loop; a failure also wakes the loop from a trigger wait.
    commit.catch(() => { this.failed = true; this.abort.abort(); });
    this.commits.push(commit);
    if (this.commits.length > PIPELINE_DEPTH) this.commits.shift();
  }

  /** The second half of a batch: once the previous batch is committed, its sink and state files, then `commits/N`. */
  private async commitBatch(previous: Promise<void> | undefined, b: BatchInFlight): Promise<void> {
    const { batchId, ends, timer } = b;
    await previous;
    if (!(await timer.time('walCommit', () => b.wal))) {
      throw new SpateError('CONCURRENT_QUERY', `Another run wrote ${join(this.cfg.checkpointDir, 'offsets', String(batchId))} first: ` +
        'two queries are using the same checkpoint location. Stop the other query, or give this one its own checkpointLocation.');
    }
    // The state files are written while the sink writes the output: the commit log entry, which makes the
    // batch done, follows both (state files of a batch without one are never read). A failure here ends the
    // run with sealed versions in memory that no commit vouches for; run() drops them, a restart reads the disk.
    const [, metrics] = await Promise.all([
      timer.time('addBatch', () => this.cfg.sink.addBatch(batchId, b.out, this.cfg.outputMode)),
      timer.time('commitOffsets', () => b.sealed),
    ]);
    b.metrics = metrics;
    await timer.time('commitOffsets', async () => {
      if (this.metadataWrite !== undefined) { await this.metadataWrite; this.metadataWrite = undefined; }
      await this.commitLog.add(batchId, { nextBatchWatermarkMs: b.nextWatermarkMs });
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
    });
    this.committed = ends;
    this.wakeOffsetWaiters();
    this.reportProgress(b);
  }

  private reportProgress(b: BatchInFlight): void {
    const { batchId, starts, ends, counts, timer } = b;
    const elapsed = performance.now() - b.t0;
    timer.durations.triggerExecution = elapsed;
    const numInputRows = counts.reduce((a, c) => a + c, 0);
    const operators = [...this.states.values()];
    this.events.onProgress({
      id: this.id,
      runId: this.cfg.runId,
      name: this.cfg.name,
      timestamp: new Date(b.triggerStart).toISOString(),
      batchId,
      batchDuration: Math.round(elapsed),
      numInputRows,
      inputRowsPerSecond: rate(numInputRows, b.inputIntervalMs),
      processedRowsPerSecond: rate(numInputRows, elapsed),
      durationMs: Object.fromEntries(Object.entries(timer.durations).map(([k, v]) => [k, Math.round(v)])),
      eventTime: eventTimeProgress(b.eventTime, b.batchWatermarkMs, this.cfg.watermarkDelaysMs.length > 0),
      stateOperators: operators.map((s, i) => ({
        operatorName: s.operatorName,
        ...b.metrics![i]!,
        numRowsDroppedByWatermark: b.droppedByWatermark.get(s.operatorId) ?? 0,
        numShufflePartitions: s.numPartitions,
        numStateStoreInstances: s.numPartitions,
      })),
      sources: this.sources.map((s, i) => {
        const metrics = s.metrics?.(ends[i] ?? null);
        return {
          description: s.description,
          startOffset: starts[i] ?? null,
          endOffset: ends[i] ?? null,
          latestOffset: s.reportLatestOffset ? s.reportLatestOffset() : ends[i] ?? null,
          numInputRows: counts[i]!,
          inputRowsPerSecond: rate(counts[i]!, b.inputIntervalMs),
          processedRowsPerSecond: rate(counts[i]!, elapsed),
          ...(metrics !== undefined ? { metrics } : {}),
        };
      }),
      sink: { description: this.cfg.sink.description, numOutputRows: b.out.numRows },
    });
  }
}

/** A batch between its computing and its commit log entry. */
interface BatchInFlight {
  readonly batchId: number;
  readonly starts: readonly (Offset | null)[];
  readonly ends: readonly (Offset | null)[];
  /** Resolves true once `offsets/N` is durable, false if another run wrote it first. */
  readonly wal: Promise<boolean>;
  readonly out: RecordBatch;
  /** Resolves with each stateful operator's metrics once its sealed state is durable. */
  readonly sealed: Promise<OperatorStateMetrics[]>;
  readonly nextWatermarkMs: number;
  readonly batchWatermarkMs: number;
  readonly eventTime: readonly EventTimeStats[];
  readonly droppedByWatermark: ReadonlyMap<number, number>;
  readonly counts: readonly number[];
  readonly timer: PhaseTimer;
  readonly triggerStart: number;
  /** Clock time from the previous trigger's start to this one's (0 for the first): the span of inputRowsPerSecond. */
  readonly inputIntervalMs: number;
  readonly t0: number;
  metrics?: OperatorStateMetrics[];
}

/** An uncommitted batch found at restart, run again with its logged offsets and watermark. */
interface PendingBatch {
  readonly batchId: number;
  readonly offsets: readonly (Offset | null)[];
  readonly watermarkMs: number;
}

/** Spark's eventTime progress entry: this batch's min/avg/max event time and the watermark it ran with, as ISO strings. */
function eventTimeProgress(stats: readonly EventTimeStats[], watermarkMs: number, hasWatermark: boolean): Record<string, string> {
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

function sleepReal(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}
