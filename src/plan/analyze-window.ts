import { parseDurationMicros } from '../core/duration.js';
import { AnalysisException } from '../core/errors.js';
import { StructField, StructType, TimestampType, simpleString } from '../core/types.js';
import { boundDisplay } from '../exec/bound.js';
import { castTo } from '../exec/functions/index.js';
import type { FunctionContext } from '../exec/functions/function.js';
import { evalConstant } from '../exec/interpret.js';
import type { Analyzed } from './analyzer.js';
import { attrsToSchema, type Attr } from './attributes.js';
import { bindExpr, positionalColumn } from './bind-expr.js';
import type { Expr } from './expr.js';

/** The type of Spark's window column. */
export const WINDOW_TYPE = StructType([StructField('start', TimestampType, true), StructField('end', TimestampType, true)]);

const isWindowCall = (e: Expr): boolean => e.kind === 'call' && e.name.toLowerCase() === 'window';
const unalias = (e: Expr): Expr => (e.kind === 'alias' ? e.child : e);

/**
 * Pulls a `window(time, length, slide?, start?)` out of select or groupBy
 * expressions: the child gets a Window node that appends the `window`
 * struct column (one row per window containing the time), and the window
 * call in the expressions becomes a reference to that column. Returns the
 * input unchanged when there is no window call.
 */
export function extractWindow(id: number, exprs: readonly Expr[], child: Analyzed, ctx: FunctionContext): { exprs: Expr[]; child: Analyzed } {
  const calls = exprs.map(unalias).filter(isWindowCall);
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
  const timeAttr = time.kind === 'ref' ? child.attrs[time.index] : undefined;
  const windowAttr: Attr = {
    name: 'window', type: WINDOW_TYPE, nullable: false, planIds: [id],
    ...(timeAttr?.watermarkDelayMs !== undefined ? { watermarkDelayMs: timeAttr.watermarkDelayMs } : {}),
  };
  const attrs = [...child.attrs, windowAttr];
  const index = child.attrs.length;
  const replaced = exprs.map((e): Expr => {
    if (isWindowCall(unalias(e))) return positionalColumn(index, e.kind === 'alias' ? e.names[0]! : 'window');
    return e;
  });
  return {
    exprs: replaced,
    child: {
      plan: { kind: 'window', schema: attrsToSchema(attrs), child: child.plan, time, windowMicros, slideMicros, startMicros },
      attrs,
    },
  };
}
