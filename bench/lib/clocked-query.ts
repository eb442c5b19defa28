/**
 * A streaming query whose triggers fire when the benchmark advances a manual
 * clock (processingTime trigger): each trigger runs at most one micro-batch,
 * and the time from advancing the clock to the batch's progress (or idle)
 * event is that batch's latency, with no polling delay in it. trigger()
 * waits for that event; fire() only waits until the query is ready for the
 * next trigger (the last batch computed, its commit maybe still under way),
 * as a source with data always waiting would see it.
 */
import type { DataFrame, SparkSession, StreamingQuery } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';
import type { StreamingQueryProgress } from '../../src/stream/progress.js';

export type TriggerEvent = { kind: 'progress'; progress: StreamingQueryProgress } | { kind: 'idle' };

export interface ClockedOptions {
  readonly mode: 'append' | 'update' | 'complete';
  readonly format: 'noop' | 'memory' | 'foreachBatch';
  readonly checkpoint: string;
  /** Memory sink table name. */
  readonly name?: string;
  readonly foreachBatch?: (df: DataFrame, batchId: number) => Promise<void> | void;
}

export class ClockedQuery {
  private readonly clock = new ManualClock(0);
  private waiting: ((e: TriggerEvent) => void) | undefined;
  private readonly listener;
  readonly query: StreamingQuery;
  /** Every batch's progress, including a batch the query ran at start() before the first trigger() call. */
  readonly progress: StreamingQueryProgress[] = [];
  /** performance.now() when each batch's progress arrived, by batch id. */
  readonly arrived = new Map<number, number>();
  /** Idle events so far (a trigger that found nothing to do, once every batch before it was committed). */
  idles = 0;

  constructor(private readonly spark: SparkSession, df: DataFrame, o: ClockedOptions) {
    this.listener = {
      onQueryProgress: ({ progress }: { progress: StreamingQueryProgress }) => {
        // Listeners see every query's events, some while this one is still starting.
        if (this.query === undefined || progress.runId !== this.query.runId) return;
        this.progress.push(progress);
        this.arrived.set(progress.batchId, performance.now());
        this.notify({ kind: 'progress', progress });
      },
      onQueryIdle: ({ runId }: { runId: string }) => {
        if (this.query === undefined || runId !== this.query.runId) return;
        this.idles++;
        this.notify({ kind: 'idle' });
      },
    };
    spark.streams.addListener(this.listener);
    let w = df.writeStream.outputMode(o.mode).option('checkpointLocation', o.checkpoint)
      .trigger({ processingTime: '1 second' }).withClock(this.clock);
    if (o.format === 'foreachBatch') w = w.foreachBatch(o.foreachBatch!);
    else w = w.format(o.format);
    if (o.name !== undefined) w = w.queryName(o.name);
    this.query = w.start();
  }

  private notify(e: TriggerEvent): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(e);
  }

  /** Waits for the query to block on the clock (its previous trigger done). */
  async ready(): Promise<void> {
    for (let i = 0; !this.clock.isWaiting(); i++) {
      if (!this.query.isActive) throw this.query.exception() ?? new Error('the query stopped');
      await new Promise<void>((r) => setImmediate(r));
      if (i > 10_000_000) throw new Error('the query never waited for its next trigger');
    }
  }

  /** Fires one trigger; resolves with its event and the wall time from clock advance to event, in ms. */
  async trigger(): Promise<{ event: TriggerEvent; ms: number }> {
    await this.ready();
    let watch: NodeJS.Timeout | undefined;
    const done = new Promise<TriggerEvent>((resolve, reject) => {
      this.waiting = resolve;
      // A query that fails mid-batch sends no event: notice it stopped instead of waiting forever.
      watch = setInterval(() => { if (!this.query.isActive) reject(this.query.exception() ?? new Error('the query stopped')); }, 50);
    });
    const t0 = performance.now();
    this.clock.advance(1000);
    try {
      const event = await done;
      return { event, ms: performance.now() - t0 };
    } finally {
      clearInterval(watch);
    }
  }

  /** Fires one trigger once the query is ready for it, without waiting for its outcome; returns when it fired (performance.now()). */
  async fire(): Promise<number> {
    await this.ready();
    const t0 = performance.now();
    this.clock.advance(1000);
    return t0;
  }

  /** Fires triggers until one finds nothing to do (no data, no watermark move); returns the batches' latencies. */
  async drain(): Promise<number[]> {
    const ms: number[] = [];
    for (;;) {
      const t = await this.trigger();
      if (t.event.kind === 'idle') return ms;
      ms.push(t.ms);
    }
  }

  async stop(): Promise<void> {
    await this.query.stop();
    this.spark.streams.removeListener(this.listener);
  }
}
