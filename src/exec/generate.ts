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
 * position): the words are found as String.prototype.split would (one pass
 * over the characters for a one-character separator) and interned as they
 * are found: a word seen before is matched in place (hash over its
 * characters, then compared character by character), so repeated words
 * allocate nothing. The output column is dictionary-encoded (see
 * Vector.dictionary); its strings are made on first read. A null string
 * gives no row.
 */
export function runSplitExplode(plan: GenerateExec, batch: RecordBatch, str: Vector): RecordBatch {
  const n = batch.numRows;
  const sep = plan.splitOn!.separator;
  const step = sep.length;
  const vals = str.values as (string | null)[];
  const valid = str.validity;
  let dict = interners.get(plan);
  if (dict === undefined || dict.size > MAX_INTERNED) {
    // A fresh dictionary once the old one is large (many distinct words): vectors made earlier keep theirs.
    dict = new Interner();
    interners.set(plan, dict);
  }
  let codes = new Int32Array(Math.max(16, n * 4));
  const keep = plan.keepChild;
  const rowOf: number[] = [];
  let o = 0;
  const emit = (code: number, row: number): void => {
    if (o === codes.length) {
      const grown = new Int32Array(codes.length * 2);
      grown.set(codes);
      codes = grown;
    }
    codes[o++] = code;
    if (keep) rowOf.push(row);
  };
  // A one-character separator (the usual ' '): one pass over the characters finds the words and hashes them.
  const sepCode = step === 1 ? sep.charCodeAt(0) : -1;
  for (let i = 0; i < n; i++) {
    const s = vals[i];
    if ((valid !== null && valid[i] === 0) || s === null || s === undefined) continue;
    if (sepCode >= 0) {
      let a = 0;
      let h = FNV_OFFSET;
      const len = s.length;
      for (let k = 0; k < len; k++) {
        const c = s.charCodeAt(k);
        if (c === sepCode) {
          emit(dict.internHashed(s, a, k, h), i);
          a = k + 1;
          h = FNV_OFFSET;
        } else {
          h = Math.imul(h ^ c, FNV_PRIME);
        }
      }
      emit(dict.internHashed(s, a, len, h), i);
      continue;
    }
    let a = 0;
    for (;;) {
      const b = s.indexOf(sep, a);
      emit(dict.intern(s, a, b < 0 ? s.length : b), i);
      if (b < 0) break;
      a = b + step;
    }
  }
  const total = o;
  codes = codes.subarray(0, total);
  const wordField = plan.schema.fields[plan.schema.fields.length - 1]!;
  const entries = dict.entries;
  // The strings are made only if someone reads `values`; a grouping on the word reads the codes alone.
  let words: string[] | null = null;
  const wordVec: Vector = {
    type: wordField.dataType, length: total, validity: null, dictionary: { codes, entries },
    get values() { return (words ??= decode(codes, entries)); },
  };
  const cols = keep ? [...takeBatch(batch, Int32Array.from(rowOf)).columns, wordVec] : [wordVec];
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
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** An append-only set of strings, looked up by a span of another string without cutting it out. */
class Interner {
  readonly entries: string[] = [];
  private hashes = new Int32Array(256);
  private slots = new Int32Array(512).fill(-1);
  private mask = 511;

  get size(): number { return this.entries.length; }

  /** The code of s[from, to), added if new. */
  intern(s: string, from: number, to: number): number {
    let h = FNV_OFFSET;
    for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
    return this.internHashed(s, from, to, h);
  }

  /** intern() with the span's FNV-1a hash already computed by the caller. */
  internHashed(s: string, from: number, to: number, h: number): number {
    const len = to - from;
    let slot = h & this.mask;
    for (;;) {
      const code = this.slots[slot]!;
      if (code < 0) break;
      if (this.hashes[code] === h) {
        const e = this.entries[code]!;
        if (e.length === len) {
          let k = 0;
          while (k < len && s.charCodeAt(from + k) === e.charCodeAt(k)) k++;
          if (k === len) return code;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const code = this.entries.length;
    this.entries.push(len === s.length ? s : s.substring(from, to));
    if (code >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[code] = h;
    this.slots[slot] = code;
    if (this.entries.length * 2 > this.slots.length) this.grow();
    return code;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let c = 0; c < this.entries.length; c++) {
      let s = this.hashes[c]! & mask;
      while (slots[s] !== -1) s = (s + 1) & mask;
      slots[s] = c;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
