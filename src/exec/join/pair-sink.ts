import { SpateError } from '../../core/errors.js';

/** The non-equi part of a join condition, evaluated in bulk: sets keep[k] = 1 for the candidate pairs (li[k], ri[k]), k < n, that pass. */
export type ResidualFn = (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => void;

/** Candidate pairs per residual call: large enough to amortise building a batch, small enough to bound memory. */
const CHUNK = 1 << 14;

/** Largest pair count a join result may hold (typed arrays index with int32). */
const MAX_PAIRS = 2 ** 31 - 1;

/** Grows two parallel index arrays by doubling. */
export class PairBuffer {
  left: Int32Array;
  right: Int32Array;
  count = 0;

  constructor(capacity: number) {
    const cap = Math.max(16, Math.min(capacity, MAX_PAIRS));
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
  }

  push(l: number, r: number): void {
    if (this.count === this.left.length) this.grow(this.count + 1);
    this.left[this.count] = l;
    this.right[this.count] = r;
    this.count++;
  }

  /** Makes room for at least `needed` pairs in total. */
  grow(needed: number): void {
    if (needed > MAX_PAIRS) {
      throw new SpateError('JOIN_RESULT_TOO_LARGE',
        `A join would produce more than ${MAX_PAIRS} rows; add a join condition or filter the inputs first.`);
    }
    let cap = this.left.length;
    while (cap < needed) cap = Math.min(cap * 2, MAX_PAIRS);
    const l = new Int32Array(cap);
    const r = new Int32Array(cap);
    l.set(this.left.subarray(0, this.count));
    r.set(this.right.subarray(0, this.count));
    this.left = l;
    this.right = r;
  }
}

/**
 * Receives candidate (left, right) pairs, applies the residual condition in
 * chunks, and records which pairs survive and which rows of each side found
 * a match (what outer, semi and anti joins need).
 */
export class PairSink {
  readonly out: PairBuffer;
  readonly leftMatched: Uint8Array | null;
  readonly rightMatched: Uint8Array | null;
  private readonly residual: ResidualFn | undefined;
  private readonly keepPairs: boolean;
  private readonly chunkL: Int32Array;
  private readonly chunkR: Int32Array;
  private readonly keep: Uint8Array;
  private n = 0;

  constructor(opts: {
    leftRows: number; rightRows: number; trackLeft: boolean; trackRight: boolean;
    keepPairs: boolean; residual: ResidualFn | undefined; expected: number;
  }) {
    this.out = new PairBuffer(opts.keepPairs ? opts.expected : 0);
    this.leftMatched = opts.trackLeft ? new Uint8Array(opts.leftRows) : null;
    this.rightMatched = opts.trackRight ? new Uint8Array(opts.rightRows) : null;
    this.residual = opts.residual;
    this.keepPairs = opts.keepPairs;
    const chunk = opts.residual ? CHUNK : 0;
    this.chunkL = new Int32Array(chunk);
    this.chunkR = new Int32Array(chunk);
    this.keep = new Uint8Array(chunk);
  }

  /** Offers one candidate pair. */
  add(l: number, r: number): void {
    if (this.residual === undefined) { this.accept(l, r); return; }
    this.chunkL[this.n] = l;
    this.chunkR[this.n] = r;
    if (++this.n === CHUNK) this.flush();
  }

  /** Evaluates the residual over the pending candidates; call once more after the last `add`. */
  flush(): void {
    const n = this.n;
    if (n === 0 || this.residual === undefined) return;
    this.n = 0;
    const keep = this.keep;
    keep.fill(0, 0, n);
    this.residual(this.chunkL, this.chunkR, n, keep);
    for (let k = 0; k < n; k++) if (keep[k] !== 0) this.accept(this.chunkL[k]!, this.chunkR[k]!);
  }

  private accept(l: number, r: number): void {
    if (this.leftMatched !== null) this.leftMatched[l] = 1;
    if (this.rightMatched !== null) this.rightMatched[r] = 1;
    if (this.keepPairs) this.out.push(l, r);
  }
}
