import { lazyTakeBatch, makeBatch, type RecordBatch } from '../core/batch.js';
import { allocValues, gatherInto, isTypedStorage, lazyVector, takeVector, type PrimitiveArray, type Vector } from '../core/vector.js';
import type { WindowExec } from '../physical/physical.js';

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
export function runWindow(plan: WindowExec, batch: RecordBatch, time: Vector, scratch?: WindowScratch): RecordBatch {
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
  const idx = scratch === undefined ? new Int32Array(cap) : scratch.indices(cap);
  const ks = scratch === undefined ? new Float64Array(cap) : scratch.windows(cap);
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
  const base = scratch === undefined ? lazyTakeBatch(batch, idx, out).columns : batch.columns.map((v, c) => scratch.take(v, c, idx, out));
  return makeBatch(plan.schema, [...base, { type: indexType, length: out, values: ks.subarray(0, out), validity: null }], out);
}

/**
 * Arrays reused from call to call of runWindow, for a caller that reads
 * each output before asking for the next (an aggregation expanding its input
 * slice by slice): the row and window index arrays, and the columns taken
 * from them, are not allocated anew for every slice.
 */
export class WindowScratch {
  private idx = new Int32Array(0);
  private ks = new Float64Array(0);
  private readonly columns: PrimitiveArray[] = [];

  indices(n: number): Int32Array {
    if (this.idx.length < n) this.idx = new Int32Array(n);
    return this.idx;
  }

  windows(n: number): Float64Array {
    if (this.ks.length < n) this.ks = new Float64Array(n);
    return this.ks;
  }

  /** Rows `indices[0..count)` of column `c`, gathered on first read into this column's reused array (typed columns without nulls). */
  take(v: Vector, c: number, indices: Int32Array, count: number): Vector {
    return lazyVector(v.type, count, () => this.gather(v, c, indices, count));
  }

  private gather(v: Vector, c: number, indices: Int32Array, count: number): Vector {
    if (!isTypedStorage(v.type) || v.validity !== null) return takeVector(v, indices, count);
    let out = this.columns[c];
    if (out === undefined || out.length < count || out.constructor !== (v.values as PrimitiveArray).constructor) {
      out = allocValues(v.type, Math.max(count, out?.length ?? 0)) as PrimitiveArray;
      this.columns[c] = out;
    }
    gatherInto(v.values as PrimitiveArray, out, indices, count);
    return { type: v.type, length: count, values: out.subarray(0, count), validity: null };
  }
}

