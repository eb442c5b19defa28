import { describeNode } from './operators.js';
import { physicalChildren } from '../physical/shapes.js';
import { runOf, type OperatorMetrics } from './operator-metrics.js';
import type { PhysicalPlan } from '../physical/physical.js';
import { simpleString } from '../core/types.js';

export { describeNode };

/**
 * The plan as an indented tree, in Spark's `+- ` style. With the metrics of
 * a run, each node that ran on its own ends with what it did (rows in, rows
 * out, its own time), like the SQL metrics of Spark's UI.
 */
export function treeLines(p: PhysicalPlan, metrics?: OperatorMetrics, prefix = '', last = true, root = true): string[] {
  const run = metrics === undefined ? undefined : runOf(p, metrics);
  const text = describeNode(p) + (run === undefined ? '' : ` [rows in ${run.numInputRows}, out ${run.numOutputRows}, ${formatMs(run.timeMs)}]`);
  const line = root ? text : `${prefix}${last ? '+- ' : ':- '}${text}`;
  const kids = physicalChildren(p);
  const childPrefix = root ? '' : prefix + (last ? '   ' : ':  ');
  return [line, ...kids.flatMap((k, i) => treeLines(k, metrics, childPrefix, i === kids.length - 1, false))];
}

const formatMs = (ms: number): string => (ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(2)} ms`);

/**
 * What df.explain() prints; after a run, with each node's rows in, rows out and time (`metrics`).
 * `parsed` is the parsed logical plan's lines (plan/explain.ts) and `optimized` the plan after the
 * optimizer (before incremental planning, for a stream), both shown when `extended`, as Spark does.
 */
export function explainString(parsed: readonly string[], optimized: PhysicalPlan, physical: PhysicalPlan, extended: boolean, metrics?: OperatorMetrics): string {
  const out: string[] = [];
  if (extended) {
    out.push('== Parsed Logical Plan ==', ...parsed, '');
    out.push('== Optimized Logical Plan ==', ...treeLines(optimized), '');
    out.push('== Output ==', physical.schema.fields.map((f) => `${f.name}: ${simpleString(f.dataType)}`).join(', '), '');
  }
  out.push('== Physical Plan ==', ...treeLines(physical, metrics), '');
  return out.join('\n') + '\n';
}
