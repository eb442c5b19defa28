import { AnalysisException } from '../core/errors.js';
import type { OutputMode } from '../sinks/sink.js';
import { physicalChildren, type PhysicalPlan } from '../exec/physical.js';
import { readsStream } from '../exec/execute.js';

/** A stateful operator of a streaming plan, with the id its state lives under (`state/<id>/`). */
export interface StatefulOperatorInfo {
  readonly operatorId: number;
  readonly node: PhysicalPlan & { kind: 'statefulAggregate' | 'streamingDedup' };
}

/**
 * Turns the batch physical plan of a streaming query into its incremental
 * form: an aggregation or dropDuplicates over streaming input becomes the
 * stateful operator that keeps state across micro-batches. Operator ids are
 * given bottom-up, left to right, so they are the same every time the same
 * query is planned (restarts find their state).
 */
export function planIncremental(plan: PhysicalPlan): { plan: PhysicalPlan; operators: StatefulOperatorInfo[]; watermarkDelaysMs: number[] } {
  const operators: StatefulOperatorInfo[] = [];
  const watermarkDelaysMs: number[] = [];
  const rewrite = (p: PhysicalPlan): PhysicalPlan => {
    const kids = physicalChildren(p).map(rewrite);
    const withKids = replaceChildren(p, kids);
    if (withKids.kind === 'watermark') {
      watermarkDelaysMs.push(withKids.delayMs);
      return { ...withKids, watermarkId: watermarkDelaysMs.length - 1 };
    }
    if (withKids.kind === 'aggregate' && readsStream(withKids.child)) {
      const node = { ...withKids, kind: 'statefulAggregate' as const, operatorId: operators.length };
      operators.push({ operatorId: node.operatorId, node });
      return node;
    }
    if (withKids.kind === 'dedup' && readsStream(withKids.child)) {
      const node = { ...withKids, kind: 'streamingDedup' as const, operatorId: operators.length };
      operators.push({ operatorId: node.operatorId, node });
      return node;
    }
    return withKids;
  };
  return { plan: rewrite(plan), operators, watermarkDelaysMs };
}

function replaceChildren(p: PhysicalPlan, kids: readonly PhysicalPlan[]): PhysicalPlan {
  switch (p.kind) {
    case 'scan': case 'fileScan': case 'streamScan': return p;
    case 'union': return { ...p, children: kids };
    case 'join': return { ...p, left: kids[0]!, right: kids[1]! };
    default: return { ...p, child: kids[0]! } as PhysicalPlan;
  }
}

/**
 * Spark's UnsupportedOperationChecker for micro-batch queries: rejects, at
 * start(), plans that cannot run incrementally in the chosen output mode,
 * and says what to change.
 */
export function checkStreamingPlan(plan: PhysicalPlan, mode: OutputMode): void {
  const aggs: PhysicalPlan[] = [];
  const walk = (p: PhysicalPlan, aboveAggregate: boolean): void => {
    const streaming = readsStream(p);
    switch (p.kind) {
      case 'aggregate':
        if (streaming) aggs.push(p);
        break;
      case 'sort':
        if (streaming && !(mode === 'complete' && containsAggregate(p.child))) {
          throw unsupported('Sorting is not supported on streaming DataFrames/Datasets, unless it is on an aggregated DataFrame/Dataset in complete output mode; aggregate first and use outputMode("complete"), or sort each micro-batch in foreachBatch.');
        }
        break;
      case 'limit':
        if (streaming && mode !== 'complete') {
          throw unsupported(`Limits are not supported on streaming DataFrames/Datasets in ${mode} output mode; use complete mode on an aggregation, or limit each micro-batch in foreachBatch.`);
        }
        break;
      case 'dedup':
        if (streaming && p.withinWatermarkRequested && !p.withinWatermark) {
          throw unsupported("dropDuplicatesWithinWatermark needs a watermark on the streaming input: add withWatermark('eventTime', '10 minutes') before it.");
        }
        break;
      case 'join': {
        const ls = readsStream(p.left);
        const rs = readsStream(p.right);
        if (ls && rs) throw unsupported('Joins between two streaming DataFrames are not supported yet; join a stream with a static DataFrame.');
        const t = p.joinType;
        if ((t === 'left' || t === 'left_semi' || t === 'left_anti') && rs) {
          throw unsupported(`A ${t} join with a streaming DataFrame on the right is not supported; put the stream on the left.`);
        }
        if (t === 'right' && ls) throw unsupported('A right outer join with a streaming DataFrame on the left is not supported; swap the sides and use a left outer join.');
        if (t === 'full' && (ls || rs)) throw unsupported('Full outer joins with a streaming DataFrame are not supported; use an inner or left outer join with the stream on the left.');
        if (aboveAggregate && (ls || rs)) throw unsupported('Joins after a streaming aggregation are not supported; join before aggregating.');
        break;
      }
      default:
        break;
    }
    for (const c of physicalChildren(p)) walk(c, aboveAggregate || p.kind === 'aggregate');
  };
  walk(plan, false);
  if (aggs.length > 1) {
    throw unsupported(`Multiple streaming aggregations are not supported in ${mode} output mode; aggregate once per query, or chain queries through a sink.`);
  }
  if (mode === 'complete' && aggs.length === 0) {
    throw unsupported('Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; use append or update mode, or add a groupBy(...).agg(...).');
  }
  if (mode === 'append' && aggs.some((a) => a.kind === 'aggregate' && a.eventTimeKey === undefined)) {
    throw unsupported('Append output mode not supported when there are streaming aggregations on streaming DataFrames/Datasets without watermark; ' +
      "add withWatermark('eventTime', '10 minutes') and group by window('eventTime', ...) (or the event-time column), or use update or complete mode.");
  }
}

function containsAggregate(p: PhysicalPlan): boolean {
  return p.kind === 'aggregate' || physicalChildren(p).some(containsAggregate);
}

function unsupported(message: string): AnalysisException {
  return new AnalysisException('UNSUPPORTED_STREAMING_OPERATION', message);
}
