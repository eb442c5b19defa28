import { concatBatches, makeBatch, takeBatch, type RecordBatch } from '../core/batch.js';
import { parseDurationMicros } from '../core/duration.js';
import { SpateError } from '../core/errors.js';
import { KeyIndex } from '../core/hash/index.js';
import { IntegerType, StructField, StructType, TimestampType, type DataType } from '../core/types.js';
import { nullVector, takeVector, type Vector } from '../core/vector.js';
import { refersTo } from '../expressions/bound.js';
import { evaluate, pipelineRunner, type ExecOptions } from './pipeline.js';
import type { AggregateExec, SessionWindowExec } from '../physical/physical.js';
import { sortIndices } from './sort/sort-indices.js';

/** The rows of a batch that have a session (an index into the batch each), with each one's own [start, end]. */
export interface RowSessions {
  readonly rows: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
}

/**
 * Each row's own session [time, time + gap] (Spark's SessionWindowing rule).
 * Rows with a null time, or a gap that is null, unreadable or not positive,
 * have none and are left out, as Spark filters them.
 */
export function rowSessions(plan: SessionWindowExec, batch: RecordBatch, opts: ExecOptions): RowSessions {
  const n = batch.numRows;
  const time = evaluate(plan, 'time', [plan.time], batch, opts)[0]!;
  const ts = time.values as Float64Array;
  const tValid = time.validity;
  const gaps = 'micros' in plan.gap ? null : perRowGaps(evaluate(plan, 'gap', [plan.gap.expr], batch, opts)[0]!, n);
  const staticGap = 'micros' in plan.gap ? plan.gap.micros : 0;
  const rows = new Int32Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (tValid !== null && tValid[i] === 0) continue;
    const g = gaps === null ? staticGap : gaps[i]!;
    if (!(g > 0)) continue;
    rows[k] = i;
    start[k] = ts[i]!;
    end[k] = ts[i]! + g;
    k++;
  }
  return { rows: rows.subarray(0, k), start: start.subarray(0, k), end: end.subarray(0, k) };
}

/** Gap of each row in microseconds; NaN where the string is null or does not read as a duration (Spark: null). */
function perRowGaps(v: Vector, n: number): Float64Array {
  const out = new Float64Array(n);
  const vals = v.values as unknown[];
  // Gap strings repeat (a few distinct durations), so each is parsed once.
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = vals[i];
    if (typeof s !== 'string' || (v.validity !== null && v.validity[i] === 0)) { out[i] = NaN; continue; }
    let g = seen.get(s);
    if (g === undefined) {
      try { g = parseDurationMicros(s, 'session_window(...) gapDuration'); } catch { g = NaN; }
      seen.set(s, g);
    }
    out[i] = g;
  }
  return out;
}

/** Sessions after merging: `sessionOf[i]` for each input interval, and each session's group, start and end. */
export interface MergedSessions {
  readonly sessionOf: Int32Array;
  readonly group: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly count: number;
  /** The input intervals in (group, start) order. */
  readonly order: Int32Array;
}

/**
 * Merges intervals [start, end] of the same group that overlap, as Spark's
 * MergingSessionsIterator does over input sorted by (keys, start): a session
 * grows while the next interval starts at or before its end. Session ids are
 * handed out in (group, start) order.
 */
export function mergeSessions(group: Int32Array, start: Float64Array, end: Float64Array, n: number): MergedSessions {
  const order = sortIndices([
    { vector: { type: IntegerType, length: n, values: group, validity: null }, ascending: true, nullsFirst: true },
    { vector: { type: TimestampType, length: n, values: start, validity: null }, ascending: true, nullsFirst: true },
  ], n);
  const sessionOf = new Int32Array(n);
  const sGroup = new Int32Array(n);
  const sStart = new Float64Array(n);
  const sEnd = new Float64Array(n);
  let s = -1;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const g = group[i]!;
    if (s >= 0 && sGroup[s] === g && start[i]! <= sEnd[s]!) {
      if (end[i]! > sEnd[s]!) sEnd[s] = end[i]!;
    } else {
      s++;
      sGroup[s] = g;
      sStart[s] = start[i]!;
      sEnd[s] = end[i]!;
    }
    sessionOf[i] = s;
  }
  const count = s + 1;
  return { sessionOf, group: sGroup.subarray(0, count), start: sStart.subarray(0, count), end: sEnd.subarray(0, count), count, order };
}

/** Group ids of `n` rows by key columns (all 0 with no keys), and the number of groups. */
export function groupIds(keys: readonly Vector[], n: number): { ids: Int32Array; count: number; index: KeyIndex | null } {
  const ids = new Int32Array(n);
  if (keys.length === 0) return { ids, count: n > 0 ? 1 : 0, index: null };
  const index = new KeyIndex(keys.map((k) => k.type));
  const count = index.map(keys, n, ids);
  return { ids, count, index };
}

/** A session_window column: one struct<start, end> value per row, shared by rows of the same session. */
export function sessionColumn(type: DataType, start: Float64Array, end: Float64Array, sessionOf: Int32Array | null, n: number): Vector {
  const values: unknown[] = new Array(n);
  if (sessionOf === null) {
    for (let i = 0; i < n; i++) values[i] = [start[i]!, end[i]!];
  } else {
    const pairs: unknown[] = new Array(start.length);
    for (let s = 0; s < start.length; s++) pairs[s] = [start[s]!, end[s]!];
    for (let i = 0; i < n; i++) values[i] = pairs[sessionOf[i]!];
  }
  return { type, length: n, values, validity: null };
}

/**
 * Runs a SessionWindow node of a select (or below a streaming session
 * aggregate): each row gets its own session. Merging ones run inside their
 * aggregation (aggregateSessions, or the stateful session aggregate).
 */
export function runSessionWindow(plan: SessionWindowExec, input: readonly RecordBatch[], opts: ExecOptions): RecordBatch[] {
  if (plan.mergeKeys !== null) throw new SpateError('INTERNAL_ERROR', 'A merging session window runs only as the child of its aggregation.');
  const type = plan.schema.fields[plan.schema.fields.length - 1]!.dataType;
  return input.map((b) => {
    const rs = rowSessions(plan, b, opts);
    const n = rs.rows.length;
    return makeBatch(plan.schema, [...takeBatch(b, rs.rows).columns, sessionColumn(type, rs.start, rs.end, null, n)], n);
  });
}

/**
 * A batch aggregation grouped by a merging session window, without hashing
 * the session struct: the merged session ids are already dense group ids
 * (unique per other keys and session), so accumulators are updated by them
 * directly and each session's keys are read off its first row.
 */
export function aggregateSessions(plan: AggregateExec & { child: SessionWindowExec }, input: readonly RecordBatch[], opts: ExecOptions): RecordBatch {
  const sw = plan.child;
  const all = concatBatches(sw.child.schema, input);
  const rs = rowSessions(sw, all, opts);
  const n = rs.rows.length;
  const rows = takeBatch(all, rs.rows);
  const others = evaluate(sw, 'keys', sw.mergeKeys!, rows, opts);
  const g = groupIds(others, n);
  const m = mergeSessions(g.ids, rs.start, rs.end, n);
  const sessionType = sw.schema.fields[sw.schema.fields.length - 1]!.dataType;
  const sessionIndex = sw.schema.fields.length - 1;
  // Aggregate arguments rarely read the session column; then it needs no struct per row. When they do they see
  // each row's own session, as in streaming, where later rows may still merge it (min of starts and max of
  // ends are the merged session's either way).
  const argsUseSession = plan.aggs.some((a) => a.args.some((b) => refersTo(b, sessionIndex)));
  const sessionVec = argsUseSession ? sessionColumn(sessionType, rs.start, rs.end, null, n) : nullVector(sessionType, n);
  const withSession = makeBatch(sw.schema, [...rows.columns, sessionVec], n);
  const accs = plan.aggs.map((a) => a.fn.create());
  plan.aggs.forEach((a, j) => accs[j]!.update(m.sessionOf, n, evaluate(plan, `arg${j}`, a.args, withSession, opts), m.count));
  // Row of each session that starts it (any row of the session would do: its keys are the session's).
  const first = new Int32Array(m.count);
  for (let k = 0, s = -1; k < n; k++) { const i = m.order[k]!; if (m.sessionOf[i]! !== s) { s = m.sessionOf[i]!; first[s] = i; } }
  let o = 0;
  const keys = plan.keys.map((k) => (k.kind === 'ref' && k.index === sessionIndex
    ? sessionColumn(sessionType, m.start, m.end, null, m.count)
    : takeVector(others[o++]!, first)));
  const virtualSchema = StructType([
    ...plan.keys.map((k, i) => StructField(`k${i}`, k.type, k.nullable)),
    ...plan.aggs.map((a, i) => StructField(`a${i}`, a.fn.type, a.fn.nullable)),
  ]);
  const finish = pipelineRunner(plan, 'main', virtualSchema, [{ kind: 'project', exprs: plan.output }], opts);
  return finish(makeBatch(virtualSchema, [...keys, ...accs.map((a) => a.evaluate(m.count))], m.count));
}
