import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { RedisConnection, type RedisClient } from '../clients/redis.js';
import type { BatchWriteContext, ConnectorSinkContext, SinkProvider } from './connector.js';
import { checkStreamKeys, parseRedisSinkOptions, RowEncoder, type RedisSinkOptions } from './redis-writer.js';
import type { OutputMode } from '../core/output-mode.js';
import type { SinkQueryInfo, StreamSink } from './sink.js';

/** EXEC of a large batch runs every command at once: its reply may take longer than the connect timeout. */
const EXEC_EXTRA_TIMEOUT_MS = 60_000;

/**
 * `format('redis')` as a sink: XADD per row to a stream, or HSET per row
 * (spark-redis's `table` / `key.column`), for writeStream and df.write
 * (docs/connectors/redis.md).
 */
export const REDIS_SINK: SinkProvider = {
  format: 'redis',
  create(ctx: ConnectorSinkContext): StreamSink {
    return new RedisStreamSink(ctx);
  },
  writeBatch: writeRedisBatch,
};

function target(o: RedisSinkOptions): string {
  if (o.mode === 'hash') return `table=${o.table}${o.keyColumn === undefined ? '' : `, key.column=${o.keyColumn}`}`;
  return o.streamKey !== undefined ? `stream.key=${o.streamKey}` : `stream.key.column=${o.keyColumn}`;
}

/**
 * The streaming sink, exactly-once per batch: each batch is one MULTI/EXEC
 * holding its writes and `SET <commit key> <batch id>`; before it, under
 * WATCH of the commit key, a batch id at or below the one stored is skipped.
 * A crash after EXEC and before the engine's commit log replays the batch,
 * which then finds its id stored and writes nothing; a crash (or a lost
 * connection) before EXEC leaves nothing, as Redis drops an unfinished
 * transaction with its connection. The commands are sent in chunks of
 * `max.pipeline.size` while the transaction is open, so client memory stays
 * bounded; Redis queues them and runs the whole batch atomically at EXEC.
 */
class RedisStreamSink implements StreamSink {
  readonly description: string;
  private readonly opts: RedisSinkOptions;
  private readonly conn: RedisConnection;
  private readonly encoder: RowEncoder;
  private commitKey: string | undefined;

  constructor(ctx: ConnectorSinkContext) {
    this.opts = parseRedisSinkOptions(ctx.options, ctx.schema);
    this.conn = new RedisConnection(ctx.options, EXEC_EXTRA_TIMEOUT_MS);
    this.encoder = new RowEncoder(this.opts, ctx.schema, ctx.timeZone);
    this.description = `RedisSink[${target(this.opts)}, ${this.conn.cfg.display}]`;
  }

  async open(query: SinkQueryInfo): Promise<void> {
    this.commitKey = this.opts.commitKey ?? `spate:commit:${query.id}`;
    await this.conn.run('connecting', (c) => c.ping());
  }

  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    if (this.commitKey === undefined) throw new SpateError('INTERNAL', 'RedisSink.addBatch before open()');
    if (data.numRows === 0) return;
    const commitKey = this.commitKey;
    const streams = this.opts.mode === 'stream' ? this.encoder.streamKeys(data) : [];
    await this.conn.run(`writing batch ${batchId} (${data.numRows} rows, MULTI/EXEC) to ${target(this.opts)}`, async (c) => {
      await c.watch(commitKey);
      const last = await c.get(commitKey);
      if (last !== null && Number(last) >= batchId) {
        await c.unwatch();
        return;
      }
      if (streams.length > 0) await checkStreamKeys(c, streams);
      await inTransaction(c, this.conn, `Batch ${batchId}`, async () => {
        await this.encoder.write(c, data);
        await c.set(commitKey, String(batchId));
      });
    });
  }

  async stop(): Promise<void> {
    await this.conn.close();
  }
}

/**
 * MULTI, the commands `body` queues, EXEC. A null EXEC reply means the watched commit key changed: thrown
 * as a plain error so the retry reads it again. Errors inside EXEC (a key of another type) are reported:
 * Redis has applied the other commands, so the write is partial.
 */
async function inTransaction(c: RedisClient, conn: RedisConnection, which: string, body: () => Promise<void>): Promise<void> {
  await c.multi({ pipeline: false });
  try {
    await body();
  } catch (e) {
    await c.discard().catch(() => undefined);
    throw e;
  }
  const res = await c.exec();
  if (res === null) throw new Error('the commit key changed while the batch was being written (another run of this query?)');
  const failed = res.filter(([e]) => e !== null);
  if (failed.length > 0) {
    const first = failed[0]![0] as Error;
    throw new SpateError('REDIS_WRITE_FAILED',
      `Redis at ${conn.cfg.host}:${conn.cfg.port}: ${which} was written only in part: ${failed.length} of ${res.length} commands failed, the first with ${conn.redact(first.message)}. ` +
      'Redis does not roll a transaction back (a streaming batch is recorded as written, so it is not written twice). Check the types of the keys under the target names.');
  }
}

/** `df.write.format('redis')`: one MULTI/EXEC for the whole DataFrame, after the save mode's check. */
async function writeRedisBatch(batches: readonly RecordBatch[], ctx: BatchWriteContext): Promise<void> {
  const opts = parseRedisSinkOptions(ctx.options, ctx.schema);
  const encoder = new RowEncoder(opts, ctx.schema, ctx.timeZone);
  const conn = new RedisConnection(ctx.options, EXEC_EXTRA_TIMEOUT_MS);
  try {
    const streams = opts.mode === 'stream' ? [...new Set(batches.flatMap((b) => encoder.streamKeys(b)))] : [];
    const rows = batches.reduce((s, b) => s + b.numRows, 0);
    await conn.run(`writing ${rows} rows to ${target(opts)} (df.write, mode ${ctx.mode})`, async (c) => {
      const existing = opts.mode === 'hash' ? await tableKeys(c, opts.table!) : streams.length === 0 ? [] : await existingStreams(c, streams);
      if (existing.length > 0 && (ctx.mode === 'error' || ctx.mode === 'errorifexists')) {
        throw new SpateError('TABLE_OR_VIEW_ALREADY_EXISTS',
          `${opts.mode === 'stream' ? `Stream '${existing[0]}'` : `Table '${opts.table}' (key '${existing[0]}')`} already exists in Redis; use mode('append') to add to it or mode('overwrite') to replace it.`);
      }
      if (existing.length > 0 && ctx.mode === 'ignore') return;
      if (streams.length > 0 && ctx.mode !== 'overwrite') await checkStreamKeys(c, streams);
      await inTransaction(c, conn, 'The write', async () => {
        if (ctx.mode === 'overwrite' && existing.length > 0) await c.del(...existing);
        for (const b of batches) await encoder.write(c, b);
      });
    });
  } finally {
    await conn.close();
  }
}

async function existingStreams(c: RedisClient, keys: readonly string[]): Promise<string[]> {
  const p = c.pipeline();
  for (const k of keys) p.exists(k);
  const res = (await p.exec()) ?? [];
  return keys.filter((_, i) => Number(res[i]?.[1] ?? 0) > 0);
}

/** Every key of the table (`<table>:*`), by SCAN. */
async function tableKeys(c: RedisClient, table: string): Promise<string[]> {
  const pattern = `${table.replace(/[*?[\]\\]/g, (m) => `\\${m}`)}:*`;
  const out: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 1_000_000; i++) {
    const [next, keys] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return out;
}
