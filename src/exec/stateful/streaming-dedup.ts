import { makeBatch, takeBatch, type RecordBatch } from '../../core/batch.js';
import { LongType, StructField, StructType } from '../../core/types.js';
import { constantVector, takeVector, type Vector } from '../../core/vector.js';
import { distinctIndices } from '../../core/hash/distinct.js';
import type { EventTimeKey, StreamingDedupExec } from '../../physical/physical.js';
import { expired, notLate } from './event-time.js';
import type { OperatorState } from './operator-state.js';

/**
 * State rows of dropDuplicates: the key columns, and the batch that first saw
 * the key (or, within watermark, when the key expires, in microseconds).
 */
export function dedupStateSchemas(plan: StreamingDedupExec): { keySchema: StructType; valueSchema: StructType } {
  return {
    keySchema: StructType(plan.keys.map((k) => StructField(plan.schema.fields[k]!.name, plan.schema.fields[k]!.dataType, true))),
    valueSchema: StructType([StructField(plan.withinWatermark ? 'expiresAtMicros' : 'firstBatchId', LongType, false)]),
  };
}

/**
 * One micro-batch of streaming dropDuplicates: the first row of each key
 * within the batch passes if no earlier batch saw the key; passing keys are
 * saved. Output keeps input order (append mode).
 */
export function runStreamingDedup(plan: StreamingDedupExec, batch: RecordBatch, state: OperatorState, batchId: number, watermarks: { evictMs: number; lateMs: number }, dropped: Map<number, number>): RecordBatch {
  const out = dedupBatch(plan, batch, state, batchId, watermarks.lateMs * 1000, dropped);
  // Evicted after this batch's keys are saved: a row between the two watermarks was kept above, and its key
  // can go now, since any later copy of it is late for the next batch.
  const within = plan.withinWatermark;
  if (within || plan.eventTimeKey) evict(plan, state, within ? { index: plan.keys.length, kind: 'timestamp' } : plan.eventTimeKey!, watermarks.evictMs * 1000);
  return out;
}

function dedupBatch(plan: StreamingDedupExec, batch: RecordBatch, state: OperatorState, batchId: number, lateMicros: number, dropped: Map<number, number>): RecordBatch {
  // With a watermarked event-time column in the key, late rows are dropped and expired keys evicted.
  const timeKey = plan.eventTimeKey;
  const within = plan.withinWatermark;
  let input = batch;
  const eventColumn = within ? within.column : timeKey ? plan.keys[timeKey.index]! : -1;
  if (eventColumn >= 0) {
    const keep = notLate(TIMESTAMP_KEY, batch.columns[eventColumn]!, batch.numRows, lateMicros);
    if (keep) input = takeBatch(batch, keep);
    dropped.set(plan.operatorId, batch.numRows - input.numRows);
  }
  if (input.numRows === 0) return input;
  const keyCols = plan.keys.map((k) => input.columns[k]!);
  const first = distinctIndices(keyCols, input.numRows);
  const keys = keyCols.map((v) => takeVector(v, first));
  const byPart = state.splitByPartition(keys, first.length);
  const keep = new Uint8Array(first.length);
  const { keySchema, valueSchema } = dedupStateSchemas(plan);
  const rowSchema = StructType([...keySchema.fields, ...valueSchema.fields]);
  for (let p = 0; p < state.numPartitions; p++) {
    const idx = byPart[p]!;
    const n = idx.length;
    if (n === 0) continue;
    const pk = keys.map((v) => takeVector(v, idx));
    const slots = new Int32Array(n);
    const store = state.store(p);
    store.lookup(pk, n, slots);
    let fresh = 0;
    for (let i = 0; i < n; i++) if (slots[i]! < 0) fresh++;
    if (fresh === 0) continue;
    const newIdx = new Int32Array(fresh);
    for (let i = 0, k = 0; i < n; i++) if (slots[i]! < 0) { newIdx[k++] = i; keep[idx[i]!] = 1; }
    const value = within ? expiryOf(input.columns[within.column]!, idx, newIdx, first, within.delayMicros) : constantVector(LongType, batchId, fresh);
    store.upsert(makeBatch(rowSchema, [...pk.map((v) => takeVector(v, newIdx)), value], fresh));
  }
  let out = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) out++;
  const rows = new Int32Array(out);
  for (let i = 0, k = 0; i < keep.length; i++) if (keep[i]) rows[k++] = first[i]!;
  return takeBatch(input, rows);
}

const TIMESTAMP_KEY: EventTimeKey = { index: 0, kind: 'timestamp' };

/** Expiry (event time + delay) of the first input row of each new key. */
function expiryOf(time: Vector, partIdx: Int32Array, newIdx: Int32Array, first: Int32Array, delayMicros: number): Vector {
  const out = new Float64Array(newIdx.length);
  const ts = time.values as Float64Array;
  for (let i = 0; i < newIdx.length; i++) out[i] = ts[first[partIdx[newIdx[i]!]!]!]! + delayMicros;
  return { type: LongType, length: out.length, values: out, validity: null };
}

/**
 * Forgets keys whose event time is at or below the watermark: no row that old can arrive any more.
 * Within watermark, a key expires at its stored time (the value column); otherwise when its event time passes.
 */
function evict(plan: StreamingDedupExec, state: OperatorState, timeKey: EventTimeKey, watermarkMicros: number): void {
  for (let p = 0; p < state.numPartitions; p++) {
    const store = state.store(p);
    if (store.numKeys === 0) continue;
    const rows = store.rows();
    // `timeKey.index` is a column of the state row: a key column, or the expiry value after the keys.
    const gone = expired(timeKey, rows.columns[timeKey.index]!, rows.numRows, watermarkMicros);
    if (gone.length > 0) store.remove(rows.columns.slice(0, plan.keys.length).map((v) => takeVector(v, gone)), gone.length);
  }
}
