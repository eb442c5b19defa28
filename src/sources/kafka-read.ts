/**
 * Reads offset ranges of Kafka partitions into columnar batches with Spark's
 * Kafka schema (key, value, topic, partition, offset, timestamp,
 * timestampType, and headers with includeHeaders). Shared by the streaming
 * source's getBatch and spark.read.format('kafka').
 */
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { ArrayType, BinaryType, IntegerType, LongType, StringType, StructField, StructType, TimestampType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import type { KafkaReader, RawMessage } from '../clients/kafka.js';
import { sourceWarning } from './source-options.js';

const HEADER = StructType([StructField('key', StringType, false), StructField('value', BinaryType, true)]);

/** Spark's KafkaRecordToRowConverter.kafkaSchema. */
export function kafkaSchema(includeHeaders: boolean): StructType {
  const fields = [
    StructField('key', BinaryType, true),
    StructField('value', BinaryType, true),
    StructField('topic', StringType, true),
    StructField('partition', IntegerType, true),
    StructField('offset', LongType, true),
    StructField('timestamp', TimestampType, true),
    StructField('timestampType', IntegerType, true),
  ];
  if (includeHeaders) fields.push(StructField('headers', ArrayType(HEADER, false), true));
  return StructType(fields);
}

/** Records [from, until) of one partition. */
export interface OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly until: number;
}

export const INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_FALSE =
  'Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been ' +
  'deleted before all the data in the topic was processed. If you want your streaming query to fail on such cases, set the source option "failOnDataLoss" to "true".';
export const INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_TRUE =
  'Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been ' +
  'deleted before all the data in the topic was processed. If you don\'t want your streaming query to fail on such cases, set the source option "failOnDataLoss" to "false".';

/** Spark's reportDataLoss: an error with failOnDataLoss (the default), else a warning. */
export function reportDataLoss(failOnDataLoss: boolean, message: string): void {
  if (failOnDataLoss) throw new SpateError('KAFKA_DATA_LOSS', `${message}. ${INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_TRUE}`);
  sourceWarning(`${message}. ${INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_FALSE}`);
}

/** Reads every range (their partitions concurrently) into one batch per range that has rows. */
export async function readRanges(reader: KafkaReader, ranges: readonly OffsetRange[], opts: {
  readonly includeHeaders: boolean; readonly failOnDataLoss: boolean; readonly fetchMaxBytes: number;
}): Promise<RecordBatch[]> {
  const schema = kafkaSchema(opts.includeHeaders);
  const parts = await Promise.all(ranges.filter((r) => r.until > r.from).map(async (r) => {
    const messages = await readRange(reader, r, opts.failOnDataLoss, opts.fetchMaxBytes);
    return messages.length === 0 ? null : toBatch(schema, r.topic, r.partition, messages, opts.includeHeaders);
  }));
  return parts.filter((b): b is RecordBatch => b !== null);
}

/** The messages of [from, until) of one partition, fetch after fetch. */
async function readRange(reader: KafkaReader, r: OffsetRange, failOnDataLoss: boolean, maxBytes: number): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  let offset = r.from;
  let bytes = maxBytes;
  while (offset < r.until) {
    const f = await reader.fetch(r.topic, r.partition, offset, bytes);
    if (f.outOfRange) {
      const [earliest] = await startOf(reader, r.topic, r.partition);
      if (earliest > offset) {
        reportDataLoss(failOnDataLoss, `Cannot fetch offset ${offset} (GroupId: none, TopicPartition: ${r.topic}-${r.partition}). ` +
          `The earliest offset in the log is ${earliest}: records in [${offset}, ${Math.min(earliest, r.until)}) were lost`);
        offset = earliest;
        continue;
      }
      reportDataLoss(failOnDataLoss, `Cannot fetch records in [${offset}, ${r.until}) of ${r.topic}-${r.partition}: the log ends before them (was the topic deleted and recreated?)`);
      break;
    }
    for (const m of f.messages) {
      if (+m.offset >= r.until) break;
      out.push(m);
    }
    if (f.nextOffset > offset) {
      offset = f.nextOffset;
      bytes = maxBytes;
      continue;
    }
    // An empty response: the end of the log, or a record batch larger than the bytes asked for.
    if (f.highWatermark >= 0 && f.highWatermark <= offset) {
      reportDataLoss(failOnDataLoss, `Cannot fetch records in [${offset}, ${r.until}) of ${r.topic}-${r.partition}: the log ends at ${f.highWatermark} (was the topic deleted and recreated?)`);
      break;
    }
    if (bytes >= 256 * maxBytes) throw new SpateError('KAFKA_FETCH', `Kafka returned no records for ${r.topic}-${r.partition} at offset ${offset} although the log goes on to ${f.highWatermark}; raise the option 'fetchMaxBytes' (now ${maxBytes}).`);
    bytes *= 4;
  }
  return out;
}

async function startOf(reader: KafkaReader, topic: string, partition: number): Promise<[number]> {
  const m = await reader.offsets(new Map([[topic, [partition]]]), 'earliest');
  return [m.get(topic)?.get(partition) ?? 0];
}

function toBatch(schema: StructType, topic: string, partition: number, ms: readonly RawMessage[], includeHeaders: boolean): RecordBatch {
  const n = ms.length;
  const keys = new Array<unknown>(n);
  const values = new Array<unknown>(n);
  let keyValid: Uint8Array | null = null;
  let valueValid: Uint8Array | null = null;
  const topics = new Array<unknown>(n).fill(topic);
  const parts = new Int32Array(n).fill(partition);
  const offsets = new Float64Array(n);
  const stamps = new Float64Array(n);
  const types = new Int32Array(n);
  const headers = includeHeaders ? new Array<unknown>(n) : null;
  for (let i = 0; i < n; i++) {
    const m = ms[i]!;
    const k = m.key;
    if (k === null || k === undefined) {
      if (keyValid === null) keyValid = new Uint8Array(n).fill(1);
      keyValid[i] = 0;
      keys[i] = null;
    } else keys[i] = k;
    const v = m.value;
    if (v === null || v === undefined) {
      if (valueValid === null) valueValid = new Uint8Array(n).fill(1);
      valueValid[i] = 0;
      values[i] = null;
    } else values[i] = v;
    offsets[i] = +m.offset;
    stamps[i] = +m.timestamp * 1000;
    types[i] = m.batchContext?.timestampType ?? 0;
    if (headers !== null) headers[i] = headerArray(m.headers);
  }
  const col = (type: Vector['type'], vals: Vector['values'], validity: Uint8Array | null): Vector => ({ type, length: n, values: vals, validity });
  const f = schema.fields;
  const columns: Vector[] = [
    col(f[0]!.dataType, keys, keyValid),
    col(f[1]!.dataType, values, valueValid),
    { type: f[2]!.dataType, length: n, values: topics, validity: null, dictionary: { codes: new Int32Array(n), entries: [topic] } },
    col(f[3]!.dataType, parts, null),
    col(f[4]!.dataType, offsets, null),
    col(f[5]!.dataType, stamps, null),
    col(f[6]!.dataType, types, null),
  ];
  if (headers !== null) columns.push(col(f[7]!.dataType, headers, null));
  return makeBatch(schema, columns, n);
}

/** kafkajs's header object as Spark's array<struct<key, value>> (a repeated key yields one entry per value). */
function headerArray(h: RawMessage['headers']): unknown[] {
  const out: unknown[] = [];
  if (h === undefined) return out;
  for (const key of Object.keys(h)) {
    const v = h[key];
    if (Array.isArray(v)) for (const x of v) out.push([key, x ?? null]);
    else out.push([key, v ?? null]);
  }
  return out;
}
