import { decodeBody, decodeMessage } from '../clients/rabbitmq-message.js';
import type { StreamChunk, StreamConnection } from '../clients/rabbitmq-stream.js';

/** Records of one stream read for a batch: offsets [from, end), columns ready to wrap. */
export interface StreamRecords {
  readonly offsets: number[];
  readonly bodies: Uint8Array[];
  readonly timestampsMs: number[];
  readonly properties: (Map<string, string | null> | null)[] | null;
  readonly applicationProperties: (Map<string, string | null> | null)[] | null;
  /** The first offset the broker still had when the read had to start below it (retention), else undefined. */
  readonly truncatedTo: number | undefined;
}

/** Chunks the broker may send ahead when a subscription starts (then one more per chunk taken, while the buffer has room). */
const INITIAL_CREDIT = 10;

/** Hands out subscription ids (0..255) on one connection. */
export class SubscriptionIds {
  private readonly used = new Set<number>();
  private next = 0;
  take(): number {
    for (let i = 0; i < 256; i++) {
      const id = (this.next + i) % 256;
      if (!this.used.has(id)) { this.used.add(id); this.next = id + 1; return id; }
    }
    throw new Error('more than 256 subscriptions on one stream connection');
  }
  give(id: number): void { this.used.delete(id); }
}

/**
 * Reads one stream for the source: a subscription that stays attached
 * between batches and reads ahead into a bounded buffer (credit is granted
 * one chunk at a time while fewer than `readAhead` records wait), so a
 * batch that continues where the last one ended is served from memory. A
 * read that starts anywhere else (a restart, a replayed batch) attaches a
 * new subscription at that offset; the broker starts it at the chunk that
 * holds the offset, so records before it are dropped here.
 */
export class StreamReader {
  private conn: StreamConnection | undefined;
  private subId: number | undefined;
  /** Offset the buffer continues at: the next record a read may ask for. */
  private nextFrom = -1;
  private offsets: number[] = [];
  private bodies: Uint8Array[] = [];
  private times: number[] = [];
  private props: (Map<string, string | null> | null)[] = [];
  private appProps: (Map<string, string | null> | null)[] = [];
  private head = 0;
  /** Highest offset covered by the chunks received (records filtered out included). */
  private maxSeen = -1;
  private firstChunkOffset: number | undefined;
  private owedCredit = 0;
  /** The last offset the current read waits for. */
  private wantUntil = -1;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    readonly stream: string,
    private readonly ids: SubscriptionIds,
    private readonly includeProperties: boolean,
    private readonly readAhead: number,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Records with offsets in [from, end), waiting (bounded by idleTimeoutMs without progress) until the stream has them. */
  async read(conn: StreamConnection, from: number, end: number): Promise<StreamRecords> {
    if (conn !== this.conn || this.subId === undefined || from !== this.nextFrom || this.failure !== undefined) {
      await this.attach(conn, from);
    }
    // A read past the read-ahead window needs the chunks whatever the buffer holds.
    this.wantUntil = end - 1;
    if (this.owedCredit > 0 && this.maxSeen < end - 1 && this.subId !== undefined) {
      this.conn?.credit(this.subId, this.owedCredit);
      this.owedCredit = 0;
    }
    while (this.maxSeen < end - 1) {
      if (this.failure) throw this.failure;
      const before = this.maxSeen;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.wake = undefined; resolve(); }, this.idleTimeoutMs);
        this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
      });
      if (this.failure) throw this.failure;
      if (this.maxSeen === before) {
        this.detachQuietly();
        throw new Error(`reading offsets ${from} to ${end - 1} of stream '${this.stream}': no records arrived for ${this.idleTimeoutMs} ms after offset ${Math.max(before, from - 1)}`);
      }
    }
    return this.take(from, end);
  }

  private async attach(conn: StreamConnection, from: number): Promise<void> {
    this.detachQuietly();
    this.clear();
    this.conn = conn;
    this.failure = undefined;
    this.nextFrom = from;
    this.maxSeen = from - 1;
    this.firstChunkOffset = undefined;
    const id = this.ids.take();
    this.subId = id;
    conn.onClose((e) => {
      if (this.conn !== conn) return;
      this.failure = new Error(`the connection reading stream '${this.stream}' was lost: ${e.message}`);
      this.subId = undefined;
      this.wake?.();
    });
    try {
      await conn.subscribe(id, this.stream, { type: 'offset', offset: from }, INITIAL_CREDIT, (c) => this.onChunk(id, c));
    } catch (e) {
      this.ids.give(id);
      this.subId = undefined;
      throw e;
    }
  }

  private onChunk(id: number, c: StreamChunk): void {
    if (id !== this.subId) return;
    this.firstChunkOffset ??= c.firstOffset;
    const last = c.firstOffset + c.numRecords - 1;
    if (c.chunkType === 0) {
      const records = c.records;
      const lo = this.nextFrom;
      for (let i = 0; i < records.length; i++) {
        const off = c.firstOffset + i;
        if (off < lo || off <= this.lastBuffered()) continue;
        this.offsets.push(off);
        this.times.push(c.timestampMs);
        if (this.includeProperties) {
          const m = decodeMessage(records[i]!, true);
          this.bodies.push(m.body);
          this.props.push(m.properties);
          this.appProps.push(m.applicationProperties);
        } else {
          this.bodies.push(decodeBody(records[i]!));
        }
      }
    }
    if (last > this.maxSeen) this.maxSeen = last;
    if (this.offsets.length - this.head < this.readAhead || this.maxSeen < this.wantUntil) this.conn?.credit(id, 1);
    else this.owedCredit++;
    this.wake?.();
  }

  private lastBuffered(): number {
    return this.offsets.length > 0 ? this.offsets[this.offsets.length - 1]! : -1;
  }

  private take(from: number, end: number): StreamRecords {
    const truncatedTo = this.firstChunkOffset !== undefined && this.firstChunkOffset > from && this.nextFrom === from && this.head === 0
      ? this.firstChunkOffset : undefined;
    let i = this.head;
    const n = this.offsets.length;
    while (i < n && this.offsets[i]! < from) i++;
    let j = i;
    while (j < n && this.offsets[j]! < end) j++;
    const out: StreamRecords = {
      offsets: this.offsets.slice(i, j), bodies: this.bodies.slice(i, j), timestampsMs: this.times.slice(i, j),
      properties: this.includeProperties ? this.props.slice(i, j) : null,
      applicationProperties: this.includeProperties ? this.appProps.slice(i, j) : null,
      truncatedTo,
    };
    this.head = j;
    this.nextFrom = end;
    this.firstChunkOffset = -1; // the truncation check applies to a fresh attach only
    if (this.head > 4096 && this.head * 2 > this.offsets.length) this.compact();
    if (this.owedCredit > 0 && this.subId !== undefined && this.offsets.length - this.head < this.readAhead) {
      this.conn?.credit(this.subId, this.owedCredit);
      this.owedCredit = 0;
    }
    return out;
  }

  private compact(): void {
    const h = this.head;
    this.offsets = this.offsets.slice(h);
    this.bodies = this.bodies.slice(h);
    this.times = this.times.slice(h);
    if (this.includeProperties) { this.props = this.props.slice(h); this.appProps = this.appProps.slice(h); }
    this.head = 0;
  }

  private clear(): void {
    this.offsets = []; this.bodies = []; this.times = []; this.props = []; this.appProps = [];
    this.head = 0;
    this.owedCredit = 0;
  }

  private detachQuietly(): void {
    const id = this.subId;
    const conn = this.conn;
    this.subId = undefined;
    if (id === undefined || conn === undefined) return;
    this.ids.give(id);
    if (conn.isOpen) conn.unsubscribe(id).catch(() => { /* the subscription dies with the connection anyway */ });
  }

  /** Drops the subscription and the buffer. */
  close(): void {
    this.detachQuietly();
    this.clear();
    this.conn = undefined;
  }
}
