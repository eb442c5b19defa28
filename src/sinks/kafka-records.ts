/**
 * Rows to Kafka records, as Spark's KafkaWriter / KafkaRowWriter: the
 * columns key (string or binary, optional), value (string or binary,
 * required), topic (string; the `topic` option overrides it), partition
 * (int, optional) and headers (array<struct<key: string, value: binary>>,
 * optional). The schema is checked once (validateQuery's rules and
 * messages); rows become kafkajs messages grouped per topic.
 */
import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import { simpleString, type DataType, type StructType } from '../core/types.js';
import type { OutMessage, TopicMessages } from '../clients/kafka.js';

/** Where each part of a record comes from in the rows. */
export interface RecordLayout {
  readonly key: number;
  readonly value: number;
  readonly topic: number;
  readonly partition: number;
  readonly headers: number;
  /** The `topic` option (trimmed), which wins over the column. */
  readonly defaultTopic: string | undefined;
}

function invalid(message: string): SpateError {
  return new SpateError('KAFKA_INVALID_SCHEMA', message);
}

function isStringOrBinary(t: DataType): boolean {
  return t.kind === 'string' || t.kind === 'binary';
}

function isHeaders(t: DataType): boolean {
  if (t.kind !== 'array' || t.elementType.kind !== 'struct') return false;
  const f = t.elementType.fields;
  return f.length === 2 && f[0]!.name === 'key' && f[0]!.dataType.kind === 'string' && f[1]!.name === 'value' && f[1]!.dataType.kind === 'binary';
}

/** Spark's KafkaWriter.validateQuery: the record layout of `schema`, or its error. */
export function recordLayout(schema: StructType, topicOption: string | undefined): RecordLayout {
  const idx = (name: string): number => schema.fields.findIndex((f) => f.name.toLowerCase() === name);
  const type = (i: number): DataType => schema.fields[i]!.dataType;
  const topic = idx('topic');
  const defaultTopic = topicOption?.trim();
  if (topic < 0 && (defaultTopic === undefined || defaultTopic === '')) {
    throw invalid("topic option required when no 'topic' attribute is present. Use the topic option for setting a topic.");
  }
  if (topic >= 0 && type(topic).kind !== 'string') throw invalid(`topic attribute type must be a String, got ${simpleString(type(topic))}.`);
  const key = idx('key');
  if (key >= 0 && !isStringOrBinary(type(key))) throw invalid(`key attribute type must be a String or Binary, got ${simpleString(type(key))}.`);
  const value = idx('value');
  if (value < 0) throw invalid(`Required attribute 'value' not found. The columns are: ${schema.fields.map((f) => f.name).join(', ')}; add a 'value' column (string or binary), e.g. selectExpr('to_json(struct(*)) AS value').`);
  if (!isStringOrBinary(type(value))) throw invalid(`value attribute type must be a String or Binary, got ${simpleString(type(value))}.`);
  const partition = idx('partition');
  if (partition >= 0 && type(partition).kind !== 'int') throw invalid(`partition attribute type must be an Int, got ${simpleString(type(partition))}.`);
  const headers = idx('headers');
  if (headers >= 0 && !isHeaders(type(headers))) {
    throw invalid(`headers attribute type must be an array<struct<key:string,value:binary>>, got ${simpleString(type(headers))}.`);
  }
  return { key, value, topic, partition, headers, defaultTopic: defaultTopic === '' ? undefined : defaultTopic };
}

function bytes(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  const u = v as Uint8Array;
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function valid(validity: Uint8Array | null, i: number): boolean {
  return validity === null || validity[i] !== 0;
}

/** The rows of `batch` as kafkajs messages per topic (appended to `out`, which keeps topic order stable). */
export function toMessages(batch: RecordBatch, layout: RecordLayout, out: Map<string, OutMessage[]>): number {
  const n = batch.numRows;
  const c = batch.columns;
  const keyCol = layout.key >= 0 ? c[layout.key]! : undefined;
  const valueCol = c[layout.value]!;
  const topicCol = layout.topic >= 0 && layout.defaultTopic === undefined ? c[layout.topic]! : undefined;
  const partCol = layout.partition >= 0 ? c[layout.partition]! : undefined;
  const headCol = layout.headers >= 0 ? c[layout.headers]! : undefined;
  let list = layout.defaultTopic === undefined ? undefined : out.get(layout.defaultTopic);
  if (layout.defaultTopic !== undefined && list === undefined) { list = []; out.set(layout.defaultTopic, list); }
  for (let i = 0; i < n; i++) {
    const m: OutMessage = {
      key: keyCol !== undefined && valid(keyCol.validity, i) ? bytes(keyCol.values[i]) : null,
      value: valid(valueCol.validity, i) ? bytes(valueCol.values[i]) : null,
    };
    if (partCol !== undefined && valid(partCol.validity, i)) m.partition = (partCol.values as Int32Array)[i]!;
    if (headCol !== undefined && valid(headCol.validity, i)) {
      const hs = headCol.values[i] as readonly (readonly [string, unknown])[] | null;
      if (hs !== null && hs.length > 0) {
        const h: Record<string, Buffer | Buffer[]> = {};
        for (const [k, v] of hs) {
          const b = bytes(v) ?? Buffer.alloc(0);
          const prev = h[k];
          h[k] = prev === undefined ? b : Array.isArray(prev) ? [...prev, b] : [prev, b];
        }
        m.headers = h;
      }
    }
    let target = list;
    if (topicCol !== undefined) {
      const t = valid(topicCol.validity, i) ? topicCol.values[i] as string : null;
      if (t === null) throw new SpateError('KAFKA_NULL_TOPIC', 'null topic present in the data. Use the topic option for setting a topic.');
      target = out.get(t);
      if (target === undefined) { target = []; out.set(t, target); }
    }
    target!.push(m);
  }
  return n;
}

/** Splits the messages into produce requests of at most `maxRecords` records each. */
export function* requests(byTopic: ReadonlyMap<string, OutMessage[]>, maxRecords: number): Generator<TopicMessages[]> {
  let current: TopicMessages[] = [];
  let count = 0;
  for (const [topic, msgs] of byTopic) {
    for (let i = 0; i < msgs.length;) {
      const take = Math.min(maxRecords - count, msgs.length - i);
      current.push({ topic, messages: msgs.slice(i, i + take) });
      count += take;
      i += take;
      if (count >= maxRecords) {
        yield current;
        current = [];
        count = 0;
      }
    }
  }
  if (current.length > 0) yield current;
}
