/**
 * Reading ranges of Redis streams: XRANGE in pages of
 * `stream.read.batch.size` entries from just after one id up to another, and
 * the data-loss check (entries after the offset trimmed or deleted before they
 * were read) shared by the streaming and the batch reads.
 */
import { SpateError } from '../core/errors.js';
import type { RedisConnection, StreamInfo } from '../clients/redis.js';
import { FieldLayout, type EntrySink, type XrangePage } from '../clients/redis-resp.js';
import { compareIds } from './redis-offsets.js';
import { sourceWarning } from './source-options.js';

/** The id right after `id`: XRANGE from it is exclusive of `id` on every Redis version (no `(id` needed). */
export function nextId(id: string): string {
  const d = id.indexOf('-');
  const ms = id.slice(0, d);
  const seq = id.slice(d + 1);
  if (seq.length < 15) return `${ms}-${Number(seq) + 1}`;
  const s = BigInt(seq) + 1n;
  return s < 2n ** 64n ? `${ms}-${s}` : `${BigInt(ms) + 1n}-0`;
}

/** What readRange read: how many entries, and the id of the last one. */
export interface RangeRead {
  readonly count: number;
  readonly lastId: string | undefined;
}

/**
 * The entries of `key` after `afterId` (exclusive) up to `endId` (inclusive; `+` = the newest), at most
 * `max` of them, in pages of `pageSize`, each decoded into `sink` as it arrives (so its bytes are dropped
 * while young). The next page is asked for as soon as a page has arrived whole (its last id is then
 * known), before the page is decoded, so Redis and the network work while the decoding runs.
 */
export async function readRange(conn: RedisConnection, key: string, afterId: string, endId: string, max: number, pageSize: number,
  sink: EntrySink): Promise<RangeRead> {
  const request = (from: string, want: number): Promise<XrangePage> => conn.read(`reading entries of stream '${key}' after ${from} (XRANGE)`,
    (c) => c.xrange(key, nextId(from), endId, want));
  const layout = new FieldLayout();
  let n = 0;
  let lastId: string | undefined;
  if (max <= 0) return { count: 0, lastId };
  let want = Math.min(pageSize, max);
  let pending: Promise<XrangePage> | undefined = request(afterId, want);
  while (pending !== undefined) {
    const page: XrangePage = await pending;
    pending = undefined;
    n += page.count;
    if (page.lastId !== undefined) lastId = page.lastId;
    if (page.count === want && n < max && (endId === '+' || compareIds(lastId!, endId) < 0)) {
      want = Math.min(pageSize, max - n);
      pending = request(lastId!, want);
      pending.catch(() => undefined); // awaited next round; a decode failure below must not leave it unhandled
    }
    page.decode(sink, layout);
  }
  return { count: n, lastId };
}

/** Warnings already given in this run (key and largest removed id), so a skipped gap is reported once. */
export type WarnedLoss = Set<string>;

/**
 * Fails (failOnDataLoss = true) or warns when entries after `startId` were removed before they were read.
 * XDEL leaves the largest deleted id in `max-deleted-entry-id`: one above the offset is an unread entry gone.
 * XTRIM / MAXLEN remove from the head without a trace of which ids: when every entry left is newer than the
 * offset and entries were removed, the count of entries added after the offset (`addedAtStart`: the
 * stream's entries-added when the offset was its newest entry, known within a run) against the entries
 * left tells whether unread ones went; without that count (after a restart, or an offset given in
 * stream.offsets) the removal is taken as a loss. A start of `0-0` (from the first entry) never counts:
 * what was trimmed before the query began was never going to be read.
 */
export function checkDataLoss(key: string, startId: string, info: StreamInfo | undefined, addedAtStart: number | undefined,
  failOnDataLoss: boolean, warned: WarnedLoss): void {
  if (info === undefined || startId === '0-0') return;
  const first = info.firstEntryId;
  const firstText = first === undefined ? 'none (the stream is empty)' : first;
  let what: string | undefined;
  if (compareIds(info.maxDeletedEntryId, startId) > 0) {
    what = `entry ${info.maxDeletedEntryId}, after the offset, was deleted (XDEL) before it was read`;
  } else if ((first === undefined ? compareIds(info.lastGeneratedId, startId) > 0 : compareIds(first, startId) > 0) && info.entriesAdded > info.length) {
    if (addedAtStart === undefined) {
      what = `the stream was trimmed past the offset (XTRIM or MAXLEN): every entry left is newer (the first now is ${firstText}) and ${info.entriesAdded - info.length} entries were removed`;
    } else if (info.entriesAdded - addedAtStart > info.length) {
      what = `${info.entriesAdded - addedAtStart} entries were added after the offset but only ${info.length} are left (XTRIM or MAXLEN; the first now is ${firstText})`;
    }
  }
  if (what === undefined) return;
  const text = `Stream '${key}': entries after ${startId} (the offset this batch starts from) were removed before they were read: ${what}. Some data may have been lost.`;
  if (failOnDataLoss) {
    throw new SpateError('REDIS_DATA_LOSS', `${text} If you want the query to go on from the entries that are left, set option failOnDataLoss to 'false'; ` +
      'to avoid it, trim streams only below what every query has read, or read faster.');
  }
  const mark = `${key}\u0000${startId}`;
  if (warned.has(mark)) return;
  warned.add(mark);
  sourceWarning(`redis source: ${text} Going on with the entries that are left (failOnDataLoss is false).`);
}
