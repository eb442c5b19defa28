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
 * still contain t. Output rows are grouped by input row, windows in
 * ascending start order. Null timestamps produce no row, as in Spark.
 */
export function runWindow(plan: WindowExec, batch: RecordBatch, time: Vector): RecordBatch {
  const n = batch.numRows;
  const ts = time.values as Float64Array;
  const valid = time.validity;
  const w = plan.windowMicros;
  const s = plan.slideMicros;
  const o = plan.startMicros;
  const perRow = Math.ceil(w / s);
  const cap = n * perRow;
  const idx = new Int32Array(cap);
  const windows: unknown[] = new Array(cap);
  let out = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const t = ts[i]!;
    const last = t - posMod(t - o, s);
    // Earliest window first, as Spark orders them.
    let k = perRow - 1;
    while (k >= 0 && last - k * s + w <= t) k--;
    for (; k >= 0; k--) {
      const start = last - k * s;
      idx[out] = i;
      windows[out] = [start, start + w];
      out++;
    }
  }
  windows.length = out;
  const base = takeBatch(batch, idx, out);
  const windowType = plan.schema.fields[plan.schema.fields.length - 1]!.dataType;
  return makeBatch(plan.schema, [...base.columns, { type: windowType, length: out, values: windows, validity: null }], out);
}
