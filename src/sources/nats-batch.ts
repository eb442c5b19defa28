import { makeBatch, type RecordBatch } from '../core/batch.js';
import {
  ArrayType, BinaryType, LongType, StringType, StructField, StructType, TimestampType,
} from '../core/types.js';
import type { Vector } from '../core/vector.js';

/** A header as the `headers` column holds it: (key, value), repeated keys for multi-valued headers. */
export const NATS_HEADER_TYPE = StructType([StructField('key', StringType, false), StructField('value', StringType, true)]);

/** The `nats` source's columns: subject, data (binary), sequence, timestamp; headers with includeHeaders. */
export function natsSchema(includeHeaders: boolean): StructType {
  const fields = [
    StructField('subject', StringType, false),
    StructField('data', BinaryType, true),
    StructField('sequence', LongType, false),
    StructField('timestamp', TimestampType, false),
  ];
  if (includeHeaders) fields.push(StructField('headers', ArrayType(NATS_HEADER_TYPE, false), true));
  return StructType(fields);
}

/** Typed arrays up to this many rows are sized from the range up front; larger ranges grow. */
const PREALLOCATE_MAX = 1 << 20;

/**
 * Decodes messages straight into column arrays: one append per message,
 * no object per row; `finish` makes the batch.
 */
export class NatsBatchBuilder {
  private readonly subjects: string[] = [];
  private readonly data: Uint8Array[] = [];
  private seqs: Float64Array;
  private times: Float64Array;
  private readonly headers: (unknown[] | null)[] | undefined;
  private headerNulls = 0;
  length = 0;

  constructor(readonly schema: StructType, readonly withHeaders: boolean, expectedRows: number) {
    const n = Math.max(16, Math.min(expectedRows, PREALLOCATE_MAX));
    this.seqs = new Float64Array(n);
    this.times = new Float64Array(n);
    if (withHeaders) this.headers = [];
  }

  /** Appends one message (the signature of NatsMessageHandler). */
  readonly add = (seq: number, subject: string, data: Uint8Array, timestampUs: number, headers: [string, string][] | null): void => {
    const i = this.length;
    if (i === this.seqs.length) this.grow();
    this.seqs[i] = seq;
    this.times[i] = timestampUs;
    this.subjects.push(subject);
    this.data.push(data);
    if (this.headers !== undefined) {
      if (headers === null) { this.headers.push(null); this.headerNulls++; } else this.headers.push(headers);
    }
    this.length = i + 1;
  };

  finish(): RecordBatch {
    const n = this.length;
    const cols: Vector[] = [
      { type: StringType, length: n, values: this.subjects, validity: null },
      { type: BinaryType, length: n, values: this.data, validity: null },
      { type: LongType, length: n, values: this.seqs.subarray(0, n), validity: null },
      { type: TimestampType, length: n, values: this.times.subarray(0, n), validity: null },
    ];
    if (this.headers !== undefined) {
      let validity: Uint8Array | null = null;
      if (this.headerNulls > 0) {
        validity = new Uint8Array(n);
        for (let i = 0; i < n; i++) validity[i] = this.headers[i] === null ? 0 : 1;
      }
      cols.push({ type: this.schema.fields[4]!.dataType, length: n, values: this.headers, validity });
    }
    return makeBatch(this.schema, cols, n);
  }

  private grow(): void {
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }
}
