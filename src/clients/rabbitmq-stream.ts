/**
 * A client for RabbitMQ's stream protocol (the `rabbitmq_stream` plugin,
 * port 5552), written here rather than wrapping rabbitmq-stream-js-client:
 * that client's 1.0 line sends ExchangeCommandVersions (a RabbitMQ 3.11
 * command) on every connect, which a 3.9/3.10 node answers by closing the
 * connection, and the client then throws from a socket handler (an uncaught
 * exception); a failed authentication leaves an unhandled rejection and a
 * connect promise that never settles; requests in flight never settle when
 * the socket closes; and it drops the chunk timestamp. The protocol is small
 * (deps/rabbitmq_stream/docs/PROTOCOL.adoc in rabbitmq-server), so this file
 * implements the commands spate needs, with the guarantees a streaming
 * engine needs: every request settles (response, timeout or connection
 * loss), server errors become StreamProtocolErrors with the protocol's code,
 * and no timer or socket outlives close().
 *
 * Only the commands of protocol version 1 are used, so RabbitMQ 3.9 and
 * later all work. Messages are opaque bytes here (AMQP 1.0 encoded; see
 * rabbitmq-message.ts).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** The protocol's response codes, by name (PROTOCOL.adoc, "Response Codes"). */
export const STREAM_CODES: Readonly<Record<number, string>> = {
  0x01: 'OK', 0x02: 'STREAM_DOES_NOT_EXIST', 0x03: 'SUBSCRIPTION_ID_ALREADY_EXISTS', 0x04: 'SUBSCRIPTION_ID_DOES_NOT_EXIST',
  0x05: 'STREAM_ALREADY_EXISTS', 0x06: 'STREAM_NOT_AVAILABLE', 0x07: 'SASL_MECHANISM_NOT_SUPPORTED', 0x08: 'AUTHENTICATION_FAILURE',
  0x09: 'SASL_ERROR', 0x0a: 'SASL_CHALLENGE', 0x0b: 'SASL_AUTHENTICATION_FAILURE_LOOPBACK', 0x0c: 'VIRTUAL_HOST_ACCESS_FAILURE',
  0x0d: 'UNKNOWN_FRAME', 0x0e: 'FRAME_TOO_LARGE', 0x0f: 'INTERNAL_ERROR', 0x10: 'ACCESS_REFUSED', 0x11: 'PRECONDITION_FAILED',
  0x12: 'PUBLISHER_DOES_NOT_EXIST', 0x13: 'NO_OFFSET',
};

/** Codes another try cannot fix: bad credentials, no such stream or vhost, no permission. */
const FATAL_CODES = new Set([0x02, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x10, 0x11]);

/** The server answered a request with an error code. */
export class StreamProtocolError extends Error {
  /** The protocol's name of the code, e.g. `STREAM_DOES_NOT_EXIST`. */
  readonly code: string;
  constructor(readonly responseCode: number, what: string) {
    const name = STREAM_CODES[responseCode] ?? `CODE_${responseCode}`;
    super(`${what}: the server answered ${name} (0x${responseCode.toString(16).padStart(2, '0')})`);
    this.name = 'StreamProtocolError';
    this.code = name;
  }
  /** False for errors that another try cannot fix. */
  get retryable(): boolean {
    return !FATAL_CODES.has(this.responseCode);
  }
}

/** True for a failure that may pass on another try (network, timeout, stream not available). */
export function isRetryableStreamError(e: unknown): boolean {
  return !(e instanceof StreamProtocolError) || e.retryable;
}

/** Where offsets of a subscription start (the protocol's OffsetSpecification). */
export type StreamOffsetSpec =
  | { readonly type: 'first' }
  | { readonly type: 'last' }
  | { readonly type: 'next' }
  | { readonly type: 'offset'; readonly offset: number }
  | { readonly type: 'timestamp'; readonly timestampMs: number };

const SPEC_CODE = { first: 1, last: 2, next: 3, offset: 4, timestamp: 5 } as const;

/** One chunk of a stream as delivered: its records are subarrays of the frame (AMQP 1.0 encoded messages). */
export interface StreamChunk {
  readonly subscriptionId: number;
  /** 0 user data; 1 and 2 are the broker's tracking chunks (never handed to users). */
  readonly chunkType: number;
  readonly firstOffset: number;
  readonly numRecords: number;
  /** When the broker wrote the chunk, ms since the epoch. */
  readonly timestampMs: number;
  readonly records: readonly Uint8Array[];
}

export interface StreamConnectParams {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly vhost: string;
  /** Bound on connecting plus the handshake. */
  readonly connectTimeoutMs: number;
  /** Bound on each request's answer. */
  readonly requestTimeoutMs: number;
  readonly connectionName?: string;
}

/** A stream's place in the cluster, from Metadata. */
export interface StreamMetadata {
  readonly stream: string;
  readonly code: number;
  readonly leader: { readonly host: string; readonly port: number } | null;
  readonly replicas: readonly { readonly host: string; readonly port: number }[];
}

// Command keys (PROTOCOL.adoc, "Commands").
const K = {
  declarePublisher: 0x01, publish: 0x02, publishConfirm: 0x03, publishError: 0x04, queryPublisherSequence: 0x05,
  deletePublisher: 0x06, subscribe: 0x07, deliver: 0x08, credit: 0x09, queryOffset: 0x0b, unsubscribe: 0x0c,
  create: 0x0d, delete: 0x0e, metadata: 0x0f, metadataUpdate: 0x10, peerProperties: 0x11, saslHandshake: 0x12,
  saslAuthenticate: 0x13, tune: 0x14, open: 0x15, close: 0x16, heartbeat: 0x17,
} as const;

/** Big-endian reads over a frame. */
class FrameReader {
  pos: number;
  constructor(readonly buf: Buffer, pos = 0) { this.pos = pos; }
  u8(): number { return this.buf.readUInt8(this.pos++); }
  i8(): number { return this.buf.readInt8(this.pos++); }
  u16(): number { const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  u32(): number { const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  i32(): number { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  /** A uint64 as a number (offsets and publishing ids below 2^53 are exact). */
  u64(): number { const v = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return Number(v); }
  u64big(): bigint { const v = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return v; }
  i64(): number { const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return Number(v); }
  str(): string | null {
    const n = this.buf.readInt16BE(this.pos); this.pos += 2;
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n); this.pos += n;
    return s;
  }
  map(): Record<string, string> {
    const out: Record<string, string> = {};
    const n = this.i32();
    for (let i = 0; i < n; i++) { const k = this.str() ?? ''; out[k] = this.str() ?? ''; }
    return out;
  }
}

/** Builds one frame: the size prefix is filled in by finish(). */
class FrameWriter {
  private buf: Buffer;
  private pos = 4;
  constructor(capacity = 256) { this.buf = Buffer.allocUnsafe(capacity); }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  get length(): number { return this.pos; }
  u8(v: number): this { this.ensure(1); this.buf.writeUInt8(v, this.pos); this.pos += 1; return this; }
  u16(v: number): this { this.ensure(2); this.buf.writeUInt16BE(v, this.pos); this.pos += 2; return this; }
  u32(v: number): this { this.ensure(4); this.buf.writeUInt32BE(v, this.pos); this.pos += 4; return this; }
  i32(v: number): this { this.ensure(4); this.buf.writeInt32BE(v, this.pos); this.pos += 4; return this; }
  u64(v: number | bigint): this { this.ensure(8); this.buf.writeBigUInt64BE(BigInt(v), this.pos); this.pos += 8; return this; }
  i64(v: number): this { this.ensure(8); this.buf.writeBigInt64BE(BigInt(Math.trunc(v)), this.pos); this.pos += 8; return this; }
  str(s: string | null): this {
    if (s === null) return this.u16(0xffff);
    const n = Buffer.byteLength(s);
    if (n > 32767) throw new RangeError(`string of ${n} bytes is too long for the stream protocol`);
    this.u16(n); this.ensure(n); this.buf.write(s, this.pos, 'utf8'); this.pos += n;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.i32(b.length); this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length;
    return this;
  }
  map(m: Readonly<Record<string, string>>): this {
    const e = Object.entries(m);
    this.i32(e.length);
    for (const [k, v] of e) this.str(k).str(v);
    return this;
  }
  finish(): Buffer {
    this.buf.writeUInt32BE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
}

interface Pending {
  readonly key: number;
  readonly what: string;
  resolve(r: FrameReader): void;
  reject(e: Error): void;
  readonly timer: NodeJS.Timeout;
}

/** Listeners of a publisher: confirmed and failed publishing ids. */
export interface PublisherListener {
  confirmed(ids: readonly bigint[]): void;
  failed(id: bigint, code: number): void;
}

/**
 * One connection to a RabbitMQ node's stream port. Requests are correlated
 * by id; deliveries and confirms are routed to the subscription / publisher
 * that registered for them. When the connection is lost every request in
 * flight fails, and `onClose` listeners are told (once).
 */
export class StreamConnection {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelation = 1;
  private inbox: Buffer[] = [];
  private inboxBytes = 0;
  private closedError: Error | undefined;
  private readonly closeListeners: ((e: Error) => void)[] = [];
  private readonly subscriptions = new Map<number, (c: StreamChunk) => void>();
  private readonly publishers = new Map<number, PublisherListener>();
  private tuneWaiter: ((r: FrameReader) => void) | undefined;
  private tuneFrame: FrameReader | undefined;
  /** The negotiated largest frame, in bytes. */
  frameMax = 1_048_576;
  /** The server's properties (version, cluster_name, ...). */
  serverProperties: Record<string, string> = {};
  /** The node's advertised_host / advertised_port from Open. */
  advertised: { host: string; port: number } = { host: '', port: 0 };

  private constructor(readonly params: StreamConnectParams) {
    this.socket = netConnect({ host: params.host, port: params.port });
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 10_000);
    this.socket.on('data', (d: Buffer) => this.receive(d));
    this.socket.on('error', (e) => this.lost(e));
    this.socket.on('close', () => this.lost(new Error('the connection was closed')));
  }

  /** Connects, authenticates and opens the virtual host; fails within connectTimeoutMs. */
  static async connect(params: StreamConnectParams): Promise<StreamConnection> {
    const c = new StreamConnection(params);
    const timer = setTimeout(() => c.lost(new Error(`connecting timed out after ${params.connectTimeoutMs} ms`)), params.connectTimeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        if (c.closedError) { reject(c.closedError); return; }
        c.socket.once('connect', () => resolve());
        c.onClose(reject);
      });
      await c.handshake();
      return c;
    } catch (e) {
      c.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** True until the connection is lost or closed. */
  get isOpen(): boolean {
    return this.closedError === undefined;
  }

  /** Called once when the connection is lost or closed. */
  onClose(listener: (e: Error) => void): void {
    if (this.closedError) listener(this.closedError);
    else this.closeListeners.push(listener);
  }

  private async handshake(): Promise<void> {
    let r = await this.request(K.peerProperties, 'exchanging peer properties', (w) => w.map({
      product: 'spate', platform: `Node.js ${process.version}`, connection_name: this.params.connectionName ?? 'spate',
    }));
    this.check(r.u16(), 'exchanging peer properties');
    this.serverProperties = r.map();
    r = await this.request(K.saslHandshake, 'SASL handshake', () => undefined);
    this.check(r.u16(), 'SASL handshake');
    const tune = new Promise<FrameReader>((resolve) => {
      if (this.tuneFrame) resolve(this.tuneFrame);
      else this.tuneWaiter = resolve;
    });
    const plain = Buffer.concat([Buffer.from([0]), Buffer.from(this.params.username), Buffer.from([0]), Buffer.from(this.params.password)]);
    r = await this.request(K.saslAuthenticate, 'authenticating', (w) => w.str('PLAIN').bytes(plain));
    this.check(r.u16(), `authenticating as user '${this.params.username}'`);
    const t = await tune;
    const serverFrameMax = t.u32();
    t.u32(); // the server's heartbeat; spate answers 0 (off) and relies on request timeouts and TCP keep-alive.
    this.frameMax = serverFrameMax === 0 ? 1_048_576 : serverFrameMax;
    this.write(new FrameWriter(16).u16(K.tune).u16(1).u32(this.frameMax).u32(0).finish());
    r = await this.request(K.open, 'opening the virtual host', (w) => w.str(this.params.vhost));
    this.check(r.u16(), `opening virtual host '${this.params.vhost}'`);
    const props = r.map();
    this.advertised = { host: props.advertised_host ?? '', port: Number(props.advertised_port ?? 0) };
  }

  private check(code: number, what: string): void {
    if (code !== 0x01) throw new StreamProtocolError(code, what);
  }

  /** Sends a request and resolves with a reader positioned after its correlation id. */
  private request(key: number, what: string, body: (w: FrameWriter) => void): Promise<FrameReader> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextCorrelation++;
    if (this.nextCorrelation > 0xfffffff0) this.nextCorrelation = 1;
    const w = new FrameWriter().u16(key).u16(1).u32(id);
    body(w);
    return new Promise<FrameReader>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${what}: no answer within ${this.params.requestTimeoutMs} ms`));
      }, this.params.requestTimeoutMs);
      this.pending.set(id, { key, what, resolve, reject, timer });
      this.write(w.finish());
    });
  }

  private write(frame: Buffer): boolean {
    if (this.closedError) return false;
    return this.socket.write(frame);
  }

  /** Resolves when the socket's write buffer has drained (back-pressure for publishers). */
  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.closedError) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { this.socket.off('drain', done); resolve(); };
      this.socket.on('drain', done);
      this.onClose(done);
    });
  }

  private receive(data: Buffer): void {
    this.inbox.push(data);
    this.inboxBytes += data.length;
    while (this.inboxBytes >= 4) {
      let head = this.inbox[0]!;
      if (head.length < 4) { head = Buffer.concat(this.inbox); this.inbox = [head]; }
      const need = head.readUInt32BE(0) + 4;
      if (this.inboxBytes < need) return;
      const all = this.inbox.length === 1 ? head : Buffer.concat(this.inbox, this.inboxBytes);
      let pos = 0;
      while (all.length - pos >= 4) {
        const size = all.readUInt32BE(pos);
        if (all.length - pos < size + 4) break;
        const frame = all.subarray(pos + 4, pos + 4 + size);
        pos += size + 4;
        try {
          this.dispatch(frame);
        } catch (e) {
          this.lost(new Error(`a frame from the server could not be read: ${e instanceof Error ? e.message : String(e)}`));
          return;
        }
      }
      const rest = all.subarray(pos);
      this.inbox = rest.length > 0 ? [rest] : [];
      this.inboxBytes = rest.length;
    }
  }

  private dispatch(frame: Buffer): void {
    const r = new FrameReader(frame);
    const rawKey = r.u16();
    r.u16(); // version
    const key = rawKey & 0x7fff;
    if ((rawKey & 0x8000) !== 0) {
      if (key === K.credit) {
        // Only sent on a problem: crediting a subscription the server does not know (already gone).
        return;
      }
      const id = r.u32();
      const p = this.pending.get(id);
      if (p === undefined) return; // timed out already
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve(r);
      return;
    }
    switch (key) {
      case K.deliver: this.deliver(r); return;
      case K.publishConfirm: {
        const pub = this.publishers.get(r.u8());
        const n = r.i32();
        const ids: bigint[] = new Array<bigint>(n);
        for (let i = 0; i < n; i++) ids[i] = r.u64big();
        pub?.confirmed(ids);
        return;
      }
      case K.publishError: {
        const pub = this.publishers.get(r.u8());
        const n = r.i32();
        for (let i = 0; i < n; i++) { const id = r.u64big(); pub?.failed(id, r.u16()); }
        return;
      }
      case K.tune:
        if (this.tuneWaiter) this.tuneWaiter(r); else this.tuneFrame = r;
        return;
      case K.heartbeat: return;
      case K.metadataUpdate:
        // A stream was deleted or its leader moved: the broker ended its subscriptions and publishers here.
        // Readers notice at their next request (subscribe answers STREAM_DOES_NOT_EXIST, or a read times
        // out and is retried on a new subscription), so nothing is kept.
        return;
      case K.close: {
        const id = r.u32();
        const code = r.u16();
        const reason = r.str() ?? '';
        this.write(new FrameWriter(16).u16(K.close | 0x8000).u16(1).u32(id).u16(0x01).finish());
        this.lost(new Error(`the server closed the connection (${STREAM_CODES[code] ?? code}${reason ? `: ${reason}` : ''})`));
        this.socket.end();
        return;
      }
      default:
        return; // a command spate does not use
    }
  }

  private deliver(r: FrameReader): void {
    const subscriptionId = r.u8();
    r.i8(); // magic version
    const chunkType = r.i8();
    const numEntries = r.u16();
    const numRecords = r.u32();
    const timestampMs = r.i64();
    r.u64(); // epoch
    const firstOffset = r.u64();
    r.i32(); // crc
    const dataLength = r.u32();
    r.u32(); // trailer length
    r.u32(); // reserved
    const end = r.pos + dataLength;
    const records: Uint8Array[] = [];
    const buf = r.buf;
    for (let e = 0; e < numEntries && r.pos < end; e++) {
      const first = buf[r.pos]!;
      if ((first & 0x80) === 0) {
        const size = r.u32() & 0x7fffffff;
        records.push(buf.subarray(r.pos, r.pos + size));
        r.pos += size;
      } else {
        // A sub-batch entry: type:1 compression:3 reserved:4, records, uncompressed length, length.
        const compression = (r.u8() & 0x70) >> 4;
        const n = r.u16();
        r.u32(); // uncompressed length
        const length = r.u32();
        let data: Buffer = buf.subarray(r.pos, r.pos + length);
        r.pos += length;
        if (compression === 1) data = gunzipSync(data);
        else if (compression !== 0) throw new Error(`sub-batch compression ${compression} is not supported (only none and gzip)`);
        let p = 0;
        for (let i = 0; i < n; i++) {
          const size = data.readUInt32BE(p);
          records.push(data.subarray(p + 4, p + 4 + size));
          p += 4 + size;
        }
      }
    }
    this.subscriptions.get(subscriptionId)?.({ subscriptionId, chunkType, firstOffset, numRecords, timestampMs, records });
  }

  private lost(e: Error): void {
    if (this.closedError) return;
    this.closedError = e;
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(new Error(`${p.what}: ${e.message}`)); }
    this.pending.clear();
    this.socket.destroy();
    for (const l of this.closeListeners.splice(0)) l(e);
  }

  /** Stream metadata (leader and replicas' advertised addresses). */
  async metadata(streams: readonly string[]): Promise<StreamMetadata[]> {
    const r = await this.request(K.metadata, 'querying stream metadata', (w) => { w.i32(streams.length); for (const s of streams) w.str(s); });
    const brokers = new Map<number, { host: string; port: number }>();
    const nb = r.i32();
    for (let i = 0; i < nb; i++) { const ref = r.u16(); const host = r.str() ?? ''; brokers.set(ref, { host, port: r.u32() }); }
    const out: StreamMetadata[] = [];
    const ns = r.i32();
    for (let i = 0; i < ns; i++) {
      const stream = r.str() ?? '';
      const code = r.u16();
      const leader = brokers.get(r.u16()) ?? null;
      const nr = r.i32();
      const replicas: { host: string; port: number }[] = [];
      for (let j = 0; j < nr; j++) { const b = brokers.get(r.u16()); if (b) replicas.push(b); }
      out.push({ stream, code, leader, replicas });
    }
    return out;
  }

  /** Creates a stream; true when made, false when it already existed. `args` as the protocol's (max-age, max-length-bytes, ...). */
  async createStream(stream: string, args: Readonly<Record<string, string>> = {}): Promise<boolean> {
    const r = await this.request(K.create, `creating stream '${stream}'`, (w) => w.str(stream).map(args));
    const code = r.u16();
    if (code === 0x05) return false;
    this.check(code, `creating stream '${stream}'`);
    return true;
  }

  async deleteStream(stream: string): Promise<void> {
    const r = await this.request(K.delete, `deleting stream '${stream}'`, (w) => w.str(stream));
    this.check(r.u16(), `deleting stream '${stream}'`);
  }

  /** Subscribes `id` (0..255, unique on this connection) to `stream`; chunks go to `onChunk`. */
  async subscribe(id: number, stream: string, spec: StreamOffsetSpec, credit: number, onChunk: (c: StreamChunk) => void): Promise<void> {
    this.subscriptions.set(id, onChunk);
    try {
      const r = await this.request(K.subscribe, `subscribing to stream '${stream}'`, (w) => {
        w.u8(id).str(stream).u16(SPEC_CODE[spec.type]);
        if (spec.type === 'offset') w.u64(spec.offset);
        else if (spec.type === 'timestamp') w.i64(spec.timestampMs);
        w.u16(credit).i32(0);
      });
      this.check(r.u16(), `subscribing to stream '${stream}'`);
    } catch (e) {
      this.subscriptions.delete(id);
      throw e;
    }
  }

  /** Lets the server send `chunks` more chunks to subscription `id`. */
  credit(id: number, chunks: number): void {
    this.write(new FrameWriter(16).u16(K.credit).u16(1).u8(id).u16(chunks).finish());
  }

  async unsubscribe(id: number): Promise<void> {
    this.subscriptions.delete(id);
    const r = await this.request(K.unsubscribe, 'unsubscribing', (w) => w.u8(id));
    const code = r.u16();
    if (code !== 0x01 && code !== 0x04) this.check(code, 'unsubscribing');
  }

  /** A round trip that is answered after everything the server sent before it (an ordering barrier). */
  async barrier(stream: string): Promise<void> {
    await this.metadata([stream]);
  }

  /** Declares publisher `id` (0..255) on `stream`; with a `reference` the broker deduplicates by publishing id. */
  async declarePublisher(id: number, stream: string, reference: string | null, listener: PublisherListener): Promise<void> {
    const r = await this.request(K.declarePublisher, `declaring a publisher on stream '${stream}'`, (w) => w.u8(id).str(reference ?? '').str(stream));
    this.check(r.u16(), `declaring a publisher on stream '${stream}'`);
    this.publishers.set(id, listener);
  }

  /** The last publishing id the broker stored for `reference` on `stream` (0 when none). */
  async queryPublisherSequence(reference: string, stream: string): Promise<bigint> {
    const r = await this.request(K.queryPublisherSequence, `querying the publisher sequence of '${reference}'`, (w) => w.str(reference).str(stream));
    this.check(r.u16(), `querying the publisher sequence of '${reference}' on stream '${stream}'`);
    return r.u64big();
  }

  async deletePublisher(id: number): Promise<void> {
    this.publishers.delete(id);
    const r = await this.request(K.deletePublisher, 'deleting a publisher', (w) => w.u8(id));
    const code = r.u16();
    if (code !== 0x01 && code !== 0x12) this.check(code, 'deleting a publisher');
  }

  /**
   * Sends messages[from, to) with publishing ids ids[i] in as few frames as
   * frameMax allows; confirms arrive at the publisher's listener. Resolves
   * once the frames are handed to the socket (and its buffer drained).
   */
  async publish(id: number, ids: readonly bigint[], messages: readonly Uint8Array[], from = 0, to = messages.length): Promise<void> {
    let i = from;
    while (i < to) {
      const w = new FrameWriter(Math.min(this.frameMax, 64 * 1024)).u16(K.publish).u16(1).u8(id).i32(0);
      const countAt = w.length - 4;
      let n = 0;
      while (i < to) {
        const m = messages[i]!;
        if (n > 0 && w.length + 12 + m.length > this.frameMax) break;
        if (12 + m.length + 13 > this.frameMax) throw new RangeError(`a message of ${m.length} bytes exceeds the stream's frame size of ${this.frameMax} bytes`);
        w.u64(ids[i]!).bytes(m);
        n++; i++;
      }
      const frame = w.finish();
      frame.writeInt32BE(n, countAt);
      if (!this.write(frame)) await this.drained();
      if (this.closedError) throw this.closedError;
    }
  }

  /** Closes politely (bounded by the request timeout), then drops the socket. Never throws. */
  async close(): Promise<void> {
    if (this.closedError) return;
    try {
      const r = await this.request(K.close, 'closing the connection', (w) => w.u16(0).str('spate closing'));
      r.u16();
    } catch { /* going away anyway */ }
    this.destroy();
  }

  /** Drops the socket now and fails whatever is in flight. */
  destroy(): void {
    this.lost(new Error('the connection was closed by spate'));
  }
}
