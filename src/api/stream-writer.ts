import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RecordBatch } from '../core/batch.js';
import { AnalysisException, SpateError } from '../core/errors.js';
import { checkStreamingPlan, planIncremental } from '../plan/streaming.js';
import { isStreamingPlan, streamingRelations } from '../plan/logical.js';
import type { OutputMode } from '../core/output-mode.js';
import { createSink, sinkKnownOptions, ForeachBatchSink, ForeachSink, type ForeachWriter, type StreamSink } from '../sinks/index.js';
import { SystemClock, type Clock } from '../stream/clock.js';
import { StreamingQuery } from '../stream/streaming-query.js';
import { DEFAULT_TRIGGER, parseTrigger, type Trigger, type TriggerSpec } from '../stream/trigger.js';
import type { DataFrame } from './dataframe.js';
import { checkUserOptions, putOptions, type OptionValue } from './options.js';
import { SETTINGS } from './settings.js';

const MODES: readonly OutputMode[] = ['append', 'update', 'complete'];
/** Sinks that may run without a checkpointLocation (a temporary one is made), as in Spark. */
const TEMP_CHECKPOINT_SINKS = new Set(['console', 'memory', 'noop']);

/**
 * `df.writeStream`: where and how a streaming query writes. `start()` checks
 * the query (output mode, unsupported operations) and returns the running
 * StreamingQuery at once.
 */
export class DataStreamWriter {
  private fmt = 'console';
  private mode: OutputMode = 'append';
  private readonly opts: Record<string, string> = {};
  private name: string | undefined;
  private trig: Trigger = DEFAULT_TRIGGER;
  private partitionCols: string[] = [];
  private foreachWriter: ForeachWriter | undefined;
  private batchFn: ((df: DataFrame, batchId: number) => Promise<void> | void) | undefined;
  private clock: Clock = new SystemClock();

  constructor(private readonly df: DataFrame) {}

  format(source: string): this { this.fmt = source.toLowerCase(); return this; }
  /** append (default), update or complete. */
  outputMode(mode: string): this {
    const m = mode.toLowerCase() as OutputMode;
    if (!MODES.includes(m)) throw new SpateError('INVALID_OUTPUT_MODE', `Unknown output mode '${mode}'. Accepted output modes are 'append', 'complete', 'update'.`);
    this.mode = m;
    return this;
  }
  option(key: string, value: OptionValue): this { putOptions(this.opts, { [key]: value }); return this; }
  options(opts: Record<string, OptionValue>): this { putOptions(this.opts, opts); return this; }
  /** Names the query (progress reports, and the table of the memory sink). */
  queryName(name: string): this { this.name = name; return this; }
  /** { processingTime: '2 seconds' }, { once: true } or { availableNow: true }. */
  trigger(spec: TriggerSpec): this { this.trig = parseTrigger(spec); return this; }
  partitionBy(...cols: (string | readonly string[])[]): this { this.partitionCols = cols.flat() as string[]; return this; }
  /** Calls the writer's open/process/close for every row of every batch. */
  foreach(writer: ForeachWriter): this { this.foreachWriter = writer; this.fmt = 'foreach'; return this; }
  /** Calls `fn` with each micro-batch's output as a DataFrame and the batch id. */
  foreachBatch(fn: (df: DataFrame, batchId: number) => Promise<void> | void): this { this.batchFn = fn; this.fmt = 'foreachbatch'; return this; }
  /** @internal A sink instance to write to (the test harness keeps one across restarts). */
  withSink(sink: StreamSink): this { this.customSink = sink; return this; }
  private customSink: StreamSink | undefined;
  /** @internal The clock triggers and rate sources run by (a ManualClock in tests). */
  withClock(clock: Clock): this { this.clock = clock; return this; }

  /** Starts the query; `path` is the output directory of a file sink. */
  start(path?: string): StreamingQuery {
    const session = this.df.sparkSession;
    if (!isStreamingPlan(this.df.plan)) {
      throw new AnalysisException('WRITE_STREAM_NOT_ALLOWED', "'writeStream' can be called only on a streaming DataFrame (one read with spark.readStream); use df.write for a static DataFrame.");
    }
    if (this.trig.kind === 'continuous') {
      throw new AnalysisException('UNSUPPORTED_TRIGGER', 'Continuous processing is not supported yet; use the default trigger or { processingTime: ... }.');
    }
    const options = { ...this.opts, ...(path !== undefined ? { path } : {}) };
    if (this.customSink === undefined) {
      checkUserOptions(session.conf, options, sinkKnownOptions(this.fmt), `the ${this.fmt} sink`, ['checkpointLocation']);
    }
    const analyzed = this.df.analyze();
    checkStreamingPlan(analyzed.plan, this.mode);
    const optimized = this.df.optimizedPlan();
    const { plan, operators, watermarkDelaysMs } = planIncremental(optimized);
    const sink = this.makeSink(options, analyzed.plan.schema);
    const checkpointDir = this.checkpointLocation(options);
    const running = session.streams.checkpointInUse(checkpointDir);
    if (running) {
      throw new SpateError('CONCURRENT_QUERY',
        `Another query (id = ${running.id}, runId = ${running.runId}) is already running on checkpoint ${checkpointDir}; stop it first or use another checkpointLocation.`);
    }
    const conf = session.conf;
    const query = new StreamingQuery(session.streams, {
      id: undefined,
      runId: randomUUID(),
      name: this.name ?? null,
      checkpointDir,
      plan,
      operators,
      relations: streamingRelations(this.df.plan),
      sink,
      outputMode: this.mode,
      trigger: this.trig,
      clock: this.clock,
      exec: session.execOptions(),
      conf: { [SETTINGS.shufflePartitions.key]: String(conf.value(SETTINGS.shufflePartitions)) },
      stateStore: {
        minDeltasForSnapshot: conf.value(SETTINGS.minDeltasForSnapshot),
        minBatchesToRetain: conf.value(SETTINGS.minBatchesToRetain),
      },
      timeZone: session.timeZone(),
      pollingDelayMs: conf.value(SETTINGS.pollingDelay),
      watermarkDelaysMs,
      multipleWatermarkPolicy: conf.value(SETTINGS.multipleWatermarkPolicy),
      noDataBatches: conf.value(SETTINGS.noDataMicroBatches),
    }, this.df.plan, optimized, plan);
    session.streams.register(query, checkpointDir);
    return query;
  }

  private makeSink(options: Record<string, string>, schema: RecordBatch['schema']): StreamSink {
    const session = this.df.sparkSession;
    if (this.customSink) return this.customSink;
    if (this.fmt === 'foreach' && this.foreachWriter) return new ForeachSink(this.foreachWriter);
    if (this.fmt === 'foreachbatch' && this.batchFn) {
      const fn = this.batchFn;
      return new ForeachBatchSink((batch, batchId) => fn(session.fromBatches(batch.schema, [batch]), batchId));
    }
    return createSink(this.fmt, options, {
      ...(this.name !== undefined ? { queryName: this.name } : {}),
      timeZone: session.timeZone(),
      partitionBy: this.partitionCols,
      outputMode: this.mode,
      schema,
    });
  }

  /** option('checkpointLocation'), else spark.sql.streaming.checkpointLocation/<name or id>, else a temporary directory for console/memory sinks. */
  private checkpointLocation(options: Record<string, string>): string {
    const given = Object.entries(options).find(([k]) => k.toLowerCase() === 'checkpointlocation')?.[1];
    if (given) return resolve(given);
    const root = this.df.sparkSession.conf.value(SETTINGS.checkpointLocation, 'optional');
    if (root) return resolve(join(root, this.name ?? randomUUID()));
    if (TEMP_CHECKPOINT_SINKS.has(this.fmt) || this.fmt === 'foreachbatch' || this.fmt === 'foreach' || this.customSink) {
      return mkdtempSync(join(tmpdir(), 'spate-checkpoint-'));
    }
    throw new AnalysisException('CHECKPOINT_LOCATION_REQUIRED',
      `checkpointLocation must be specified either through option("checkpointLocation", ...) or spark.conf.set("spark.sql.streaming.checkpointLocation", ...) for the ${this.fmt} sink.`);
  }
}
