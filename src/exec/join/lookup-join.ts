import { concatBatches, type RecordBatch } from '../../core/batch.js';
import { BooleanType, IntegerType } from '../../core/types.js';
import type { PrimitiveArray, Vector } from '../../core/vector.js';
import { substituteRefs, type Bound, type BoundCall } from '../../expressions/bound.js';
import type { JoinExec, PhysicalPlan } from '../../physical/physical.js';
import { evaluate, type ExecOptions } from '../pipeline.js';

/**
 * A stream-static join on one key whose static side has unique keys (a
 * lookup into a dimension table, as in YSB) rewritten as a projection: each
 * right column becomes `value_j(lookup(key))`, and an inner join filters on
 * `lookup(key)` being found. Unlike a join node, filters and projects fuse
 * across it, so the stream rows pass through one compiled loop.
 *
 * `staticRows` is the right side's rows, computed once per query. Returns null
 * (keep the join) when the shape does not fit or the keys are not unique.
 */
export function lookupJoin(plan: JoinExec, staticRows: readonly RecordBatch[], opts: ExecOptions): PhysicalPlan | null {
  if ((plan.joinType !== 'inner' && plan.joinType !== 'left') || plan.leftKeys.length !== 1 || plan.residual !== null) return null;
  const right = concatBatches(plan.right.schema, staticRows);
  const keys = evaluate(plan, 'lookupKeys', plan.rightKeys, right, opts)[0]!;
  const found = buildLookup(keys, right.numRows);
  if (found === null) return null;
  const row: Bound = {
    kind: 'call', name: 'lookup', args: [plan.leftKeys[0]!], type: IntegerType, nullable: true, nullSafe: false,
    impl: found.find, display: `lookup(${plan.right.schema.fields.map((f) => f.name).join(', ')})`,
    ...(found.direct ? directLookupInline(found.direct, plan.leftKeys[0]!.type.kind === 'int') : {}),
  };
  const env: Bound[] = [
    ...plan.left.schema.fields.map((f, i): Bound => ({ kind: 'ref', index: i, type: f.dataType, nullable: f.nullable, name: f.name })),
    ...right.columns.map((v, j) => valueAt(v, row, plan.right.schema.fields[j]!.name)),
  ];
  const input: PhysicalPlan = plan.joinType === 'inner'
    ? {
      kind: 'filter', schema: plan.left.schema, child: plan.left,
      condition: { kind: 'call', name: 'isnotnull', args: [row], type: BooleanType, nullable: false, nullSafe: true, impl: (r: unknown) => r !== null, display: `isnotnull(${row.display})` },
    }
    : plan.left;
  return { kind: 'project', schema: plan.schema, child: input, exprs: plan.output.map((e) => substituteRefs(e, env)) };
}

/**
 * The compiled form of a direct-table lookup: an index into the table (one unsigned compare bounds an
 * int key; a long may be beyond 32 bits, so it gets two), -1 for a miss, which is the null result.
 */
function directLookupInline(d: DirectTable, intKey: boolean): Pick<BoundCall, 'inline' | 'nullWhen'> {
  return {
    inline: ([k], constant) => {
      const t = constant(d.table);
      const lo = constant(d.lo);
      return intKey
        ? `((${k} - ${lo}) >>> 0 < ${t}.length ? ${t}[${k} - ${lo}] : -1)`
        : `(${k} >= ${lo} && ${k} - ${lo} < ${t}.length ? ${t}[${k} - ${lo}] : -1)`;
    },
    nullWhen: (v) => `${v} < 0`,
  };
}

/** Column `v` of the static side at the looked-up row (null where there is no row, or the value is null). */
function valueAt(v: Vector, row: Bound, name: string): Bound {
  const vals = v.values as PrimitiveArray | unknown[];
  const valid = v.validity;
  const isBool = v.type.kind === 'boolean';
  return {
    kind: 'call', name: 'lookup_value', args: [row], type: v.type, nullable: true, nullSafe: false,
    impl: valid === null
      ? (isBool ? (r: number) => vals[r] === 1 : (r: number) => vals[r])
      : (r: number) => (valid[r] === 0 ? null : isBool ? vals[r] === 1 : vals[r]),
    // Compiled: a read of the column at the row (the call only runs on a found row).
    inline: ([r], constant) => (isBool ? `(${constant(vals)}[${r}] === 1)` : `${constant(vals)}[${r}]`),
    ...(valid === null ? {} : { nullWhen: (_v: string, [r]: readonly string[], constant: (x: unknown) => string) => `${constant(valid)}[${r}] === 0` }),
    display: name,
  };
}

/**
 * A function from a key to its row, or null when some non-null key repeats. Small integral key
 * ranges get a direct table; other keys a Map (numbers normalised as grouping compares them).
 */
interface DirectTable { readonly table: Int32Array; readonly lo: number }

function buildLookup(keys: Vector, n: number): { find: (k: unknown) => number | null; direct?: DirectTable } | null {
  const vals = keys.values as PrimitiveArray | unknown[];
  const valid = keys.validity;
  let lo = Infinity;
  let hi = -Infinity;
  let integral = keys.type.kind === 'int' || keys.type.kind === 'long' || keys.type.kind === 'date';
  for (let i = 0; i < n && integral; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = vals[i] as number;
    if (x !== Math.floor(x)) integral = false;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (integral && n > 0 && hi - lo < Math.max(1 << 16, 4 * n)) {
    const table = new Int32Array(hi - lo + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const slot = (vals[i] as number) - lo;
      if (table[slot] !== -1) return null;
      table[slot] = i;
    }
    const size = table.length;
    const find = (k: unknown): number | null => {
      const slot = (k as number) - lo;
      const r = slot >= 0 && slot < size ? table[slot]! : -1;
      return r < 0 ? null : r;
    };
    return { find, direct: { table, lo } };
  }
  const map = new Map<unknown, number>();
  const norm = (x: unknown): unknown => (typeof x === 'number' && (x === 0 || x !== x) ? (x === 0 ? 0 : NaN) : x);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = vals[i];
    // Structs, arrays and binaries compare by content, which a Map does not do: keep the join.
    if (x !== null && typeof x === 'object') return null;
    const k = norm(x);
    if (map.has(k)) return null;
    map.set(k, i);
  }
  return { find: (k: unknown) => map.get(norm(k)) ?? null };
}
