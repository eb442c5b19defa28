import { makeBatch, takeBatch, type RecordBatch } from '../../core/batch.js';
import { IntegerType, StructField, StructType } from '../../core/types.js';
import { concatVectors, constantVector, lazyTakeVector, takeVector, type Vector } from '../../core/vector.js';
import type { OutputMode } from '../../core/output-mode.js';
import { HashAggregator } from '../aggregate/hash-aggregate.js';
import type { GroupAccumulator } from '../../expressions/aggregate/aggregate-function.js';
import type { EventTimeKey, StatefulAggregateExec } from '../../physical/physical.js';
import { expired, notLate } from './event-time.js';
import { pipelineRunner, type ExecOptions } from '../pipeline.js';
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
export async function runStatefulAggregate(plan: StatefulAggregateExec, forEachInput: (fn: (keysAndArgs: RecordBatch) => void) => Promise<void>, state: OperatorState, mode: OutputMode, opts: ExecOptions): Promise<RecordBatch> {
  // With a watermark (and not in complete mode, which keeps everything), late rows are dropped and expired groups evicted.
  const timeKey = mode === 'complete' ? undefined : plan.eventTimeKey;
  const watermarkMicros = (opts.stream?.watermarkMs ?? 0) * 1000;
  const lateMicros = (opts.stream?.lateWatermarkMs ?? 0) * 1000;
  let rowsDropped = 0;
  let lateGroups: HashAggregator | undefined;
  const schemas = aggregateStateSchemas(plan);
  const { widths } = schemas;
  const rowSchema = StructType([...schemas.keySchema.fields, ...schemas.valueSchema.fields]);
  const partial = new HashAggregator(plan.keys.map((k) => k.type), plan.aggs.map((a) => a.fn));
  let rowsIn = 0;
  // Input batches arrive as [keys..., aggregate arguments...] (see aggregateInputs), each valid only during the call.
  await forEachInput((b) => {
    if (b.numRows === 0) return;
    rowsIn += b.numRows;
    let vecs: Vector[] = [...b.columns];
    let n = b.numRows;
    if (timeKey) {
      const keep = notLate(timeKey, vecs[timeKey.index]!, n, lateMicros);
      if (keep) {
        // Spark counts late rows after the partial aggregation: one per late group, not per input row.
        const late = complement(keep, n);
        (lateGroups ??= new HashAggregator(plan.keys.map((k) => k.type), [])).add(vecs.slice(0, plan.keys.length).map((v) => takeVector(v, late)), [], late.length);
        rowsDropped += late.length;
        vecs = vecs.map((v) => lazyTakeVector(v, keep));
        n = keep.length;
      }
    }
    let off = plan.keys.length;
    const args = plan.aggs.map((a) => { const v = vecs.slice(off, off + a.args.length); off += a.args.length; return v; });
    if (n > 0) partial.add(vecs.slice(0, plan.keys.length), args, n);
  });
  opts.stream?.droppedByWatermark.set(plan.operatorId, lateGroups?.numGroups ?? 0);
  const groups = rowsIn - rowsDropped === 0 ? 0 : partial.numGroups;
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
  if (mode === 'append') {
    // Append: a group is final once the watermark passes its event time; emit it once and forget it.
    return timeKey ? evictExpired(plan, state, widths, timeKey, watermarkMicros, true, opts)! : project(plan, [], [], 0, opts);
  }
  const out = project(plan, plan.keys.length === 0 ? [] : keys, accs.map((a) => a.evaluate(groups)), groups, opts);
  if (timeKey) evictExpired(plan, state, widths, timeKey, watermarkMicros, false, opts);
  return out;
}

/**
 * Removes the state of groups whose event time is at or below the watermark,
 * returning their final rows when `emit` (append mode).
 */
function evictExpired(plan: StatefulAggregateExec, state: OperatorState, widths: readonly number[], timeKey: EventTimeKey, watermarkMicros: number, emit: boolean, opts: ExecOptions): RecordBatch | undefined {
  const nk = plan.keys.length;
  const keyParts: Vector[][] = [];
  const stateParts: Vector[][] = [];
  let total = 0;
  for (let p = 0; p < state.numPartitions; p++) {
    const store = state.store(p);
    if (store.numKeys === 0) continue;
    const rows = store.rows();
    const gone = expired(timeKey, rows.columns[timeKey.index]!, rows.numRows, watermarkMicros);
    if (gone.length === 0) continue;
    const keys = rows.columns.slice(0, nk).map((v) => takeVector(v, gone));
    if (emit) {
      keyParts.push(keys);
      stateParts.push(rows.columns.slice(nk).map((v) => takeVector(v, gone)));
      total += gone.length;
    }
    store.remove(keys, gone.length);
  }
  if (!emit) return undefined;
  const keyVecs = plan.keys.map((k, c) => concatVectors(k.type, keyParts.map((ps) => ps[c]!)));
  const ids = new Int32Array(total);
  for (let i = 0; i < total; i++) ids[i] = i;
  const accs = plan.aggs.map((a) => a.fn.create());
  if (total > 0) {
    const stateVecs = stateParts[0]!.map((v, c) => concatVectors(v.type, stateParts.map((ps) => ps[c]!)));
    importInto(accs, widths, stateVecs, ids, total);
  }
  return project(plan, keyVecs, accs.map((a) => a.evaluate(total)), total, opts);
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

/** The rows of [0, n) not in `keep` (ascending). */
function complement(keep: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n - keep.length);
  for (let i = 0, k = 0, o = 0; i < n; i++) {
    if (k < keep.length && keep[k] === i) k++;
    else out[o++] = i;
  }
  return out;
}
