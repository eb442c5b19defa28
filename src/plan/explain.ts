import { children, type LogicalPlan } from './logical.js';

/** The parsed logical plan as explain(true) prints it, one line per node. */
export function logicalPlanLines(p: LogicalPlan, depth = 0): string[] {
  const pad = depth === 0 ? '' : '   '.repeat(depth - 1) + '+- ';
  const self = `${pad}${p.kind[0]!.toUpperCase()}${p.kind.slice(1)}`;
  const kids = children(p);
  return [self, ...kids.flatMap((k) => logicalPlanLines(k, depth + 1))];
}
