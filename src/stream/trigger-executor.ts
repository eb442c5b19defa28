import type { Clock } from './clock.js';
import type { Trigger } from './trigger.js';

/** What one trigger did: ran a batch with new data, ran a batch without (the watermark moved), or found nothing to do. */
export type TriggerOutcome = 'data' | 'noData' | 'idle';

export interface TriggerExecutorOptions {
  readonly clock: Clock;
  /** Real-time wait before the next check when idle with the default trigger (spark.sql.streaming.pollingDelay). */
  readonly pollingDelayMs: number;
  /** Cuts a wait short (stop(), or a failed commit). */
  readonly signal: AbortSignal;
  /** False once the query must end. */
  readonly isActive: () => boolean;
}

/**
 * Calls `trigger` as the query's trigger says, until it is done or the
 * query is no longer active (Spark's TriggerExecutor): `processingTime`
 * with an interval on the multiples of the interval (by the query's clock),
 * the default as soon as the previous trigger finished (after a polling
 * delay when it found nothing), `once` one time, `availableNow` until a
 * trigger finds nothing left.
 */
export async function executeTriggers(t: Trigger, o: TriggerExecutorOptions, trigger: (triggerStartMs: number) => Promise<TriggerOutcome>): Promise<void> {
  const timed = t.kind === 'processingTime' && t.intervalMs > 0;
  let nextTriggerMs = o.clock.now();
  while (o.isActive()) {
    if (timed) {
      await o.clock.waitUntil(nextTriggerMs, o.signal);
      if (!o.isActive()) break;
    }
    const outcome = await trigger(o.clock.now());
    if (t.kind === 'once' || (t.kind === 'availableNow' && outcome === 'idle')) break;
    if (timed) nextTriggerMs = (Math.floor(o.clock.now() / t.intervalMs) + 1) * t.intervalMs;
    else if (outcome !== 'data') await sleepReal(o.pollingDelayMs, o.signal);
  }
}

function sleepReal(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}
