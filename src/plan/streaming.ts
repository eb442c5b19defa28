import { AnalysisException } from '../core/errors.js';
import type { OutputMode } from '../core/output-mode.js';
import type { PhysicalPlan } from '../physical/physical.js';
import { physicalChildren, readsStream, withChildren } from '../physical/shapes.js';
import { checkStreamingSessionWindows, toSessionAggregate } from './analyze-session-window.js';

/** A stateful operator of a streaming plan, with the id its state lives under (`state/<id>/`). */
export interface StatefulOperatorInfo {
  readonly operatorId: number;
  readonly node: PhysicalPlan & { kind: 'statefulAggregate' | 'streamingDedup' | 'sessionAggregate' };
}

/**
 * Turns the batch physical plan of a streaming query into its incremental
 * form: an aggregation or dropDuplicates over streaming input becomes the
 * stateful operator that keeps state across micro-batches. Operator ids are
 * given top-down, left to right, so they are the same every time the same
 * query is planned (restarts find their state).
 */
export function planIncremental(plan: PhysicalPlan): { plan: PhysicalPlan; operators: StatefulOperatorInfo[]; watermarkDelaysMs: number[] } {
  // Ids top-down, as Spark numbers them (the operator nearest the sink is 0), so progress lists operators in Spark's order.
  const ids = new Map<PhysicalPlan, number>();
  const number = (p: PhysicalPlan): void => {
    if ((p.kind === 'aggregate' || p.kind === 'dedup') && readsStream(p.child)) ids.set(p, ids.size);
    physicalChildren(p).forEach(number);
  };
  number(plan);
  const operators: StatefulOperatorInfo[] = [];
  const watermarkDelaysMs: number[] = [];
  const rewrite = (p: PhysicalPlan): PhysicalPlan => {
    const kids = physicalChildren(p).map(rewrite);
    const withKids = withChildren(p, kids);
    if (withKids.kind === 'watermark') {
      watermarkDelaysMs.push(withKids.delayMs);
      return { ...withKids, watermarkId: watermarkDelaysMs.length - 1 };
    }
    const operatorId = ids.get(p);
    if (operatorId === undefined) return withKids;
    const session = withKids.kind === 'aggregate' ? toSessionAggregate(withKids, operatorId) : undefined;
    if (session) {
      operators.push({ operatorId, node: session });
      return session;
    }
    if (withKids.kind === 'aggregate') {
      const node = { ...withKids, kind: 'statefulAggregate' as const, operatorId };
      operators.push({ operatorId, node });
      return node;
    }
    if (withKids.kind === 'dedup') {
      const node = { ...withKids, kind: 'streamingDedup' as const, operatorId };
      operators.push({ operatorId, node });
      return node;
    }
    return withKids;
  };
  const rewritten = rewrite(plan);
  operators.sort((a, b) => a.operatorId - b.operatorId);
  return { plan: rewritten, operators, watermarkDelaysMs };
}

/**
 * Spark's UnsupportedOperationChecker for micro-batch queries: rejects, at
 * start(), plans that cannot run incrementally in the chosen output mode,
 * and says what to change.
 */
export function checkStreamingPlan(plan: PhysicalPlan, mode: OutputMode): void {
  const aggs: PhysicalPlan[] = [];
  const walk = (p: PhysicalPlan): void => {
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
        if ((ls || rs) && (containsStreamingAggregate(p.left) || containsStreamingAggregate(p.right))) {
          throw unsupported('Joins after a streaming aggregation are not supported; join before aggregating.');
        }
        break;
      }
      default:
        break;
    }
    for (const c of physicalChildren(p)) walk(c);
  };
  walk(plan);
  checkStreamingSessionWindows(plan, mode);
  checkChainedStatefulOperators(plan, mode);
  if (mode === 'complete' && aggs.length === 0) {
    throw unsupported('Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; use append or update mode, or add a groupBy(...).agg(...).');
  }
  if (mode === 'append' && aggs.some((a) => a.kind === 'aggregate' && a.eventTimeKey === undefined)) {
    throw unsupported('Append output mode not supported when there are streaming aggregations on streaming DataFrames/Datasets without watermark; ' +
      "add withWatermark('eventTime', '10 minutes') and group by window('eventTime', ...) (or the event-time column), or use update or complete mode.");
  }
}

/**
 * Stateful operators may be chained (Spark 3.5+), e.g. a windowed count feeding a second window
 * aggregation on window_time, or dropDuplicates then an aggregation, but only in append mode: in
 * update or complete mode an aggregation re-emits a group every time it changes, which a stateful
 * operator above it would count again, so that is rejected (Spark's global-watermark correctness
 * check). A watermark is defined once, below every stateful operator.
 */
function checkChainedStatefulOperators(plan: PhysicalPlan, mode: OutputMode): void {
  const visit = (p: PhysicalPlan): void => {
    const kids = physicalChildren(p);
    if (isStatefulInChain(p) && mode !== 'append' && kids.some(containsStreamingAggregate)) {
      throw unsupported(`A stateful operator (${describeStateful(p)}) after a streaming aggregation is only supported in append output mode: ` +
        `in ${mode} mode the aggregation emits a group again each time it changes, and the operator above would count it twice. ` +
        "Use outputMode('append') with withWatermark(...) and window(...) on both aggregations, or chain two queries through a sink.");
    }
    if (p.kind === 'watermark' && kids.some(containsStatefulStream)) {
      throw unsupported('withWatermark(...) after a streaming aggregation or dropDuplicates redefines the watermark, which is not supported; ' +
        'define the watermark once on the input, before the first stateful operator (its event time flows through window_time(window)).');
    }
    if (p.kind === 'watermark' && readsStream(p)) {
      const below = kids.map(watermarkBelow).find((w) => w !== undefined);
      if (below !== undefined) throw redefinedWatermark(p, below);
    }
    kids.forEach(visit);
  };
  visit(plan);
}

/** Operators Spark's chain check counts as stateful: streaming aggregations, and dropDuplicates with event time. */
function isStatefulInChain(p: PhysicalPlan): boolean {
  if (p.kind === 'aggregate') return readsStream(p);
  if (p.kind === 'dedup') return readsStream(p) && (p.eventTimeKey !== undefined || p.withinWatermark !== undefined);
  return false;
}

function describeStateful(p: PhysicalPlan): string {
  return p.kind === 'aggregate' ? 'an aggregation' : 'dropDuplicates on an event-time column';
}

function containsStreamingAggregate(p: PhysicalPlan): boolean {
  return (p.kind === 'aggregate' && readsStream(p)) || physicalChildren(p).some(containsStreamingAggregate);
}

/** The nearest withWatermark node in `p` or below it. */
function watermarkBelow(p: PhysicalPlan): (PhysicalPlan & { kind: 'watermark' }) | undefined {
  if (p.kind === 'watermark') return p;
  for (const c of physicalChildren(p)) {
    const w = watermarkBelow(c);
    if (w !== undefined) return w;
  }
  return undefined;
}

/**
 * A second withWatermark above another on the same input (Spark's watermark propagation refuses it since
 * 3.5: each stateful operator must see one watermark, and the first one would still hold the query back).
 */
function redefinedWatermark(p: PhysicalPlan & { kind: 'watermark' }, below: PhysicalPlan & { kind: 'watermark' }): AnalysisException {
  const name = (w: PhysicalPlan & { kind: 'watermark' }): string => w.child.schema.fields[w.column]?.name ?? `#${w.column}`;
  return unsupported(`Redefining watermark is disallowed. withWatermark('${name(p)}', ...) is applied over withWatermark('${name(below)}', ...) on the same streaming input. ` +
    'Define the watermark once, on one event-time column, before the first stateful operator.');
}

function containsStatefulStream(p: PhysicalPlan): boolean {
  return ((p.kind === 'aggregate' || p.kind === 'dedup') && readsStream(p)) || physicalChildren(p).some(containsStatefulStream);
}

function containsAggregate(p: PhysicalPlan): boolean {
  return p.kind === 'aggregate' || physicalChildren(p).some(containsAggregate);
}

function unsupported(message: string): AnalysisException {
  return new AnalysisException('UNSUPPORTED_STREAMING_OPERATION', message);
}
