import type { StructType } from './types.js';
import { concatVectors, lazySliceVector, lazyTakeVector, sliceVector, takeVector, vectorFromValues, getValue, allocValues, type Vector } from './vector.js';

/**
 * A columnar batch: a schema and one vector per field, all `numRows` long.
 * Batches are immutable once built; operators make new ones.
 */
export interface RecordBatch {
  readonly schema: StructType;
  readonly columns: readonly Vector[];
  readonly numRows: number;
}

export function makeBatch(schema: StructType, columns: readonly Vector[], numRows?: number): RecordBatch {
  return { schema, columns, numRows: numRows ?? columns[0]?.length ?? 0 };
}

export function emptyBatch(schema: StructType): RecordBatch {
  return {
    schema,
    columns: schema.fields.map((f) => ({ type: f.dataType, length: 0, values: allocValues(f.dataType, 0), validity: null })),
    numRows: 0,
  };
}

/** Builds a batch from rows of internal values, one array per row, in schema order. */
export function batchFromRows(schema: StructType, rows: readonly (readonly unknown[])[]): RecordBatch {
  const columns = schema.fields.map((f, c) => vectorFromValues(f.dataType, rows.map((r) => r[c] ?? null)));
  return { schema, columns, numRows: rows.length };
}

/** Rows of internal values, one array per row. */
export function batchToRows(batch: RecordBatch): unknown[][] {
  const out: unknown[][] = new Array(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) {
    const row = new Array<unknown>(batch.columns.length);
    for (let c = 0; c < batch.columns.length; c++) row[c] = getValue(batch.columns[c]!, i);
    out[i] = row;
  }
  return out;
}

export function concatBatches(schema: StructType, batches: readonly RecordBatch[]): RecordBatch {
  const nonEmpty = batches.filter((b) => b.numRows > 0);
  if (nonEmpty.length === 0) return emptyBatch(schema);
  if (nonEmpty.length === 1) return { ...nonEmpty[0]!, schema };
  const columns = schema.fields.map((f, c) => concatVectors(f.dataType, nonEmpty.map((b) => b.columns[c]!)));
  let n = 0;
  for (const b of nonEmpty) n += b.numRows;
  return { schema, columns, numRows: n };
}

/** Rows `indices[0..count)` of the batch (an index of -1 gives a null row). */
export function takeBatch(batch: RecordBatch, indices: Int32Array, count = indices.length): RecordBatch {
  return { schema: batch.schema, columns: batch.columns.map((v) => takeVector(v, indices, count)), numRows: count };
}

export function sliceBatch(batch: RecordBatch, start: number, end: number): RecordBatch {
  const e = Math.min(end, batch.numRows);
  const s = Math.min(start, e);
  return { schema: batch.schema, columns: batch.columns.map((v) => sliceVector(v, s, e)), numRows: e - s };
}

/** sliceBatch with every column sliced on first read (see lazySliceVector): columns nothing reads are never sliced. */
export function lazySliceBatch(batch: RecordBatch, start: number, end: number): RecordBatch {
  const e = Math.min(end, batch.numRows);
  const s = Math.min(start, e);
  return { schema: batch.schema, columns: batch.columns.map((v) => lazySliceVector(v, s, e)), numRows: e - s };
}

/** takeBatch with every column taken on first read (see lazyTakeVector); `indices` must stay unchanged until then. */
export function lazyTakeBatch(batch: RecordBatch, indices: Int32Array, count = indices.length): RecordBatch {
  return { schema: batch.schema, columns: batch.columns.map((v) => lazyTakeVector(v, indices, count)), numRows: count };
}
