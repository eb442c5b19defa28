import type { EventTimeStats } from '../exec/stream-context.js';

/** spark.sql.streaming.multipleWatermarkPolicy: how the watermarks of several withWatermark nodes combine. */
export type MultipleWatermarkPolicy = 'min' | 'max';

/**
 * The event-time watermark of a query (Spark's WatermarkTracker). Each
 * withWatermark node has its own watermark, max event time seen minus its
 * delay, which never moves back; a node that has seen no data yet counts as
 * 0 (Spark's `getOrElse(0L)`), so under the min policy the global watermark
 * waits for every input. The global watermark is the min (default) or max
 * of the nodes' and never moves back either. Only the global value is
 * checkpointed: after a restart each node starts again from "no data", as
 * in Spark.
 */
export class WatermarkTracker {
  /** Per node: its watermark in ms, or undefined before its first batch. */
  private readonly nodeMs: (number | undefined)[];
  private globalMs = 0;

  constructor(private readonly delaysMs: readonly number[], private readonly policy: MultipleWatermarkPolicy) {
    this.nodeMs = delaysMs.map(() => undefined);
  }

  /** True when the query has withWatermark nodes at all. */
  get hasWatermarks(): boolean {
    return this.delaysMs.length > 0;
  }

  /** The global watermark (ms since the epoch; 0 before any). */
  get currentMs(): number {
    return this.globalMs;
  }

  /** Sets the global watermark, as recovered from the checkpoint. */
  set(ms: number): void {
    this.globalMs = ms;
  }

  /** Fresh per-node statistics for a batch to fill (one per withWatermark node). */
  newStats(): EventTimeStats[] {
    return this.delaysMs.map(() => ({ min: Infinity, max: -Infinity, sum: 0, count: 0 }));
  }

  /**
   * Takes in what a batch saw (event times in microseconds, per node) and
   * returns the watermark for the next batch.
   */
  update(stats: readonly EventTimeStats[]): number {
    if (this.delaysMs.length === 0) return this.globalMs;
    for (let i = 0; i < this.delaysMs.length; i++) {
      const s = stats[i];
      const prev = this.nodeMs[i];
      if (s !== undefined && s.count > 0) {
        const ms = Math.floor(s.max / 1000) - this.delaysMs[i]!;
        if (prev === undefined || ms > prev) this.nodeMs[i] = ms;
      } else if (prev === undefined) {
        this.nodeMs[i] = 0;
      }
    }
    const values = this.nodeMs as number[];
    const chosen = this.policy === 'max' ? Math.max(...values) : Math.min(...values);
    if (chosen > this.globalMs) this.globalMs = chosen;
    return this.globalMs;
  }
}
