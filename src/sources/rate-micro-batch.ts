import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { checkFixedSchema, intOption, nonNegativeInt, positiveInt, sourceOptions } from './source-options.js';
import { RATE_SCHEMA, rateBatches } from './rate.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** Spark's RatePerMicroBatchStreamOffset: rows produced so far and the timestamp the next batch starts at. */
export interface RatePerMicroBatchOffset {
  readonly offset: number;
  readonly timestamp: number;
}

/**
 * Spark's `rate-micro-batch` source (RatePerMicroBatchStream): every batch
 * holds exactly `rowsPerBatch` rows whatever the wall clock says. The offset
 * is Spark's JSON `{"offset": rows so far, "timestamp": ms}`; batch k holds
 * values k*rowsPerBatch ... (k+1)*rowsPerBatch-1, all stamped
 * startTimestamp + k*advanceMillisPerBatch. Under availableNow it produces
 * a single batch, as Spark does.
 */
export class RatePerMicroBatchSource implements StreamSource {
  readonly schema = RATE_SCHEMA;
  readonly description: string;
  readonly rowsPerBatch: number;
  readonly numPartitions: number;
  readonly startTimestamp: number;
  readonly advanceMillisPerBatch: number;
  private availableNow = false;
  private frozenEnd: RatePerMicroBatchOffset | undefined;

  constructor(ctx: SourceContext) {
    checkFixedSchema('rate-micro-batch', RATE_SCHEMA, ctx.schema);
    const o = sourceOptions(ctx.options);
    const rows = intOption(o, 'rate-micro-batch', 'rowsPerBatch', undefined, 1, 'a positive integer');
    if (rows === undefined) {
      throw new SpateError('MISSING_OPTION', "Option 'rowsPerBatch' is required by the rate-micro-batch source: add .option('rowsPerBatch', 10) (rows in every micro-batch).");
    }
    this.rowsPerBatch = rows;
    this.numPartitions = positiveInt(o, 'rate-micro-batch', 'numPartitions', 1);
    this.startTimestamp = nonNegativeInt(o, 'rate-micro-batch', 'startTimestamp', 0);
    this.advanceMillisPerBatch = nonNegativeInt(o, 'rate-micro-batch', 'advanceMillisPerBatch', 1000);
    this.description = `RatePerMicroBatchStream[rowsPerBatch=${this.rowsPerBatch}, numPartitions=${this.numPartitions}, ` +
      `startTimestamp=${this.startTimestamp}, advanceMsPerBatch=${this.advanceMillisPerBatch}]`;
  }

  /** Where the stream starts: no rows, at startTimestamp. */
  initialOffset(): RatePerMicroBatchOffset {
    return { offset: 0, timestamp: this.startTimestamp };
  }

  defaultReadLimit(): ReadLimit {
    return { kind: 'maxRows', rows: this.rowsPerBatch };
  }

  async latestOffset(start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    // Spark ignores the limit here: a batch is always rowsPerBatch rows, even under Trigger.Once.
    if (this.availableNow) {
      this.frozenEnd ??= this.next(this.parse(start));
      return { ...this.frozenEnd };
    }
    return { ...this.next(this.parse(start)) };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNow = true;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const s = this.parse(start);
    const e = this.parse(end);
    if (s.offset > e.offset || s.timestamp > e.timestamp) {
      throw new SpateError('INVALID_OFFSET', `${this.description}: start offset ${JSON.stringify(s)} is after end offset ${JSON.stringify(e)}.`);
    }
    if (s.offset === e.offset) return [];
    const ts = s.timestamp;
    return rateBatches(s.offset, e.offset, this.numPartitions, () => ts);
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {}

  private next(start: RatePerMicroBatchOffset): RatePerMicroBatchOffset {
    return { offset: start.offset + this.rowsPerBatch, timestamp: start.timestamp + this.advanceMillisPerBatch };
  }

  private parse(o: Offset | null): RatePerMicroBatchOffset {
    if (o === null) return this.initialOffset();
    if (typeof o === 'object' && !Array.isArray(o)) {
      const { offset, timestamp } = o;
      if (typeof offset === 'number' && Number.isSafeInteger(offset) && typeof timestamp === 'number' && Number.isSafeInteger(timestamp)) {
        return { offset, timestamp };
      }
    }
    throw new SpateError('INVALID_OFFSET',
      `${this.description}: the offset ${JSON.stringify(o)} is not {"offset": n, "timestamp": ms}. The checkpoint was written by a different source; use a new checkpointLocation for a changed query.`);
  }
}
