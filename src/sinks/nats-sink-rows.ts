import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { StructType, type DataType } from '../core/types.js';
import { SourceOptions } from '../io/options.js';
import { encodeJson } from '../io/text-formats-write.js';
import type { NatsOutMessage } from '../clients/nats.js';

/** Where each part of a message comes from in the sink's input: column indexes (-1 = absent). */
export interface NatsRowLayout {
  readonly subject: number;
  readonly data: number;
  readonly headers: number;
  readonly dataBinary: boolean;
  readonly headersKind: 'array' | 'map' | undefined;
  /** Without a data/value column: the columns each row's JSON object is made of (all but subject and headers). */
  readonly jsonColumns: readonly number[];
}

const WHO = 'nats sink';

function find(schema: StructType, name: string): number {
  return schema.fields.findIndex((f) => f.name.toLowerCase() === name);
}

/**
 * Checks the input columns: `data` (or `value`, as Kafka's sink) string or
 * binary — without one, each row is sent as the JSON object of its other
 * columns, as df.write.json writes a line; `subject` string, required unless option 'subject' is
 * set; `headers` optional, array<struct<key string, value string|binary>> or
 * map<string, string>.
 */
export function natsRowLayout(schema: StructType, subjectOption: string | undefined): NatsRowLayout {
  const names = schema.fields.map((f) => f.name).join(', ');
  let data = find(schema, 'data');
  if (data < 0) data = find(schema, 'value');
  const subject = find(schema, 'subject');
  const headers = find(schema, 'headers');
  if (data < 0 && schema.fields.every((_, i) => i === subject || i === headers)) {
    throw new SpateError('COLUMN_NOT_FOUND', `The ${WHO} needs a 'data' (or 'value') column with the message payload, string or binary, or other columns to send as JSON. Available: ${names}.`);
  }
  const dt = data >= 0 ? schema.fields[data]!.dataType : undefined;
  if (dt !== undefined && dt.kind !== 'string' && dt.kind !== 'binary') {
    throw new SpateError('INVALID_COLUMN_TYPE', `The ${WHO}'s column '${schema.fields[data]!.name}' must be string or binary, got ${dt.kind}; cast it, e.g. col('${schema.fields[data]!.name}').cast('string').`);
  }
  if (subject >= 0 && schema.fields[subject]!.dataType.kind !== 'string') {
    throw new SpateError('INVALID_COLUMN_TYPE', `The ${WHO}'s column 'subject' must be a string, got ${schema.fields[subject]!.dataType.kind}.`);
  }
  if (subject < 0 && subjectOption === undefined) {
    throw new SpateError('MISSING_OPTION', `The ${WHO} needs a subject: set option('subject', 'orders.created') or add a 'subject' column. Available: ${names}.`);
  }
  let headersKind: NatsRowLayout['headersKind'];
  if (headers >= 0) {
    headersKind = headerKind(schema.fields[headers]!.dataType);
    if (headersKind === undefined) {
      throw new SpateError('INVALID_COLUMN_TYPE', `The ${WHO}'s column 'headers' must be array<struct<key: string, value: string or binary>> (as the nats source's) or map<string, string>, got ${schema.fields[headers]!.dataType.kind}.`);
    }
  }
  const jsonColumns = data >= 0 ? [] : schema.fields.map((_, i) => i).filter((i) => i !== subject && i !== headers);
  return { subject: subjectOption !== undefined ? -1 : subject, data, headers, dataBinary: dt?.kind === 'binary', headersKind, jsonColumns };
}

function headerKind(t: DataType): 'array' | 'map' | undefined {
  if (t.kind === 'map' && t.keyType.kind === 'string' && t.valueType.kind === 'string') return 'map';
  if (t.kind === 'array' && t.elementType.kind === 'struct') {
    const f = t.elementType.fields;
    if (f.length === 2 && f[0]!.dataType.kind === 'string' && (f[1]!.dataType.kind === 'string' || f[1]!.dataType.kind === 'binary')) return 'array';
  }
  return undefined;
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();
const EMPTY = new Uint8Array(0);

/**
 * The messages of one batch, in row order; `msgIdPrefix` + (firstRow + row index) is each
 * message's Nats-Msg-Id (no id when undefined). A null subject fails naming the row.
 */
export function natsMessages(batch: RecordBatch, layout: NatsRowLayout, subjectOption: string | undefined, msgIdPrefix: string | undefined, timeZone: string, firstRow = 0): NatsOutMessage[] {
  const n = batch.numRows;
  const out = new Array<NatsOutMessage>(n);
  let dv: unknown[];
  let dValid: Uint8Array | null = null;
  if (layout.data >= 0) {
    const dataCol = batch.columns[layout.data]!;
    dv = dataCol.values as unknown[];
    dValid = dataCol.validity;
  } else {
    const fields = layout.jsonColumns.map((i) => batch.schema.fields[i]!);
    const part = makeBatch(StructType(fields), layout.jsonColumns.map((i) => batch.columns[i]!), n);
    dv = encodeJson(part.schema, [part], new SourceOptions({ lineSep: '\n' }), timeZone).split('\n');
  }
  const sCol = layout.subject >= 0 ? batch.columns[layout.subject]! : undefined;
  const sv = sCol?.values as (string | null)[] | undefined;
  const hCol = layout.headers >= 0 ? batch.columns[layout.headers]! : undefined;
  for (let i = 0; i < n; i++) {
    const subject = sv !== undefined ? (sCol!.validity !== null && sCol!.validity[i] === 0 ? null : sv[i]) : subjectOption!;
    if (subject === null || subject === undefined || subject === '') {
      throw new SpateError('NULL_SUBJECT', `The ${WHO}: row ${i} has no subject (column 'subject' is null or empty); filter such rows out or set option('subject', ...).`);
    }
    const raw = dValid !== null && dValid[i] === 0 ? null : dv[i];
    const data = raw === null || raw === undefined ? EMPTY : layout.dataBinary ? (raw as Uint8Array) : utf8.encode(raw as string);
    let headers: [string, string][] | undefined;
    if (hCol !== undefined && !(hCol.validity !== null && hCol.validity[i] === 0)) headers = headerPairs(hCol.values[i], layout.headersKind!);
    out[i] = {
      subject, data,
      ...(msgIdPrefix !== undefined ? { msgId: `${msgIdPrefix}${firstRow + i}` } : {}),
      ...(headers !== undefined ? { headers } : {}),
    };
  }
  return out;
}

function headerPairs(v: unknown, kind: 'array' | 'map'): [string, string][] | undefined {
  if (v === null || v === undefined) return undefined;
  const out: [string, string][] = [];
  if (kind === 'map') {
    for (const [k, x] of v as Map<string, string | null>) if (x !== null) out.push([k, x]);
  } else {
    for (const e of v as (unknown[] | null)[]) {
      if (e === null) continue;
      const k = e[0];
      const x = e[1];
      if (typeof k !== 'string' || x === null || x === undefined) continue;
      out.push([k, typeof x === 'string' ? x : utf8d.decode(x as Uint8Array)]);
    }
  }
  return out;
}
