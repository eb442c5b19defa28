import { makeBatch, takeBatch, type RecordBatch } from '../../core/batch.js';
import { IntegerType, StructField, StructType } from '../../core/types.js';
import { concatVectors, constantVector, takeVector, type Vector } from '../../core/vector.js';
import type { OutputMode } from '../../sinks/sink.js';
import { HashAggregator } from '../aggregate/hash-aggregate.js';
import type { GroupAccumulator } from '../aggregate/aggregate-function.js';
import type { StatefulAggregateExec } from '../physical.js';
import { evaluate, pipelineRunner, type ExecOptions } from '../pipeline.js';
import type { OperatorState } from './operator-state.js';

/** Key and value schemas of an aggregation's state rows: the grouping keys, then every accumulator's state columns. */
export function aggregateStateSchemas(plan: StatefulAggregateExec): { keySchema: StructType; valueSchema: StructType; widths: number[] } {
  const keySchema = plan.keys.length === 0
    ? StructType([StructField('_global', IntegerType, false)])
    : StructType(plan.keys.map((k, i) => StructField(`k${i}`, k.type, true)));
  const widths: number[] = [];
  const fields: StructField[] = [];
  plan.aggs.forEach((a, j) => {
    const types = a.fn.create().stateTypes();
    widths.push(types.length);
    types.forEach((t, i) => fields.push(StructField(`a${j}_${i}`, t, true)));
  });
  return { keySchema, valueSchema: StructType(fields), widths };
}

/**
 * One micro-batch of a streaming aggregation. The batch is aggregated on its
 * own first; then, per partition, the stored state of the same keys is
 * loaded and merged under it (stored state counts as earlier input, which
 * first/last/collect_list rely on), the merged state is saved, and the output
 * is the updated groups (update mode) or every group (complete mode).
 * Work per batch is proportional to the batch's keys, except complete mode,
 * which re-evaluates all state as Spark does.
 */
export function runStatefulAggregate(plan: StatefulAggregateExec, inputs: readonly RecordBatch[], state: OperatorState, mode: OutputMode, opts: ExecOptions): RecordBatch {
  const schemas = aggregateStateSchemas(plan);
  const { widths } = schemas;
  const rowSchema = StructType([...schemas.keySchema.fields, ...schemas.valueSchema.fields]);
  const partial = new HashAggregator(plan.keys.map((k) => k.type), plan.aggs.map((a) => a.fn));
  const pre = [...plan.keys, ...plan.aggs.flatMap((a) => a.args)];
  let rowsIn = 0;
  for (const b of inputs) {
    if (b.numRows === 0) continue;
    rowsIn += b.numRows;
    const vecs = evaluate(plan, 'pre', pre, b, opts);
    let off = plan.keys.length;
    const args = plan.aggs.map((a) => { const v = vecs.slice(off, off + a.args.length); off += a.args.length; return v; });
    partial.add(vecs.slice(0, plan.keys.length), args, b.numRows);
  }
  const groups = rowsIn === 0 ? 0 : partial.numGroups;
  const keys: Vector[] = plan.keys.length === 0 ? [constantVector(IntegerType, 0, groups)] : partial.keyVectors();
  const accs = plan.aggs.map((a) => a.fn.create());
  if (groups > 0) {
    const byPart = state.splitByPartition(keys, groups);
    // Stored state first, then this batch's partial aggregates on top.
    byPart.forEach((idx, p) => {
      if (idx.length === 0) return;
      const store = state.store(p);
      const slots = new Int32Array(idx.length);
      store.lookup(keys.map((k) => takeVector(k, idx)), idx.length, slots);
      let found = 0;
      for (let i = 0; i < idx.length; i++) if (slots[i]! >= 0) found++;
      if (found === 0) return;
      const foundSlots = new Int32Array(found);
      const foundGroups = new Int32Array(found);
      for (let i = 0, f = 0; i < idx.length; i++) {
        if (slots[i]! >= 0) { foundSlots[f] = slots[i]!; foundGroups[f++] = idx[i]!; }
      }
      importInto(accs, widths, store.values().map((v: Vector) => takeVector(v, foundSlots)), foundGroups, groups);
    });
    const identity = new Int32Array(groups);
    for (let g = 0; g < groups; g++) identity[g] = g;
    const partialAccs = partial.accumulators();
    accs.forEach((a, j) => a.merge(partialAccs[j]!, identity, groups, groups));
    const stateCols = accs.flatMap((a) => a.exportState(groups));
    const rows = makeBatch(rowSchema, [...keys, ...stateCols], groups);
    byPart.forEach((idx, p) => { if (idx.length > 0) state.store(p).upsert(takeBatch(rows, idx)); });
  }
  if (mode === 'complete') return completeOutput(plan, state, widths, opts);
  return project(plan, plan.keys.length === 0 ? [] : keys, accs.map((a) => a.evaluate(groups)), groups, opts);
}

/** Every group in the state, evaluated (complete mode). */
function completeOutput(plan: StatefulAggregateExec, state: OperatorState, widths: readonly number[], opts: ExecOptions): RecordBatch {
  const nk = plan.keys.length === 0 ? 1 : plan.keys.length;
  const keyParts: Vector[][] = [];
  const results: Vector[][] = [];
  let total = 0;
  for (let p = 0; p < state.numPartitions; p++) {
    const rows = state.store(p).rows();
    if (rows.numRows === 0) continue;
    const ids = new Int32Array(rows.numRows);
    for (let i = 0; i < ids.length; i++) ids[i] = i;
    const accs = plan.aggs.map((a) => a.fn.create());
    importInto(accs, widths, rows.columns.slice(nk), ids, rows.numRows);
    keyParts.push(rows.columns.slice(0, nk) as Vector[]);
    results.push(accs.map((a) => a.evaluate(rows.numRows)));
    total += rows.numRows;
  }
  const concat = (parts: Vector[][], c: number): Vector[] => parts.map((ps) => ps[c]!);
  const keyVecs = plan.keys.length === 0 ? [] : plan.keys.map((k, c) => concatVectors(k.type, concat(keyParts, c)));
  const resultVecs = plan.aggs.map((a, j) => concatVectors(a.fn.type, concat(results, j)));
  if (plan.keys.length === 0 && total === 0) {
    // A global aggregation always has its one row, as in a batch query.
    const accs = plan.aggs.map((a) => a.fn.create());
    return project(plan, [], accs.map((a) => a.evaluate(1)), 1, opts);
  }
  return project(plan, keyVecs, resultVecs, total, opts);
}

function importInto(accs: readonly GroupAccumulator[], widths: readonly number[], stateCols: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
  let off = 0;
  accs.forEach((a, j) => {
    a.importState(stateCols.slice(off, off + widths[j]!), groupIds, numGroups);
    off += widths[j]!;
  });
}

function project(plan: StatefulAggregateExec, keys: readonly Vector[], results: readonly Vector[], n: number, opts: ExecOptions): RecordBatch {
  const virtualSchema = StructType([
    ...plan.keys.map((k, i) => StructField(`k${i}`, k.type, k.nullable)),
    ...plan.aggs.map((a, i) => StructField(`a${i}`, a.fn.type, a.fn.nullable)),
  ]);
  const run = pipelineRunner(plan, 'main', virtualSchema, [{ kind: 'project', exprs: plan.output }], opts);
  return run(makeBatch(virtualSchema, [...keys, ...results], n));
}
