import { concatBatches, emptyBatch, type RecordBatch } from '../core/batch.js';
import { StructType } from '../core/types.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

/** One committed batch's rows. */
interface AddedData {
  readonly batchId: number;
  readonly data: RecordBatch;
}

/**
 * Spark's `memory` sink: keeps every batch's rows in memory, for tests and
 * interactive use; `spark.table(queryName)` reads them through
 * {@link memoryTables}. Append and update keep all batches' rows; complete
 * keeps only the last batch (each complete batch is the whole result table).
 *
 * Idempotence follows Spark's MemorySink: a batch id at or below the latest
 * one kept is already committed and is skipped, so a batch replayed after a
 * restart is never added twice.
 */
export class MemorySink implements StreamSink {
  readonly description: string;
  readonly queryName: string | undefined;
  private batches: AddedData[] = [];
  private knownSchema: StructType | undefined;

  /** `schema` is the query's output schema, so an empty sink still reads as a table with the right columns. */
  constructor(options: { queryName?: string; schema?: StructType } = {}) {
    this.queryName = options.queryName;
    this.knownSchema = options.schema;
    this.description = options.queryName === undefined ? 'MemorySink' : `MemorySink[${options.queryName}]`;
  }

  async addBatch(batchId: number, data: RecordBatch, outputMode: OutputMode): Promise<void> {
    const latest = this.latestBatchId;
    if (latest !== undefined && batchId <= latest) return;
    this.knownSchema = data.schema;
    // Complete mode hands over the whole result table each time: it replaces what was there.
    if (outputMode === 'complete') this.batches = [];
    this.batches.push({ batchId, data });
  }

  /** The id of the last batch kept, or undefined before the first. */
  get latestBatchId(): number | undefined {
    return this.batches.length === 0 ? undefined : this.batches[this.batches.length - 1]!.batchId;
  }

  /** The output schema: the query's if given, else the first batch's; empty before either is known. */
  get schema(): StructType {
    return this.knownSchema ?? StructType([]);
  }

  /** Every row kept, in batch order (Spark's `allData`). */
  allRows(): RecordBatch {
    return this.concat(this.batches);
  }

  /** The rows of the latest batch only (Spark's `latestBatchData`); empty before the first batch. */
  latestBatchRows(): RecordBatch {
    return this.concat(this.batches.slice(-1));
  }

  /** The rows of batches with id greater than `sinceBatchId` (Spark's `dataSinceBatch`). */
  rowsSinceBatch(sinceBatchId: number): RecordBatch {
    return this.concat(this.batches.filter((b) => b.batchId > sinceBatchId));
  }

  /** The ids of the batches kept, ascending. */
  batchIds(): number[] {
    return this.batches.map((b) => b.batchId);
  }

  /** Forgets every batch (Spark's `clear()`); the next batch id is accepted whatever it is. */
  clear(): void {
    this.batches = [];
  }

  toString(): string {
    return `${this.description}: ${this.batches.reduce((n, b) => n + b.data.numRows, 0)} rows in ${this.batches.length} batches`;
  }

  private concat(parts: readonly AddedData[]): RecordBatch {
    const schema = this.schema;
    if (parts.length === 0) return emptyBatch(schema);
    return concatBatches(schema, parts.map((p) => p.data));
  }
}

/**
 * Memory sinks by query name, so `spark.table(name)` can read a memory sink's
 * rows (Spark registers a temporary view named after the query). The api
 * layer reads it; createSink registers a sink here when it makes one.
 */
export const memoryTables: Map<string, MemorySink> = new Map();
