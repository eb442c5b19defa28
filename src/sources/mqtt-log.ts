import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SpateError } from '../core/errors.js';

/** Messages held by the mqtt source, from offset `first` on: column arrays, no object per message. */
export interface MqttHeld {
  first: number;
  topics: string[];
  payloads: Uint8Array[];
  timesUs: number[];
  ids: number[];
}

const HEADER = 16;
const SEGMENT = /^(\d{1,19})\.seg$/;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/**
 * The mqtt source's local message log (`persistence=file`): every message
 * is appended here before the broker gets its acknowledgement, so a message
 * the broker considers delivered is on disk, and a batch planned before a
 * crash can be read again after it. Files `<dir>/<first offset>.seg` hold
 * consecutive messages; a record is [u32 length][f64 arrival µs][u16 packet
 * id][u16 topic bytes][topic][payload]. A record cut short by a crash is
 * dropped at load (its message was not acknowledged, so the broker sends it
 * again). Segments wholly at or below the committed offset are deleted.
 * Writes are not fsynced: the log survives the process being killed, not the
 * machine losing power.
 */
export class MqttMessageLog {
  private segments: { first: number; count: number; path: string }[] = [];
  private fd: number | undefined;

  constructor(readonly dir: string) {}

  /** Reads every segment into `held` (which must be empty), returns the last offset logged (0 for none). */
  load(): { held: MqttHeld; last: number } {
    mkdirSync(this.dir, { recursive: true });
    const files = readdirSync(this.dir).map((f) => SEGMENT.exec(f)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ first: Number(m[1]), path: join(this.dir, m[0]) })).sort((a, b) => a.first - b.first);
    const held: MqttHeld = { first: files[0]?.first ?? 1, topics: [], payloads: [], timesUs: [], ids: [] };
    let next = held.first;
    for (const f of files) {
      if (f.first !== next) {
        throw new SpateError('CHECKPOINT_CORRUPT', `The mqtt source's message log ${f.path} starts at offset ${f.first}, but the previous segment ends at ${next - 1}. Remove the checkpoint's sources/ directory only if losing those messages is acceptable.`);
      }
      const buf = readFileSync(f.path);
      let pos = 0;
      let count = 0;
      while (pos + HEADER <= buf.length) {
        const len = buf.readUInt32LE(pos);
        if (len < HEADER || pos + len > buf.length) break;
        const tlen = buf.readUInt16LE(pos + 14);
        held.timesUs.push(buf.readDoubleLE(pos + 4));
        held.ids.push(buf.readUInt16LE(pos + 12));
        held.topics.push(utf8d.decode(buf.subarray(pos + HEADER, pos + HEADER + tlen)));
        held.payloads.push(new Uint8Array(buf.subarray(pos + HEADER + tlen, pos + len)));
        pos += len;
        count++;
      }
      if (pos < buf.length) {
        // A torn last record: cut it off so the next append starts clean.
        const fd = openSync(f.path, 'r+');
        try { ftruncateSync(fd, pos); } finally { closeSync(fd); }
      }
      this.segments.push({ first: f.first, count, path: f.path });
      next = f.first + count;
    }
    return { held, last: next - 1 };
  }

  /** Starts appending after `last` (a new segment file, so its name records the offset even while empty). */
  open(last: number): void {
    const tail = this.segments[this.segments.length - 1];
    if (tail !== undefined && tail.first + tail.count - 1 === last && existsSync(tail.path)) {
      this.fd = openSync(tail.path, 'a');
      return;
    }
    this.startSegment(last + 1);
  }

  /** Appends one message (synchronously: it is on disk when this returns). */
  append(topic: string, payload: Uint8Array, timeUs: number, packetId: number): void {
    if (this.fd === undefined) throw new SpateError('INTERNAL', 'mqtt message log: append before open');
    const t = utf8.encode(topic);
    const len = HEADER + t.length + payload.length;
    const rec = Buffer.allocUnsafe(len);
    rec.writeUInt32LE(len, 0);
    rec.writeDoubleLE(timeUs, 4);
    rec.writeUInt16LE(packetId & 0xffff, 12);
    rec.writeUInt16LE(t.length, 14);
    rec.set(t, HEADER);
    rec.set(payload, HEADER + t.length);
    let off = 0;
    while (off < len) off += writeSync(this.fd, rec, off, len - off);
    this.segments[this.segments.length - 1]!.count++;
  }

  /** Everything up to `end` is committed: start a new segment and delete those wholly at or below `end`. */
  commit(end: number): void {
    const tail = this.segments[this.segments.length - 1];
    if (tail !== undefined && tail.count > 0 && tail.first <= end) this.startSegment(tail.first + tail.count);
    const keep: typeof this.segments = [];
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i]!;
      const isTail = i === this.segments.length - 1;
      if (!isTail && s.first + s.count - 1 <= end) {
        try { unlinkSync(s.path); } catch { /* already gone */ }
      } else {
        keep.push(s);
      }
    }
    this.segments = keep;
  }

  close(): void {
    if (this.fd !== undefined) { closeSync(this.fd); this.fd = undefined; }
  }

  /** Bytes in the open segment (for tests). */
  tailBytes(): number {
    return this.fd === undefined ? 0 : fstatSync(this.fd).size;
  }

  private startSegment(first: number): void {
    this.close();
    const path = join(this.dir, `${first}.seg`);
    this.fd = openSync(path, 'a');
    this.segments.push({ first, count: 0, path });
  }
}
