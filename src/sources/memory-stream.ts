import { batchFromRows, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { longOffset } from './source-options.js';
import type { Offset, ReadLimit, StreamSource } from './source.js';

/**
 * Spark's MemoryStream: an in-process source for tests and the test harness.
 * Each `addData` call appends one batch and returns its offset, Spark's
 * LongOffset: the 0-based index of the last batch added (so the first call
 * returns 0; -1 means nothing added). Any range of offsets reported and not
 * yet committed can be read again with identical rows, which is what a
 * restart on the same checkpoint needs. `commit` drops the committed batches,
 * as Spark does; asking for them afterwards is an error, not silent loss.
 * The same object serves every run of a query (the engine's `create` returns it).
 */
export class MemoryStream implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  /** Batches after the last committed one; `batches[i]` has offset `firstOffset + i`. */
  private batches: RecordBatch[] = [];
  private firstOffset = 0;
  private current = -1;

  constructor(schema: StructType) {
    this.schema = schema;
    this.description = `MemoryStream[${schema.fields.map((f) => f.name).join(',')}]`;
  }

  /**
   * Appends rows (internal values, one array per row in schema order; for a
   * one-column schema that is not array-typed a bare value also stands for a row) or a batch of this
   * schema, and returns the new offset.
   */
  addData(rows: readonly unknown[] | RecordBatch): number {
    const batch = isBatch(rows) ? this.checkBatch(rows) : batchFromRows(this.schema, rows.map((r, i) => this.toRow(r, i)));
    this.batches.push(batch);
    this.current++;
    return this.current;
  }

  /** The offset of the last batch added (-1 before any). */
  get currentOffset(): number {
    return this.current;
  }

  /** Forgets every batch and starts the offsets again at -1 (Spark's MemoryStream.reset). */
  reset(): void {
    this.batches = [];
    this.firstOffset = 0;
    this.current = -1;
  }

  async latestOffset(_start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    return this.current < 0 ? null : this.current;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const from = start === null ? 0 : longOffset(this.description, start, 'start offset') + 1;
    const to = longOffset(this.description, end, 'end offset');
    if (to > this.current) {
      throw new SpateError('OFFSET_OUT_OF_RANGE',
        `${this.description}: asked for data up to offset ${to}, but only offsets up to ${this.current} were added. The checkpoint belongs to another run of the stream (after reset() or in another process); use a new checkpointLocation.`);
    }
    if (from < this.firstOffset && from <= to) {
      throw new SpateError('OFFSET_OUT_OF_RANGE',
        `${this.description}: asked for data from offset ${from}, but offsets up to ${this.firstOffset - 1} were committed and dropped. Start the query on the checkpoint that committed them, or add the data again to a new MemoryStream.`);
    }
    return this.batches.slice(from - this.firstOffset, to - this.firstOffset + 1);
  }

  async commit(end: Offset): Promise<void> {
    const to = longOffset(this.description, end, 'committed offset');
    // Committing an older offset again (a replayed batch) has nothing left to drop.
    const drop = Math.min(to + 1 - this.firstOffset, this.batches.length);
    if (drop <= 0) return;
    this.batches.splice(0, drop);
    this.firstOffset += drop;
  }

  async stop(): Promise<void> {
    // Data outlives a query run: the next run on the same checkpoint reads the uncommitted batches.
  }

  private toRow(r: unknown, i: number): readonly unknown[] {
    const n = this.schema.fields.length;
    // A bare value stands for a row only when that cannot be mistaken for one: one column, not array-typed.
    if (Array.isArray(r)) {
      if (r.length !== n) {
        throw new SpateError('MEMORY_STREAM_ROW',
          `${this.description}.addData: row ${i} has ${r.length} value(s) but the stream has ${n} column(s) (${this.schema.fields.map((f) => f.name).join(', ')}); give one value per column.`);
      }
      return r as unknown[];
    }
    if (n === 1 && this.schema.fields[0]!.dataType.kind !== 'array') return [r];
    throw new SpateError('MEMORY_STREAM_ROW',
      `${this.description}.addData: row ${i} is not an array (${typeof r}); with ${n} column(s)${n === 1 ? ' of array type' : ''} give each row as an array of values in column order.`);
  }

  private checkBatch(b: RecordBatch): RecordBatch {
    const want = this.schema.fields.map((f) => `${f.name}:${f.dataType.kind}`).join(',');
    const got = b.schema.fields.map((f) => `${f.name}:${f.dataType.kind}`).join(',');
    if (want !== got) {
      throw new SpateError('MEMORY_STREAM_ROW',
        `${this.description}.addData: the batch has columns (${got}) but the stream has (${want}); build the batch with the stream's schema.`);
    }
    return { ...b, schema: this.schema };
  }
}

function isBatch(x: readonly unknown[] | RecordBatch): x is RecordBatch {
  return !Array.isArray(x);
}
