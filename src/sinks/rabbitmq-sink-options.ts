import { SpateError } from '../core/errors.js';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { StructType, type DataType } from '../core/types.js';
import { SourceOptions } from '../io/options.js';
import { encodeJson } from '../io/text-formats-write.js';
import { rabbitConnectionOptions, type RabbitConnectionOptions } from '../clients/rabbitmq.js';

/** Where the rabbitmq sink writes: a stream (stream protocol, deduplicated) or an exchange (AMQP 0.9.1, confirms). */
export type RabbitSinkOptions =
  | { readonly kind: 'stream'; readonly stream: string; readonly producerName: string | undefined; readonly connection: RabbitConnectionOptions }
  | {
    readonly kind: 'exchange'; readonly exchange: string; readonly routingKey: string | undefined; readonly queue: string | undefined;
    readonly persistent: boolean; readonly mandatory: boolean; readonly contentType: string | undefined; readonly connection: RabbitConnectionOptions;
  };

/** The columns a row is made of: body (required), optional properties map and routing key. */
export interface RabbitSinkColumns {
  /** The body column, or -1: then each row's body is the JSON object of `jsonColumns`. */
  readonly body: number;
  readonly jsonColumns: readonly number[];
  readonly bodyIsString: boolean;
  /** `applicationProperties` / `headers` MAP<STRING, STRING> column, or -1. */
  readonly props: number;
  /** `routingKey` STRING column, or -1 (exchange sink only). */
  readonly routingKey: number;
}

/** Reads and checks the sink options (at start(), so a bad option fails there). */
export function parseRabbitSinkOptions(options: Readonly<Record<string, string>>): RabbitSinkOptions {
  const o = new SourceOptions(options);
  const stream = o.get('stream')?.trim();
  const exchange = o.get('exchange');
  const queue = o.get('queue')?.trim();
  if (stream !== undefined && (exchange !== undefined || queue !== undefined)) {
    throw new SpateError('INVALID_OPTION', "Set option 'stream' (write to a RabbitMQ stream) or options 'exchange' / 'queue' (publish over AMQP 0.9.1), not both (rabbitmq sink).");
  }
  if (stream !== undefined) {
    if (stream === '' || stream.includes(',')) throw new SpateError('INVALID_OPTION', `Option 'stream' must name one stream, got ${JSON.stringify(stream)} (rabbitmq sink).`);
    const producerName = o.get('producerName')?.trim();
    if (producerName !== undefined && (producerName === '' || Buffer.byteLength(producerName) > 255)) {
      throw new SpateError('INVALID_OPTION', `Option 'producerName' must be 1 to 255 bytes, got ${JSON.stringify(producerName)} (rabbitmq sink).`);
    }
    return { kind: 'stream', stream, producerName, connection: rabbitConnectionOptions(options, 'stream') };
  }
  if (exchange === undefined && queue === undefined) {
    throw new SpateError('MISSING_OPTION',
      "Set where the rabbitmq sink writes: option 'stream' (a RabbitMQ stream, exactly-once), or option 'exchange' (with 'routingKey' or a routingKey column) or 'queue' (at-least-once).");
  }
  if (exchange !== undefined && exchange !== '' && queue !== undefined) {
    throw new SpateError('INVALID_OPTION', "Option 'queue' publishes through the default exchange; set 'exchange' with 'routingKey' instead to route through another exchange (rabbitmq sink).");
  }
  return {
    kind: 'exchange', exchange: exchange ?? '', queue, routingKey: o.get('routingKey') ?? queue,
    persistent: o.bool('persistent', true), mandatory: o.bool('mandatory', true), contentType: o.get('contentType'),
    connection: rabbitConnectionOptions(options, 'amqp'),
  };
}

function find(schema: StructType, names: readonly string[]): number {
  for (const n of names) {
    const i = schema.fields.findIndex((f) => f.name.toLowerCase() === n.toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}

const isStringMap = (t: DataType): boolean => t.kind === 'map' && t.keyType.kind === 'string';

/**
 * Finds the body and the optional columns, naming what is wrong and how to
 * fix it. The body is column `body` or `value` (string or binary); without
 * one, each row is sent as the JSON object of its other columns (as
 * df.write.json writes a line).
 */
export function rabbitSinkColumns(schema: StructType, o: RabbitSinkOptions): RabbitSinkColumns {
  const body = find(schema, ['body', 'value']);
  if (body >= 0) {
    const bt = schema.fields[body]!.dataType.kind;
    if (bt !== 'string' && bt !== 'binary') {
      throw new SpateError('INVALID_COLUMN_TYPE', `The rabbitmq sink's body column '${schema.fields[body]!.name}' must be string or binary, got ${bt}. Cast it, e.g. F.col('${schema.fields[body]!.name}').cast('string'), or use F.to_json(...).`);
    }
  }
  const props = find(schema, ['applicationProperties', 'headers']);
  if (props >= 0 && !isStringMap(schema.fields[props]!.dataType)) {
    throw new SpateError('INVALID_COLUMN_TYPE', `The rabbitmq sink's column '${schema.fields[props]!.name}' must be MAP<STRING, STRING>, got ${schema.fields[props]!.dataType.kind}.`);
  }
  const routingKey = o.kind === 'exchange' ? find(schema, ['routingKey']) : -1;
  if (routingKey >= 0 && schema.fields[routingKey]!.dataType.kind !== 'string') {
    throw new SpateError('INVALID_COLUMN_TYPE', `The rabbitmq sink's column 'routingKey' must be a string, got ${schema.fields[routingKey]!.dataType.kind}.`);
  }
  if (o.kind === 'exchange' && routingKey < 0 && o.routingKey === undefined) {
    throw new SpateError('MISSING_OPTION', `Publishing to exchange '${o.exchange}' needs a routing key: set option 'routingKey' or add a 'routingKey' string column (rabbitmq sink).`);
  }
  const jsonColumns = body >= 0 ? [] : schema.fields.map((_, i) => i).filter((i) => i !== props && i !== routingKey);
  if (body < 0 && jsonColumns.length === 0) {
    throw new SpateError('COLUMN_NOT_FOUND', `The rabbitmq sink needs a 'body' (or 'value') column, string or binary, or other columns to send as JSON; the query has: ${schema.fields.map((f) => f.name).join(', ')}.`);
  }
  return { body, jsonColumns, bodyIsString: body >= 0 && schema.fields[body]!.dataType.kind === 'string', props, routingKey };
}

const EMPTY = new Uint8Array(0);

/** The batch's message bodies, row by row (a null body is an empty message). */
export function rowBodies(batch: RecordBatch, c: RabbitSinkColumns, timeZone: string): (i: number) => Uint8Array {
  if (c.body < 0) {
    const fields = c.jsonColumns.map((i) => batch.schema.fields[i]!);
    const part = makeBatch(StructType(fields), c.jsonColumns.map((i) => batch.columns[i]!), batch.numRows);
    const lines = encodeJson(part.schema, [part], new SourceOptions({ lineSep: '\n' }), timeZone).split('\n');
    return (i) => Buffer.from(lines[i] ?? '', 'utf8');
  }
  const v = batch.columns[c.body]!;
  const values = v.values as unknown[];
  return (i) => {
    if (v.validity !== null && v.validity[i] === 0) return EMPTY;
    const x = values[i];
    if (x === null || x === undefined) return EMPTY;
    return c.bodyIsString ? Buffer.from(x as string, 'utf8') : (x as Uint8Array);
  };
}

/** Row i's properties map, or null. */
export function rowProps(batch: RecordBatch, c: RabbitSinkColumns, i: number): Map<string, string | null> | null {
  if (c.props < 0) return null;
  const v = batch.columns[c.props]!;
  if (v.validity !== null && v.validity[i] === 0) return null;
  const m = (v.values as unknown[])[i];
  return m instanceof Map ? (m as Map<string, string | null>) : null;
}
