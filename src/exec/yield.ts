/**
 * Long computations give the event loop a turn now and then. A large
 * micro-batch computes for tens of milliseconds; meanwhile the previous
 * batch's commit waits for its I/O callbacks (commits are pipelined), and a
 * server in the same process (the dashboard) waits to answer. A turn costs
 * a few microseconds when nothing is waiting, so computations ask at slice
 * boundaries and yield only once YIELD_AFTER_MS have passed since the last.
 */

const YIELD_AFTER_MS = 2;

let lastTurn = performance.now();

/** Resolves after an event-loop turn if the last one was long enough ago; otherwise undefined (no await needed). */
export function maybeYield(): Promise<void> | undefined {
  if (performance.now() - lastTurn < YIELD_AFTER_MS) return undefined;
  return new Promise((resolve) => setImmediate(() => { lastTurn = performance.now(); resolve(); }));
}
