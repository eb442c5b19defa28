import { SpateError } from '../core/errors.js';
import {
  BinaryType, BooleanType, LongType, MapType, StringType, StructField, StructType, TimestampType,
} from '../core/types.js';
import { rabbitConnectionOptions, type RabbitConnectionOptions } from '../clients/rabbitmq.js';
import { boolOption, intOption, sourceOptions } from './source-options.js';

/**
 * The rabbitmq source's options. One format, two inputs: `stream` (a
 * RabbitMQ stream read over the stream protocol — replayable) or `queue` (a
 * classic or quorum queue consumed over AMQP 0.9.1 — not replayable, acked
 * on commit).
 */

/** Where a stream read starts when the checkpoint has no offset for a stream. */
export type StartingPosition =
  | { readonly kind: 'first' }
  | { readonly kind: 'last' }
  | { readonly kind: 'next' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'timestamp'; readonly timestampMs: number };

export interface RabbitStreamSourceOptions {
  readonly kind: 'stream';
  readonly streams: readonly string[];
  /** Per stream. */
  readonly starting: ReadonlyMap<string, StartingPosition>;
  readonly maxMessagesPerTrigger: number | undefined;
  readonly failOnDataLoss: boolean;
  readonly includeProperties: boolean;
  /** Records read ahead and buffered per stream before the reader stops granting credit. */
  readonly readAheadMessages: number;
  readonly connection: RabbitConnectionOptions;
}

export interface RabbitQueueSourceOptions {
  readonly kind: 'queue';
  readonly queue: string;
  readonly prefetch: number;
  readonly maxMessagesPerTrigger: number | undefined;
  readonly includeProperties: boolean;
  readonly connection: RabbitConnectionOptions;
}

export type RabbitSourceOptions = RabbitStreamSourceOptions | RabbitQueueSourceOptions;

const SRC = 'rabbitmq';
const STRING_MAP = MapType(StringType, StringType, true);

/** Columns of a stream read (properties columns with includeProperties=true). */
export function rabbitStreamSchema(includeProperties: boolean): StructType {
  const f = [StructField('body', BinaryType), StructField('stream', StringType), StructField('offset', LongType), StructField('timestamp', TimestampType)];
  if (includeProperties) f.push(StructField('properties', STRING_MAP), StructField('applicationProperties', STRING_MAP));
  return StructType(f);
}

/** Columns of a queue read (properties columns with includeProperties=true). */
export function rabbitQueueSchema(includeProperties: boolean): StructType {
  const f = [StructField('body', BinaryType), StructField('queue', StringType), StructField('exchange', StringType),
    StructField('routingKey', StringType), StructField('redelivered', BooleanType), StructField('timestamp', TimestampType)];
  if (includeProperties) f.push(StructField('properties', STRING_MAP), StructField('headers', STRING_MAP));
  return StructType(f);
}

function names(raw: string, option: string): string[] {
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new SpateError('INVALID_OPTION', `Option '${option}' must name at least one ${option}, got ${JSON.stringify(raw)} (rabbitmq source).`);
  if (new Set(list).size !== list.length) throw new SpateError('INVALID_OPTION', `Option '${option}' names a ${option} twice: ${JSON.stringify(raw)} (rabbitmq source).`);
  return list;
}

const STARTING_HELP = "'first' (or 'earliest'), 'last', 'next' (or 'latest'), an offset, or per-stream JSON such as {\"events\": 1200, \"audit\": -2} (-2 = first, -1 = next)";

function position(raw: string | number, where: string): StartingPosition {
  if (typeof raw === 'number') {
    if (raw === -2) return { kind: 'first' };
    if (raw === -1) return { kind: 'next' };
    if (Number.isSafeInteger(raw) && raw >= 0) return { kind: 'offset', offset: raw };
    throw new SpateError('INVALID_OPTION', `Option 'startingOffsets' ${where} must be an offset >= 0, -2 (first) or -1 (next), got ${raw} (rabbitmq source).`);
  }
  const l = raw.trim().toLowerCase();
  if (l === 'first' || l === 'earliest') return { kind: 'first' };
  if (l === 'next' || l === 'latest') return { kind: 'next' };
  if (l === 'last') return { kind: 'last' };
  if (/^\d+$/.test(l) && Number.isSafeInteger(Number(l))) return { kind: 'offset', offset: Number(l) };
  throw new SpateError('INVALID_OPTION', `Option 'startingOffsets' must be ${STARTING_HELP}, got ${JSON.stringify(raw)} (rabbitmq source).`);
}

function timestampOption(raw: string): number {
  const t = raw.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) {
    throw new SpateError('INVALID_OPTION', `Option 'startingTimestamp' must be milliseconds since the epoch or an ISO-8601 time such as '2026-01-31T12:00:00Z', got ${JSON.stringify(raw)} (rabbitmq source).`);
  }
  return ms;
}

function startingPositions(o: ReturnType<typeof sourceOptions>, streams: readonly string[]): Map<string, StartingPosition> {
  const out = new Map<string, StartingPosition>();
  const ts = o.get('startingTimestamp');
  const raw = o.get('startingOffsets');
  if (ts !== undefined && raw !== undefined) {
    throw new SpateError('INVALID_OPTION', "Set either 'startingOffsets' or 'startingTimestamp', not both (rabbitmq source).");
  }
  if (ts !== undefined) {
    const timestampMs = timestampOption(ts);
    for (const s of streams) out.set(s, { kind: 'timestamp', timestampMs });
    return out;
  }
  const text = raw?.trim() ?? 'next';
  if (text.startsWith('{')) {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch {
      throw new SpateError('INVALID_OPTION', `Option 'startingOffsets' is not valid JSON: ${JSON.stringify(raw)}; expected ${STARTING_HELP} (rabbitmq source).`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SpateError('INVALID_OPTION', `Option 'startingOffsets' JSON must be an object of stream -> offset, got ${JSON.stringify(raw)} (rabbitmq source).`);
    }
    const given = parsed as Record<string, unknown>;
    for (const k of Object.keys(given)) {
      if (!streams.includes(k)) throw new SpateError('INVALID_OPTION', `Option 'startingOffsets' names stream '${k}', which option 'stream' does not read (${streams.join(', ')}) (rabbitmq source).`);
    }
    for (const s of streams) {
      const v = given[s];
      if (v === undefined) { out.set(s, { kind: 'next' }); continue; }
      if (typeof v !== 'number' && typeof v !== 'string') {
        throw new SpateError('INVALID_OPTION', `Option 'startingOffsets' for stream '${s}' must be an offset, got ${JSON.stringify(v)} (rabbitmq source).`);
      }
      out.set(s, position(v, `for stream '${s}'`));
    }
    return out;
  }
  const p = position(text, '');
  for (const s of streams) out.set(s, p);
  return out;
}

/** Parses and checks the source options (runs in load(), so a bad option fails there). */
export function parseRabbitSourceOptions(options: Readonly<Record<string, string>>): RabbitSourceOptions {
  const o = sourceOptions(options);
  const stream = o.get('stream') ?? o.get('streams');
  const queue = o.get('queue');
  if ((stream === undefined) === (queue === undefined)) {
    throw new SpateError(stream === undefined ? 'MISSING_OPTION' : 'INVALID_OPTION',
      "Set exactly one of option 'stream' (a RabbitMQ stream, replayable: .option('stream', 'events')) or option 'queue' (a queue consumed with acks on commit: .option('queue', 'jobs')) (rabbitmq source).");
  }
  const maxMessagesPerTrigger = intOption(o, SRC, 'maxMessagesPerTrigger', undefined, 1, 'a positive integer');
  const includeProperties = boolOption(o, SRC, 'includeProperties', false);
  if (stream !== undefined) {
    if (o.has('prefetch')) throw new SpateError('INVALID_OPTION', "Option 'prefetch' applies to queues (option 'queue'), not streams (rabbitmq source).");
    const streams = names(stream, 'stream');
    return {
      kind: 'stream', streams, starting: startingPositions(o, streams), maxMessagesPerTrigger,
      failOnDataLoss: boolOption(o, SRC, 'failOnDataLoss', true), includeProperties,
      readAheadMessages: intOption(o, SRC, 'readAheadMessages', 100_000, 1, 'a positive integer')!,
      connection: rabbitConnectionOptions(options, 'stream'),
    };
  }
  for (const k of ['startingOffsets', 'startingTimestamp', 'failOnDataLoss']) {
    if (o.has(k)) throw new SpateError('INVALID_OPTION', `Option '${k}' applies to streams (option 'stream'), not queues: a queue cannot be re-read (rabbitmq source).`);
  }
  const q = queue!.trim();
  if (q === '' || q.includes(',')) throw new SpateError('INVALID_OPTION', `Option 'queue' must name one queue, got ${JSON.stringify(queue)} (rabbitmq source).`);
  return {
    kind: 'queue', queue: q, maxMessagesPerTrigger, includeProperties,
    prefetch: intOption(o, SRC, 'prefetch', 1000, 1, 'a positive integer up to 65535')!,
    connection: rabbitConnectionOptions(options, 'amqp'),
  };
}
