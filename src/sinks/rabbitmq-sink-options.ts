import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import type { DataType, StructType } from '../core/types.js';
import { SourceOptions } from '../io/options.js';
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
  readonly body: number;
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

/** Finds the body and the optional columns, naming what is wrong and how to fix it. */
export function rabbitSinkColumns(schema: StructType, o: RabbitSinkOptions): RabbitSinkColumns {
  const body = find(schema, ['body', 'value']);
  const cols = schema.fields.map((f) => f.name).join(', ');
  if (body < 0) {
    if (schema.fields.length !== 1) {
      throw new SpateError('COLUMN_NOT_FOUND', `The rabbitmq sink needs a 'body' (or 'value') column, string or binary; the query has: ${cols}. Add e.g. .select(F.to_json(F.struct('*')).alias('body')).`);
    }
  }
  const bi = body >= 0 ? body : 0;
  const bt = schema.fields[bi]!.dataType.kind;
  if (bt !== 'string' && bt !== 'binary') {
    throw new SpateError('INVALID_COLUMN_TYPE', `The rabbitmq sink's body column '${schema.fields[bi]!.name}' must be string or binary, got ${bt}. Cast it, e.g. F.col('${schema.fields[bi]!.name}').cast('string'), or use F.to_json(...).`);
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
  return { body: bi, bodyIsString: bt === 'string', props, routingKey };
}

const EMPTY = new Uint8Array(0);

/** Row i's body bytes (a null body is an empty message). */
export function rowBody(batch: RecordBatch, c: RabbitSinkColumns, i: number): Uint8Array {
  const v = batch.columns[c.body]!;
  if (v.validity !== null && v.validity[i] === 0) return EMPTY;
  const x = (v.values as unknown[])[i];
  if (x === null || x === undefined) return EMPTY;
  return c.bodyIsString ? Buffer.from(x as string, 'utf8') : (x as Uint8Array);
}

/** Row i's properties map, or null. */
export function rowProps(batch: RecordBatch, c: RabbitSinkColumns, i: number): Map<string, string | null> | null {
  if (c.props < 0) return null;
  const v = batch.columns[c.props]!;
  if (v.validity !== null && v.validity[i] === 0) return null;
  const m = (v.values as unknown[])[i];
  return m instanceof Map ? (m as Map<string, string | null>) : null;
}
