/**
 * How rows become Redis commands, for the redis sink and df.write: each row
 * an XADD to a stream (`stream.key`, or the stream named by the column
 * `stream.key.column`), or, as spark-redis's DataFrame writer, an HSET of the
 * hash `<table>:<key.column value>` (`table`, `key.column`, `ttl`). Fields are
 * the other columns, by name, as text (numbers as Spark prints them, dates
 * and timestamps in ISO 8601, binary as the raw bytes); a null is no field
 * (an HDEL in hash mode, so an upserted row loses a field that became null).
 */
import { randomUUID } from 'node:crypto';
import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { simpleString, type StructType } from '../core/types.js';
import { isNullAt, type Vector } from '../core/vector.js';
import { SourceOptions } from '../io/options.js';
import { textFormatter } from '../io/text-values.js';
import { redisConfig, type RedisClient } from '../clients/redis.js';

/** What the sink writes. */
export interface RedisSinkOptions {
  readonly mode: 'stream' | 'hash';
  /** Stream mode: the one stream key, or undefined when `keyColumn` names each row's stream. */
  readonly streamKey: string | undefined;
  /** Stream mode: the column holding each row's stream key; hash mode: the column whose value ends the hash key. */
  readonly keyColumn: string | undefined;
  /** Hash mode: keys are `<table>:<key>`. */
  readonly table: string | undefined;
  /** Hash mode: EXPIRE each hash after this many seconds (0 = never). */
  readonly ttlSeconds: number;
  /** Stream mode: XADD ... MAXLEN ~ n (0 = no trimming). */
  readonly maxLen: number;
  /** Commands sent before waiting for their replies. */
  readonly pipelineSize: number;
  /** Streaming only: the key holding the last committed batch id; default `spate:commit:<query id>`. */
  readonly commitKey: string | undefined;
}

const WHO = 'redis sink';

function invalid(msg: string): SpateError {
  return new SpateError('INVALID_OPTION', `${msg} (${WHO}).`);
}

/** The options, checked against the schema (runs at start()). */
export function parseRedisSinkOptions(options: Readonly<Record<string, string>>, schema: StructType): RedisSinkOptions {
  const o = new SourceOptions(options);
  redisConfig(options);
  const table = o.get('table');
  const streamKey = o.get('stream.key');
  const streamKeyColumn = o.get('stream.key.column');
  const keyColumnOpt = o.get('key.column');
  const model = o.get('model');
  if (model !== undefined && model.trim().toLowerCase() !== 'hash') {
    throw invalid(`Option 'model' = ${JSON.stringify(model)} is not supported: spate writes hashes (model 'hash'), not spark-redis's Java-serialized 'binary' rows`);
  }
  const names = schema.fields.map((f) => f.name);
  const column = (opt: string, name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    if (!names.includes(name)) throw invalid(`Option '${opt}' names column '${name}', which the query does not have; its columns are ${names.join(', ')}`);
    return name;
  };
  let mode: 'stream' | 'hash';
  let keyColumn: string | undefined;
  if (table !== undefined) {
    if (streamKey !== undefined || streamKeyColumn !== undefined) throw invalid("Give either 'table' (a hash per row) or 'stream.key' / 'stream.key.column' (an entry per row), not both");
    if (table.trim() === '') throw invalid("Option 'table' must not be empty");
    mode = 'hash';
    keyColumn = column('key.column', keyColumnOpt);
  } else {
    if (streamKey === undefined && streamKeyColumn === undefined) {
      throw invalid("The redis sink needs 'stream.key' (XADD every row to that stream), 'stream.key.column' (the column naming each row's stream) or 'table' (an HSET per row, as spark-redis)");
    }
    if (streamKey !== undefined && streamKeyColumn !== undefined) throw invalid("Give 'stream.key' or 'stream.key.column', not both");
    if (streamKey !== undefined && streamKey.trim() === '') throw invalid("Option 'stream.key' must not be empty");
    if (keyColumnOpt !== undefined) throw invalid("Option 'key.column' belongs to hash mode ('table'); for streams use 'stream.key.column'");
    mode = 'stream';
    keyColumn = column('stream.key.column', streamKeyColumn);
  }
  if (keyColumn !== undefined) {
    const t = schema.fields.find((f) => f.name === keyColumn)!.dataType;
    if (t.kind === 'array' || t.kind === 'map' || t.kind === 'struct' || t.kind === 'binary') throw invalid(`The key column '${keyColumn}' must be a string or number, got ${simpleString(t).toUpperCase()}`);
  }
  for (const f of schema.fields) {
    const k = f.dataType.kind;
    if (k === 'array' || k === 'map' || k === 'struct') {
      throw new SpateError('UNSUPPORTED_DATA_TYPE',
        `Column '${f.name}' has type ${simpleString(f.dataType).toUpperCase()}; a Redis field holds text: write to_json(${f.name}) instead (${WHO}).`);
    }
  }
  if (mode === 'stream' && o.has('ttl')) throw invalid("Option 'ttl' applies to hash mode ('table') only");
  if (mode === 'hash' && o.has('stream.maxlen')) throw invalid("Option 'stream.maxlen' applies to stream mode only");
  return {
    mode,
    streamKey,
    keyColumn,
    table,
    ttlSeconds: o.int('ttl', 0, 0),
    maxLen: o.int('stream.maxlen', 0, 0),
    pipelineSize: o.int('max.pipeline.size', 1000, 1),
    commitKey: o.get('commit.key'),
  };
}

/** Turns a batch into commands, column by column; `write` queues them on a connection. */
export class RowEncoder {
  private readonly fieldCols: number[];
  private readonly keyCol: number;
  private readonly formats: ((v: unknown) => string | Buffer)[];

  constructor(private readonly opts: RedisSinkOptions, private readonly schema: StructType, timeZone: string) {
    const names = schema.fields.map((f) => f.name);
    this.keyCol = opts.keyColumn === undefined ? -1 : names.indexOf(opts.keyColumn);
    this.fieldCols = names.map((_, i) => i).filter((i) => i !== this.keyCol);
    this.formats = schema.fields.map((f) => {
      if (f.dataType.kind === 'binary') return (v: unknown) => Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength);
      const text = textFormatter(f.dataType, { timeZone }, { date: 'yyyy-MM-dd', timestamp: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" });
      return (v: unknown) => text(v);
    });
  }

  /** The stream or hash key of row `r`. */
  private keyOf(cols: readonly Vector[], r: number): string {
    const o = this.opts;
    if (this.keyCol < 0) return o.mode === 'stream' ? o.streamKey! : `${o.table}:${randomUUID().replace(/-/g, '')}`;
    const v = cols[this.keyCol]!;
    if (isNullAt(v, r)) {
      throw new SpateError('NULL_KEY', `Row ${r} has a null in the key column '${o.keyColumn}'; a Redis key cannot be null: filter the rows or fill the column (${WHO}).`);
    }
    const k = this.formats[this.keyCol]!((v.values as unknown[])[r]) as string;
    return o.mode === 'stream' ? k : `${o.table}:${k}`;
  }

  /** The distinct keys the batch writes to (stream mode: for the type check before writing). */
  streamKeys(batch: RecordBatch): string[] {
    if (this.keyCol < 0) return batch.numRows === 0 ? [] : [this.opts.streamKey!];
    const s = new Set<string>();
    for (let r = 0; r < batch.numRows; r++) s.add(this.keyOf(batch.columns, r));
    return [...s];
  }

  /**
   * Sends the batch's commands on `c` (inside a MULTI when the caller opened one), waiting for the replies
   * every `pipelineSize` commands so memory stays bounded; returns the number of commands sent.
   */
  async write(c: RedisClient, batch: RecordBatch): Promise<number> {
    const { mode, maxLen, ttlSeconds, pipelineSize } = this.opts;
    const cols = batch.columns;
    const fieldCols = this.fieldCols;
    const names = this.schema.fields.map((f) => f.name);
    let pending: Promise<unknown>[] = [];
    let sent = 0;
    for (let r = 0; r < batch.numRows; r++) {
      const key = this.keyOf(cols, r);
      const args: (string | Buffer)[] = [];
      const nulls: string[] = [];
      for (let j = 0; j < fieldCols.length; j++) {
        const c2 = fieldCols[j]!;
        const v = cols[c2]!;
        if (isNullAt(v, r)) { nulls.push(names[c2]!); continue; }
        args.push(names[c2]!, this.formats[c2]!((v.values as ArrayLike<unknown>)[r]));
      }
      if (mode === 'stream') {
        // XADD needs a field: a row of nulls only is an entry with no information and is not written.
        if (args.length === 0) continue;
        pending.push(maxLen > 0 ? c.xadd(key, 'MAXLEN', '~', maxLen, '*', ...args) : c.xadd(key, '*', ...args));
        sent++;
      } else {
        if (args.length > 0) { pending.push(c.hset(key, ...args)); sent++; }
        if (nulls.length > 0) { pending.push(c.hdel(key, ...nulls)); sent++; }
        if (ttlSeconds > 0 && args.length > 0) { pending.push(c.expire(key, ttlSeconds)); sent++; }
      }
      if (pending.length >= pipelineSize) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    return sent;
  }
}

/** Fails before anything is written when a target stream key holds another type (Redis would write the rest of the batch). */
export async function checkStreamKeys(c: RedisClient, keys: readonly string[]): Promise<void> {
  const p = c.pipeline();
  for (const k of keys) p.type(k);
  const res = (await p.exec()) ?? [];
  keys.forEach((k, i) => {
    const [err, t] = res[i] ?? [null, 'none'];
    if (err) throw err;
    if (t !== 'none' && t !== 'stream') {
      throw new SpateError('REDIS_WRONG_TYPE', `Key '${k}' holds a ${String(t)}, not a stream: the redis sink appends entries to it with XADD. Choose another stream key or delete that key (${WHO}).`);
    }
  });
}
