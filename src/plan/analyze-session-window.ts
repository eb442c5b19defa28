import { parseDurationMicros } from '../core/duration.js';
import { AnalysisException } from '../core/errors.js';
import { TimestampType, simpleString } from '../core/types.js';
import { boundDisplay, isFoldable, refersTo, type Bound } from '../expressions/bound.js';
import { castTo } from '../expressions/functions/index.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import { evalConstant } from '../expressions/interpret.js';
import { physicalChildren, readsStream } from '../physical/shapes.js';
import type { AggregateExec, PhysicalPlan, SessionAggregateExec, SessionWindowExec } from '../physical/physical.js';
import type { OutputMode } from '../core/output-mode.js';
import type { Analyzed } from './analyzer.js';
import { attrsToSchema, type Attr } from './attributes.js';
import { bindExpr, positionalColumn } from './bind-expr.js';
import type { Expr } from './expr.js';
import { WINDOW_TYPE } from './analyze-window.js';

/** Spark's name for the column session_window(...) makes. */
export const SESSION_COLUMN = 'session_window';

const GAP_ARG = 'session_window(...) gapDuration';

export const isSessionWindowCall = (e: Expr): boolean => e.kind === 'call' && e.name.toLowerCase() === 'session_window';
const unalias = (e: Expr): Expr => (e.kind === 'alias' ? e.child : e);

/**
 * Pulls a `session_window(time, gap)` out of select or groupBy expressions:
 * the child gets a SessionWindow node appending the `session_window` column
 * ([time, time + gap] per row; analyzeAggregate turns on merging when it is a
 * grouping key) and the call becomes a reference to that column. The gap is a
 * duration string, checked here, or a string expression read per row (Spark's
 * dynamic gap). Returns the input unchanged when there is no call.
 */
export function extractSessionWindow(id: number, exprs: readonly Expr[], child: Analyzed, ctx: FunctionContext): { exprs: Expr[]; child: Analyzed } {
  const calls = exprs.map(unalias).filter(isSessionWindowCall);
  if (calls.length === 0) return { exprs: [...exprs], child };
  const key = JSON.stringify(calls[0]);
  if (calls.some((c) => JSON.stringify(c) !== key)) {
    throw new AnalysisException('MULTIPLE_TIME_WINDOWS',
      'Multiple time/session window expressions would result in a cartesian product of windows; use one session_window(...) expression.');
  }
  const call = calls[0] as Expr & { kind: 'call' };
  if (call.args.length !== 2) {
    throw new AnalysisException('WRONG_NUM_ARGS', `session_window(timeColumn, gapDuration) takes 2 arguments, got ${call.args.length}.`);
  }
  const scope = { attrs: child.attrs, where: 'session_window(...)', ctx };
  let time = bindExpr(call.args[0]!, scope);
  if (time.type.kind === 'date') time = castTo(time, TimestampType, false, ctx.timeZone);
  if (time.type.kind !== 'timestamp') {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `session_window(...) needs a timestamp column, but ${boundDisplay(time)} is ${simpleString(time.type)}; convert it with to_timestamp(...) or cast('timestamp').`);
  }
  const gap = bindGap(bindExpr(call.args[1]!, scope));
  const timeAttr = time.kind === 'ref' ? child.attrs[time.index] : undefined;
  // Nullable struct fields, as in Spark (SPARK-38227); the column itself is never null (such rows are dropped).
  const sessionAttr: Attr = {
    name: SESSION_COLUMN, type: WINDOW_TYPE, nullable: false, planIds: [id],
    ...(timeAttr?.watermarkDelayMs !== undefined ? { watermarkDelayMs: timeAttr.watermarkDelayMs } : {}),
  };
  const attrs = [...child.attrs, sessionAttr];
  const index = child.attrs.length;
  const replaced = exprs.map((e): Expr => (isSessionWindowCall(unalias(e)) ? positionalColumn(index, e.kind === 'alias' ? e.names[0]! : SESSION_COLUMN) : e));
  const plan: SessionWindowExec = { kind: 'sessionWindow', schema: attrsToSchema(attrs), child: child.plan, time, gap, mergeKeys: null };
  return { exprs: replaced, child: { plan, attrs } };
}

/** A constant gap must read as a positive duration (an error names the argument); otherwise it is a per-row string. */
function bindGap(gap: Bound): SessionWindowExec['gap'] {
  if (isFoldable(gap)) {
    const v = evalConstant(gap);
    if (typeof v !== 'string') {
      throw new AnalysisException('INVALID_SESSION_WINDOW', `${GAP_ARG} must be a duration string such as '5 minutes', got ${v === null ? 'NULL' : boundDisplay(gap)}.`);
    }
    const micros = parseDurationMicros(v, GAP_ARG);
    if (micros <= 0) throw new AnalysisException('INVALID_SESSION_WINDOW', `${GAP_ARG} must be positive, got '${v}'; a session needs a gap such as '5 minutes'.`);
    return { micros };
  }
  if (gap.type.kind !== 'string') {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `${GAP_ARG} must be a duration string, or an expression giving one per row such as when(...).otherwise('5 minutes'), but ${boundDisplay(gap)} is ${simpleString(gap.type)}.`);
  }
  return { expr: gap };
}

/**
 * Under groupBy: when the session column (input position `sessionIndex`) is a
 * grouping key, sessions of rows with the same other keys merge. Those keys
 * are evaluated below the session column, so they may not refer to it.
 */
export function mergeSessionsByKeys(plan: PhysicalPlan, keys: readonly Bound[], sessionIndex: number): PhysicalPlan {
  if (plan.kind !== 'sessionWindow') return plan;
  const isSession = (k: Bound): boolean => k.kind === 'ref' && k.index === sessionIndex;
  if (!keys.some(isSession)) return plan;
  const others = keys.filter((k) => !isSession(k));
  for (const k of others) {
    if (refersTo(k, sessionIndex)) {
      throw new AnalysisException('INVALID_SESSION_WINDOW',
        `groupBy(...) key ${boundDisplay(k)} uses the session window it is grouped with; group by session_window(...) and the other columns only.`);
    }
  }
  return { ...plan, mergeKeys: others };
}

/**
 * The streaming form of an aggregation grouped by a merging session window:
 * a session aggregate whose child yields each row's own session (merging
 * happens in the operator, with state). Undefined for other aggregations.
 */
export function toSessionAggregate(agg: AggregateExec, operatorId: number): SessionAggregateExec | undefined {
  const sw = agg.child;
  if (sw.kind !== 'sessionWindow' || sw.mergeKeys === null) return undefined;
  const sessionIndex = sw.schema.fields.length - 1;
  const sessionKey = agg.keys.findIndex((k) => k.kind === 'ref' && k.index === sessionIndex);
  return { ...agg, kind: 'sessionAggregate', operatorId, sessionKey, child: { ...sw, mergeKeys: null } };
}

/**
 * Spark's output-mode rules for streaming session windows, checked at
 * start(): no update mode (a merged session would leave the rows of the
 * sessions it absorbed in the sink), and append mode needs a watermark on
 * the session's time column (a session is emitted once the watermark passes its end).
 */
export function checkStreamingSessionWindows(plan: PhysicalPlan, mode: OutputMode): void {
  const visit = (p: PhysicalPlan): void => {
    if (p.kind === 'aggregate' && p.child.kind === 'sessionWindow' && p.child.mergeKeys !== null && readsStream(p)) {
      if (mode === 'update') {
        throw new AnalysisException('UNSUPPORTED_STREAMING_OPERATION',
          'Update output mode not supported for session window on streaming DataFrames/Datasets: a session that merges with later rows changes its start, ' +
          "and the rows already emitted for the sessions it absorbed would stay in the sink. Use outputMode('append') with withWatermark(...), or outputMode('complete').");
      }
      const sessionIndex = p.child.schema.fields.length - 1;
      const key = p.eventTimeKey === undefined ? undefined : p.keys[p.eventTimeKey.index];
      if (mode === 'append' && !(key?.kind === 'ref' && key.index === sessionIndex)) {
        throw new AnalysisException('UNSUPPORTED_STREAMING_OPERATION',
          `Append output mode needs a watermark on the time column of session_window(${boundDisplay(p.child.time)}, ...): a session is emitted once the watermark passes its end. ` +
          "Add withWatermark('eventTime', '10 minutes') on that column before the groupBy, or use outputMode('complete').");
      }
    }
    physicalChildren(p).forEach(visit);
  };
  visit(plan);
}
