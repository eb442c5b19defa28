import { lazyTakeBatch, makeBatch, type RecordBatch } from '../core/batch.js';
import type { Vector } from '../core/vector.js';
import type { WindowExec } from './physical.js';

/**
 * The windows of each row (Spark's TimeWindow): with w = window length, s =
 * slide and o = start offset, window k is [k * s + o, k * s + o + w); the
 * latest containing t is k = floor((t - o) / s), earlier ones k - 1, k - 2,
 * ... while they still contain t. The appended column is each window's index
 * k, a small number that groups and hashes cheaply (the struct is built
 * above, from k). Output rows are grouped by input row, windows in ascending
 * order. Null timestamps produce no row, as in Spark. (Tumbling windows,
 * one per row, are a projection instead: see plan/analyze-window.ts.)
 */
export function runWindow(plan: WindowExec, batch: RecordBatch, time: Vector): RecordBatch {
  const n = batch.numRows;
  const ts = time.values as Float64Array;
  const valid = time.validity;
  const w = plan.windowMicros;
  const s = plan.slideMicros;
  const o = plan.startMicros;
  const indexType = plan.schema.fields[plan.schema.fields.length - 1]!.dataType;
  // floor((t - o) / s) is exact: t - o is an integer below 2^53 (microseconds), so the quotient never rounds up to the next integer.
  const perRow = Math.ceil(w / s);
  const cap = n * perRow;
  const idx = new Int32Array(cap);
  const ks = new Float64Array(cap);
  let out = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const t = ts[i]!;
    const last = Math.floor((t - o) / s);
    // Earliest window first, as Spark orders them.
    let k = perRow - 1;
    while (k >= 0 && (last - k) * s + o + w <= t) k--;
    for (; k >= 0; k--) {
      idx[out] = i;
      ks[out] = last - k;
      out++;
    }
  }
  // Taken lazily: a column nothing above reads (most of them, under an aggregation) is never copied.
  const base = lazyTakeBatch(batch, idx, out);
  return makeBatch(plan.schema, [...base.columns, { type: indexType, length: out, values: ks.subarray(0, out), validity: null }], out);
}
