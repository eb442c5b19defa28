import { makeBatch, takeBatch, type RecordBatch } from '../core/batch.js';
import { vectorFromValues, type Vector } from '../core/vector.js';
import type { GenerateExec } from '../physical/physical.js';
import { Interner } from './split-words.js';

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
 * position): the words are found as String.prototype.split would and
 * interned as they are found (see Interner.cut), so repeated words allocate
 * nothing. The output column is dictionary-encoded (see Vector.dictionary);
 * its strings are made on first read. A null string gives no row.
 */
export function runSplitExplode(plan: GenerateExec, batch: RecordBatch, str: Vector): RecordBatch {
  let dict = interners.get(plan);
  if (dict === undefined || dict.size > MAX_INTERNED) {
    // A fresh dictionary once the old one is large (many distinct words): vectors made earlier keep theirs.
    dict = new Interner();
    interners.set(plan, dict);
  }
  const keep = plan.keepChild;
  const { codes, rows } = dict.cut(str.values as (string | null)[], str.validity, batch.numRows, plan.splitOn!.separator, keep);
  const total = codes.length;
  const wordField = plan.schema.fields[plan.schema.fields.length - 1]!;
  const entries = dict.entries;
  // The strings are made only if someone reads `values`; a grouping on the word reads the codes alone.
  let words: string[] | null = null;
  const wordVec: Vector = {
    type: wordField.dataType, length: total, validity: null, dictionary: { codes, entries },
    get values() { return (words ??= decode(codes, entries)); },
  };
  const cols = keep ? [...takeBatch(batch, rows!).columns, wordVec] : [wordVec];
  return makeBatch(plan.schema, cols, total);
}

function decode(codes: Int32Array, entries: readonly string[]): string[] {
  const out = new Array<string>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = entries[codes[i]!]!;
  return out;
}

/** Distinct words interned per explode node (a query's plan lives as long as the query). */
const interners = new WeakMap<GenerateExec, Interner>();
const MAX_INTERNED = 1 << 16;
