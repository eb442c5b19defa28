import { StructType } from '../core/types.js';
import { boundDisplay, isFoldable, NON_DETERMINISTIC, type Bound, type BoundCall } from '../expressions/bound.js';
import { evalConstant } from '../expressions/interpret.js';
import { readsColumnSubset } from '../io/index.js';
import type { FileScanExec, PhysicalPlan } from '../physical/physical.js';
import { physicalChildren, readsStream, withChildren } from '../physical/shapes.js';

/**
 * The optimizer: rules that rewrite the analyzed plan into one that gives the
 * same rows with less work, run between analysis and physical (incremental)
 * planning, as Spark's Optimizer runs between its Analyzer and its planner.
 * Each rule is small and named after Spark's; a rule returns the same object
 * when it changes nothing, so the batch runs to a fixed point cheaply.
 *
 * What the rules keep: every node's output schema (the root's above all),
 * the watermark nodes where they are (no filter moves below one, so the
 * event times each watermark sees are the same), the order of stateful and
 * watermark nodes (operator and watermark ids are assigned by that order),
 * and the union's columns and their first input's metadata.
 */
export interface OptimizerRule {
  /** Spark's name for the rule (spark.sql.optimizer.excludedRules takes these). */
  readonly name: string;
  readonly apply: (plan: PhysicalPlan) => PhysicalPlan;
}

/** Rebuilds the plan bottom-up with `f` applied to every node (after its children). */
export function transformUp(p: PhysicalPlan, f: (p: PhysicalPlan) => PhysicalPlan): PhysicalPlan {
  const kids = physicalChildren(p);
  const next = kids.map((k) => transformUp(k, f));
  return f(next.every((k, i) => k === kids[i]) ? p : withChildren(p, next));
}

/** Rebuilds the plan top-down: `f` on a node, then on the children of what it returned. */
export function transformDown(p: PhysicalPlan, f: (p: PhysicalPlan) => PhysicalPlan): PhysicalPlan {
  const q = f(p);
  const kids = physicalChildren(q);
  const next = kids.map((k) => transformDown(k, f));
  return next.every((k, i) => k === kids[i]) ? q : withChildren(q, next);
}

// ---- expression helpers ----

/** The value of a literal or of a folded constant (analysis folds calls into `constant` calls that keep their display). */
function constantOf(b: Bound): { value: unknown } | undefined {
  if (b.kind === 'lit') return { value: b.value };
  if (b.kind === 'call' && b.name === 'constant' && b.args.length === 0) return { value: b.impl() };
  return undefined;
}

const isTrue = (b: Bound): boolean => constantOf(b)?.value === true;
const isFalse = (b: Bound): boolean => constantOf(b)?.value === false;

/** True when the expression gives the same value for the same input row, whatever rows came before (no rand(), uuid(), ...). */
export function isDeterministic(b: Bound): boolean {
  switch (b.kind) {
    case 'ref': case 'lit': return true;
    case 'call': return !NON_DETERMINISTIC.has(b.name) && b.args.every(isDeterministic);
    case 'case': return b.branches.every(([w, t]) => isDeterministic(w) && isDeterministic(t)) && (b.otherwise === null || isDeterministic(b.otherwise));
  }
}

/** Adds the input columns `b` reads to `out`. */
export function collectRefs(b: Bound, out: Set<number>): Set<number> {
  switch (b.kind) {
    case 'ref': out.add(b.index); break;
    case 'lit': break;
    case 'call': for (const a of b.args) collectRefs(a, out); break;
    case 'case':
      for (const [w, t] of b.branches) { collectRefs(w, out); collectRefs(t, out); }
      if (b.otherwise !== null) collectRefs(b.otherwise, out);
  }
  return out;
}

/** `b` with every column reference i renumbered to map[i]; the same object when nothing moves. */
function remap(b: Bound, map: readonly number[] | null): Bound {
  if (map === null) return b;
  switch (b.kind) {
    case 'ref': return map[b.index] === b.index ? b : { ...b, index: map[b.index]! };
    case 'lit': return b;
    case 'call': {
      const args = b.args.map((a) => remap(a, map));
      return args.every((a, i) => a === b.args[i]) ? b : { ...b, args };
    }
    case 'case': {
      const branches = b.branches.map(([w, t]) => [remap(w, map), remap(t, map)] as const);
      const otherwise = b.otherwise === null ? null : remap(b.otherwise, map);
      const same = otherwise === b.otherwise && branches.every(([w, t], i) => w === b.branches[i]![0] && t === b.branches[i]![1]);
      return same ? b : { ...b, branches, otherwise };
    }
  }
}

/**
 * The call over new arguments, its explain() text updated to match: each old
 * argument's text in the call's display is replaced by the new one's.
 */
function withArgs(b: BoundCall, args: readonly Bound[]): BoundCall {
  if (args.every((a, i) => a === b.args[i])) return b;
  const d = b.display;
  let at = 0;
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const was = boundDisplay(b.args[i]!);
    const k = d.indexOf(was, at);
    if (k < 0) return { ...b, args };
    out += d.slice(at, k) + boundDisplay(args[i]!);
    at = k + was.length;
  }
  return { ...b, args, display: out + d.slice(at) };
}

/** `e` read through a projection: column i becomes env[i] (explain text follows). */
function substitute(e: Bound, env: readonly Bound[]): Bound {
  switch (e.kind) {
    case 'ref': return env[e.index]!;
    case 'lit': return e;
    case 'call': return withArgs(e, e.args.map((a) => substitute(a, env)));
    case 'case': return {
      ...e,
      branches: e.branches.map(([w, t]) => [substitute(w, env), substitute(t, env)] as const),
      otherwise: e.otherwise === null ? null : substitute(e.otherwise, env),
    };
  }
}

/** The AND-ed parts of a condition. */
export function conjuncts(b: Bound): Bound[] {
  return b.kind === 'call' && b.name === 'and' ? b.args.flatMap(conjuncts) : [b];
}

/** Applies `f` to every expression a filter or project holds; the same node when `f` changes none. */
function mapExpressions(p: PhysicalPlan, f: (b: Bound) => Bound): PhysicalPlan {
  if (p.kind === 'filter') {
    const condition = f(p.condition);
    return condition === p.condition ? p : { ...p, condition };
  }
  if (p.kind === 'project') {
    const exprs = p.exprs.map(f);
    return exprs.every((e, i) => e === p.exprs[i]) ? p : { ...p, exprs };
  }
  return p;
}

// ---- the rules ----

/**
 * ConstantFolding: a deterministic expression over literals only becomes its
 * value. Analysis folds what the user wrote; this folds what the other rules
 * make (a condition read through a projection of literals).
 */
export const ConstantFolding: OptimizerRule = {
  name: 'ConstantFolding',
  apply: (plan) => transformUp(plan, (p) => mapExpressions(p, fold)),
};

function fold(b: Bound): Bound {
  if (b.kind === 'lit' || b.kind === 'ref' || constantOf(b) !== undefined) return b;
  if (isFoldable(b)) {
    let value: unknown;
    try { value = evalConstant(b); } catch { return b; } // an error stays where it would be raised, at execution
    // As analysis folds: a constant call that keeps the expression's display for explain().
    return { kind: 'call', name: 'constant', args: [], type: b.type, nullable: value === null, impl: () => value, nullSafe: true, display: boundDisplay(b) };
  }
  if (b.kind === 'call') return withArgs(b, b.args.map(fold));
  const branches = b.branches.map(([w, t]) => [fold(w), fold(t)] as const);
  const otherwise = b.otherwise === null ? null : fold(b.otherwise);
  const same = otherwise === b.otherwise && branches.every(([w, t], i) => w === b.branches[i]![0] && t === b.branches[i]![1]);
  return same ? b : { ...b, branches, otherwise };
}

/**
 * BooleanSimplification: `true AND x` is x, `false AND x` is false, `true OR x`
 * is true, `false OR x` is x (exact under three-valued logic, either side).
 */
export const BooleanSimplification: OptimizerRule = {
  name: 'BooleanSimplification',
  apply: (plan) => transformUp(plan, (p) => mapExpressions(p, simplify)),
};

function simplify(b: Bound): Bound {
  if (b.kind !== 'call') return b;
  const c = withArgs(b, b.args.map(simplify));
  if ((c.name !== 'and' && c.name !== 'or') || c.args.length !== 2) return c;
  const [l, r] = c.args as [Bound, Bound];
  if (c.name === 'and') {
    if (isTrue(l)) return r;
    if (isTrue(r)) return l;
    if (isFalse(l) || isFalse(r)) return { kind: 'lit', value: false, type: c.type, nullable: false };
  } else {
    if (isFalse(l)) return r;
    if (isFalse(r)) return l;
    if (isTrue(l) || isTrue(r)) return { kind: 'lit', value: true, type: c.type, nullable: false };
  }
  return c;
}

/** PruneFilters: a filter whose condition is always true is dropped. */
export const PruneFilters: OptimizerRule = {
  name: 'PruneFilters',
  apply: (plan) => transformUp(plan, (p) => (p.kind === 'filter' && isTrue(p.condition) ? p.child : p)),
};

/**
 * PushPredicateThroughNonJoin, for projections and unions (Spark's
 * PushPredicateThroughNonJoin): a deterministic filter above a projection of
 * deterministic expressions moves below it, its columns read through the
 * projection, when each column it reads is a plain column or a literal
 * there (so no expression is computed twice); a deterministic filter above
 * a union moves into each input. A filter never moves below a watermark,
 * an aggregation, a join, a generator or any stateful node.
 */
export const PushPredicateThroughNonJoin: OptimizerRule = {
  name: 'PushPredicateThroughNonJoin',
  apply: (plan) => transformDown(plan, pushFilter),
};

function pushFilter(p: PhysicalPlan): PhysicalPlan {
  if (p.kind !== 'filter' || !isDeterministic(p.condition)) return p;
  const c = p.child;
  if (c.kind === 'project' && c.exprs.every(isDeterministic)) {
    const reads = collectRefs(p.condition, new Set());
    if (![...reads].every((i) => c.exprs[i]!.kind === 'ref' || constantOf(c.exprs[i]!) !== undefined)) return p;
    const below = pushFilter({ kind: 'filter', schema: c.child.schema, child: c.child, condition: substitute(p.condition, c.exprs) });
    return { ...c, child: below };
  }
  if (c.kind === 'union') {
    return { ...c, children: c.children.map((k) => pushFilter({ kind: 'filter', schema: k.schema, child: k, condition: p.condition })) };
  }
  if (c.kind === 'filter') {
    // Push the lower one first; this one follows if it can.
    const lower = pushFilter(c);
    return lower === c ? p : pushFilter({ ...p, child: lower });
  }
  return p;
}

/**
 * PushDownFilters into file sources (Spark's FileSourceStrategy hands the
 * filter's conjuncts to the file format): the conjuncts of a filter right
 * above a file scan are recorded on the scan, where explain() shows them as
 * PushedFilters. The filter stays above: readers may use them to skip data,
 * never to decide a row.
 */
export const PushDownFiltersToFileScan: OptimizerRule = {
  name: 'PushDownFiltersToFileScan',
  apply: (plan) => {
    // The scans' pushed filters follow the filters above them as other rules change those (or remove them).
    const under = new Set<PhysicalPlan>();
    return transformDown(plan, (p) => {
      if (p.kind === 'filter' && p.child.kind === 'fileScan') {
        const pushed = conjuncts(p.condition).filter(isDeterministic);
        const had = p.child.pushedFilters ?? [];
        if (pushed.length === had.length && pushed.every((b, i) => b === had[i])) { under.add(p.child); return p; }
        const { pushedFilters: _, ...scan } = p.child;
        const child: FileScanExec = pushed.length === 0 ? scan : { ...scan, pushedFilters: pushed };
        under.add(child);
        return { ...p, child };
      }
      if (p.kind === 'fileScan' && p.pushedFilters !== undefined && !under.has(p)) {
        const { pushedFilters: _, ...scan } = p;
        return scan;
      }
      return p;
    });
  },
};

/**
 * ColumnPruning: every node reads only the columns something above it uses.
 * Projections drop the expressions nothing reads, and a file scan of a
 * format that can read a column subset (parquet; json in PERMISSIVE mode)
 * reads only the columns the plan needs. The root keeps all its columns.
 */
export const ColumnPruning: OptimizerRule = {
  name: 'ColumnPruning',
  apply: (plan) => prune(plan, null).plan,
};

interface Pruned {
  readonly plan: PhysicalPlan;
  /** New position of each old output column that was asked for; null when the output is unchanged. */
  readonly map: readonly number[] | null;
}

const all = (p: PhysicalPlan): Pruned => ({ plan: p, map: null });

/** The positions among `width` output columns that are asked for; at least one, as a row count still needs a column. */
function kept(width: number, need: ReadonlySet<number> | null): number[] {
  const keep = [];
  for (let i = 0; i < width; i++) if (need === null || need.has(i)) keep.push(i);
  if (keep.length === 0 && width > 0) keep.push(0);
  return keep;
}

/** Old position -> new position of the kept output columns; null when all are kept. */
function outputMap(keep: readonly number[], width: number): number[] | null {
  if (keep.length === width) return null;
  const map: number[] = [];
  keep.forEach((old, k) => { map[old] = k; });
  return map;
}

/** Prunes `p` to the output columns in `need` (null: all of them), returning where each kept column went. */
function prune(p: PhysicalPlan, need: ReadonlySet<number> | null): Pruned {
  const union = (...sets: (ReadonlySet<number> | null)[]): Set<number> | null => {
    if (sets.includes(null)) return null;
    const out = new Set<number>();
    for (const s of sets) for (const i of s!) out.add(i);
    return out;
  };
  const refs = (bs: readonly Bound[]): Set<number> => { const s = new Set<number>(); for (const b of bs) collectRefs(b, s); return s; };
  switch (p.kind) {
    case 'fileScan': return pruneFileScan(p, need);
    case 'project': {
      const keep = kept(p.exprs.length, need);
      const exprs = keep.map((i) => p.exprs[i]!);
      const c = prune(p.child, refs(exprs));
      const next = exprs.map((e) => remap(e, c.map));
      if (keep.length === p.exprs.length && c.plan === p.child && next.every((e, i) => e === p.exprs[i])) return all(p);
      const map: number[] = [];
      keep.forEach((old, k) => { map[old] = k; });
      const schema = keep.length === p.exprs.length ? p.schema : StructType(keep.map((i) => p.schema.fields[i]!));
      return { plan: { ...p, schema, child: c.plan, exprs: next }, map: keep.length === p.exprs.length ? null : map };
    }
    case 'filter': {
      const c = prune(p.child, union(need, refs([p.condition])));
      if (c.plan === p.child) return all(p);
      return { plan: { ...p, schema: c.plan.schema, child: c.plan, condition: remap(p.condition, c.map) }, map: c.map };
    }
    case 'sort': {
      const c = prune(p.child, union(need, refs(p.orders.map((o) => o.expr))));
      if (c.plan === p.child) return all(p);
      return { plan: { ...p, schema: c.plan.schema, child: c.plan, orders: p.orders.map((o) => ({ ...o, expr: remap(o.expr, c.map) })) }, map: c.map };
    }
    case 'limit': {
      const c = prune(p.child, need);
      return c.plan === p.child ? all(p) : { plan: { ...p, schema: c.plan.schema, child: c.plan }, map: c.map };
    }
    case 'watermark': {
      const c = prune(p.child, union(need, new Set([p.column])));
      if (c.plan === p.child) return all(p);
      return { plan: { ...p, schema: c.plan.schema, child: c.plan, column: c.map === null ? p.column : c.map[p.column]! }, map: c.map };
    }
    case 'dedup': {
      const own = new Set(p.keys);
      if (p.withinWatermark) own.add(p.withinWatermark.column);
      const c = prune(p.child, union(need, own));
      if (c.plan === p.child) return all(p);
      const m = (i: number) => (c.map === null ? i : c.map[i]!);
      return {
        plan: {
          ...p, schema: c.plan.schema, child: c.plan, keys: p.keys.map(m),
          ...(p.withinWatermark ? { withinWatermark: { ...p.withinWatermark, column: m(p.withinWatermark.column) } } : {}),
        },
        map: c.map,
      };
    }
    case 'aggregate': {
      // Output columns nothing reads go, and the aggregates only they read (not over a stream: those are the state's columns).
      const keepOut = readsStream(p) ? kept(p.output.length, null) : kept(p.output.length, need);
      const output = keepOut.map((i) => p.output[i]!);
      const nk = p.keys.length;
      const used = refs(output);
      const keepAggs = p.aggs.map((_, i) => i).filter((i) => readsStream(p) || used.has(nk + i));
      const aggs = keepAggs.map((i) => p.aggs[i]!);
      const c = prune(p.child, refs([...p.keys, ...aggs.flatMap((a) => a.args)]));
      if (c.plan === p.child && keepOut.length === p.output.length && aggs.length === p.aggs.length) return all(p);
      const virtual: number[] = [];
      for (let i = 0; i < nk; i++) virtual[i] = i;
      keepAggs.forEach((old, k) => { virtual[nk + old] = nk + k; });
      const out = outputMap(keepOut, p.output.length);
      return {
        plan: {
          ...p, schema: out === null ? p.schema : StructType(keepOut.map((i) => p.schema.fields[i]!)), child: c.plan,
          keys: p.keys.map((k) => remap(k, c.map)), aggs: aggs.map((a) => ({ ...a, args: a.args.map((x) => remap(x, c.map)) })),
          output: output.map((o) => remap(o, virtual)),
        },
        map: out,
      };
    }
    case 'join': {
      const keepOut = kept(p.output.length, need);
      const output = keepOut.map((i) => p.output[i]!);
      const lw = p.left.schema.fields.length;
      const both = refs([...output, ...(p.residual ? [p.residual] : [])]);
      const l = prune(p.left, union(refs(p.leftKeys), new Set([...both].filter((i) => i < lw))));
      const r = prune(p.right, union(refs(p.rightKeys), new Set([...both].filter((i) => i >= lw).map((i) => i - lw))));
      if (l.plan === p.left && r.plan === p.right && keepOut.length === p.output.length) return all(p);
      const lw2 = l.plan.schema.fields.length;
      const inner: number[] = [];
      for (const i of both) inner[i] = i < lw ? (l.map === null ? i : l.map[i]!) : lw2 + (r.map === null ? i - lw : r.map[i - lw]!);
      const out = outputMap(keepOut, p.output.length);
      return {
        plan: {
          ...p, schema: out === null ? p.schema : StructType(keepOut.map((i) => p.schema.fields[i]!)), left: l.plan, right: r.plan,
          leftKeys: p.leftKeys.map((k) => remap(k, l.map)), rightKeys: p.rightKeys.map((k) => remap(k, r.map)),
          residual: p.residual === null ? null : remap(p.residual, inner), output: output.map((o) => remap(o, inner)),
        },
        map: out,
      };
    }
    case 'union': {
      // Each input is a projection to the union's columns: asked for the same columns, each keeps the same ones.
      const kids = p.children.map((k) => prune(k, need));
      const map = kids[0]!.map;
      if (kids.some((k) => JSON.stringify(k.map) !== JSON.stringify(map))) {
        const next = p.children.map((k) => prune(k, null).plan);
        return next.every((k, i) => k === p.children[i]) ? all(p) : all({ ...p, children: next });
      }
      if (kids.every((k, i) => k.plan === p.children[i])) return all(p);
      const schema = map === null ? p.schema : StructType(p.schema.fields.filter((_, i) => map[i] !== undefined));
      return { plan: { ...p, schema, children: kids.map((k) => k.plan) }, map };
    }
    default: {
      // Every other node reads all of its children's columns.
      const kids = physicalChildren(p);
      const next = kids.map((k) => prune(k, null).plan);
      return next.every((k, i) => k === kids[i]) ? all(p) : all(withChildren(p, next));
    }
  }
}

function pruneFileScan(p: FileScanExec, need: ReadonlySet<number> | null): Pruned {
  if (need === null) return all(p);
  const width = p.schema.fields.length;
  const keep = [...need].filter((i) => i < width).sort((a, b) => a - b);
  if (keep.length === 0) keep.push(0);
  if (keep.length === width) return all(p);
  const readSchema = p.pruned?.readSchema ?? p.schema;
  if (!readsColumnSubset(p.format, p.options, readSchema)) return all(p);
  const map: number[] = [];
  keep.forEach((old, k) => { map[old] = k; });
  const columns = keep.map((i) => (p.pruned ? p.pruned.columns[i]! : i));
  return {
    plan: {
      ...p, schema: StructType(keep.map((i) => p.schema.fields[i]!)), pruned: { readSchema, columns },
      ...(p.pushedFilters ? { pushedFilters: p.pushedFilters.map((b) => remap(b, map)) } : {}),
    },
    map,
  };
}

/**
 * The rules in the order one pass runs them: simplify expressions, move
 * filters down, hand them to the scans, then prune columns (which sees the
 * filters where they ended up).
 */
export const OPTIMIZER_RULES: readonly OptimizerRule[] = [
  ConstantFolding,
  BooleanSimplification,
  PruneFilters,
  PushPredicateThroughNonJoin,
  PushDownFiltersToFileScan,
  ColumnPruning,
];

/** Runs the rules, less the excluded ones (by name), until a pass changes nothing (at most 10 passes, as Spark's fixed point). */
export function optimize(plan: PhysicalPlan, excluded: ReadonlySet<string> = new Set()): PhysicalPlan {
  const rules = OPTIMIZER_RULES.filter((r) => !excluded.has(r.name));
  let p = plan;
  for (let pass = 0; pass < 10; pass++) {
    const before = p;
    for (const r of rules) p = r.apply(p);
    if (p === before) break;
  }
  return p;
}
