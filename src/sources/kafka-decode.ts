/**
 * Kafka record batches (message format v2, "magic 2") decoded straight into
 * column arrays: one pass over each batch's records writing offsets,
 * timestamps, key and value views (no copy: subarrays of the Fetch response)
 * and headers into preallocated arrays — no object per record. The older
 * message sets (magic 0/1) arrive already decoded by kafkajs (`legacy`) and
 * are copied into the same columns.
 *
 * Filtering follows the Java consumer: records before the fetched offset are
 * dropped (a batch can start before it), control batches are skipped, and
 * under read_committed the batches of aborted transactions are skipped using
 * the Fetch answer's aborted-transaction list (Fetcher's abortedProducerIds).
 */
import { decompressRecords, type AbortedTransaction, type RawMessage, type RecordsFetch } from '../clients/kafka.js';

/** The records of [from, next) of one partition that pass the filters, as columns. */
export interface Chunk {
  /** The first offset this chunk stands for. */
  readonly from: number;
  /** One past the last offset it stands for (filtered records included). */
  readonly next: number;
  readonly n: number;
  readonly offsets: Float64Array;
  readonly keys: unknown[];
  readonly values: unknown[];
  /** Microseconds since the epoch. */
  readonly stamps: Float64Array;
  readonly types: Int32Array;
  /** Spark's array<struct<key, value>> per row (each header `[key, value]`), or null without includeHeaders. */
  readonly headers: unknown[] | null;
  /** Bytes of the Fetch answer this chunk keeps alive (for the prefetch budget). */
  readonly bytes: number;
}

/** Size of a record batch header up to and including its record count. */
const BATCH_HEADER = 61;
const TIMESTAMP_TYPE = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const COMPRESSION = 0x07;

/**
 * The offset after the last complete record batch in `records` (where the
 * next Fetch starts), or -1 when it holds none (empty, or one batch larger
 * than the bytes asked for). Reads only the batch headers.
 */
export function nextFetchOffset(f: RecordsFetch): number {
  if (f.legacy !== null) {
    const last = f.legacy[f.legacy.length - 1];
    return last === undefined ? -1 : Number(last.offset) + 1;
  }
  const b = f.records;
  if (b === null) return -1;
  let next = -1;
  for (let pos = 0; pos + BATCH_HEADER <= b.length;) {
    const end = pos + 12 + b.readInt32BE(pos + 8);
    if (end > b.length || b[pos + 16] !== 2) break;
    next = int64(b, pos) + b.readInt32BE(pos + 23) + 1;
    pos = end;
  }
  return next;
}

function int64(b: Buffer, pos: number): number {
  return b.readInt32BE(pos) * 4294967296 + b.readUInt32BE(pos + 4);
}

/** Decodes one Fetch answer of a partition fetched at `from` into a Chunk (see the module comment for what is dropped). */
export async function decodeChunk(f: RecordsFetch, from: number, includeHeaders: boolean, readCommitted: boolean): Promise<Chunk> {
  if (f.legacy !== null) return legacyChunk(f.legacy, from, includeHeaders);
  const b = f.records;
  const bytes = b === null ? 0 : b.length;
  // Pass 1: the complete batches' record counts (an upper bound of the rows).
  let cap = 0;
  let complete = 0;
  if (b !== null) {
    for (let pos = 0; pos + BATCH_HEADER <= b.length;) {
      const end = pos + 12 + b.readInt32BE(pos + 8);
      if (end > b.length || b[pos + 16] !== 2) break;
      cap += Math.max(0, b.readInt32BE(pos + 57));
      complete = end;
      pos = end;
    }
  }
  const out = new ColumnsOut(cap, includeHeaders);
  let next = -1;
  if (b !== null) {
    const aborted = readCommitted ? [...f.abortedTransactions].sort((x, y) => x.firstOffset - y.firstOffset) : [];
    const abortedIds = new Set<bigint>();
    let ai = 0;
    for (let pos = 0; pos < complete;) {
      const end = pos + 12 + b.readInt32BE(pos + 8);
      const base = int64(b, pos);
      const attributes = b.readInt16BE(pos + 21);
      const last = base + b.readInt32BE(pos + 23);
      next = last + 1;
      const batchPos = pos;
      pos = end;
      if (last < from) continue;
      if (readCommitted && (attributes & TRANSACTIONAL) !== 0) {
        const producerId = b.readBigInt64BE(batchPos + 43);
        for (; ai < aborted.length && aborted[ai]!.firstOffset <= last; ai++) abortedIds.add(aborted[ai]!.producerId);
        if ((attributes & CONTROL) !== 0) {
          if (isAbortMarker(b, batchPos, end)) abortedIds.delete(producerId);
          continue;
        }
        if (abortedIds.has(producerId)) continue;
      }
      if ((attributes & CONTROL) !== 0) continue;
      const count = b.readInt32BE(batchPos + 57);
      const firstTs = int64(b, batchPos + 27);
      // LogAppendTime: every record has the batch's max timestamp (the broker's append time).
      const logAppend = (attributes & TIMESTAMP_TYPE) !== 0;
      const maxTs = int64(b, batchPos + 35);
      if ((attributes & COMPRESSION) === 0) {
        out.records(b, batchPos + BATCH_HEADER, end, count, base, firstTs, logAppend, maxTs, from);
      } else {
        const data = await decompressRecords(attributes, b.subarray(batchPos + BATCH_HEADER, end));
        out.records(data, 0, data.length, count, base, firstTs, logAppend, maxTs, from);
      }
    }
  }
  return out.finish(from, next, bytes);
}

/** A control batch whose (first) control record's key says ABORT (type 0). */
function isAbortMarker(b: Buffer, batchPos: number, end: number): boolean {
  if (b.readInt32BE(batchPos + 57) < 1) return false;
  P = batchPos + BATCH_HEADER;
  B = b;
  const len = varint();
  const recEnd = P + len;
  P++; // attributes
  varlong(); // timestamp delta
  varint(); // offset delta
  const keyLen = varint();
  if (keyLen < 4 || P + 4 > Math.min(recEnd, end)) return false;
  return b.readInt16BE(P + 2) === 0;
}

/* ---------- the record loop: a module-level cursor, so the varint readers allocate nothing ---------- */

let B: Buffer = Buffer.alloc(0);
let P = 0;

/** A zigzag varint (32-bit). */
function varint(): number {
  let byte = B[P++]!;
  let raw = byte & 0x7f;
  let shift = 7;
  while ((byte & 0x80) !== 0) {
    byte = B[P++]!;
    raw |= (byte & 0x7f) << shift;
    shift += 7;
  }
  return (raw >>> 1) ^ -(raw & 1);
}

/** A zigzag varlong, exact below 2^53. */
function varlong(): number {
  let byte = B[P++]!;
  let raw = byte & 0x7f;
  let mul = 128;
  while ((byte & 0x80) !== 0) {
    byte = B[P++]!;
    raw += (byte & 0x7f) * mul;
    mul *= 128;
  }
  return raw % 2 === 1 ? -(raw + 1) / 2 : raw / 2;
}

class ColumnsOut {
  n = 0;
  readonly offsets: Float64Array;
  readonly keys: unknown[];
  readonly values: unknown[];
  readonly stamps: Float64Array;
  readonly types: Int32Array;
  readonly headers: unknown[] | null;

  constructor(cap: number, includeHeaders: boolean) {
    this.offsets = new Float64Array(cap);
    this.stamps = new Float64Array(cap);
    this.types = new Int32Array(cap);
    this.keys = new Array<unknown>(cap);
    this.values = new Array<unknown>(cap);
    this.headers = includeHeaders ? new Array<unknown>(cap) : null;
  }

  /** The `count` records in buf[start, end) of a batch at `base`; records before `from` are skipped. */
  records(buf: Buffer, start: number, end: number, count: number, base: number, firstTs: number, logAppend: boolean, maxTs: number, from: number): void {
    B = buf;
    P = start;
    const { offsets, keys, values, stamps, types, headers } = this;
    const type = logAppend ? 1 : 0;
    let n = this.n;
    for (let r = 0; r < count && P < end; r++) {
      const len = varint();
      const recEnd = P + len;
      P++; // record attributes (unused)
      const tsDelta = varlong();
      const offset = base + varint();
      if (offset < from || n >= offsets.length) { P = recEnd; continue; }
      const keyLen = varint();
      let key: Buffer | null = null;
      if (keyLen >= 0) { key = buf.subarray(P, P + keyLen); P += keyLen; }
      const valueLen = varint();
      let value: Buffer | null = null;
      if (valueLen >= 0) { value = buf.subarray(P, P + valueLen); P += valueLen; }
      if (headers !== null) {
        const h: unknown[] = [];
        for (let hc = varint(); hc > 0; hc--) {
          const kl = varint();
          const hk = buf.toString('utf8', P, P + kl);
          P += kl;
          const vl = varint();
          let hv: Buffer | null = null;
          if (vl >= 0) { hv = buf.subarray(P, P + vl); P += vl; }
          h.push([hk, hv]);
        }
        headers[n] = h;
      }
      P = recEnd;
      offsets[n] = offset;
      keys[n] = key;
      values[n] = value;
      stamps[n] = (logAppend ? maxTs : firstTs + tsDelta) * 1000;
      types[n] = type;
      n++;
    }
    this.n = n;
  }

  finish(from: number, next: number, bytes: number): Chunk {
    const n = this.n;
    const cap = this.offsets.length;
    const trim = <T extends unknown[] | null>(a: T): T => {
      if (a !== null && n < cap) a.length = n;
      return a;
    };
    return {
      from, next, n, bytes,
      offsets: n < cap ? this.offsets.subarray(0, n) : this.offsets,
      stamps: n < cap ? this.stamps.subarray(0, n) : this.stamps,
      types: n < cap ? this.types.subarray(0, n) : this.types,
      keys: trim(this.keys), values: trim(this.values), headers: trim(this.headers),
    };
  }
}

/** kafkajs's decoded old-format messages (records before `from` dropped) as a Chunk. */
function legacyChunk(ms: readonly RawMessage[], from: number, includeHeaders: boolean): Chunk {
  const out = new ColumnsOut(ms.length, includeHeaders);
  let next = -1;
  for (const m of ms) {
    const offset = Number(m.offset);
    next = offset + 1;
    if (offset < from) continue;
    const i = out.n++;
    out.offsets[i] = offset;
    out.keys[i] = m.key ?? null;
    out.values[i] = m.value ?? null;
    out.stamps[i] = Number(m.timestamp) * 1000;
    out.types[i] = m.batchContext?.timestampType ?? 0;
    if (out.headers !== null) out.headers[i] = headerArray(m.headers);
  }
  return out.finish(from, next, 0);
}

/** kafkajs's header object as Spark's array<struct<key, value>> (a repeated key yields one entry per value). */
export function headerArray(h: RawMessage['headers']): unknown[] {
  const out: unknown[] = [];
  if (h === undefined) return out;
  for (const key of Object.keys(h)) {
    const v = h[key];
    if (Array.isArray(v)) for (const x of v) out.push([key, x ?? null]);
    else out.push([key, v ?? null]);
  }
  return out;
}

export type { AbortedTransaction };
