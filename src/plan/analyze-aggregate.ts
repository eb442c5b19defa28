import { AnalysisException } from '../core/errors.js';
import { boundDisplay, type Bound } from '../expressions/bound.js';
import { argInfo, castTo } from '../expressions/functions/index.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import { isAggregateName, lookupAggregate } from '../expressions/aggregate/registry.js';
import { fieldsMinMaxApplies, structMinMax } from '../expressions/aggregate/min-max-struct.js';
import type { StructType } from '../core/types.js';
import type { AggregateCall } from '../physical/physical.js';
import type { Analyzed } from './analyzer.js';
import { attrsToSchema, type Attr } from './attributes.js';
import { bindExpr, exprName, isPositional, type BindScope } from './bind-expr.js';
import { extractWindow, windowIndexEventTime, windowStruct } from './analyze-window.js';
import { mergeSessionsByKeys } from './analyze-session-window.js';
import type { Expr } from './expr.js';

/** True when the expression calls an aggregate function anywhere. */
export function containsAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'call': return isAggregateName(e.name.toLowerCase()) || e.args.some(containsAggregate);
    case 'alias': case 'cast': case 'sortOrder': return containsAggregate(e.child);
    case 'extract': return containsAggregate(e.child) || containsAggregate(e.key);
    case 'case': return e.branches.some(([w, t]) => containsAggregate(w) || containsAggregate(t)) || (e.otherwise !== undefined && containsAggregate(e.otherwise));
    default: return false;
  }
}

/**
 * groupBy(keys).agg(aggs), or a select of aggregates (no keys: one output row).
 * Output columns are the keys (Spark's spark.sql.retainGroupColumns) then the
 * aggregate expressions; each output expression is bound over the virtual row
 * [keys..., aggregate results...], so `sum(x) + 1` or `upper(key)` work, and a
 * column that is neither grouped nor aggregated is an error that says so.
 */
export function analyzeAggregate(id: number, groupByIn: readonly Expr[], aggExprsIn: readonly Expr[], input: Analyzed, ctx: FunctionContext): Analyzed {
  // window(...) in the keys (or outputs) becomes a Window node below the aggregate and a column reference here.
  const w = extractWindow(id, [...groupByIn, ...aggExprsIn], input, ctx, true);
  const groupBy = w.exprs.slice(0, groupByIn.length);
  const aggExprs = w.exprs.slice(groupByIn.length);
  let child = w.child;
  const where = groupBy.length > 0 ? 'groupBy(...).agg(...)' : 'a global aggregation';
  const childScope: BindScope = { attrs: child.attrs, where, ctx };
  const keys = groupBy.map((g) => bindExpr(g, { ...childScope, where: 'groupBy(...)' }));
  // Grouped by session_window(...): sessions of the same other keys merge below the aggregate.
  child = { ...child, plan: mergeSessionsByKeys(child.plan, keys, child.attrs.length - 1) };
  const keyDisplays = keys.map(boundDisplay);
  const aggs: AggregateCall[] = [];
  const aggSlots = new Map<string, number>();

  const keySlot = (e: Expr): Bound | undefined => {
    let b: Bound;
    try {
      b = bindExpr(e, childScope);
    } catch {
      return undefined;
    }
    const d = boundDisplay(b);
    const k = keys.findIndex((key, i) => keyDisplays[i] === d && sameRef(key, b));
    if (k < 0) return undefined;
    return { kind: 'ref', index: k, type: keys[k]!.type, nullable: keys[k]!.nullable, name: d };
  };

  const override = (e: Expr): Bound | undefined => {
    if (e.kind === 'call' && isAggregateName(e.name.toLowerCase())) return aggregateSlot(e);
    if (e.kind === 'column' || isPositional(e)) {
      const k = keySlot(e);
      if (k) return k;
      const b = bindExpr(e, childScope);
      throw new AnalysisException('MISSING_AGGREGATION',
        `Column '${boundDisplay(b)}' in ${where} is neither grouped nor aggregated; add it to groupBy(...) or wrap it in an aggregate such as first('${boundDisplay(b)}').`);
    }
    if (e.kind === 'literal' || e.kind === 'alias') return undefined;
    return keys.length > 0 ? keySlot(e) : undefined;
  };

  const aggregateSlot = (e: Expr & { kind: 'call' }): Bound => {
    const fn = lookupAggregate(e.name.toLowerCase())!;
    const rawArgs = e.args.map((a) => bindExpr(a, { ...childScope, where: `${e.name}(...)` }));
    if (rawArgs.length < fn.minArgs || rawArgs.length > fn.maxArgs) {
      throw new AnalysisException('WRONG_NUM_ARGS', `${e.name}() takes ${fn.minArgs === fn.maxArgs ? fn.minArgs : `${fn.minArgs} to ${fn.maxArgs}`} argument(s), but ${rawArgs.length} were given.`);
    }
    const display0 = `${e.name.toLowerCase()}(${e.distinct ? 'DISTINCT ' : ''}${rawArgs.map(boundDisplay).join(', ')})`;
    const fields = structOfNumbers(e.name.toLowerCase(), rawArgs);
    // max/min(struct(a, b, ...)) of numbers takes the fields as its arguments: no struct per input row.
    const res = fields !== undefined ? structMinMax(fields.type, e.name.toLowerCase() === 'max')
      : fn.resolve(rawArgs.map(argInfo), ctx, { distinct: e.distinct ?? false, ignoreNulls: e.ignoreNulls ?? false });
    const args = fields !== undefined ? fields.args
      : rawArgs.map((a, i) => { const t = res.argTypes?.[i]; return t === undefined ? a : castTo(a, t, false, ctx.timeZone); });
    const display = res.display ?? display0;
    let slot = aggSlots.get(display);
    if (slot === undefined) {
      slot = aggs.length;
      aggs.push({ fn: res, args, display });
      aggSlots.set(display, slot);
    }
    return { kind: 'ref', index: keys.length + slot, type: res.type, nullable: res.nullable, name: display };
  };

  const outScope: BindScope = { attrs: child.attrs, where, ctx, override };
  const outExprs = [...groupBy, ...aggExprs];
  // A window key is its index (a number); the output builds the window struct from it, once per group.
  const windowKey = w.windowStart === undefined ? -1 : keys.findIndex((k) => k.kind === 'ref' && k.index === w.windowStart!.index);
  const output = outExprs.map((e, i) => {
    const b = bindExpr(e, outScope);
    return windowKey >= 0 && b.kind === 'ref' && b.index === windowKey ? windowStruct(b, w.windowStart!.shape) : b;
  });
  const attrs: Attr[] = outExprs.map((e, i) => {
    const b = output[i]!;
    const name = exprName(e, b);
    const src = i < groupBy.length && (e.kind === 'column' || isPositional(e)) && keys[i]!.kind === 'ref'
      ? child.attrs[(keys[i] as Bound & { kind: 'ref' }).index] : undefined;
    return src ? { ...src, name, type: b.type, planIds: [...src.planIds, id] } : { name, type: b.type, nullable: b.nullable, planIds: [id] };
  });
  // The key that carries event time (a watermarked timestamp, or a window over one) drives eviction in streaming.
  const timeKey = keys.findIndex((k) => k.kind === 'ref' && child.attrs[k.index]!.watermarkDelayMs !== undefined);
  const eventTimeKey = timeKey < 0 ? undefined
    : timeKey === windowKey ? windowIndexEventTime(timeKey, w.windowStart!.shape)
    : { index: timeKey, kind: keys[timeKey]!.type.kind === 'struct' ? 'window' as const : 'timestamp' as const };
  return {
    plan: { kind: 'aggregate', schema: attrsToSchema(attrs), child: child.plan, keys, aggs, output, ...(eventTimeKey ? { eventTimeKey } : {}) },
    attrs,
  };
}

/** The struct(...) call that is the only argument of max or min, when its fields are numbers, dates or timestamps. */
function structOfNumbers(fn: string, args: readonly Bound[]): (Bound & { kind: 'call'; type: StructType }) | undefined {
  if ((fn !== 'max' && fn !== 'min') || args.length !== 1) return undefined;
  const a = args[0]!;
  return a.kind === 'call' && a.name === 'struct' && fieldsMinMaxApplies(a.type) ? a as Bound & { kind: 'call'; type: StructType } : undefined;
}

/** Two bound expressions that are the same column reference, or both not plain references. */
function sameRef(a: Bound, b: Bound): boolean {
  if (a.kind === 'ref' || b.kind === 'ref') return a.kind === 'ref' && b.kind === 'ref' && a.index === b.index;
  return true;
}
