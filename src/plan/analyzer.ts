import { AnalysisException } from '../core/errors.js';
import { BooleanType, IntegerType, StructType, StructField, simpleString, widerType, type DataType } from '../core/types.js';
import { boundDisplay, type Bound, type BoundRef } from '../expressions/bound.js';
import { castTo } from '../expressions/functions/index.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import type { GenerateExec, PhysicalPlan } from '../physical/physical.js';
import { plainSplitSeparator } from '../expressions/functions/string-regex.js';
import { analyzeAggregate, containsAggregate } from './analyze-aggregate.js';
import { analyzeJoin } from './analyze-join.js';
import { extractWindow } from './analyze-window.js';
import { attrsToSchema, passThrough, resolveColumn, schemaToAttrs, type Attr } from './attributes.js';
import { bindExpr, exprName, isPositional, positionalColumn, type BindScope } from './bind-expr.js';
import type { Expr } from './expr.js';
import { GENERATORS } from './generators.js';
import type { LogicalPlan, Project, Union } from './logical.js';

/** A resolved plan: the executable plan and its output columns. */
export interface Analyzed {
  readonly plan: PhysicalPlan;
  readonly attrs: readonly Attr[];
}

/**
 * Resolves a logical plan bottom-up: binds every name to an input column,
 * types every expression (inserting Spark's implicit casts), and checks
 * the query, throwing AnalysisException with the operation and column at fault.
 */
export function analyze(p: LogicalPlan, ctx: FunctionContext): Analyzed {
  switch (p.kind) {
    case 'localRelation':
      return { plan: { kind: 'scan', schema: p.schema, batches: p.batches }, attrs: schemaToAttrs(p.schema, p.id) };
    case 'streamingRelation':
      return {
        plan: { kind: 'streamScan', schema: p.schema, relationId: p.id, description: p.source.format },
        attrs: schemaToAttrs(p.schema, p.id),
      };
    case 'fileRelation':
      return {
        plan: { kind: 'fileScan', schema: p.schema, format: p.format, paths: p.paths, options: p.options },
        attrs: schemaToAttrs(p.schema, p.id),
      };
    case 'dataSourceRelation':
      return {
        plan: { kind: 'dataSourceScan', schema: p.schema, format: p.format, description: p.description, read: p.read },
        attrs: schemaToAttrs(p.schema, p.id),
      };
    case 'subqueryAlias': {
      const c = analyze(p.child, ctx);
      return { plan: c.plan, attrs: passThrough(c.attrs, p.id).map((a) => ({ ...a, qualifier: p.alias })) };
    }
    case 'project':
      return analyzeProject(p, analyze(p.child, ctx), ctx);
    case 'filter': {
      const c = analyze(p.child, ctx);
      const cond = bindExpr(p.condition, { attrs: c.attrs, where: 'filter(...)', ctx });
      if (cond.type.kind !== 'boolean' && cond.type.kind !== 'null') {
        throw new AnalysisException('DATATYPE_MISMATCH',
          `filter(...) condition ${boundDisplay(cond)} has type ${simpleString(cond.type)}; it must be boolean, e.g. col('x').gt(0).`);
      }
      return { plan: { kind: 'filter', schema: c.plan.schema, child: c.plan, condition: castTo(cond, BooleanType) }, attrs: passThrough(c.attrs, p.id) };
    }
    case 'aggregate':
      return analyzeAggregate(p.id, p.groupBy, p.aggs, analyze(p.child, ctx), ctx);
    case 'sort': {
      const c = analyze(p.child, ctx);
      const scope: BindScope = { attrs: c.attrs, where: 'orderBy(...)', ctx };
      const orders = p.orders.map((o) => (o.kind === 'sortOrder'
        ? { expr: bindExpr(o.child, scope), ascending: o.ascending, nullsFirst: o.nullsFirst }
        : { expr: bindExpr(o, scope), ascending: true, nullsFirst: true }));
      return { plan: { kind: 'sort', schema: c.plan.schema, child: c.plan, orders }, attrs: passThrough(c.attrs, p.id) };
    }
    case 'limit': {
      const c = analyze(p.child, ctx);
      return { plan: { kind: 'limit', schema: c.plan.schema, child: c.plan, limit: p.limit, offset: p.offset }, attrs: passThrough(c.attrs, p.id) };
    }
    case 'deduplicate': {
      const c = analyze(p.child, ctx);
      const keys = p.subset === undefined
        ? c.attrs.map((_, i) => i)
        : p.subset.map((n) => resolveColumn(n, c.attrs, undefined, 'dropDuplicates(...)').index);
      const timeKey = keys.findIndex((k) => c.attrs[k]!.watermarkDelayMs !== undefined && c.attrs[k]!.type.kind === 'timestamp');
      const eventColumn = c.attrs.findIndex((a) => a.watermarkDelayMs !== undefined && a.type.kind === 'timestamp');
      const within = p.withinWatermark && eventColumn >= 0
        ? { withinWatermark: { column: eventColumn, delayMicros: c.attrs[eventColumn]!.watermarkDelayMs! * 1000 } } : {};
      const plan = {
        kind: 'dedup' as const, schema: c.plan.schema, child: c.plan, keys,
        ...(p.withinWatermark ? { withinWatermarkRequested: true, ...within } : timeKey >= 0 ? { eventTimeKey: { index: timeKey, kind: 'timestamp' as const } } : {}),
      };
      return { plan, attrs: passThrough(c.attrs, p.id) };
    }
    case 'union':
      return analyzeUnion(p, ctx);
    case 'watermark': {
      const c = analyze(p.child, ctx);
      const where = `withWatermark('${p.eventTime}', ...)`;
      const m = resolveColumn(p.eventTime, c.attrs, undefined, where);
      const a = c.attrs[m.index]!;
      if (m.fields.length > 0 || a.type.kind !== 'timestamp') {
        throw new AnalysisException('DATATYPE_MISMATCH',
          `${where} needs a top-level timestamp column, but '${p.eventTime}' is ${simpleString(a.type)}; convert it first with withColumn('${p.eventTime}', to_timestamp(...)).`);
      }
      const attrs = passThrough(c.attrs, p.id).map((x, i) => (i === m.index ? { ...x, watermarkDelayMs: p.delayMs } : x));
      return {
        plan: { kind: 'watermark', schema: c.plan.schema, child: c.plan, column: m.index, delayMs: p.delayMs, watermarkId: 0 },
        attrs,
      };
    }
    case 'join':
      return analyzeJoin(p, analyze(p.left, ctx), analyze(p.right, ctx), ctx);
  }
}

/** Expands `*` and `alias.*` / `struct.*` against the input columns. */
function expandStars(exprs: readonly Expr[], attrs: readonly Attr[]): Expr[] {
  const out: Expr[] = [];
  for (const e of exprs) {
    if (e.kind !== 'star') { out.push(e); continue; }
    if (e.target === undefined) {
      attrs.forEach((a, i) => out.push(positionalColumn(i, a.name)));
      continue;
    }
    const t = e.target.toLowerCase();
    const q = attrs.map((a, i) => ({ a, i })).filter(({ a }) => a.qualifier?.toLowerCase() === t);
    if (q.length > 0) { q.forEach(({ a, i }) => out.push(positionalColumn(i, a.name))); continue; }
    const m = resolveColumn(e.target, attrs, undefined, `select('${e.target}.*')`);
    const a = attrs[m.index]!;
    if (a.type.kind !== 'struct' || m.fields.length > 0) {
      throw new AnalysisException('INVALID_STAR', `'${e.target}.*' needs a DataFrame alias or a struct column; '${e.target}' is ${simpleString(a.type)}.`);
    }
    for (const f of a.type.fields) out.push({ kind: 'extract', child: positionalColumn(m.index, a.name), key: { kind: 'literal', value: f.name, type: { kind: 'string' } } });
  }
  return out;
}

function analyzeProject(p: Project, original: Analyzed, ctx: FunctionContext): Analyzed {
  const starred = expandStars(p.exprs, original.attrs);
  if (starred.some(containsAggregate)) return analyzeAggregate(p.id, [], starred, original, ctx);
  const { exprs, child } = extractWindow(p.id, starred, original, ctx);
  let input = child;
  const genIdx = exprs.findIndex((e) => generatorCall(e) !== undefined);
  if (genIdx >= 0) {
    if (exprs.filter((e) => generatorCall(e) !== undefined).length > 1) {
      throw new AnalysisException('MULTIPLE_GENERATORS', 'Only one generator (explode, posexplode, ...) is allowed per select(...); split it into two selects.');
    }
    // A select of the generator alone reads none of the child's columns: they are not repeated per element.
    input = analyzeGenerate(p.id, exprs[genIdx]!, child, ctx, exprs.length > 1);
  }
  const scope: BindScope = { attrs: input.attrs, where: 'select(...)', ctx };
  const bound: Bound[] = [];
  const attrs: Attr[] = [];
  exprs.forEach((e, i) => {
    if (i === genIdx) {
      const names = generatorNames(e);
      const plan = input.plan as GenerateExec;
      const first = plan.keepChild ? child.attrs.length : 0;
      const count = input.attrs.length - first;
      for (let k = 0; k < count; k++) {
        const a = input.attrs[first + k]!;
        bound.push({ kind: 'ref', index: first + k, type: a.type, nullable: a.nullable, name: a.name });
        attrs.push({ name: names?.[k] ?? a.name, type: a.type, nullable: a.nullable, planIds: [p.id] });
      }
      return;
    }
    const b = bindExpr(e, scope);
    bound.push(b);
    const name = exprName(e, b);
    const src = b.kind === 'ref' ? input.attrs[(b as BoundRef).index] : undefined;
    // window_time(window) is event time too: it keeps the window's watermark, so a second aggregation can use it.
    const timeOf = b.kind === 'call' && b.name === 'window_time' && b.args[0]!.kind === 'ref' ? input.attrs[(b.args[0] as BoundRef).index] : undefined;
    attrs.push(src && (e.kind === 'column' || isPositional(e))
      ? { ...src, name, planIds: [...src.planIds, p.id] }
      : { name, type: b.type, nullable: b.nullable, planIds: [p.id], ...(timeOf?.watermarkDelayMs !== undefined ? { watermarkDelayMs: timeOf.watermarkDelayMs } : {}) });
  });
  return { plan: { kind: 'project', schema: attrsToSchema(attrs), child: input.plan, exprs: bound }, attrs };
}

function generatorCall(e: Expr): { name: string; arg: Expr } | undefined {
  const inner = e.kind === 'alias' ? e.child : e;
  if (inner.kind === 'call' && GENERATORS.has(inner.name.toLowerCase())) {
    if (inner.args.length !== 1) throw new AnalysisException('WRONG_NUM_ARGS', `${inner.name}() takes exactly one argument.`);
    return { name: inner.name.toLowerCase(), arg: inner.args[0]! };
  }
  return undefined;
}

function generatorNames(e: Expr): readonly string[] | undefined {
  return e.kind === 'alias' ? e.names : undefined;
}

/** explode/posexplode: child columns followed by pos?, col (array) or key, value (map). */
function analyzeGenerate(id: number, e: Expr, child: Analyzed, ctx: FunctionContext, keepChild: boolean): Analyzed {
  const g = generatorCall(e)!;
  const spec = GENERATORS.get(g.name)!;
  const input = bindExpr(g.arg, { attrs: child.attrs, where: `${g.name}(...)`, ctx });
  const gen: Attr[] = [];
  if (spec.position) gen.push({ name: 'pos', type: IntegerType, nullable: spec.outer, planIds: [id] });
  if (input.type.kind === 'array') {
    gen.push({ name: 'col', type: input.type.elementType, nullable: true, planIds: [id] });
  } else if (input.type.kind === 'map') {
    gen.push({ name: 'key', type: input.type.keyType, nullable: spec.outer, planIds: [id] });
    gen.push({ name: 'value', type: input.type.valueType, nullable: true, planIds: [id] });
  } else {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `${g.name}() needs an array or a map, but ${boundDisplay(input)} has type ${simpleString(input.type)}; e.g. explode(split(col, ' ')).`);
  }
  const names = generatorNames(e);
  if (names && names.length !== gen.length) {
    throw new AnalysisException('ALIAS_COUNT_MISMATCH',
      `${g.name}() produces ${gen.length} column(s) (${gen.map((a) => a.name).join(', ')}) but ${names.length} alias name(s) were given.`);
  }
  const attrs = keepChild ? [...child.attrs, ...gen] : gen;
  const [, pattern, limit] = input.kind === 'call' && input.name === 'split' ? input.args : [];
  const separator = !spec.outer && !spec.position && pattern?.kind === 'lit' && (limit === undefined || limit.kind === 'lit')
    ? plainSplitSeparator(pattern.value, limit === undefined ? -1 : (limit as Bound & { kind: 'lit' }).value) : undefined;
  return {
    plan: {
      kind: 'generate', schema: attrsToSchema(attrs), child: child.plan, input, outer: spec.outer, position: spec.position, keepChild,
      ...(separator !== undefined ? { splitOn: { str: (input as Bound & { kind: 'call' }).args[0]!, separator } } : {}),
    },
    attrs,
  };
}

function analyzeUnion(p: Union, ctx: FunctionContext): Analyzed {
  const kids = p.children.map((c) => analyze(c, ctx));
  const first = kids[0]!;
  const names = first.attrs.map((a) => a.name);
  // For unionByName, line every child up with the first child's columns (plus missing ones, when allowed).
  const allNames = [...names];
  if (p.byName && p.allowMissingColumns) {
    for (const k of kids.slice(1)) for (const a of k.attrs) if (!allNames.some((n) => n.toLowerCase() === a.name.toLowerCase())) allNames.push(a.name);
  }
  const columnsOf = (k: Analyzed, ki: number): (number | null)[] => {
    if (!p.byName) {
      if (k.attrs.length !== first.attrs.length) {
        throw new AnalysisException('NUM_COLUMNS_MISMATCH',
          `union() needs the same number of columns on both sides: the first input has ${first.attrs.length} (${names.join(', ')}), input ${ki + 1} has ${k.attrs.length} (${k.attrs.map((a) => a.name).join(', ')}). Use unionByName(other, true) to match by name.`);
      }
      return k.attrs.map((_, i) => i);
    }
    return allNames.map((n) => {
      const i = k.attrs.findIndex((a) => a.name.toLowerCase() === n.toLowerCase());
      if (i < 0 && !p.allowMissingColumns) {
        throw new AnalysisException('COLUMN_NOT_FOUND',
          `unionByName(): column '${n}' is missing from input ${ki + 1} (${k.attrs.map((a) => a.name).join(', ')}); pass allowMissingColumns = true to fill it with nulls.`);
      }
      return i < 0 ? null : i;
    });
  };
  const maps = kids.map(columnsOf);
  const types: DataType[] = allNames.map((n, c) => {
    let t: DataType | undefined;
    kids.forEach((k, ki) => {
      const i = maps[ki]![c];
      if (i === null || i === undefined) return;
      const at = k.attrs[i]!.type;
      const w: DataType | undefined = t === undefined ? at : widerType(t, at);
      if (!w) {
        throw new AnalysisException('INCOMPATIBLE_COLUMN_TYPE',
          `union(): column '${n}' has type ${simpleString(t!)} in one input and ${simpleString(at)} in input ${ki + 1}; cast one of them.`);
      }
      t = w;
    });
    return t ?? { kind: 'null' };
  });
  const nullable = allNames.map((_, c) => kids.some((k, ki) => { const i = maps[ki]![c]; return i === null || i === undefined || k.attrs[i]!.nullable; }));
  const schema = StructType(allNames.map((n, c) => StructField(n, types[c]!, nullable[c]!)));
  const children = kids.map((k, ki): PhysicalPlan => {
    const exprs = maps[ki]!.map((i, c): Bound => (i === null || i === undefined
      ? { kind: 'lit', value: null, type: types[c]!, nullable: true }
      : castTo({ kind: 'ref', index: i, type: k.attrs[i]!.type, nullable: k.attrs[i]!.nullable, name: k.attrs[i]!.name }, types[c]!, false, ctx.timeZone)));
    return { kind: 'project', schema, child: k.plan, exprs };
  });
  // As Spark's Union.output: each column keeps the first input's metadata, the watermark above all, so stateful
  // operators over a union of watermarked streams drop late rows and evict state.
  const attrs = allNames.map((n, c): Attr => {
    const i = maps[0]![c];
    const delay = i === null || i === undefined ? undefined : first.attrs[i]!.watermarkDelayMs;
    return { name: n, type: types[c]!, nullable: nullable[c]!, planIds: [...first.attrs[c]?.planIds ?? [], p.id], ...(delay !== undefined ? { watermarkDelayMs: delay } : {}) };
  });
  return { plan: { kind: 'union', schema, children }, attrs };
}
