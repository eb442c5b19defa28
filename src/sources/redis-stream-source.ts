/**
 * `readStream.format('redis')`: a replayable source over Redis streams. The
 * offset is, per stream key, the id of the last entry read; a batch is the
 * entries after the previous batch's ids up to these, read again by XRANGE
 * with an exclusive start whenever the engine asks — also after a restart —
 * so every range it reported can be served again as long as the entries are
 * in the stream. Unlike spark-redis, no consumer group is used: a group's
 * read position lives in Redis and moves when entries are delivered, so a
 * batch that failed after XREADGROUP could not be read again the same way
 * without resetting the group; the checkpoint's ids alone decide what a
 * batch holds here, and nothing is written to Redis.
 */
import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import { RedisConnection, streamInfos, waitForEntries, type StreamInfo } from '../clients/redis.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';
import { compareIds, decodeOffset, type RedisOffset } from './redis-offsets.js';
import { sourceWarning } from './source-options.js';
import { parseRedisSourceOptions, type RedisSourceOptions } from './redis-options.js';
import { checkDataLoss, readRange, type WarnedLoss } from './redis-read.js';
import { EntryDecoder } from './redis-schema.js';

/** Entries read by latestOffset under a read limit, kept for the getBatch that follows. */
interface Prefetched {
  readonly start: string;
  readonly end: string;
  readonly batches: RecordBatch[];
  /** Entries taken per key. */
  readonly taken: ReadonlyMap<string, number>;
}

/** Per key: entries after the batch end, when known exactly enough (see behind()). */
interface Lag {
  readonly end: string;
  readonly behind: number;
  readonly entriesAdded: number;
}

export class RedisStreamSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly opts: RedisSourceOptions;
  private readonly conn: RedisConnection;
  private readonly decoder: EntryDecoder;
  private latest: RedisOffset | null = null;
  private prefetched: Prefetched | undefined;
  /** trigger availableNow: the ids to read up to, fixed when the query starts. */
  private fixedEnd: RedisOffset | undefined;
  private readonly warned: WarnedLoss = new Set();
  private readonly lag = new Map<string, Lag>();
  /** Per key, entry id → the stream's entries-added when it was the newest entry read (see checkDataLoss). */
  private readonly addedAt = new Map<string, Map<string, number>>();
  /** Behind-latest counts per batch end (JSON), for metrics(end). */
  private readonly behindByEnd = new Map<string, ReadonlyMap<string, number>>();

  constructor(ctx: SourceContext, schema: StructType) {
    this.opts = parseRedisSourceOptions(ctx.options, true);
    this.conn = new RedisConnection(ctx.options, this.opts.blockMs, (m) => sourceWarning(`redis source: ${m}`));
    this.schema = schema;
    this.decoder = new EntryDecoder(schema, this.opts.mode, this.opts.corruptColumn, ctx.timeZone);
    this.description = `RedisStreamSource[stream.keys=${this.opts.keys.join(',')}, ${this.conn.cfg.display}]`;
  }

  defaultReadLimit(): ReadLimit {
    const n = this.opts.maxEntriesPerTrigger;
    return n === undefined ? { kind: 'all' } : { kind: 'maxRows', rows: n };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    const infos = await this.infos();
    this.fixedEnd = Object.fromEntries(this.opts.keys.map((k, i) => [k, infos[i]?.lastGeneratedId ?? '0-0']));
  }

  reportLatestOffset(): Offset | null {
    return this.latest;
  }

  metrics(end: Offset | null): Readonly<Record<string, string>> {
    const b = end === null ? undefined : this.behindByEnd.get(JSON.stringify(end));
    if (b === undefined || b.size === 0) return {};
    const v = [...b.values()];
    return {
      avgEntriesBehindLatest: String(v.reduce((s, x) => s + x, 0) / v.length),
      maxEntriesBehindLatest: String(Math.max(...v)),
      minEntriesBehindLatest: String(Math.min(...v)),
    };
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    let infos = await this.infos();
    let from = this.startOf(start, infos);
    let end = await this.endOf(from, infos, limit);
    if (this.opts.blockMs > 0 && this.same(from, end)) {
      // Nothing new: wait in XREAD BLOCK for an entry rather than return at once and be polled again.
      const ids = this.opts.keys.map((k, i) => maxId(from[k]!, infos[i]?.lastGeneratedId ?? '0-0'));
      await this.conn.run(`waiting for entries of ${this.opts.keys.map((k) => `'${k}'`).join(', ')} (XREAD BLOCK)`,
        (c) => waitForEntries(c, this.opts.keys, ids, this.opts.blockMs));
      infos = await this.infos();
      from = this.startOf(start, infos);
      end = await this.endOf(from, infos, limit);
    }
    return end;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const to = decodeOffset(end);
    const from = this.startOf(start, undefined, to);
    const p = this.prefetched;
    this.prefetched = undefined;
    if (p !== undefined && p.start === JSON.stringify(from) && p.end === JSON.stringify(to)) return p.batches;
    const keys = this.opts.keys.filter((k) => to[k] !== undefined && compareIds(from[k]!, to[k]!) < 0);
    if (keys.length === 0) return [];
    const infos = await this.conn.run('reading stream info (XINFO STREAM)', (c) => streamInfos(c, keys));
    keys.forEach((k, i) => checkDataLoss(k, from[k]!, infos[i], this.addedAt.get(k)?.get(from[k]!), this.opts.failOnDataLoss, this.warned));
    // Keys are read side by side (their XRANGEs share the connection's pipeline), each into its own batch.
    return Promise.all(keys.map(async (key) => {
      const b = this.decoder.builder();
      await readRange(this.conn, key, from[key]!, to[key]!, Number.MAX_SAFE_INTEGER, this.opts.batchSize, b.sinkFor(key));
      return b.finish();
    }));
  }

  async commit(): Promise<void> {
    // Entries stay in Redis: trimming is the producer's choice (XADD ... MAXLEN), never the reader's.
  }

  async stop(): Promise<void> {
    await this.conn.close();
  }

  private async infos(): Promise<(StreamInfo | undefined)[]> {
    const infos = await this.conn.run('reading stream info (XINFO STREAM)', (c) => streamInfos(c, this.opts.keys));
    this.latest = Object.fromEntries(this.opts.keys.map((k, i) => [k, infos[i]?.lastGeneratedId ?? '0-0']));
    return infos;
  }

  /**
   * The ids a batch starts after. Before the first batch (or for a key the checkpoint does not know yet) a
   * key starts at its configured position: an id as given, `latest` at the stream's newest id now — or, when
   * a batch is being read (`infos` undefined), at the batch's end for that key, so the batch holds nothing
   * of it, whenever it is read again.
   */
  private startOf(start: Offset | null, infos: readonly (StreamInfo | undefined)[] | undefined, end?: RedisOffset): Record<string, string> {
    const known = start === null ? {} : decodeOffset(start);
    const out: Record<string, string> = {};
    this.opts.keys.forEach((k, i) => {
      const have = known[k];
      if (have !== undefined) { out[k] = have; return; }
      const pos = this.opts.start.get(k)!;
      if (pos !== 'latest') out[k] = pos;
      else out[k] = infos !== undefined ? infos[i]?.lastGeneratedId ?? '0-0' : end?.[k] ?? '0-0';
    });
    return out;
  }

  private same(a: RedisOffset, b: Offset | null): boolean {
    return b !== null && JSON.stringify(a) === JSON.stringify(b);
  }

  /** The end ids of the next batch: everything up to the newest entries, or a fair share of the limit per key. */
  private async endOf(from: Record<string, string>, infos: readonly (StreamInfo | undefined)[], limit: ReadLimit): Promise<Offset> {
    this.prefetched = undefined;
    const keys = this.opts.keys;
    const newest = keys.map((k, i) => {
      const last = infos[i]?.lastGeneratedId ?? '0-0';
      const cap = this.fixedEnd?.[k];
      return cap !== undefined && compareIds(cap, last) < 0 ? cap : last;
    });
    const end: Record<string, string> = {};
    keys.forEach((k, i) => { end[k] = maxId(from[k]!, newest[i]!); });
    const pending = keys.map((k, i) => i).filter((i) => compareIds(from[keys[i]!]!, newest[i]!) < 0);
    if (limit.kind === 'maxRows' && pending.length > 0) {
      pending.forEach((i) => checkDataLoss(keys[i]!, from[keys[i]!]!, infos[i], this.addedAt.get(keys[i]!)?.get(from[keys[i]!]!), this.opts.failOnDataLoss, this.warned));
      const taken = await this.takeFairly(pending.map((i) => ({ key: keys[i]!, after: from[keys[i]!]!, upTo: newest[i]! })), limit.rows);
      const counts = new Map<string, number>();
      for (const t of taken) {
        end[t.key] = t.lastId ?? from[t.key]!;
        counts.set(t.key, t.count);
      }
      this.prefetched = { start: JSON.stringify(from), end: JSON.stringify(end), batches: taken.filter((t) => t.count > 0).map((t) => t.batch), taken: counts };
    }
    this.noteLag(from, end, infos);
    this.noteAdded(from, end, infos);
    return end;
  }

  /**
   * Splits `budget` entries fairly over the keys with data: each gets an equal share; what a key with fewer
   * entries leaves goes to the others in the next round (Spark's Kafka source splits maxOffsetsPerTrigger
   * over partitions in proportion to what each has; an equal share keeps a busy key from starving a quiet one).
   */
  private async takeFairly(ranges: { key: string; after: string; upTo: string }[], budget: number): Promise<{ key: string; count: number; lastId: string | undefined; batch: RecordBatch }[]> {
    const state = ranges.map((r) => {
      const builder = this.decoder.builder();
      return { ...r, builder, sink: builder.sinkFor(r.key), count: 0, lastId: undefined as string | undefined };
    });
    let open = state.slice();
    let left = budget;
    while (left > 0 && open.length > 0) {
      const share = Math.max(1, Math.floor(left / open.length));
      const round = open.slice(0, Math.min(open.length, left));
      const reads = await Promise.all(round.map((r) =>
        readRange(this.conn, r.key, r.lastId ?? r.after, r.upTo, share, this.opts.batchSize, r.sink)));
      const still: typeof open = [];
      round.forEach((r, i) => {
        const got = reads[i]!;
        r.count += got.count;
        if (got.lastId !== undefined) r.lastId = got.lastId;
        left -= got.count;
        if (got.count === share && got.lastId !== undefined && compareIds(got.lastId, r.upTo) < 0) still.push(r);
      });
      open = still;
    }
    return state.map((r) => ({ key: r.key, count: r.count, lastId: r.lastId, batch: r.builder.finish() }));
  }

  /** Remembers each key's entries-added count at the batch end: exact when the end is the newest id, else carried by the entries taken. */
  private noteAdded(from: RedisOffset, end: RedisOffset, infos: readonly (StreamInfo | undefined)[]): void {
    this.opts.keys.forEach((k, i) => {
      const info = infos[i];
      const e = end[k]!;
      if (info === undefined || e === '0-0') return;
      let m = this.addedAt.get(k);
      if (m === undefined) this.addedAt.set(k, m = new Map());
      if (e === info.lastGeneratedId) m.set(e, info.entriesAdded);
      else {
        const before = m.get(from[k]!);
        const taken = this.prefetched?.taken.get(k);
        if (before !== undefined && taken !== undefined) m.set(e, before + taken);
      }
      if (m.size > 8) m.delete(m.keys().next().value!);
    });
  }

  /**
   * Entries behind the batch end per key, where known: 0 when the end is the newest id; under a read limit,
   * the stream's length minus what was taken when the batch started before the first entry, otherwise the
   * previous batch's count plus the entries added since (Redis 7's entries-added) minus those taken.
   * Keys not known so are left out of the metrics (after a restart until the query catches up once).
   */
  private noteLag(from: RedisOffset, end: RedisOffset, infos: readonly (StreamInfo | undefined)[]): void {
    const behind = new Map<string, number>();
    this.opts.keys.forEach((k, i) => {
      const info = infos[i];
      const e = end[k]!;
      let b: number | undefined;
      if (info === undefined || compareIds(e, info.lastGeneratedId) >= 0) {
        b = 0;
      } else if (this.prefetched !== undefined) {
        const taken = this.prefetched.taken.get(k) ?? 0;
        const prev = this.lag.get(k);
        if (from[k] === '0-0' || (info.firstEntryId !== undefined && compareIds(from[k]!, info.firstEntryId) < 0)) b = Math.max(0, info.length - taken);
        else if (prev !== undefined && prev.end === from[k]) b = Math.max(0, prev.behind + (info.entriesAdded - prev.entriesAdded) - taken);
      }
      if (b === undefined) { this.lag.delete(k); return; }
      behind.set(k, b);
      this.lag.set(k, { end: e, behind: b, entriesAdded: info?.entriesAdded ?? 0 });
    });
    this.behindByEnd.set(JSON.stringify(end), behind);
    if (this.behindByEnd.size > 8) this.behindByEnd.delete(this.behindByEnd.keys().next().value!);
  }
}

function maxId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}
