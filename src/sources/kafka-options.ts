/**
 * The kafka source's options, named and checked as Spark's
 * KafkaSourceProvider does (same rules, same messages where Spark has one):
 * exactly one of subscribe / subscribePattern / assign, where to start and
 * end, the per-trigger limits, failOnDataLoss, includeHeaders, and the
 * kafka.* options Spark refuses.
 */
import { SpateError } from '../core/errors.js';
import { kafkaParams, kafkaSettings, warnOnce, type KafkaSettings } from '../clients/kafka.js';
import { boolOption, intOption, sourceOptions, sourceWarning, timeStringMs } from './source-options.js';
import { EARLIEST, LATEST, offsetsFromJson, partitionsFromJson, type PartitionOffsets } from './kafka-offsets.js';
import type { SourceOptions } from '../io/options.js';

/** Which topic-partitions to read. */
export type KafkaStrategy =
  | { readonly kind: 'subscribe'; readonly topics: readonly string[] }
  | { readonly kind: 'subscribePattern'; readonly pattern: RegExp; readonly text: string }
  | { readonly kind: 'assign'; readonly partitions: ReadonlyMap<string, readonly number[]> };

/** Where a read starts or ends (Spark's KafkaOffsetRangeLimit). */
export type OffsetRangeLimit =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'specific'; readonly offsets: PartitionOffsets }
  | { readonly kind: 'timestamps'; readonly timestamps: PartitionOffsets }
  | { readonly kind: 'globalTimestamp'; readonly timestampMs: number };

export interface KafkaSourceOptions {
  readonly strategy: KafkaStrategy;
  readonly starting: OffsetRangeLimit;
  /** Batch reads only. */
  readonly ending: OffsetRangeLimit;
  /** startingOffsetsByTimestampStrategy: what a partition with no record that late does. */
  readonly onNoMatchingTimestamp: 'error' | 'latest';
  readonly failOnDataLoss: boolean;
  readonly includeHeaders: boolean;
  readonly maxOffsetsPerTrigger: number | undefined;
  readonly minOffsetsPerTrigger: number | undefined;
  readonly maxTriggerDelayMs: number;
  /** Bytes per partition fetch (spate's option; Kafka's max.partition.fetch.bytes, 1 MiB, by default). */
  readonly fetchMaxBytes: number;
  readonly client: KafkaSettings;
}

const STRATEGIES = ['subscribe', 'subscribepattern', 'assign'] as const;
const STRATEGY_LIST = 'subscribe, subscribepattern, assign';

const CUSTOM_GROUP_ID_WARNING =
  "Kafka option 'kafka.group.id' has been set on this query, it is not recommended to set this option. " +
  'spate reads without a consumer group (it fetches each partition from the offsets in its checkpoint), so the group id has no effect on what is read.';

function fail(message: string): never {
  throw new SpateError('INVALID_OPTION', message);
}

function strategyOf(o: SourceOptions): KafkaStrategy {
  const given = STRATEGIES.filter((k) => o.has(k));
  if (given.length === 0) fail(`One of the following options must be specified for Kafka source: ${STRATEGY_LIST}. See the docs for more details.`);
  if (given.length > 1) fail(`Only one of the following options can be specified for Kafka source: ${STRATEGY_LIST}. See the docs for more details.`);
  const key = given[0]!;
  const value = o.get(key)!;
  if (key === 'assign') {
    if (!value.trim().startsWith('{')) fail(`No topicpartitions to assign as specified value for option 'assign' is '${value}'`);
    return { kind: 'assign', partitions: partitionsFromJson(value) };
  }
  if (key === 'subscribe') {
    const topics = value.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
    if (topics.length === 0) fail(`No topics to subscribe to as specified value for option 'subscribe' is '${value}'`);
    return { kind: 'subscribe', topics };
  }
  const text = value.trim();
  if (text === '') fail(`Pattern to subscribe is empty as specified value for option 'subscribePattern' is '${value}'`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${text})$`); // Java's Pattern.matcher(topic).matches(): the whole name
  } catch (e) {
    fail(`Option 'subscribePattern' is not a valid regular expression: ${JSON.stringify(text)} (${(e as Error).message}).`);
  }
  return { kind: 'subscribePattern', pattern, text };
}

function longOf(text: string, what: string): number {
  const t = text.trim();
  const n = /^-?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n)) fail(`Expected a single long value, got ${text} (${what}).`);
  return n;
}

/** Spark's getKafkaOffsetRangeLimit: a global timestamp, then per-partition timestamps, then earliest/latest/JSON. */
function rangeLimit(o: SourceOptions, prefix: 'starting' | 'ending', dflt: OffsetRangeLimit): OffsetRangeLimit {
  const ts = o.get(`${prefix}Timestamp`);
  if (ts !== undefined) return { kind: 'globalTimestamp', timestampMs: longOf(ts, `option '${prefix}Timestamp'`) };
  const byTs = o.get(`${prefix}OffsetsByTimestamp`);
  if (byTs !== undefined) return { kind: 'timestamps', timestamps: offsetsFromJson(byTs.trim(), `option '${prefix}OffsetsByTimestamp'`) };
  const off = o.get(`${prefix}Offsets`);
  if (off === undefined) return dflt;
  const l = off.trim().toLowerCase();
  if (l === 'latest') return { kind: 'latest' };
  if (l === 'earliest') return { kind: 'earliest' };
  return { kind: 'specific', offsets: offsetsFromJson(off.trim(), `option '${prefix}Offsets'`) };
}

/** Checks the kafka.* options Spark refuses for a source (same messages). */
function checkKafkaParams(options: Readonly<Record<string, string>>): void {
  const p = kafkaParams(options);
  if (p.has('auto.offset.reset')) {
    fail("Kafka option 'auto.offset.reset' is not supported. Instead set the source option 'startingoffsets' to 'earliest' or 'latest' " +
      'to specify where to start. Structured Streaming manages which offsets are consumed internally, rather than relying on the kafkaConsumer to do it. ' +
      "This will ensure that no data is missed when new topics/partitions are dynamically subscribed. Note that 'startingoffsets' only applies when a new " +
      'Streaming query is started, and that resuming will always pick up from where the query left off. See the docs for more details.');
  }
  if (p.has('key.deserializer')) {
    fail("Kafka option 'key.deserializer' is not supported as keys are deserialized as byte arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the keys.");
  }
  if (p.has('value.deserializer')) {
    fail("Kafka option 'value.deserializer' is not supported as values are deserialized as byte arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the values.");
  }
  for (const c of ['enable.auto.commit', 'interceptor.classes']) if (p.has(c)) fail(`Kafka option '${c}' is not supported`);
  if (p.has('group.id')) warnOnce(CUSTOM_GROUP_ID_WARNING);
}

/** Parses and checks the options of readStream (`streaming`) or spark.read. */
export function kafkaSourceOptions(options: Readonly<Record<string, string>>, streaming: boolean): KafkaSourceOptions {
  const o = sourceOptions(options);
  if (streaming) {
    if (o.has('endingOffsets')) fail('ending offset not valid in streaming queries');
    if (o.has('endingOffsetsByTimestamp')) fail('ending timestamp not valid in streaming queries');
    if (o.has('endingTimestamp')) fail('ending timestamp not valid in streaming queries');
  }
  const strategy = strategyOf(o);
  checkKafkaParams(options);
  const client = kafkaSettings(options, 'source');
  const starting = rangeLimit(o, 'starting', streaming ? { kind: 'latest' } : { kind: 'earliest' });
  const ending = rangeLimit(o, 'ending', { kind: 'latest' });
  if (!streaming) checkBatchLimits(starting, ending);
  const stratRaw = (o.get('startingOffsetsByTimestampStrategy') ?? 'error').trim().toLowerCase();
  if (stratRaw !== 'error' && stratRaw !== 'latest') fail(`Option 'startingOffsetsByTimestampStrategy' must be 'error' or 'latest', got ${JSON.stringify(o.get('startingOffsetsByTimestampStrategy'))}.`);
  const maxOffsetsPerTrigger = intOption(o, 'kafka', 'maxOffsetsPerTrigger', undefined, 1, 'a positive integer');
  const minOffsetsPerTrigger = intOption(o, 'kafka', 'minOffsetsPerTrigger', undefined, 1, 'a positive integer');
  if (minOffsetsPerTrigger !== undefined && maxOffsetsPerTrigger !== undefined && minOffsetsPerTrigger > maxOffsetsPerTrigger) {
    fail(`The value of minOffsetPerTrigger(${minOffsetsPerTrigger}) is higher than the maxOffsetsPerTrigger(${maxOffsetsPerTrigger}).`);
  }
  const maxTriggerDelayMs = timeStringMs(o, 'kafka', 'maxTriggerDelay', '15m', 'ms');
  if (!streaming) {
    for (const k of ['maxOffsetsPerTrigger', 'minOffsetsPerTrigger', 'maxTriggerDelay']) if (o.has(k)) sourceWarning(`${k} option ignored in batch queries`);
  }
  return {
    strategy, starting, ending, onNoMatchingTimestamp: stratRaw,
    failOnDataLoss: boolOption(o, 'kafka', 'failOnDataLoss', true),
    includeHeaders: boolOption(o, 'kafka', 'includeHeaders', false),
    maxOffsetsPerTrigger, minOffsetsPerTrigger, maxTriggerDelayMs,
    fetchMaxBytes: intOption(o, 'kafka', 'fetchMaxBytes', 1_048_576, 1024, 'an integer >= 1024')!,
    client,
  };
}

/** Spark's validateBatchOptions and checkOffsetLimitValidity. */
function checkBatchLimits(starting: OffsetRangeLimit, ending: OffsetRangeLimit): void {
  if (starting.kind === 'latest') fail("starting offset can't be latest for batch queries on Kafka");
  if (starting.kind === 'specific') {
    for (const [t, m] of starting.offsets) for (const [p, off] of m) if (off === LATEST) fail(`startingOffsets for ${t}-${p} can't be latest for batch queries on Kafka`);
  }
  if (ending.kind === 'earliest') fail("ending offset can't be earliest for batch queries on Kafka");
  if (ending.kind === 'specific') {
    for (const [t, m] of ending.offsets) for (const [p, off] of m) if (off === EARLIEST) fail(`ending offset for ${t}-${p} can't be earliest for batch queries on Kafka`);
  }
  if (starting.kind === 'specific' && ending.kind === 'specific') {
    const keys = (x: PartitionOffsets): string => [...x].flatMap(([t, m]) => [...m.keys()].map((p) => `${t}-${p}`)).sort().join(', ');
    if (keys(starting.offsets) !== keys(ending.offsets)) {
      fail(`The specified start offsets have different topic partitions from the end offsets: start (${keys(starting.offsets)}) and end (${keys(ending.offsets)}).`);
    }
    for (const [t, m] of starting.offsets) {
      for (const [p, s] of m) {
        const e = ending.offsets.get(t)!.get(p)!;
        if (s >= 0 && e >= 0 && s > e) fail(`The specified starting offset (${s}) is greater than the ending offset (${e}) for topic partition ${t}-${p}.`);
      }
    }
  }
}
