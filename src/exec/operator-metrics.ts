import type { RecordBatch } from '../core/batch.js';
import { describeNode } from './operators.js';
import { physicalChildren } from '../physical/shapes.js';
import type { PhysicalPlan } from '../physical/physical.js';

/** What one node did over the runs recorded (Spark's SQL metrics of a node): output rows, batches, time with its inputs. */
export interface NodeRun {
  rowsOut: number;
  /** Milliseconds in the node and the nodes it reads (subtracted again in operatorMetrics). */
  inclusiveMs: number;
  runs: number;
}

/** Per physical node (by identity), what it did; one map per batch, or summed over a query's batches. */
export type OperatorMetrics = Map<PhysicalPlan, NodeRun>;

export function recordRun(metrics: OperatorMetrics, plan: PhysicalPlan, out: readonly RecordBatch[], ms: number): void {
  let rows = 0;
  for (const b of out) rows += b.numRows;
  const m = metrics.get(plan);
  if (m === undefined) metrics.set(plan, { rowsOut: rows, inclusiveMs: ms, runs: 1 });
  else { m.rowsOut += rows; m.inclusiveMs += ms; m.runs++; }
}

/** Adds one batch's metrics into running totals. */
export function addMetrics(into: OperatorMetrics, batch: OperatorMetrics): void {
  for (const [p, m] of batch) {
    const t = into.get(p);
    if (t === undefined) into.set(p, { ...m });
    else { t.rowsOut += m.rowsOut; t.inclusiveMs += m.inclusiveMs; t.runs += m.runs; }
  }
}

/** One node's numbers: rows in (what the nodes it reads put out), rows out, and its own time. */
export interface OperatorRun {
  readonly numInputRows: number;
  readonly numOutputRows: number;
  readonly timeMs: number;
}

/**
 * A node's numbers from the recorded runs, or undefined when it did not run
 * on its own (it is fused into the loop of a node above, which reports for
 * it). Its input rows and time are counted against the nearest nodes below
 * that ran on their own.
 */
export function runOf(p: PhysicalPlan, metrics: OperatorMetrics): OperatorRun | undefined {
  const m = metrics.get(p);
  if (m === undefined) return undefined;
  let rowsIn = 0;
  let belowMs = 0;
  const visit = (c: PhysicalPlan): void => {
    const cm = metrics.get(c);
    if (cm !== undefined) { rowsIn += cm.rowsOut; belowMs += cm.inclusiveMs; return; }
    physicalChildren(c).forEach(visit);
  };
  physicalChildren(p).forEach(visit);
  return { numInputRows: rowsIn, numOutputRows: m.rowsOut, timeMs: Math.max(0, m.inclusiveMs - belowMs) };
}

/** Every node that ran, top-down, with its explain line: the operators entry of a progress report. */
export function operatorMetrics(plan: PhysicalPlan, metrics: OperatorMetrics): { operator: string; numInputRows: number; numOutputRows: number; timeMs: number }[] {
  const out: { operator: string; numInputRows: number; numOutputRows: number; timeMs: number }[] = [];
  const walk = (p: PhysicalPlan): void => {
    const r = runOf(p, metrics);
    if (r !== undefined) out.push({ operator: describeNode(p), numInputRows: r.numInputRows, numOutputRows: r.numOutputRows, timeMs: Math.round(r.timeMs * 1000) / 1000 });
    physicalChildren(p).forEach(walk);
  };
  walk(plan);
  return out;
}
