import { SpateError } from '../core/errors.js';
import { natsConnectOptions, type NatsConnectOptions } from '../clients/nats.js';
import { boolOption, intOption, sourceOptions } from './source-options.js';

/**
 * Where a read of a stream starts or ends: the stream's first message, its
 * end at the time the query starts, or after a given sequence (`afterSeq` is
 * the last sequence already read, as in the checkpoint's offset).
 */
export type NatsStartingPoint =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'after'; readonly afterSeq: number };

/** The `nats` source's options, checked. */
export interface NatsSourceOptions {
  readonly connect: NatsConnectOptions;
  readonly stream: string;
  /** Subject filters (NATS wildcards allowed); empty = every subject of the stream. */
  readonly subjects: readonly string[];
  readonly starting: NatsStartingPoint;
  /** Batch reads only (spark.read): where the read ends. */
  readonly ending: NatsStartingPoint;
  readonly maxMessagesPerTrigger: number | undefined;
  readonly failOnDataLoss: boolean;
  readonly includeHeaders: boolean;
}

const WHO = 'nats source';
const STREAM_NAME = /^[^\s.*>/\\]+$/;

/**
 * Reads the source's options: `servers`, `stream` (required), `subject` or
 * `subjects`, `startingOffsets`, `endingOffsets` (batch reads),
 * `maxMessagesPerTrigger`, `failOnDataLoss`, `includeHeaders`, credentials
 * and the retry options. `streaming` picks startingOffsets' default
 * (latest for readStream, earliest for spark.read, as Spark's Kafka source).
 */
export function parseNatsSourceOptions(options: Readonly<Record<string, string>>, streaming: boolean): NatsSourceOptions {
  const o = sourceOptions(options);
  const connect = natsConnectOptions(options, WHO);
  const stream = o.get('stream')?.trim();
  if (stream === undefined || stream === '') {
    throw new SpateError('MISSING_OPTION', `Set the JetStream stream to read with option('stream', 'orders') (${WHO}).`);
  }
  if (!STREAM_NAME.test(stream)) {
    throw new SpateError('INVALID_OPTION', `Option 'stream' must be a JetStream stream name (no spaces, '.', '*', '>', '/' or '\\'), got ${JSON.stringify(stream)} (${WHO}).`);
  }
  if (o.has('subject') && o.has('subjects')) {
    throw new SpateError('INVALID_OPTION', `Give either option 'subject' or option 'subjects' (${WHO}), not both.`);
  }
  const subjects = (o.get('subjects') ?? o.get('subject') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of subjects) {
    if (/\s/.test(s) || s.split('.').some((t, i, all) => t === '' || (t.includes('>') && (t !== '>' || i !== all.length - 1)) || (t.includes('*') && t !== '*'))) {
      throw new SpateError('INVALID_OPTION', `Option 'subjects' has an invalid subject filter ${JSON.stringify(s)} (${WHO}): tokens are separated by '.', '*' stands for one token and '>' for the rest, e.g. 'orders.*.created' or 'orders.>'.`);
    }
  }
  const maxMessagesPerTrigger = intOption(o, WHO, 'maxMessagesPerTrigger', undefined, 1, 'a positive integer');
  return {
    connect, stream, subjects,
    starting: startingPoint(o.get('startingOffsets'), 'startingOffsets', stream, streaming ? 'latest' : 'earliest'),
    ending: startingPoint(o.get('endingOffsets'), 'endingOffsets', stream, 'latest'),
    maxMessagesPerTrigger,
    failOnDataLoss: boolOption(o, WHO, 'failOnDataLoss', true),
    includeHeaders: boolOption(o, WHO, 'includeHeaders', false),
  };
}

/**
 * `earliest`, `latest`, a sequence number N (the first message read is the
 * one at sequence N, as NATS's opt_start_seq) or the checkpoint's JSON form
 * `{"<stream>": N}` (N is the last sequence already read: reading starts at N + 1).
 */
function startingPoint(raw: string | undefined, name: string, stream: string, dflt: 'earliest' | 'latest'): NatsStartingPoint {
  const t = (raw ?? dflt).trim();
  const lower = t.toLowerCase();
  if (lower === 'earliest') return { kind: 'earliest' };
  if (lower === 'latest') return { kind: 'latest' };
  if (/^\d+$/.test(t) && Number.isSafeInteger(Number(t)) && Number(t) >= 1) return { kind: 'after', afterSeq: Number(t) - 1 };
  if (t.startsWith('{')) {
    let parsed: unknown;
    try { parsed = JSON.parse(t); } catch { parsed = undefined; }
    const v = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[stream] : undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return { kind: 'after', afterSeq: v };
    if (v === -2) return { kind: 'earliest' };
    if (v === -1) return { kind: 'latest' };
  }
  throw new SpateError('INVALID_OPTION',
    `Option '${name}' must be 'earliest', 'latest', a stream sequence (>= 1, the first message to read) or JSON {"${stream}": N} (N = the last sequence already read), got ${JSON.stringify(t)} (${WHO}).`);
}
