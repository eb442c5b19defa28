/**
 * Redis stream entry ids as offsets. An id is `<ms>-<seq>` (two unsigned
 * 64-bit integers); the redis source's offset is, per stream key, the id of
 * the last entry read, written to `offsets/N` as `{"clicks":"1712345678901-3"}`
 * (keys in the order of `stream.keys`). `0-0` means nothing read yet: the next
 * batch starts at the stream's first entry.
 */
import { SpateError } from '../core/errors.js';
import type { Offset } from './source.js';

/** The source's offset: stream key → last entry id read (inclusive end of the batch). */
export type RedisOffset = Readonly<Record<string, string>>;

/** Where a key starts before anything was read: after an id ('0-0' = from the first entry), or at the latest entry. */
export type StartPosition = 'latest' | string;

const ID_RE = /^(\d{1,20})(?:-(\d{1,20}))?$/;

/** `id` normalised (`123` → `123-0`, leading zeros dropped), or undefined when it is not an entry id. */
export function parseEntryId(id: string): string | undefined {
  const m = ID_RE.exec(id.trim());
  if (m === null) return undefined;
  const ms = BigInt(m[1]!);
  const seq = BigInt(m[2] ?? '0');
  const max = 2n ** 64n - 1n;
  if (ms > max || seq > max) return undefined;
  return `${ms}-${seq}`;
}

/** Compares two normalised ids (no leading zeros): negative, 0 or positive. */
export function compareIds(a: string, b: string): number {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const c = compareDigits(a.slice(0, da), b.slice(0, db));
  return c !== 0 ? c : compareDigits(a.slice(da + 1), b.slice(db + 1));
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The milliseconds part of an id (the time the entry was added, for auto ids). */
export function idMillis(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function corrupt(got: unknown, why: string): SpateError {
  return new SpateError('INVALID_OFFSET',
    `redis source: the offset ${JSON.stringify(got)} in the checkpoint ${why}. The checkpoint was written by a different source or query; ` +
    'use a new checkpointLocation for a changed query.');
}

/** The offset read back from the offsets log: an object of stream key → entry id. */
export function decodeOffset(offset: Offset): RedisOffset {
  if (offset === null || typeof offset !== 'object' || Array.isArray(offset)) throw corrupt(offset, 'is not an object of stream key to entry id');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(offset)) {
    const id = typeof v === 'string' ? parseEntryId(v) : undefined;
    if (id === undefined) throw corrupt(offset, `has ${JSON.stringify(v)} for stream '${k}', which is not an entry id such as "1712345678901-3"`);
    out[k] = id;
  }
  return out;
}

/**
 * `stream.offsets`: spark-redis's form `{"offsets":{"sensors":{"groupName":"redis-source","offset":"1548083485360-0"}}}`
 * (the group name is ignored: spate uses no consumer group) or the short form `{"sensors":"1548083485360-0"}`.
 * Each key starts after the id given (`0-0`: from the first entry); `$` or `latest` means the latest entry,
 * `earliest` the first.
 */
export function parseStreamOffsets(json: string, option = 'stream.offsets'): ReadonlyMap<string, StartPosition> {
  const example = `{"sensors":"1548083485360-0"} or spark-redis's {"offsets":{"sensors":{"groupName":"redis-source","offset":"1548083485360-0"}}}`;
  const fail = (why: string): never => {
    throw new SpateError('INVALID_OPTION', `Option '${option}' ${why}; expected JSON such as ${example}. Got ${JSON.stringify(json)}.`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail('is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('must be a JSON object');
  const rec = parsed as Record<string, unknown>;
  const inner = 'offsets' in rec && typeof rec.offsets === 'object' && rec.offsets !== null && !Array.isArray(rec.offsets) ? rec.offsets as Record<string, unknown> : rec;
  const out = new Map<string, StartPosition>();
  for (const [key, v] of Object.entries(inner)) {
    const raw = typeof v === 'string' ? v : typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).offset === 'string' ? (v as Record<string, string>).offset! : undefined;
    if (raw === undefined) return fail(`has ${JSON.stringify(v)} for stream '${key}', not an entry id or {"offset": id}`);
    out.set(key, startPosition(raw, `${option} (stream '${key}')`));
  }
  return out;
}

/** `earliest`, `latest`, `$` or an entry id. */
export function startPosition(raw: string, where: string): StartPosition {
  const t = raw.trim().toLowerCase();
  if (t === 'latest' || t === '$') return 'latest';
  if (t === 'earliest' || t === '-') return '0-0';
  const id = parseEntryId(t);
  if (id === undefined) {
    throw new SpateError('INVALID_OPTION', `Option '${where}' must be 'earliest', 'latest' or an entry id such as "1548083485360-0", got ${JSON.stringify(raw)}.`);
  }
  return id;
}
