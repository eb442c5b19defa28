import { concatBatches, emptyBatch, lazyTakeBatch, makeBatch, type RecordBatch } from '../../core/batch.js';
import { StructType } from '../../core/types.js';
import type { JoinExec } from '../../physical/physical.js';
import { evaluate, evaluateScratch, pipelineRunner, scratchRunner, type ExecOptions } from '../pipeline.js';
import { JoinHashTable } from './hash-table.js';
import { joinIndices } from './join-indices.js';
import { PairScratch, probeLeftDirect } from './probe-left.js';

/**
 * Runs a join over its executed sides and hands each output batch to `emit`.
 * The common shape (equi-join, no residual, inner / left / semi / anti, the
 * right side built) streams: the right side is hashed once and each left
 * batch probed on its own, so the left side is never concatenated and output
 * follows left batch order. Other shapes join the concatenated sides in one go.
 * Output columns are taken lazily (lazyTakeBatch), so columns nobody reads
 * are never built. With `scratch`, each emitted batch is valid only during
 * the `emit` call (its index and key buffers are reused for the next one).
 */
export function runJoin(
  plan: JoinExec, leftParts: readonly RecordBatch[], rightParts: readonly RecordBatch[], opts: ExecOptions,
  emit: (b: RecordBatch) => void, scratch: boolean,
): void {
  const type = plan.joinType === 'cross' ? 'inner' : plan.joinType;
  let leftRows = 0;
  for (const b of leftParts) leftRows += b.numRows;
  const right = concatBatches(plan.right.schema, rightParts);
  const probeLeft = (plan.buildSide ?? (leftRows < right.numRows ? 'left' : 'right')) === 'right';
  const streams = plan.leftKeys.length > 0 && plan.residual === null && probeLeft && leftParts.length > 0
    && (type === 'inner' || type === 'left' || type === 'left_semi' || type === 'left_anti');
  if (!streams) {
    emit(joinWhole(plan, concatBatches(plan.left.schema, leftParts), right, opts));
    return;
  }
  const table = new JoinHashTable(evaluate(plan, 'rightKeys', plan.rightKeys, right, opts), right.numRows);
  const pairs = scratch ? new PairScratch() : undefined;
  const output = (scratch ? scratchRunner : pipelineRunner)(plan, 'main', combinedSchema(plan), [{ kind: 'project', exprs: plan.output }], opts);
  for (const left of leftParts) {
    // Keys are used up by the probe below, so they may live in reused arrays.
    const keys = evaluateScratch(plan, 'leftKeys', plan.leftKeys, left, opts);
    const r = probeLeftDirect(table, keys, left.numRows, type, pairs);
    const joined = type === 'left_semi' || type === 'left_anti'
      ? lazyTakeBatch(left, r.left, r.count)
      : combine(plan, left, right, r.left, r.right, r.count);
    emit(type === 'left_semi' || type === 'left_anti' ? semiOutput(plan, joined, opts) : output(joined));
  }
}

/** The join of two whole sides, any join type, residual condition or not. */
function joinWhole(plan: JoinExec, left: RecordBatch, right: RecordBatch, opts: ExecOptions): RecordBatch {
  const residual = plan.residual;
  const r = joinIndices({
    leftKeys: evaluate(plan, 'leftKeys', plan.leftKeys, left, opts),
    rightKeys: evaluate(plan, 'rightKeys', plan.rightKeys, right, opts),
    leftRows: left.numRows,
    rightRows: right.numRows,
    joinType: plan.joinType,
    ...(plan.buildSide ? { buildSide: plan.buildSide } : {}),
    ...(residual ? {
      residual: (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => {
        // The residual reads its candidate pairs at once; lazy takes build only the columns it names.
        const v = evaluate(plan, 'residual', [residual], combine(plan, left, right, li, ri, n), opts)[0]!;
        const vals = v.values as Uint8Array;
        for (let k = 0; k < n; k++) keep[k] = v.validity !== null && v.validity[k] === 0 ? 0 : vals[k]!;
      },
    } : {}),
  });
  if (plan.joinType === 'left_semi' || plan.joinType === 'left_anti') return semiOutput(plan, lazyTakeBatch(left, r.left, r.count), opts);
  const joined = combine(plan, left, right, r.left, r.right, r.count);
  if (joined.numRows === 0 && joined.columns.length === 0) return emptyBatch(plan.schema);
  return pipelineRunner(plan, 'main', joined.schema, [{ kind: 'project', exprs: plan.output }], opts)(joined);
}

/** Output of a semi or anti join: the kept left rows through the output projection. */
function semiOutput(plan: JoinExec, taken: RecordBatch, opts: ExecOptions): RecordBatch {
  if (taken.numRows === 0 && taken.columns.length === 0) return emptyBatch(plan.schema);
  return pipelineRunner(plan, 'main', taken.schema, [{ kind: 'project', exprs: plan.output }], opts)(taken);
}

const combinedSchemas = new WeakMap<JoinExec, StructType>();

/** [left columns, right columns]: the row the residual and the output projection are bound to. */
function combinedSchema(plan: JoinExec): StructType {
  let s = combinedSchemas.get(plan);
  if (!s) {
    s = StructType([...plan.left.schema.fields, ...plan.right.schema.fields]);
    combinedSchemas.set(plan, s);
  }
  return s;
}

/** Pairs (li[k], ri[k]) as a [left, right] batch, every column taken on first read. */
function combine(plan: JoinExec, left: RecordBatch, right: RecordBatch, li: Int32Array, ri: Int32Array, n: number): RecordBatch {
  // Every left row matched once, in order (a lookup join, as with a dimension table): the left columns pass through untaken.
  const leftCols = isIdentity(li, n, left.numRows) ? left.columns : lazyTakeBatch(left, li, n).columns;
  return makeBatch(combinedSchema(plan), [...leftCols, ...lazyTakeBatch(right, ri, n).columns], n);
}

function isIdentity(idx: Int32Array, n: number, rows: number): boolean {
  if (n !== rows) return false;
  for (let k = 0; k < n; k++) if (idx[k] !== k) return false;
  return true;
}
