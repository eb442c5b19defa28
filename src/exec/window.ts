import { makeBatch, takeBatch, type RecordBatch } from '../core/batch.js';
import type { Vector } from '../core/vector.js';
import type { WindowExec } from './physical.js';

/** a mod b, always in [0, b). */
function posMod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}

/**
 * The windows of each row (Spark's TimeWindow): with w = window length, s =
 * slide and o = start offset, the latest window containing t starts at
 * t - ((t - o) mod s); earlier ones start s, 2s, ... before it while they
 * still contain t. The appended column is each window's start (the struct
 * is built above, from start and length). Output rows are grouped by input
 * row, windows in ascending start order. Null timestamps produce no row, as
 * in Spark.
 */
export function runWindow(plan: WindowExec, batch: RecordBatch, time: Vector): RecordBatch {
  const n = batch.numRows;
  const ts = time.values as Float64Array;
  const valid = time.validity;
  const w = plan.windowMicros;
  const s = plan.slideMicros;
  const o = plan.startMicros;
  const startType = plan.schema.fields[plan.schema.fields.length - 1]!.dataType;
  if (w === s && valid === null) {
    // Tumbling windows without null times: one window per row, the input columns pass through as they are.
    const starts = new Float64Array(n);
    // floor((t - o) / s) is exact here: t - o is an integer below 2^53 (microseconds), so the quotient never rounds up to the next integer.
    for (let i = 0; i < n; i++) starts[i] = Math.floor((ts[i]! - o) / s) * s + o;
    return makeBatch(plan.schema, [...batch.columns, { type: startType, length: n, values: starts, validity: null }], n);
  }
  const perRow = Math.ceil(w / s);
  const cap = n * perRow;
  const idx = new Int32Array(cap);
  const starts = new Float64Array(cap);
  let out = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const t = ts[i]!;
    const last = t - posMod(t - o, s);
    // Earliest window first, as Spark orders them.
    let k = perRow - 1;
    while (k >= 0 && last - k * s + w <= t) k--;
    for (; k >= 0; k--) {
      idx[out] = i;
      starts[out] = last - k * s;
      out++;
    }
  }
  const base = takeBatch(batch, idx, out);
  return makeBatch(plan.schema, [...base.columns, { type: startType, length: out, values: starts.subarray(0, out), validity: null }], out);
}
