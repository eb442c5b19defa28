/**
 * The redis source's options, named after spark-redis where it has them
 * (`stream.keys`, `stream.offsets`, `stream.read.batch.size`,
 * `stream.read.block`, `stream.parallelism`), after Spark's Kafka source
 * where it does not (`startingOffsets`, `maxEntriesPerTrigger` after
 * `maxOffsetsPerTrigger`, `failOnDataLoss`), after Spark's csv/json readers
 * for malformed values (`mode`, `columnNameOfCorruptRecord`). Connection
 * options are read by clients/redis.ts.
 */
import { SpateError } from '../core/errors.js';
import { parseMode, type ParseMode } from '../io/options.js';
import { redisConfig } from '../clients/redis.js';
import { boolOption, intOption, sourceOptions, sourceWarning } from './source-options.js';
import { parseStreamOffsets, startPosition, type StartPosition } from './redis-offsets.js';

export interface RedisSourceOptions {
  /** The stream keys, in the order given; the offset JSON lists them in this order. */
  readonly keys: readonly string[];
  /** Where each key starts before anything was read. */
  readonly start: ReadonlyMap<string, StartPosition>;
  /** Entries per XRANGE call (a page); default 1000. */
  readonly batchSize: number;
  /** When nothing is new, wait up to this long in XREAD BLOCK before reporting so (0 = do not wait). */
  readonly blockMs: number;
  /** At most this many entries a trigger, over all keys; undefined = no limit. */
  readonly maxEntriesPerTrigger: number | undefined;
  readonly failOnDataLoss: boolean;
  readonly mode: ParseMode;
  readonly corruptColumn: string;
}

const SOURCE = 'redis';

/** Validates the options (connection ones too); runs at load(), and with `warn` when the query starts. */
export function parseRedisSourceOptions(options: Readonly<Record<string, string>>, warn = false, defaultStart = 'latest'): RedisSourceOptions {
  const o = sourceOptions(options);
  redisConfig(options);
  const rawKeys = o.get('stream.keys');
  if (rawKeys === undefined || rawKeys.trim() === '') {
    throw new SpateError('INVALID_OPTION',
      "The redis source needs option 'stream.keys': the stream key(s) to read, comma-separated, e.g. .option('stream.keys', 'sensors') or 'sensors-eu,sensors-us'.");
  }
  const keys = rawKeys.split(',').map((k) => k.trim());
  if (keys.some((k) => k === '')) throw new SpateError('INVALID_OPTION', `Option 'stream.keys' has an empty key in ${JSON.stringify(rawKeys)}; list keys separated by single commas.`);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) throw new SpateError('INVALID_OPTION', `Option 'stream.keys' names '${dup}' twice; list each stream key once.`);

  const dflt = startPosition(o.get('startingOffsets') ?? defaultStart, 'startingOffsets');
  const explicit = o.get('stream.offsets') === undefined ? new Map<string, StartPosition>() : parseStreamOffsets(o.get('stream.offsets')!);
  for (const k of explicit.keys()) {
    if (!keys.includes(k)) {
      throw new SpateError('INVALID_OPTION', `Option 'stream.offsets' names stream '${k}', which is not in 'stream.keys' (${keys.join(', ')}); add it there or remove it.`);
    }
  }
  const start = new Map<string, StartPosition>(keys.map((k) => [k, explicit.get(k) ?? dflt]));

  const parallelism = intOption(o, SOURCE, 'stream.parallelism', 1, 1, 'a positive integer')!;
  if (parallelism !== 1) {
    throw new SpateError('UNSUPPORTED_OPTION',
      `Option 'stream.parallelism' = ${parallelism} is not supported: spate reads each stream key in order with XRANGE (spark-redis shares a key among consumers of a group, losing the order). ` +
      "For parallel reading split the data over several keys and list them in 'stream.keys'.");
  }
  for (const n of ['stream.group.name', 'stream.consumer.prefix']) {
    if (warn && o.has(n)) sourceWarning(`redis source: option '${n}' is ignored: spate reads by XRANGE from the checkpoint's entry ids and uses no consumer group.`);
  }
  return {
    keys,
    start,
    batchSize: intOption(o, SOURCE, 'stream.read.batch.size', 1000, 1, 'a positive integer')!,
    blockMs: intOption(o, SOURCE, 'stream.read.block', 0, 0, 'a non-negative number of milliseconds')!,
    maxEntriesPerTrigger: intOption(o, SOURCE, 'maxEntriesPerTrigger', undefined, 1, 'a positive integer'),
    failOnDataLoss: boolOption(o, SOURCE, 'failOnDataLoss', true),
    mode: parseMode(o),
    corruptColumn: o.get('columnNameOfCorruptRecord') ?? '_corrupt_record',
  };
}
