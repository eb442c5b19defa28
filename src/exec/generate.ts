import { makeBatch, takeBatch, type RecordBatch } from '../core/batch.js';
import { vectorFromValues, type Vector } from '../core/vector.js';
import type { GenerateExec } from './physical.js';

/**
 * explode / posexplode over one batch: each input row repeats once per
 * element of its array (or entry of its map); outer variants keep rows whose
 * collection is null or empty, with null generated columns.
 */
export function runGenerate(plan: GenerateExec, batch: RecordBatch, input: Vector): RecordBatch {
  const n = batch.numRows;
  const vals = input.values as unknown[];
  const isMap = plan.input.type.kind === 'map';
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = input.validity !== null && input.validity[i] === 0 ? null : vals[i];
    const size = c === null ? 0 : isMap ? (c as Map<unknown, unknown>).size : (c as unknown[]).length;
    total += size === 0 && plan.outer ? 1 : size;
  }
  const idx = new Int32Array(total);
  const pos: (number | null)[] = plan.position ? new Array(total) : [];
  const first: unknown[] = new Array(total);
  const second: unknown[] = isMap ? new Array(total) : [];
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = input.validity !== null && input.validity[i] === 0 ? null : vals[i];
    if (c === null || (isMap ? (c as Map<unknown, unknown>).size === 0 : (c as unknown[]).length === 0)) {
      if (plan.outer) {
        idx[o] = i;
        if (plan.position) pos[o] = null;
        first[o] = null;
        if (isMap) second[o] = null;
        o++;
      }
      continue;
    }
    if (isMap) {
      let p = 0;
      for (const [k, v] of c as Map<unknown, unknown>) {
        idx[o] = i;
        if (plan.position) pos[o] = p++;
        first[o] = k;
        second[o] = v;
        o++;
      }
    } else {
      const arr = c as unknown[];
      for (let p = 0; p < arr.length; p++) {
        idx[o] = i;
        if (plan.position) pos[o] = p;
        first[o] = arr[p] === undefined ? null : arr[p];
        o++;
      }
    }
  }
  const cols: Vector[] = plan.keepChild ? [...takeBatch(batch, idx).columns] : [];
  const gen = plan.schema.fields.slice(cols.length);
  let g = 0;
  if (plan.position) cols.push(vectorFromValues(gen[g++]!.dataType, pos));
  cols.push(vectorFromValues(gen[g++]!.dataType, first));
  if (isMap) cols.push(vectorFromValues(gen[g++]!.dataType, second));
  return makeBatch(plan.schema, cols, total);
}

/**
 * explode(split(str, separator)) with a plain separator (not outer, no
 * position): the words are cut out of each string with indexOf, as
 * String.prototype.split would, straight into the output column — no array
 * per row. A null string gives no row.
 */
export function runSplitExplode(plan: GenerateExec, batch: RecordBatch, str: Vector): RecordBatch {
  const n = batch.numRows;
  const sep = plan.splitOn!.separator;
  const step = sep.length;
  const vals = str.values as (string | null)[];
  const valid = str.validity;
  const words: string[] = [];
  const rowOf: number[] = [];
  const keep = plan.keepChild;
  for (let i = 0; i < n; i++) {
    const s = vals[i];
    if ((valid !== null && valid[i] === 0) || s === null || s === undefined) continue;
    let a = 0;
    for (;;) {
      const b = s.indexOf(sep, a);
      if (b < 0) { words.push(a === 0 ? s : s.substring(a)); break; }
      words.push(s.substring(a, b));
      if (keep) rowOf.push(i);
      a = b + step;
    }
    if (keep) rowOf.push(i);
  }
  const total = words.length;
  const wordField = plan.schema.fields[plan.schema.fields.length - 1]!;
  const wordVec: Vector = { type: wordField.dataType, length: total, values: words, validity: null };
  const cols = keep ? [...takeBatch(batch, Int32Array.from(rowOf)).columns, wordVec] : [wordVec];
  return makeBatch(plan.schema, cols, total);
}
