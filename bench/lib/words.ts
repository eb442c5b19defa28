/**
 * Word-count data and the two baselines the micro-batch benchmark puts next
 * to spate: a hand-written JS loop and RxJS. Each keeps a running count per
 * word across batches (complete mode's state) and emits the whole table after
 * every batch, as spate's complete mode does.
 */
import { Subject, from, mergeMap, concatMap, scan } from 'rxjs';
import { rng } from './data.js';

/** Distinct words in the vocabulary. */
export const VOCABULARY = 2000;
/** Words per line. */
export const WORDS_PER_LINE = 8;

/**
 * `batches` arrays of `lines` text lines, seeded; word i is picked with a
 * skewed (roughly Zipf) distribution, so some groups are hot and most are cold.
 */
export function makeLineBatches(batches: number, lines: number, seed = 7): string[][] {
  const next = rng(seed);
  const words = Array.from({ length: VOCABULARY }, (_, i) => `w${i.toString(36)}`);
  const out: string[][] = [];
  for (let b = 0; b < batches; b++) {
    const batch: string[] = new Array<string>(lines);
    const parts = new Array<string>(WORDS_PER_LINE);
    for (let l = 0; l < lines; l++) {
      for (let w = 0; w < WORDS_PER_LINE; w++) {
        const r = next();
        parts[w] = words[Math.floor(r * r * VOCABULARY)]!;
      }
      // join() makes a flat string, as decoding a file or a socket does. A line built with `+=` is a
      // rope that the first system to read it flattens, which would bill that cost to whoever runs first.
      batch[l] = parts.join(' ');
    }
    out.push(batch);
  }
  return out;
}

/** A digest of a word → count table, compared across systems so a fast wrong answer shows. */
export function digest(counts: Iterable<readonly [string, number]>): string {
  let words = 0;
  let total = 0;
  let max = 0;
  for (const [, n] of counts) { words++; total += n; if (n > max) max = n; }
  return `${words}w/${total}/${max}`;
}

/** The hand-written loop: split + Map count; after each batch, the table as [word, count] pairs. */
export class JsWordCount {
  readonly counts = new Map<string, number>();
  lastOutput: [string, number][] = [];

  addBatch(lines: readonly string[]): void {
    const counts = this.counts;
    for (let i = 0; i < lines.length; i++) {
      const parts = lines[i]!.split(' ');
      for (let j = 0; j < parts.length; j++) {
        const w = parts[j]!;
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
    this.lastOutput = [...counts];
  }
}

/**
 * The RxJS pipeline: batches pushed into a Subject, flattened to lines and
 * words, counted with `scan` into a Map. Subjects deliver synchronously, so
 * the batch is counted when `addBatch` returns.
 */
export class RxWordCount {
  private readonly input = new Subject<readonly string[]>();
  private readonly counts = new Map<string, number>();
  lastOutput: [string, number][] = [];

  constructor() {
    this.input.pipe(
      concatMap((batch) => from(batch)),
      mergeMap((line) => line.split(' ')),
      scan((m: Map<string, number>, w: string) => m.set(w, (m.get(w) ?? 0) + 1), this.counts),
    ).subscribe();
  }

  addBatch(lines: readonly string[]): void {
    this.input.next(lines);
    this.lastOutput = [...this.counts];
  }

  close(): void {
    this.input.complete();
  }
}
