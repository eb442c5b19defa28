/**
 * The time a query runs by. SystemClock is the wall clock; ManualClock only
 * moves when a test advances it, so trigger intervals and rate sources are
 * deterministic under test (Spark's StreamManualClock).
 */
export interface Clock {
  now(): number;
  /** Resolves once now() >= `time` (or when the abort signal fires). */
  waitUntil(time: number, signal?: AbortSignal): Promise<void>;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  waitUntil(time: number, signal?: AbortSignal): Promise<void> {
    const ms = time - Date.now();
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** A clock that stands still until advanced; `waitingSince` tells a test the query is blocked on it. */
export class ManualClock implements Clock {
  private time: number;
  private waiters: { time: number; resolve: () => void }[] = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }
  now(): number {
    return this.time;
  }
  /** Moves time forward and wakes what was waiting for it. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.waiters.filter((w) => w.time <= this.time);
    this.waiters = this.waiters.filter((w) => w.time > this.time);
    for (const w of due) w.resolve();
  }
  /** True while something waits for a time not yet reached. */
  isWaiting(): boolean {
    return this.waiters.length > 0;
  }
  waitUntil(time: number, signal?: AbortSignal): Promise<void> {
    if (time <= this.time || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { time, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve();
      };
      this.waiters.push(w);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
