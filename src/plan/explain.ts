import { simpleString } from '../core/types.js';
import { treeLines } from '../exec/explain.js';
import type { OperatorMetrics } from '../exec/operator-metrics.js';
import type { PhysicalPlan } from '../exec/physical.js';
import { children, type LogicalPlan } from './logical.js';

function logicalLines(p: LogicalPlan, depth = 0): string[] {
  const pad = depth === 0 ? '' : '   '.repeat(depth - 1) + '+- ';
  const self = `${pad}${p.kind[0]!.toUpperCase()}${p.kind.slice(1)}`;
  const kids = children(p);
  return [self, ...kids.flatMap((k) => logicalLines(k, depth + 1))];
}

/** What df.explain() prints; after a run, with each node's rows in, rows out and time (`metrics`). */
export function explainString(logical: LogicalPlan, physical: PhysicalPlan, extended: boolean, metrics?: OperatorMetrics): string {
  const out: string[] = [];
  if (extended) {
    out.push('== Parsed Logical Plan ==', ...logicalLines(logical), '');
    out.push('== Output ==', physical.schema.fields.map((f) => `${f.name}: ${simpleString(f.dataType)}`).join(', '), '');
  }
  out.push('== Physical Plan ==', ...treeLines(physical, metrics), '');
  return out.join('\n') + '\n';
}
