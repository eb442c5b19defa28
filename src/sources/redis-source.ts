import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import { RedisConnection, streamInfos } from '../clients/redis.js';
import type { BatchReadContext, SourceProvider } from './connector.js';
import type { SourceContext } from './source.js';
import { compareIds, parseStreamOffsets } from './redis-offsets.js';
import { parseRedisSourceOptions } from './redis-options.js';
import { checkDataLoss, readRange } from './redis-read.js';
import { checkUserSchema, EntryDecoder, REDIS_DEFAULT_SCHEMA } from './redis-schema.js';
import { RedisStreamSource } from './redis-stream-source.js';
import { sourceOptions } from './source-options.js';

/**
 * `format('redis')`: Redis Streams (docs/connectors/redis.md). `readStream`
 * is the replayable RedisStreamSource; `spark.read` reads the entries there
 * now, from `startingOffsets` (default `earliest` for a batch read, as Spark's
 * Kafka source) to `endingOffsets` (default `latest`).
 */
export const REDIS_SOURCE: SourceProvider = {
  format: 'redis',
  streaming: true,
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
    const o = parseRedisSourceOptions(options);
    if (userSchema === undefined) return REDIS_DEFAULT_SCHEMA;
    checkUserSchema(userSchema, o.corruptColumn);
    return userSchema;
  },
  create(ctx: SourceContext) {
    return new RedisStreamSource(ctx, ctx.schema ?? REDIS_DEFAULT_SCHEMA);
  },
  readBatch: readRedisBatch,
};

/** `spark.read.format('redis')`: the entries of every key between the starting and ending positions, as one batch. */
async function readRedisBatch(ctx: BatchReadContext): Promise<RecordBatch[]> {
  const opts = parseRedisSourceOptions(ctx.options, true, 'earliest');
  const raw = sourceOptions(ctx.options).get('endingOffsets');
  const ending = raw === undefined || /^\s*latest\s*$/i.test(raw) ? new Map<string, string>() : parseStreamOffsets(raw, 'endingOffsets');
  const conn = new RedisConnection(ctx.options);
  try {
    const infos = await conn.run('reading stream info (XINFO STREAM)', (c) => streamInfos(c, opts.keys));
    const decoder = new EntryDecoder(ctx.schema, opts.mode, opts.corruptColumn, ctx.timeZone);
    const batches = await Promise.all(opts.keys.map(async (key, i) => {
      const last = infos[i]?.lastGeneratedId ?? '0-0';
      const pos = opts.start.get(key)!;
      const from = pos === 'latest' ? last : pos;
      const endPos = ending.get(key) ?? 'latest';
      const to = endPos === 'latest' ? last : endPos;
      const b = decoder.builder();
      if (compareIds(from, to) >= 0) return b.finish();
      checkDataLoss(key, from, infos[i], pos === 'latest' ? infos[i]?.entriesAdded : undefined, opts.failOnDataLoss, new Set());
      await readRange(conn, key, from, to, Number.MAX_SAFE_INTEGER, opts.batchSize, b.sinkFor(key));
      return b.finish();
    }));
    return batches;
  } finally {
    await conn.close();
  }
}
