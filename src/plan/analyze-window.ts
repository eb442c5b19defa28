import { parseDurationMicros } from '../core/duration.js';
import { AnalysisException } from '../core/errors.js';
import { BooleanType, LongType, StructField, StructType, TimestampType, simpleString } from '../core/types.js';
import { boundDisplay, type Bound } from '../expressions/bound.js';
import type { PhysicalPlan } from '../physical/physical.js';
import { castTo } from '../expressions/functions/index.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import { evalConstant } from '../expressions/interpret.js';
import type { Analyzed } from './analyzer.js';
import { attrsToSchema, type Attr } from './attributes.js';
import { bindExpr, positionalColumn } from './bind-expr.js';
import type { Expr } from './expr.js';
import { extractSessionWindow, isSessionWindowCall } from './analyze-session-window.js';

/** The type of Spark's window column. */
export const WINDOW_TYPE = StructType([StructField('start', TimestampType, true), StructField('end', TimestampType, true)]);

const isWindowCall = (e: Expr): boolean => e.kind === 'call' && e.name.toLowerCase() === 'window';
const unalias = (e: Expr): Expr => (e.kind === 'alias' ? e.child : e);

/** Where an aggregation's window key is (the Window node's window index, see extractWindow's `startKey`), and the window's shape. */
export interface WindowStartKey { readonly index: number; readonly shape: WindowShape }

/** A time window's length, slide and start offset, in microseconds. */
export interface WindowShape { readonly windowMicros: number; readonly slideMicros: number; readonly startMicros: number }

/**
 * Pulls a `window(time, length, slide?, start?)` out of select or groupBy
 * expressions: the child gets a Window node that appends each window's index
 * (one row per window containing the time), and the window call in the
 * expressions becomes a reference to the `window` column. For a select, a
 * projection above the Window node builds the struct<start, end>; for a
 * groupBy (`startKey`), the index itself is the column — a small number key
 * that hashes, packs and stores cheaply — and the aggregation builds the
 * struct once per group (see windowStruct). Returns the input unchanged when there is no
 * window call.
 */
export function extractWindow(id: number, exprs: readonly Expr[], child: Analyzed, ctx: FunctionContext, startKey = false): { exprs: Expr[]; child: Analyzed; windowStart?: WindowStartKey } {
  const calls = exprs.map(unalias).filter(isWindowCall);
  if (exprs.some((e) => isSessionWindowCall(unalias(e)))) {
    if (calls.length > 0) {
      throw new AnalysisException('MULTIPLE_TIME_WINDOWS', 'Multiple time/session window expressions would result in a cartesian product of windows; use either window(...) or session_window(...).');
    }
    return extractSessionWindow(id, exprs, child, ctx);
  }
  if (calls.length === 0) return { exprs: [...exprs], child };
  const key = JSON.stringify(calls[0]);
  if (calls.some((c) => JSON.stringify(c) !== key)) {
    throw new AnalysisException('MULTIPLE_TIME_WINDOWS', 'Multiple different window(...) expressions in one query would give a cartesian product of windows; use one window expression.');
  }
  const call = calls[0] as Expr & { kind: 'call' };
  if (call.args.length < 2 || call.args.length > 4) {
    throw new AnalysisException('WRONG_NUM_ARGS', `window(timeColumn, windowDuration, slideDuration?, startTime?) takes 2 to 4 arguments, got ${call.args.length}.`);
  }
  const scope = { attrs: child.attrs, where: 'window(...)', ctx };
  let time = bindExpr(call.args[0]!, scope);
  // A window column as the time (a second aggregation over the first one's windows) means its window_time, as in Spark.
  if (time.type.kind === 'struct') time = bindExpr({ kind: 'call', name: 'window_time', args: [call.args[0]!] }, scope);
  if (time.type.kind === 'date') time = castTo(time, TimestampType, false, ctx.timeZone);
  if (time.type.kind !== 'timestamp') {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `window(...) needs a timestamp column, but ${boundDisplay(time)} is ${simpleString(time.type)}; convert it with to_timestamp(...) or cast('timestamp').`);
  }
  const duration = (i: number, what: string): number | undefined => {
    const a = call.args[i];
    if (a === undefined) return undefined;
    const b = bindExpr(a, scope);
    const v = b.kind === 'lit' || b.kind === 'call' ? evalConstant(b) : undefined;
    if (typeof v !== 'string') throw new AnalysisException('INVALID_WINDOW', `window(...) ${what} must be a duration string such as '10 minutes'.`);
    return parseDurationMicros(v, `window(...) ${what}`);
  };
  const windowMicros = duration(1, 'windowDuration')!;
  const slideMicros = duration(2, 'slideDuration') ?? windowMicros;
  const startMicros = duration(3, 'startTime') ?? 0;
  if (windowMicros <= 0) throw new AnalysisException('INVALID_WINDOW', 'window(...) windowDuration must be positive.');
  if (slideMicros <= 0 || slideMicros > windowMicros) {
    throw new AnalysisException('INVALID_WINDOW', 'window(...) slideDuration must be positive and at most the windowDuration.');
  }
  if (Math.abs(startMicros) >= slideMicros) {
    throw new AnalysisException('INVALID_WINDOW', 'window(...) startTime must be less than the slideDuration in absolute value.');
  }
  // The window carries the watermark of its time column; window_time(window) of an earlier window aggregation counts too,
  // so window(window_time(window), '1 hour') chains a second event-time aggregation.
  const timeRef = time.kind === 'call' && time.name === 'window_time' ? time.args[0]! : time;
  const timeAttr = timeRef.kind === 'ref' ? child.attrs[timeRef.index] : undefined;
  const watermark = timeAttr?.watermarkDelayMs !== undefined ? { watermarkDelayMs: timeAttr.watermarkDelayMs } : {};
  const startAttr: Attr = { name: 'window', type: LongType, nullable: false, planIds: [id], ...watermark };
  const shape: WindowShape = { windowMicros, slideMicros, startMicros };
  const startAttrs = [...child.attrs, startAttr];
  const index = child.attrs.length;
  const replaced = exprs.map((e): Expr => {
    if (isWindowCall(unalias(e))) return positionalColumn(index, e.kind === 'alias' ? e.names[0]! : 'window');
    return e;
  });
  const refs: Bound[] = child.attrs.map((a, i) => ({ kind: 'ref', index: i, type: a.type, nullable: a.nullable, name: a.name }));
  const windowPlan: PhysicalPlan = windowMicros === slideMicros
    ? tumblingWindow(child.plan, attrsToSchema(startAttrs), refs, time, shape)
    : { kind: 'window', schema: attrsToSchema(startAttrs), child: child.plan, time, windowMicros, slideMicros, startMicros };
  if (startKey) return { exprs: replaced, child: { plan: windowPlan, attrs: startAttrs }, windowStart: { index, shape } };
  const attrs = [...child.attrs, { ...startAttr, type: WINDOW_TYPE }];
  const k: Bound = { kind: 'ref', index, type: LongType, nullable: false, name: 'window' };
  return {
    exprs: replaced,
    child: { plan: { kind: 'project', schema: attrsToSchema(attrs), child: windowPlan, exprs: [...refs, windowStruct(k, shape)] }, attrs },
  };
}

/**
 * A tumbling window is one window per row: a projection appending the index floor((t - start) / length)
 * (below a filter dropping null times, when the time can be null), which compiles into the loop of the
 * filters and projects around it instead of being a pass of its own.
 */
function tumblingWindow(child: PhysicalPlan, schema: StructType, refs: readonly Bound[], time: Bound, shape: WindowShape): PhysicalPlan {
  const { slideMicros: s, startMicros: o } = shape;
  // floor((t - o) / s) is exact: t - o is an integer below 2^53 (microseconds), so the quotient never rounds up to the next integer.
  const index: Bound = {
    kind: 'call', name: 'window_index', args: [time], type: LongType, nullable: false, nullSafe: false,
    impl: (t: number) => Math.floor((t - o) / s),
    inline: ([t]) => `Math.floor((${t} - ${numberLiteral(o)}) / ${numberLiteral(s)})`,
    display: 'window_index',
  };
  const input: PhysicalPlan = time.nullable
    ? { kind: 'filter', schema: child.schema, child, condition: { kind: 'call', name: 'isnotnull', args: [time], type: BooleanType, nullable: false, nullSafe: true, impl: (t: unknown) => t !== null, display: 'isnotnull(time)' } }
    : child;
  return { kind: 'project', schema, child: input, exprs: [...refs, index] };
}

/** A number as JS source (an integer count of microseconds, never user text). */
function numberLiteral(x: number): string {
  if (!Number.isSafeInteger(x)) throw new AnalysisException('INVALID_WINDOW', `window(...) durations must be whole microseconds, got ${x}.`);
  return `(${x})`;
}

/** The window struct<start, end> of window index k. */
export function windowStruct(k: Bound, shape: WindowShape): Bound {
  const { windowMicros, slideMicros, startMicros } = shape;
  return {
    kind: 'call', name: 'window', args: [k], type: WINDOW_TYPE, nullable: false, nullSafe: false,
    impl: (i: number) => { const start = i * slideMicros + startMicros; return [start, start + windowMicros]; }, display: 'window',
  };
}

/** The event time a window index stands for: its window's end. */
export function windowIndexEventTime(index: number, shape: WindowShape): { index: number; kind: 'timestamp'; scaleMicros: number; offsetMicros: number } {
  return { index, kind: 'timestamp', scaleMicros: shape.slideMicros, offsetMicros: shape.startMicros + shape.windowMicros };
}
