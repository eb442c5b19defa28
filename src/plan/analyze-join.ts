import { AnalysisException } from '../core/errors.js';
import { BooleanType, simpleString, widerType } from '../core/types.js';
import { boundDisplay, type Bound } from '../expressions/bound.js';
import { callScalar, castTo } from '../expressions/functions/index.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import type { Analyzed } from './analyzer.js';
import { attrsToSchema, passThrough, resolveColumn, type Attr } from './attributes.js';
import { bindExpr } from './bind-expr.js';
import type { Join } from './logical.js';

/**
 * Resolves a join: equality conjuncts between one side and the other become
 * hash-join keys; everything else is a residual condition over the joined
 * row. `using` columns appear once, first, as in Spark.
 */
export function analyzeJoin(p: Join, left: Analyzed, right: Analyzed, ctx: FunctionContext): Analyzed {
  const nl = left.attrs.length;
  const la = passThrough(left.attrs, p.id);
  const ra = passThrough(right.attrs, p.id);
  const nullLeft = p.joinType === 'right' || p.joinType === 'full';
  const nullRight = p.joinType === 'left' || p.joinType === 'full';
  const combined: Attr[] = [
    ...la.map((a) => (nullLeft ? { ...a, nullable: true } : a)),
    ...ra.map((a) => (nullRight ? { ...a, nullable: true } : a)),
  ];
  const ref = (i: number): Bound => {
    const a = i < nl ? left.attrs[i]! : right.attrs[i - nl]!;
    return { kind: 'ref', index: i, type: a.type, nullable: a.nullable, name: a.name };
  };
  const leftKeys: Bound[] = [];
  const rightKeys: Bound[] = [];
  let residual: Bound | null = null;
  let output: Bound[];
  let attrs: Attr[];
  const semi = p.joinType === 'left_semi' || p.joinType === 'left_anti';

  if (p.using !== undefined) {
    const pairs = p.using.map((n) => {
      const li = resolveColumn(n, left.attrs, undefined, `join(..., '${n}') left side`).index;
      const ri = resolveColumn(n, right.attrs, undefined, `join(..., '${n}') right side`).index;
      const t = widerType(left.attrs[li]!.type, right.attrs[ri]!.type);
      if (!t) {
        throw new AnalysisException('DATATYPE_MISMATCH',
          `join on '${n}': the left column is ${simpleString(left.attrs[li]!.type)} and the right is ${simpleString(right.attrs[ri]!.type)}; cast one side first.`);
      }
      leftKeys.push(castTo(ref(li), t, false, ctx.timeZone));
      rightKeys.push(castTo(shift(ref(nl + ri), -nl), t, false, ctx.timeZone));
      return { li, ri, t };
    });
    const usedL = new Set(pairs.map((x) => x.li));
    const usedR = new Set(pairs.map((x) => x.ri));
    output = [];
    attrs = [];
    for (const { li, ri, t } of pairs) {
      const l = castTo(withNullable(ref(li), nullLeft), t, false, ctx.timeZone);
      const r = castTo(withNullable(ref(nl + ri), nullRight), t, false, ctx.timeZone);
      const b = p.joinType === 'right' ? r : p.joinType === 'full' ? callScalar('coalesce', [l, r], ctx) : l;
      output.push(b);
      const src = p.joinType === 'right' ? ra[ri]! : la[li]!;
      attrs.push({ ...src, type: t, nullable: b.nullable });
    }
    combined.forEach((a, i) => {
      if (i < nl ? usedL.has(i) : usedR.has(i - nl)) return;
      if (semi && i >= nl) return;
      output.push(withNullable(ref(i), a.nullable));
      attrs.push(a);
    });
  } else {
    if (p.condition !== undefined) {
      const cond = bindExpr(p.condition, { attrs: combined, where: 'join condition', ctx });
      if (cond.type.kind !== 'boolean') {
        throw new AnalysisException('DATATYPE_MISMATCH', `The join condition ${boundDisplay(cond)} has type ${simpleString(cond.type)}; it must be boolean.`);
      }
      const rest: Bound[] = [];
      for (const c of conjuncts(cond)) {
        const pair = equiPair(c, nl);
        if (pair) { leftKeys.push(pair[0]); rightKeys.push(shift(pair[1], -nl)); } else rest.push(c);
      }
      residual = rest.length === 0 ? null : rest.reduce((a, b) => callScalar('and', [a, b], ctx));
      if (residual) residual = castTo(residual, BooleanType);
    }
    const keep = semi ? la.length : combined.length;
    output = combined.slice(0, keep).map((a, i) => withNullable(ref(i), a.nullable));
    attrs = combined.slice(0, keep);
  }
  const joinType = p.joinType === 'cross' && (leftKeys.length > 0 || residual) ? 'inner' : p.joinType;
  return {
    plan: {
      kind: 'join', schema: attrsToSchema(attrs), left: left.plan, right: right.plan, joinType,
      leftKeys, rightKeys, residual, output, buildSide: p.broadcast,
    },
    attrs,
  };
}

function withNullable(b: Bound, nullable: boolean): Bound {
  return b.kind === 'ref' && nullable && !b.nullable ? { ...b, nullable } : b;
}

/** The AND-ed parts of a condition. */
function conjuncts(b: Bound): Bound[] {
  return b.kind === 'call' && b.name === 'and' ? b.args.flatMap(conjuncts) : [b];
}

/** Column indexes an expression reads. */
function refsOf(b: Bound, out = new Set<number>()): Set<number> {
  if (b.kind === 'ref') out.add(b.index);
  else if (b.kind === 'call') b.args.forEach((a) => refsOf(a, out));
  else if (b.kind === 'case') {
    b.branches.forEach(([w, t]) => { refsOf(w, out); refsOf(t, out); });
    if (b.otherwise) refsOf(b.otherwise, out);
  }
  return out;
}

/** `l = r` with one side reading only left columns and the other only right columns → [leftExpr, rightExpr]. */
function equiPair(c: Bound, nl: number): [Bound, Bound] | undefined {
  if (c.kind !== 'call' || c.name !== 'eq') return undefined;
  const [x, y] = c.args as [Bound, Bound];
  const side = (b: Bound): 'l' | 'r' | undefined => {
    const refs = [...refsOf(b)];
    if (refs.length === 0) return undefined;
    if (refs.every((i) => i < nl)) return 'l';
    if (refs.every((i) => i >= nl)) return 'r';
    return undefined;
  };
  const sx = side(x);
  const sy = side(y);
  if (sx === 'l' && sy === 'r') return [x, y];
  if (sx === 'r' && sy === 'l') return [y, x];
  return undefined;
}

/** Moves every column reference by `delta` (to bind right-side keys to the right input alone). */
export function shift(b: Bound, delta: number): Bound {
  switch (b.kind) {
    case 'ref': return { ...b, index: b.index + delta };
    case 'lit': return b;
    case 'call': return { ...b, args: b.args.map((a) => shift(a, delta)) };
    case 'case': return {
      ...b,
      branches: b.branches.map(([w, t]) => [shift(w, delta), shift(t, delta)] as const),
      otherwise: b.otherwise && shift(b.otherwise, delta),
    };
  }
}
