import { DoubleType, type DataType } from '../../core/types.js';
import type { Vector } from '../../core/vector.js';
import { grownCapacity, growTyped, type GroupAccumulator } from './aggregate-function.js';

/** Which statistic a CentralMomentAccumulator reports. */
export type MomentKind = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop';

/**
 * variance / stddev, sample and population, over doubles. Keeps (n, mean, M2)
 * per group and updates them with Welford's method, as Spark's
 * CentralMomentAgg does; partials combine with Chan et al.'s formula. Spark 3.x
 * (spark.sql.legacy.statisticalAggregate=false): null for no input, and the
 * sample statistics are null (not NaN) for a single row.
 */
export class CentralMomentAccumulator implements GroupAccumulator {
  private n = new Float64Array(16);
  private avg = new Float64Array(16);
  private m2 = new Float64Array(16);

  constructor(private readonly kind: MomentKind) {}

  private ensure(k: number): void {
    if (k <= this.n.length) return;
    const cap = grownCapacity(this.n.length, k);
    this.n = growTyped(this.n, cap);
    this.avg = growTyped(this.avg, cap);
    this.m2 = growTyped(this.m2, cap);
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.ensure(numGroups);
    const v = args[0]!;
    const vals = v.values as Float64Array;
    const valid = v.validity;
    const n = this.n, avg = this.avg, m2 = this.m2;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      const x = vals[i]!;
      const cnt = n[g]! + 1;
      const delta = x - avg[g]!;
      const deltaN = delta / cnt;
      n[g] = cnt;
      avg[g] = avg[g]! + deltaN;
      m2[g] = m2[g]! + delta * (delta - deltaN);
    }
  }

  /** Adds partial (nb, avgb, m2b) into group g. */
  private combine(g: number, nb: number, avgb: number, m2b: number): void {
    if (nb === 0) return;
    const na = this.n[g]!;
    if (na === 0) { this.n[g] = nb; this.avg[g] = avgb; this.m2[g] = m2b; return; }
    const n = na + nb;
    const delta = avgb - this.avg[g]!;
    const deltaN = delta / n;
    this.avg[g] = this.avg[g]! + deltaN * nb;
    this.m2[g] = this.m2[g]! + m2b + delta * deltaN * na * nb;
    this.n[g] = n;
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    const st = other.exportState(otherNumGroups);
    this.importState(st, groupMap.subarray(0, otherNumGroups), numGroups);
  }

  evaluate(numGroups: number): Vector {
    this.ensure(numGroups);
    const out = new Float64Array(numGroups);
    const validity = new Uint8Array(numGroups);
    const samp = this.kind === 'var_samp' || this.kind === 'stddev_samp';
    const sqrt = this.kind === 'stddev_samp' || this.kind === 'stddev_pop';
    for (let g = 0; g < numGroups; g++) {
      const n = this.n[g]!;
      if (n === 0 || (samp && n === 1)) continue;
      const v = this.m2[g]! / (samp ? n - 1 : n);
      out[g] = sqrt ? Math.sqrt(v) : v;
      validity[g] = 1;
    }
    return { type: DoubleType, length: numGroups, values: out, validity: validity.every((b) => b === 1) ? null : validity };
  }

  memoryBytes(): number { return this.n.byteLength * 3; }
  /** [n, mean, M2] as doubles, like Spark's buffer. */
  stateTypes(): DataType[] { return [DoubleType, DoubleType, DoubleType]; }

  exportState(numGroups: number): Vector[] {
    this.ensure(numGroups);
    return [this.n, this.avg, this.m2].map((a) => ({ type: DoubleType, length: numGroups, values: a.slice(0, numGroups), validity: null }));
  }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    this.ensure(numGroups);
    const [n, avg, m2] = vectors.map((v) => v.values as Float64Array) as [Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < vectors[0]!.length; i++) this.combine(groupIds[i]!, n[i]!, avg[i]!, m2[i]!);
  }
}
