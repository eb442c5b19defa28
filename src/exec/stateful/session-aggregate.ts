import { concatBatches, makeBatch, takeBatch, type RecordBatch } from '../../core/batch.js';
import { SpateError } from '../../core/errors.js';
import { StructField, StructType, TimestampType } from '../../core/types.js';
import { nullVector, takeVector, type Vector } from '../../core/vector.js';
import type { OutputMode } from '../../core/output-mode.js';
import type { GroupAccumulator } from '../../expressions/aggregate/aggregate-function.js';
import type { SessionAggregateExec } from '../../physical/physical.js';
import { evaluate, pipelineRunner, type ExecOptions } from '../pipeline.js';
import { groupIds, mergeSessions, rowSessions, sessionColumn } from '../session-window.js';
import { refersTo } from '../../expressions/bound.js';
import type { OperatorState } from './operator-state.js';

/**
 * State rows of a session aggregation, one per open session (Spark's
 * StreamingSessionWindowStateManager layout): key = the other grouping keys
 * and the session's start; value = its end, then every accumulator's state
 * columns. Partitioned by the other keys only, so all sessions of a key live
 * in one partition.
 */
export function sessionStateSchemas(plan: SessionAggregateExec): { keySchema: StructType; valueSchema: StructType; widths: number[] } {
  const others = plan.keys.filter((_, i) => i !== plan.sessionKey);
  const keySchema = StructType([...others.map((k, i) => StructField(`k${i}`, k.type, true)), StructField('sessionStart', TimestampType, false)]);
  const widths: number[] = [];
  const fields: StructField[] = [StructField('sessionEnd', TimestampType, false)];
  plan.aggs.forEach((a, j) => {
    const types = a.fn.create().stateTypes();
    widths.push(types.length);
    types.forEach((t, i) => fields.push(StructField(`a${j}_${i}`, t, true)));
  });
  return { keySchema, valueSchema: StructType(fields), widths };
}

/**
 * One micro-batch of a streaming session-window aggregation (Spark's
 * SessionWindowStateStoreRestore/Save). Rows whose own session ends at or
 * below the watermark are late: dropped and counted. The batch's sessions
 * merge per key; each then merges with the stored sessions of that key it
 * overlaps (stored state counts as earlier input), the stored sessions it
 * absorbed are removed and the merged one saved. Append mode emits and
 * evicts sessions whose end the watermark has passed; complete mode keeps
 * and emits every session. Update mode is rejected at start(), as in Spark:
 * a merged session replaces rows a sink already holds under other starts.
 */
export function runSessionAggregate(plan: SessionAggregateExec, inputs: readonly RecordBatch[], state: OperatorState, mode: OutputMode, opts: ExecOptions): RecordBatch {
  if (mode === 'update') throw new SpateError('UNSUPPORTED_STREAMING_OPERATION', 'Update output mode is not supported for session windows; use append or complete mode.');
  const sk = plan.sessionKey;
  const sw = plan.child;
  // Complete mode keeps everything, and takes late rows too, as for other aggregations.
  const timed = mode !== 'complete' && plan.eventTimeKey?.index === sk;
  const evictMicros = (opts.stream?.watermarkMs ?? 0) * 1000;
  const lateMicros = (opts.stream?.lateWatermarkMs ?? opts.stream?.watermarkMs ?? 0) * 1000;
  const schemas = sessionStateSchemas(plan);
  // Each row's own session straight from the input (no struct per row); late ones are left out.
  const input = concatBatches(sw.child.schema, inputs);
  const rs = rowSessions(sw, input, opts);
  let rows = rs.rows;
  let { start, end } = rs;
  let dropped = 0;
  if (timed) {
    let kept = 0;
    for (let i = 0; i < rows.length; i++) if (end[i]! > lateMicros) kept++;
    if (kept < rows.length) {
      const r = new Int32Array(kept);
      const s = new Float64Array(kept);
      const e = new Float64Array(kept);
      for (let i = 0, k = 0; i < rows.length; i++) if (end[i]! > lateMicros) { r[k] = rows[i]!; s[k] = start[i]!; e[k] = end[i]!; k++; }
      dropped = rows.length - kept;
      rows = r; start = s; end = e;
    }
  }
  const n = rows.length;
  opts.stream?.droppedByWatermark.set(plan.operatorId, dropped);
  if (n > 0) {
    // Keys and arguments are bound over the input plus the session column, which only an argument may read.
    const sessionIndex = sw.schema.fields.length - 1;
    const sessionType = sw.schema.fields[sessionIndex]!.dataType;
    const argsUseSession = plan.aggs.some((a) => a.args.some((b) => refersTo(b, sessionIndex)));
    const taken = takeBatch(input, rows);
    const withSession = makeBatch(sw.schema, [...taken.columns, argsUseSession ? sessionColumn(sessionType, start, end, null, n) : nullVector(sessionType, n)], n);
    const others = plan.keys.filter((_, i) => i !== sk);
    const vecs = evaluate(plan, 'pre', [...others, ...plan.aggs.flatMap((a) => a.args)], withSession, opts);
    let off = others.length;
    const args = plan.aggs.map((a) => { const v = vecs.slice(off, off + a.args.length); off += a.args.length; return v; });
    mergeIntoState(plan, state, schemas, vecs.slice(0, others.length), start, end, args, n);
  }
  if (mode === 'complete') {
    const rowSchema = StructType([...schemas.keySchema.fields, ...schemas.valueSchema.fields]);
    const parts: RecordBatch[] = [];
    for (let p = 0; p < state.numPartitions; p++) parts.push(state.store(p).rows());
    return outputOf(plan, schemas.widths, concatBatches(rowSchema, parts), opts);
  }
  return evictExpired(plan, state, schemas, timed ? evictMicros : -Infinity, opts);
}

/** Merges the batch's sessions (rows with their own [start, end]) into the stored sessions of the same keys. */
function mergeIntoState(
  plan: SessionAggregateExec, state: OperatorState, schemas: ReturnType<typeof sessionStateSchemas>,
  otherKeys: readonly Vector[], start: Float64Array, end: Float64Array, args: readonly (readonly Vector[])[], n: number,
): void {
  const nOther = otherKeys.length;
  const g = groupIds(otherKeys, n);
  const bs = mergeSessions(g.ids, start, end, n);
  const partial = plan.aggs.map((a) => a.fn.create());
  partial.forEach((acc, j) => acc.update(bs.sessionOf, n, args[j]!, bs.count));
  const groupKeys = g.index ? g.index.keyVectors() : [];
  const byPart = state.splitByPartition(groupKeys, g.count);
  const partOf = new Int32Array(g.count);
  byPart.forEach((gids, p) => { for (let i = 0; i < gids.length; i++) partOf[gids[i]!] = p; });

  // Stored sessions of the batch's keys, found through the store's index by key prefix (the other keys), so the
  // work is the batch's keys' sessions, not the partition's.
  const stored = { group: [] as number[], start: [] as number[], end: [] as number[], slot: [] as number[] };
  byPart.forEach((gids, p) => {
    const store = state.store(p);
    if (gids.length === 0 || store.numKeys === 0) return;
    const { offsets, slots } = store.slotsByPrefix(groupKeys.map((v) => takeVector(v, gids)), gids.length);
    const starts = store.keys()[nOther]!.values as Float64Array;
    const ends = store.values()[0]!.values as Float64Array;
    for (let i = 0; i < gids.length; i++) {
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
        const s = slots[k]!;
        stored.group.push(gids[i]!);
        stored.start.push(starts[s]!);
        stored.end.push(ends[s]!);
        stored.slot.push(s);
      }
    }
  });

  // Batch sessions are items [0, bs.count), stored ones follow; merging them gives the final sessions.
  const m = stored.slot.length;
  const total = bs.count + m;
  const grp = new Int32Array(total);
  const st = new Float64Array(total);
  const en = new Float64Array(total);
  grp.set(bs.group); st.set(bs.start); en.set(bs.end);
  grp.set(stored.group, bs.count); st.set(stored.start, bs.count); en.set(stored.end, bs.count);
  const fin = mergeSessions(grp, st, en, total);
  // Only final sessions holding batch input change; a stored session nothing overlapped stays as it is.
  const finalId = new Int32Array(fin.count).fill(-1);
  for (let b = 0; b < bs.count; b++) finalId[fin.sessionOf[b]!] = 0;
  let changed = 0;
  for (let s = 0; s < fin.count; s++) if (finalId[s]! >= 0) finalId[s] = changed++;

  // Stored state first, in start order (earlier input), then the batch's partial aggregates on top.
  const accs = plan.aggs.map((a) => a.fn.create());
  const importSlots: number[][] = byPart.map(() => []);
  const importIds: number[][] = byPart.map(() => []);
  const removeItems: number[][] = byPart.map(() => []);
  for (let k = 0; k < total; k++) {
    const item = fin.order[k]!;
    if (item < bs.count) continue;
    const s = fin.sessionOf[item]!;
    if (finalId[s]! < 0) continue;
    const j = item - bs.count;
    const p = partOf[stored.group[j]!]!;
    importSlots[p]!.push(stored.slot[j]!);
    importIds[p]!.push(finalId[s]!);
    if (stored.start[j]! !== fin.start[s]!) removeItems[p]!.push(j);
  }
  importSlots.forEach((slots, p) => {
    if (slots.length === 0) return;
    const at = Int32Array.from(slots);
    const values = state.store(p).values().slice(1).map((v) => takeVector(v, at));
    importInto(accs, schemas.widths, values, Int32Array.from(importIds[p]!), changed);
  });
  const bsMap = new Int32Array(bs.count);
  for (let b = 0; b < bs.count; b++) bsMap[b] = finalId[fin.sessionOf[b]!]!;
  accs.forEach((a, j) => a.merge(partial[j]!, bsMap, bs.count, changed));

  // Absorbed stored sessions go (the one whose start the merged session keeps is overwritten instead).
  removeItems.forEach((items, p) => {
    if (items.length === 0) return;
    const gids = Int32Array.from(items, (j) => stored.group[j]!);
    const startVec: Vector = { type: TimestampType, length: items.length, values: Float64Array.from(items, (j) => stored.start[j]!), validity: null };
    state.store(p).remove([...groupKeys.map((v) => takeVector(v, gids)), startVec], items.length);
  });
  const sessionIdx = new Int32Array(changed);
  for (let s = 0; s < fin.count; s++) if (finalId[s]! >= 0) sessionIdx[finalId[s]!] = s;
  const sessGroups = new Int32Array(changed);
  const sessStart = new Float64Array(changed);
  const sessEnd = new Float64Array(changed);
  for (let i = 0; i < changed; i++) {
    const s = sessionIdx[i]!;
    sessGroups[i] = fin.group[s]!;
    sessStart[i] = fin.start[s]!;
    sessEnd[i] = fin.end[s]!;
  }
  const rowSchema = StructType([...schemas.keySchema.fields, ...schemas.valueSchema.fields]);
  const rows = makeBatch(rowSchema, [
    ...groupKeys.map((v) => takeVector(v, sessGroups)),
    { type: TimestampType, length: changed, values: sessStart, validity: null },
    { type: TimestampType, length: changed, values: sessEnd, validity: null },
    ...accs.flatMap((a) => a.exportState(changed)),
  ], changed);
  const rowsOf: number[][] = byPart.map(() => []);
  for (let i = 0; i < changed; i++) rowsOf[partOf[sessGroups[i]!]!]!.push(i);
  rowsOf.forEach((idx, p) => { if (idx.length > 0) state.store(p).upsert(takeBatch(rows, Int32Array.from(idx))); });
}

/** Removes sessions whose end is at or below the watermark and returns their final rows (append mode). */
function evictExpired(plan: SessionAggregateExec, state: OperatorState, schemas: ReturnType<typeof sessionStateSchemas>, watermarkMicros: number, opts: ExecOptions): RecordBatch {
  const rowSchema = StructType([...schemas.keySchema.fields, ...schemas.valueSchema.fields]);
  const parts: RecordBatch[] = [];
  for (let p = 0; p < state.numPartitions && watermarkMicros > -Infinity; p++) {
    const store = state.store(p);
    if (store.numKeys === 0) continue;
    // Scan the end column in place and copy out only the expired sessions.
    const values = store.values();
    const ends = values[0]!.values as Float64Array;
    const slots = values[0]!.length;
    let count = 0;
    for (let s = 0; s < slots; s++) if (ends[s]! <= watermarkMicros && store.isLive(s)) count++;
    if (count === 0) continue;
    const gone = new Int32Array(count);
    for (let s = 0, k = 0; s < slots; s++) if (ends[s]! <= watermarkMicros && store.isLive(s)) gone[k++] = s;
    const keys = store.keys().map((v) => takeVector(v, gone));
    parts.push(makeBatch(rowSchema, [...keys, ...values.map((v) => takeVector(v, gone))], count));
    store.remove(keys, count);
  }
  return outputOf(plan, schemas.widths, concatBatches(rowSchema, parts), opts);
}

/** Evaluates state rows (keys, start, end, accumulator states) into the aggregate's output columns. */
function outputOf(plan: SessionAggregateExec, widths: readonly number[], rows: RecordBatch, opts: ExecOptions): RecordBatch {
  const n = rows.numRows;
  const nOther = plan.keys.length - 1;
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  const accs = plan.aggs.map((a) => a.fn.create());
  if (n > 0) importInto(accs, widths, rows.columns.slice(nOther + 2), ids, n);
  const session = sessionColumn(plan.keys[plan.sessionKey]!.type, rows.columns[nOther]!.values as Float64Array, rows.columns[nOther + 1]!.values as Float64Array, null, n);
  const others = rows.columns.slice(0, nOther);
  const keys = plan.keys.map((_, i) => (i === plan.sessionKey ? session : others[i < plan.sessionKey ? i : i - 1]!));
  const virtualSchema = StructType([
    ...plan.keys.map((k, i) => StructField(`k${i}`, k.type, k.nullable)),
    ...plan.aggs.map((a, i) => StructField(`a${i}`, a.fn.type, a.fn.nullable)),
  ]);
  const run = pipelineRunner(plan, 'main', virtualSchema, [{ kind: 'project', exprs: plan.output }], opts);
  return run(makeBatch(virtualSchema, [...keys, ...accs.map((a) => a.evaluate(n))], n));
}

function importInto(accs: readonly GroupAccumulator[], widths: readonly number[], stateCols: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
  let off = 0;
  accs.forEach((a, j) => {
    a.importState(stateCols.slice(off, off + widths[j]!), groupIds, numGroups);
    off += widths[j]!;
  });
}
