import type { Vector } from '../../core/vector.js';
import type { EventTimeKey } from '../../physical/physical.js';

/**
 * The event time (microseconds) a key row stands for: a window's end (from
 * the struct, or from its index), or the timestamp itself. A row is late, and a state row expired, when this is at
 * or below the watermark (Spark's watermark predicates for data and state).
 */
export function eventTimeOf(key: EventTimeKey, column: Vector, row: number): number {
  if (column.validity !== null && column.validity[row] === 0) return -Infinity;
  if (key.kind === 'window') return ((column.values as unknown[])[row] as number[])[1]!;
  return (column.values as Float64Array)[row]! * (key.scaleMicros ?? 1) + (key.offsetMicros ?? 0);
}

/** Rows [0, n) whose event time is after the watermark, or null when all are. */
export function notLate(key: EventTimeKey, column: Vector, n: number, watermarkMicros: number): Int32Array | null {
  if (key.kind === 'timestamp' && column.validity === null) {
    // value * scale + offset <= watermark  ⇔  value <= (watermark - offset) / scale (exact for integers below 2^53).
    return notLateTimes(column.values as Float64Array, n, (watermarkMicros - (key.offsetMicros ?? 0)) / (key.scaleMicros ?? 1));
  }
  let late = 0;
  for (let i = 0; i < n; i++) if (eventTimeOf(key, column, i) <= watermarkMicros) late++;
  if (late === 0) return null;
  const keep = new Int32Array(n - late);
  for (let i = 0, k = 0; i < n; i++) if (eventTimeOf(key, column, i) > watermarkMicros) keep[k++] = i;
  return keep;
}

/** Row indexes in [0, n) whose event time is at or below the watermark. */
export function expired(key: EventTimeKey, column: Vector, n: number, watermarkMicros: number): Int32Array {
  let count = 0;
  for (let i = 0; i < n; i++) if (eventTimeOf(key, column, i) <= watermarkMicros) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (eventTimeOf(key, column, i) <= watermarkMicros) out[k++] = i;
  return out;
}

// The common case (a timestamp or window start without nulls) as a tight loop: late when t <= bound.
function notLateTimes(ts: Float64Array, n: number, bound: number): Int32Array | null {
  let late = 0;
  for (let i = 0; i < n; i++) late += ts[i]! <= bound ? 1 : 0;
  if (late === 0) return null;
  const keep = new Int32Array(n - late);
  for (let i = 0, k = 0; i < n; i++) if (ts[i]! > bound) keep[k++] = i;
  return keep;
}
