/**
 * The redis source's reading connection: a plain RESP2 connection of its own
 * that sends XRANGE and decodes the answers itself, straight from the bytes
 * of the socket into the caller's columns. ioredis turns every entry into
 * arrays of strings (two arrays and 2 + 2×fields strings per entry, decoded
 * through its generic reply parser); most of a plain ioredis read loop's time
 * goes there. Here an answer is first only scanned (lengths, no strings) until
 * it is complete, which gives its entry count and last id, so the caller can
 * ask for the next page before this one is decoded; decoding then makes a
 * string only of the fields the schema asks for (field names are matched as
 * bytes, once per position while the entries keep their layout) and of the
 * id where a column or the caller needs it.
 *
 * The connection does what RedisConnection's ioredis client does on connect
 * (AUTH with user and password, SELECT, CLIENT SETNAME, TLS) and has the same
 * reply timeout; a failure rejects every request waiting on it and closes it
 * (RedisConnection makes a new one on the next try). Reply errors (`-ERR`,
 * `-WRONGTYPE`, ...) are Errors named ReplyError, as ioredis names them.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Where the entries of a page go: per field name a slot (-1: not wanted), then each entry. */
export interface EntrySink {
  /** The slot of field `name` (asked once per name while the entries keep their layout), -1 to skip its values. */
  slot(name: string): number;
  /** Hand over every field (names too, slot -1 for those not in the schema): the _fields column, the corrupt record. */
  readonly allFields: boolean;
  /** Hand over each entry's id (else null but for the last entry of a page). */
  readonly needIds: boolean;
  /**
   * One entry: `m` fields, field i being `names[i]` (filled with allFields only) = `values[i]`, into `slots[i]`.
   * The arrays are reused for the next entry.
   */
  entry(id: string | null, slots: Int32Array, names: readonly string[], values: readonly string[], m: number): void;
}

/** A complete XRANGE answer, scanned and not yet decoded. */
export interface XrangePage {
  readonly count: number;
  /** The id of the last entry, undefined for an empty page. */
  readonly lastId: string | undefined;
  /** Decodes the entries into `sink` (once); `layout` is the read's (one per sink). */
  decode(sink: EntrySink, layout: FieldLayout): void;
}

/** How the connection is made (a subset of RedisConfig, which this module does not import). */
export interface RespConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  readonly tls: boolean;
  readonly timeoutMs: number;
  readonly name: string;
}

/** A reply error from the server. */
export class RespReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

const CR = 13;
const STAR = 42; // *
const DOLLAR = 36; // $
const COLON = 58; // :
const PLUS = 43; // +
const MINUS = 45; // -
/** The bytes scanned to be incomplete: wait for more. */
const MORE = -1;

interface Pending {
  readonly kind: 'value' | 'xrange';
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  /** xrange: entries in the answer (-1 until its header is read), entries scanned, where scanning goes on, the last entry's start. */
  n: number;
  scanned: number;
  scanPos: number;
  lastEntry: number;
}

/** The position after the line ending at the next CR LF from `p`, or MORE. */
function lineEnd(b: Buffer, p: number, end: number): number {
  for (let i = p; i + 1 < end; i++) if (b[i] === CR) return i + 2;
  return MORE;
}

/** The integer written from `p` up to the CR at `crlf - 2` (RESP lengths and counts; may be negative). */
function intAt(b: Buffer, p: number, crlfEnd: number): number {
  let i = p;
  let neg = false;
  if (b[i] === MINUS) { neg = true; i++; }
  let v = 0;
  for (; i < crlfEnd - 2; i++) v = v * 10 + (b[i]! - 48);
  return neg ? -v : v;
}

/** The position after the RESP value at `p`, or MORE when the bytes up to `end` do not hold all of it. */
function skipValue(b: Buffer, p: number, end: number): number {
  if (p >= end) return MORE;
  const t = b[p]!;
  const le = lineEnd(b, p + 1, end);
  if (le === MORE) return MORE;
  if (t === DOLLAR) {
    const len = intAt(b, p + 1, le);
    if (len < 0) return le;
    return le + len + 2 <= end ? le + len + 2 : MORE;
  }
  if (t === STAR) {
    const n = intAt(b, p + 1, le);
    let q = le;
    for (let i = 0; i < n; i++) {
      q = skipValue(b, q, end);
      if (q === MORE) return MORE;
    }
    return q;
  }
  return le; // + - : and anything line-shaped
}

/** The RESP value at `p` (complete: checked by skipValue) and the position after it. */
function parseValue(b: Buffer, p: number): [unknown, number] {
  const t = b[p]!;
  const le = lineEnd(b, p + 1, b.length);
  switch (t) {
    case PLUS: return [b.toString('utf8', p + 1, le - 2), le];
    case MINUS: return [new RespReplyError(b.toString('utf8', p + 1, le - 2)), le];
    case COLON: return [intAt(b, p + 1, le), le];
    case DOLLAR: {
      const len = intAt(b, p + 1, le);
      if (len < 0) return [null, le];
      return [b.toString('utf8', le, le + len), le + len + 2];
    }
    case STAR: {
      const n = intAt(b, p + 1, le);
      if (n < 0) return [null, le];
      const out: unknown[] = [];
      let q = le;
      for (let i = 0; i < n; i++) {
        const [v, next] = parseValue(b, q);
        out.push(v);
        q = next;
      }
      return [out, q];
    }
    default:
      throw new Error(`unexpected RESP type byte ${t} from the server`);
  }
}

/** A command in RESP: an array of bulk strings. */
function command(args: readonly (string | number)[]): Buffer {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const v = String(a);
    s += `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
  }
  return Buffer.from(s, 'utf8');
}

/** Per field position of the entries: the name's bytes and its slot, while the entries keep one layout. */
interface NameAt {
  readonly bytes: Buffer;
  readonly name: string;
  readonly slot: number;
}

/** What a read learned of its entries' field names (one per read: the slots are its sink's). */
export class FieldLayout {
  readonly at: (NameAt | undefined)[] = [];
}

/** One XRANGE answer held in `buf`: decodes its entries. */
class ScannedPage implements XrangePage {
  private done = false;
  constructor(readonly count: number, readonly lastId: string | undefined, private readonly buf: Buffer) {}

  decode(sink: EntrySink, layout: FieldLayout): void {
    if (this.done) throw new Error('an XRANGE page was decoded twice');
    this.done = true;
    const b = this.buf;
    const len = b.length;
    const n = this.count;
    const cache = layout.at;
    let slots = new Int32Array(16);
    const names: string[] = [];
    const values: string[] = [];
    const all = sink.allFields;
    const needIds = sink.needIds;
    let p = lineEnd(b, 1, len); // after *n
    for (let e = 0; e < n; e++) {
      // *2 \r\n $len \r\n id \r\n *M \r\n M bulk strings (name, value, ...)
      p = lineEnd(b, p + 1, len);
      let le = lineEnd(b, p + 1, len);
      const idLen = intAt(b, p + 1, le);
      const id = needIds || e === n - 1 ? b.toString('latin1', le, le + idLen) : null;
      p = le + idLen + 2;
      le = lineEnd(b, p + 1, len);
      const fieldCount = b[p] === STAR ? intAt(b, p + 1, le) : 0; // *-1: no field list
      p = le;
      let m = 0;
      for (let j = 0; j < fieldCount; j += 2) {
        le = lineEnd(b, p + 1, len);
        const nl = intAt(b, p + 1, le);
        const ns = le;
        p = nl < 0 ? le : ns + nl + 2;
        const f = j >> 1;
        let c = cache[f];
        if (c === undefined || c.bytes.length !== nl || !sameBytes(c.bytes, b, ns, nl)) {
          const name = nl < 0 ? '' : b.toString('utf8', ns, ns + nl);
          c = { bytes: Buffer.from(b.subarray(ns, ns + Math.max(0, nl))), name, slot: sink.slot(name) };
          cache[f] = c;
        }
        if (j + 1 >= fieldCount) break; // an odd field list: a name without a value
        le = lineEnd(b, p + 1, len);
        const vl = intAt(b, p + 1, le);
        const vs = le;
        p = vl < 0 ? le : vs + vl + 2;
        if (c.slot < 0 && !all) continue;
        if (m === slots.length) { const g = new Int32Array(m * 2); g.set(slots); slots = g; }
        slots[m] = c.slot;
        if (all) names[m] = c.name;
        values[m] = vl < 0 ? '' : b.toString('utf8', vs, vs + vl);
        m++;
      }
      sink.entry(id, slots, names, values, m);
    }
  }
}

function sameBytes(a: Buffer, b: Buffer, at: number, n: number): boolean {
  if (n > 24) return a.compare(b, at, at + n) === 0;
  for (let i = 0; i < n; i++) if (a[i] !== b[at + i]) return false;
  return true;
}

/** One RESP2 connection. */
export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private readonly queue: Pending[] = [];
  private qHead = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket, private readonly timeoutMs: number) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('Connection is closed.')));
  }

  /** Connects, authenticates and selects the database; fails (with the server's reply error) when it cannot. */
  static async connect(o: RespConnectOptions): Promise<RespConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = o.tls ? tlsConnect({ host: o.host, port: o.port, ...(isIP(o.host) === 0 ? { servername: o.host } : {}) }) : netConnect({ host: o.host, port: o.port });
      const t = setTimeout(() => { s.destroy(); reject(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })); }, o.timeoutMs);
      s.once(o.tls ? 'secureConnect' : 'connect', () => { clearTimeout(t); s.removeListener('error', reject); resolve(s); });
      s.once('error', (e) => { clearTimeout(t); reject(e); });
    });
    const c = new RespConnection(socket, o.timeoutMs);
    try {
      const setup: Promise<unknown>[] = [];
      if (o.password !== undefined) setup.push(c.call(o.username !== undefined ? ['AUTH', o.username, o.password] : ['AUTH', o.password]));
      if (o.db !== 0) setup.push(c.call(['SELECT', o.db]));
      setup.push(c.call(['CLIENT', 'SETNAME', o.name]));
      for (const r of await Promise.allSettled(setup)) if (r.status === 'rejected') throw r.reason;
    } catch (e) {
      c.destroy();
      throw e;
    }
    return c;
  }

  get isOpen(): boolean {
    return this.failure === undefined;
  }

  /** Any command; the answer as plain values (a reply error rejects). */
  call(args: readonly (string | number)[]): Promise<unknown> {
    return this.send('value', command(args));
  }

  /** XRANGE key start end COUNT count: the page once it has arrived whole, scanned, not decoded. */
  xrange(key: string, start: string, end: string, count: number): Promise<XrangePage> {
    return this.send('xrange', command(['XRANGE', key, start, end, 'COUNT', count])) as Promise<XrangePage>;
  }

  /** Sends QUIT and closes. */
  async close(): Promise<void> {
    if (this.failure !== undefined) return;
    try {
      await this.call(['QUIT']);
    } catch { /* closing anyway */ }
    this.destroy();
  }

  destroy(): void {
    this.fail(new Error('Connection is closed.'));
    this.socket.destroy();
  }

  private send(kind: Pending['kind'], bytes: Buffer): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ kind, resolve, reject, n: -1, scanned: 0, scanPos: -1, lastEntry: -1 });
      if (this.queue.length - this.qHead === 1) this.arm();
      this.socket.write(bytes);
    });
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length - this.qHead === 0) return;
    this.timer = setTimeout(() => {
      this.fail(Object.assign(new Error('Command timed out'), { code: 'ETIMEDOUT' }));
      this.socket.destroy();
    }, this.timeoutMs);
  }

  private onData(chunk: Buffer): void {
    // Bytes before `end` are never written again: pages handed out still read them.
    if (this.start === this.end) {
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
    } else if (this.end + chunk.length <= this.buf.length) {
      chunk.copy(this.buf, this.end);
      this.end += chunk.length;
    } else {
      const held = this.end - this.start;
      const nb = Buffer.allocUnsafe(Math.max(2 * (held + chunk.length), 65536));
      this.buf.copy(nb, 0, this.start, this.end);
      chunk.copy(nb, held);
      this.rebase(this.start);
      this.buf = nb;
      this.start = 0;
      this.end = held + chunk.length;
    }
    // An answer still arriving is progress: its wait starts again.
    if (this.queue.length - this.qHead > 0) this.arm();
    try {
      this.drain();
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      this.socket.destroy();
    }
  }

  /** The scan positions of the waiting answer move with the bytes (`by` bytes dropped from the front). */
  private rebase(by: number): void {
    const h = this.queue[this.qHead];
    if (h === undefined || h.scanPos < 0) return;
    h.scanPos -= by;
    if (h.lastEntry >= 0) h.lastEntry -= by;
  }

  private drain(): void {
    while (this.start < this.end) {
      const h = this.queue[this.qHead];
      if (h === undefined) throw new Error('the server sent a reply to no request');
      const b = this.buf;
      let stop: number;
      if (h.kind === 'xrange' && b[this.start] === STAR) {
        stop = this.scanPage(h);
        if (stop === MORE) return;
        const lastId = h.lastEntry >= 0 ? entryId(b, h.lastEntry) : undefined;
        this.pop();
        h.resolve(new ScannedPage(h.n, lastId, b.subarray(this.start, stop)));
      } else {
        stop = skipValue(b, this.start, this.end);
        if (stop === MORE) return;
        const [v] = parseValue(b.subarray(this.start, stop), 0);
        this.pop();
        if (v instanceof RespReplyError) h.reject(v);
        else h.resolve(v);
      }
      this.start = stop;
    }
  }

  /** Scans the XRANGE answer at `start` entry by entry (resumable); the position after it, or MORE. */
  private scanPage(h: Pending): number {
    const b = this.buf;
    if (h.n < 0) {
      const le = lineEnd(b, this.start + 1, this.end);
      if (le === MORE) return MORE;
      h.n = intAt(b, this.start + 1, le);
      h.scanPos = le;
    }
    while (h.scanned < h.n) {
      const q = skipValue(b, h.scanPos, this.end);
      if (q === MORE) return MORE;
      h.lastEntry = h.scanPos;
      h.scanPos = q;
      h.scanned++;
    }
    return h.scanPos;
  }

  private pop(): void {
    this.queue[this.qHead] = undefined as never;
    this.qHead++;
    if (this.qHead > 64 && this.qHead * 2 > this.queue.length) { this.queue.splice(0, this.qHead); this.qHead = 0; }
    this.arm();
  }

  private fail(e: Error): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    clearTimeout(this.timer);
    const waiting = this.queue.slice(this.qHead);
    this.queue.length = 0;
    this.qHead = 0;
    for (const w of waiting) w.reject(e);
  }
}

/** The id of the entry at `p` (`*2\r\n$len\r\nid\r\n...`). */
function entryId(b: Buffer, p: number): string {
  const l1 = lineEnd(b, p + 1, b.length);
  const le = lineEnd(b, l1 + 1, b.length);
  const len = intAt(b, l1 + 1, le);
  return b.toString('latin1', le, le + len);
}
