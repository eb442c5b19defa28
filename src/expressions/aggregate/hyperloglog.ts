import { AnalysisException } from '../../core/errors.js';
import { BinaryType, LongType, type DataType } from '../../core/types.js';
import { isTypedStorage, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { hashHi, xxhash64Value } from '../../core/hash/xxhash64.js';
import { grownCapacity, growTyped, mergeViaState, type GroupAccumulator } from './aggregate-function.js';
import { BIAS_DATA, RAW_ESTIMATE_DATA } from './hll-bias-data.js';

/** Linear-counting thresholds of HLL++ per precision 4..18 (the paper's appendix, as Spark uses). */
const THRESHOLDS = [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 15500, 20000, 50000, 120000, 350000];
/** Neighbours averaged when interpolating the bias. */
const K = 6;
/** Spark hashes every value with XXH64 seed 42. */
const SEED = 42;
/** 2^-r for every register value r (ranks are at most 65). */
const INV_POW2 = Float64Array.from({ length: 66 }, (_, r) => 2 ** -r);

/**
 * Spark's register-count choice for a relative standard deviation:
 * p = ceil(2·log2(1.106 / rsd)); the default rsd 0.05 gives p = 9 (512 registers).
 */
export function hllPrecision(rsd: number, fn = 'approx_count_distinct'): number {
  const p = Math.ceil((2 * Math.log(1.106 / rsd)) / Math.log(2));
  if (!(rsd > 0) || !(p >= 4)) {
    throw new AnalysisException('INVALID_PARAMETER_VALUE',
      `${fn}() relative standard deviation must be a positive number of at most 0.39 (HLL++ needs at least 4 index bits), got ${rsd}; use e.g. 0.05.`);
  }
  if (p > 24) {
    throw new AnalysisException('INVALID_PARAMETER_VALUE',
      `${fn}() relative standard deviation ${rsd} needs 2^${p} registers per group; use a value of at least 0.0003.`);
  }
  return p;
}

/** The HLL++ estimate from one group's registers (Spark's HyperLogLogPlusPlusHelper.query). */
export function hllEstimate(regs: Uint8Array, offset: number, p: number): number {
  const m = 1 << p;
  let zInverse = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    const r = regs[offset + i]!;
    zInverse += INV_POW2[r]!;
    if (r === 0) zeros++;
  }
  const alphaM2 = (p === 4 ? 0.673 : p === 5 ? 0.697 : p === 6 ? 0.709 : 0.7213 / (1 + 1.079 / m)) * m * m;
  const e = alphaM2 / zInverse;
  const biasCorrected = (): number => (p < 19 && e < 5 * m ? e - estimateBias(e, p) : e);
  let estimate: number;
  if (zeros > 0) {
    const h = m * Math.log(m / zeros);
    estimate = (p < 19 && h <= THRESHOLDS[p - 4]!) || e <= 2.5 * m ? h : biasCorrected();
  } else {
    estimate = biasCorrected();
  }
  // Java's Math.round: floor(x + 0.5).
  return Math.floor(estimate + 0.5);
}

/** k-nearest-neighbour interpolation of the empirical bias at raw estimate e. */
function estimateBias(e: number, p: number): number {
  const est = RAW_ESTIMATE_DATA[p - 4]!;
  const bias = BIAS_DATA[p - 4]!;
  const n = est.length;
  // Insertion point of e (first index with est[i] >= e), as Java's binarySearch reports it.
  let lo = 0, hi = n;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (est[mid]! < e) lo = mid + 1; else hi = mid; }
  const dist = (i: number): number => (e - est[i]!) * (e - est[i]!);
  let low = Math.max(lo - K + 1, 0);
  let high = Math.min(low + K, n);
  while (high < n && dist(high) < dist(low)) { low++; high++; }
  let sum = 0;
  for (let i = low; i < high; i++) sum += bias[i]!;
  return sum / (high - low);
}

/**
 * approx_count_distinct(x, rsd): HyperLogLog++ as Spark computes it — XXH64
 * (seed 42) of each non-null value with -0.0/NaN normalized, 2^p registers of
 * leading-zero counts, bias correction from the paper's tables and linear
 * counting for small cardinalities. Dense registers only (one byte each,
 * 2^p bytes per group); merge takes the register-wise max, an exact union.
 */
export class HyperLogLogAccumulator implements GroupAccumulator {
  private readonly m: number;
  private regs: Uint8Array;
  private groups = 16;

  constructor(private readonly type: DataType, private readonly p: number) {
    this.m = 1 << p;
    this.regs = new Uint8Array(this.groups * this.m);
  }

  private ensure(n: number): void {
    if (n <= this.groups) return;
    this.groups = grownCapacity(this.groups, n);
    this.regs = growTyped(this.regs, this.groups * this.m);
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.ensure(numGroups);
    const v = args[0]!;
    const valid = v.validity;
    const typed = isTypedStorage(this.type);
    const t = this.type;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const x = typed ? (v.values as PrimitiveArray)[i] : (v.values as unknown[])[i];
      if (x === null || x === undefined) continue;
      const lo = xxhash64Value(t, x, 0, SEED);
      this.add(groupIds[i]!, hashHi, lo);
    }
  }

  /** Records 64-bit hash (hi, lo) in group g: the top p bits pick the register, the rest give the rank. */
  private add(g: number, hi: number, lo: number): void {
    const p = this.p;
    const idx = hi >>> (32 - p);
    // w = (x << p) | (1 << (p - 1)); rank = leading zeros of w + 1.
    const wHi = ((hi << p) | (lo >>> (32 - p))) >>> 0;
    const wLo = ((lo << p) | (1 << (p - 1))) >>> 0;
    const rank = (wHi !== 0 ? Math.clz32(wHi) : 32 + Math.clz32(wLo)) + 1;
    const at = g * this.m + idx;
    if (rank > this.regs[at]!) this.regs[at] = rank;
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    if (other instanceof HyperLogLogAccumulator && other.p === this.p) {
      this.ensure(numGroups);
      other.ensure(otherNumGroups);
      for (let g = 0; g < otherNumGroups; g++) this.maxInto(groupMap[g]!, other.regs, g * this.m);
      return;
    }
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  private maxInto(g: number, src: Uint8Array, offset: number): void {
    const base = g * this.m;
    const regs = this.regs;
    for (let i = 0; i < this.m; i++) { const r = src[offset + i]!; if (r > regs[base + i]!) regs[base + i] = r; }
  }

  evaluate(numGroups: number): Vector {
    this.ensure(numGroups);
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = hllEstimate(this.regs, g * this.m, this.p);
    return { type: LongType, length: numGroups, values: out, validity: null };
  }

  memoryBytes(): number { return this.regs.byteLength; }
  /** One binary value per group: its 2^p register bytes. */
  stateTypes(): DataType[] { return [BinaryType]; }

  exportState(numGroups: number): Vector[] {
    this.ensure(numGroups);
    const values = new Array<unknown>(numGroups);
    for (let g = 0; g < numGroups; g++) values[g] = this.regs.slice(g * this.m, (g + 1) * this.m);
    return [{ type: BinaryType, length: numGroups, values, validity: null }];
  }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    this.ensure(numGroups);
    const v = vectors[0]!;
    for (let i = 0; i < v.length; i++) {
      const b = (v.values as unknown[])[i] as Uint8Array | null;
      if (b === null || b === undefined) continue;
      if (b.length !== this.m) {
        throw new AnalysisException('STATE_SCHEMA_MISMATCH',
          `approx_count_distinct state has ${b.length} registers but this query uses ${this.m} (rsd changed?); keep the rsd the checkpoint was written with or start a new checkpoint.`);
      }
      this.maxInto(groupIds[i]!, b, 0);
    }
  }
}
