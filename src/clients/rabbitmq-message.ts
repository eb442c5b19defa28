/**
 * RabbitMQ stream messages are AMQP 1.0 messages (OASIS AMQP 1.0, part 3):
 * a sequence of described sections — header, annotations, properties,
 * application-properties, one or more data sections (or an amqp-value /
 * amqp-sequence body), footer. This codec writes the two sections spate
 * produces (application-properties, data) and reads any message: the body
 * and, when asked, properties and application properties as string maps.
 * Messages published with AMQP 0.9.1 into a stream arrive in this form too
 * (the broker converts them).
 */

/** What the source keeps of a message. */
export interface DecodedMessage {
  body: Uint8Array;
  /** AMQP 1.0 properties (message-id, content-type, ...), present fields only; null unless asked for. */
  properties: Map<string, string | null> | null;
  /** Application properties (user headers) as strings; null unless asked for. */
  applicationProperties: Map<string, string | null> | null;
}

const PROPERTY_NAMES = ['message-id', 'user-id', 'to', 'subject', 'reply-to', 'correlation-id', 'content-type',
  'content-encoding', 'absolute-expiry-time', 'creation-time', 'group-id', 'group-sequence', 'reply-to-group-id'] as const;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

class AmqpReader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly view: DataView) {}
  u8(): number { return this.b[this.pos++]!; }
  u32(): number { const v = this.view.getUint32(this.pos); this.pos += 4; return v; }
}

function reader(b: Uint8Array): AmqpReader {
  return new AmqpReader(b, new DataView(b.buffer, b.byteOffset, b.byteLength));
}

/** Reads one AMQP value with constructor `c` (already read). Binary values are subarrays. */
function value(r: AmqpReader, c: number): unknown {
  const v = r.view;
  let p = r.pos;
  switch (c) {
    case 0x00: { // described: descriptor, then the value
      value(r, r.u8());
      return value(r, r.u8());
    }
    case 0x40: return null;
    case 0x41: return true;
    case 0x42: return false;
    case 0x43: case 0x44: return 0;
    case 0x45: return [];
    case 0x56: r.pos = p + 1; return v.getUint8(p) !== 0;
    case 0x50: case 0x52: case 0x53: r.pos = p + 1; return v.getUint8(p);
    case 0x51: case 0x54: case 0x55: r.pos = p + 1; return v.getInt8(p);
    case 0x60: r.pos = p + 2; return v.getUint16(p);
    case 0x61: r.pos = p + 2; return v.getInt16(p);
    case 0x70: r.pos = p + 4; return v.getUint32(p);
    case 0x71: r.pos = p + 4; return v.getInt32(p);
    case 0x72: r.pos = p + 4; return v.getFloat32(p);
    case 0x73: r.pos = p + 4; return String.fromCodePoint(v.getUint32(p));
    case 0x74: r.pos = p + 4; return r.b.subarray(p, p + 4);
    case 0x80: { r.pos = p + 8; const x = v.getBigUint64(p); return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x; }
    case 0x81: { r.pos = p + 8; const x = v.getBigInt64(p); return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x; }
    case 0x82: r.pos = p + 8; return v.getFloat64(p);
    case 0x83: r.pos = p + 8; return new Date(Number(v.getBigInt64(p)));
    case 0x84: r.pos = p + 8; return r.b.subarray(p, p + 8);
    case 0x94: r.pos = p + 16; return r.b.subarray(p, p + 16);
    case 0x98: r.pos = p + 16; return uuid(r.b.subarray(p, p + 16));
    case 0xa0: case 0xa1: case 0xa3: {
      const n = v.getUint8(p); p += 1; r.pos = p + n;
      return c === 0xa0 ? r.b.subarray(p, p + n) : utf8.decode(r.b.subarray(p, p + n));
    }
    case 0xb0: case 0xb1: case 0xb3: {
      const n = v.getUint32(p); p += 4; r.pos = p + n;
      return c === 0xb0 ? r.b.subarray(p, p + n) : utf8.decode(r.b.subarray(p, p + n));
    }
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: {
      const wide = c >= 0xd0;
      const size = wide ? v.getUint32(p) : v.getUint8(p);
      const count = wide ? v.getUint32(p + 4) : v.getUint8(p + 1);
      const start = p + (wide ? 4 : 1);
      r.pos = start + (wide ? 4 : 1);
      const items: unknown[] = new Array<unknown>(count);
      for (let i = 0; i < count; i++) items[i] = value(r, r.u8());
      r.pos = start + size;
      if (c === 0xc0 || c === 0xd0) return items;
      const m = new Map<unknown, unknown>();
      for (let i = 0; i + 1 < count; i += 2) m.set(items[i], items[i + 1]);
      return m;
    }
    case 0xe0: case 0xf0: {
      const wide = c === 0xf0;
      const size = wide ? v.getUint32(p) : v.getUint8(p);
      const count = wide ? v.getUint32(p + 4) : v.getUint8(p + 1);
      const start = p + (wide ? 4 : 1);
      r.pos = start + (wide ? 4 : 1);
      const ec = r.u8();
      const items: unknown[] = new Array<unknown>(count);
      for (let i = 0; i < count; i++) items[i] = value(r, ec);
      r.pos = start + size;
      return items;
    }
    default:
      throw new Error(`AMQP 1.0 type constructor 0x${c.toString(16)} at byte ${p - 1} is not valid`);
  }
}

function uuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A property value as the string users see in a MAP<STRING, STRING> column. */
export function amqpValueString(x: unknown): string | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string') return x;
  if (x instanceof Uint8Array) return utf8.decode(x);
  if (x instanceof Date) return x.toISOString();
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return String(x);
  if (Array.isArray(x)) return JSON.stringify(x.map(amqpValueString));
  if (x instanceof Map) return JSON.stringify(Object.fromEntries([...x].map(([k, y]) => [amqpValueString(k), amqpValueString(y)])));
  return String(x);
}

function stringMap(x: unknown): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (x instanceof Map) for (const [k, y] of x) out.set(amqpValueString(k) ?? '', amqpValueString(y));
  return out;
}

/** The body alone (decodeMessage without properties), with no object per message on the common path. */
export function decodeBody(b: Uint8Array): Uint8Array {
  if (b.length >= 5 && b[0] === 0x00 && b[1] === 0x53 && b[2] === 0x75) {
    if (b[3] === 0xa0 && b.length === 5 + b[4]!) return b.subarray(5);
    if (b[3] === 0xb0 && b.length >= 8 && b.length === 8 + ((b[4]! << 24) >>> 0) + (b[5]! << 16) + (b[6]! << 8) + b[7]!) return b.subarray(8);
  }
  return decodeMessage(b, false).body;
}

/**
 * Decodes one message. The body is the data section(s) (concatenated when
 * several), an amqp-value that is binary or a string (its UTF-8 bytes), or
 * the JSON text of any other amqp-value / amqp-sequence.
 */
export function decodeMessage(b: Uint8Array, withProperties: boolean): DecodedMessage {
  // The common case, a bare data section (what spate's sink writes without properties): no parsing.
  if (!withProperties && b.length >= 5 && b[0] === 0x00 && b[1] === 0x53 && b[2] === 0x75) {
    if (b[3] === 0xa0 && b.length === 5 + b[4]!) return { body: b.subarray(5), properties: null, applicationProperties: null };
    if (b[3] === 0xb0 && b.length >= 8) {
      const n = ((b[4]! << 24) >>> 0) + (b[5]! << 16) + (b[6]! << 8) + b[7]!;
      if (b.length === 8 + n) return { body: b.subarray(8), properties: null, applicationProperties: null };
    }
  }
  const r = reader(b);
  let body: Uint8Array | null = null;
  let parts: Uint8Array[] | null = null;
  let properties: Map<string, string | null> | null = withProperties ? new Map() : null;
  let applicationProperties: Map<string, string | null> | null = withProperties ? new Map() : null;
  while (r.pos < b.length) {
    if (r.u8() !== 0x00) throw new Error(`byte ${r.pos - 1} of the message is not an AMQP 1.0 section`);
    const d = value(r, r.u8());
    const code = typeof d === 'number' ? d : -1;
    const x = value(r, r.u8());
    if (code === 0x75) {
      const bytes = x instanceof Uint8Array ? x : EMPTY;
      if (body === null) body = bytes;
      else (parts ??= [body]).push(bytes);
    } else if (code === 0x77) {
      body = x instanceof Uint8Array ? x : typeof x === 'string' ? Buffer.from(x) : Buffer.from(JSON.stringify(amqpValueString(x)));
    } else if (code === 0x76) {
      body = Buffer.from(JSON.stringify(Array.isArray(x) ? x.map(amqpValueString) : amqpValueString(x)));
    } else if (withProperties && code === 0x73 && Array.isArray(x)) {
      properties = new Map();
      for (let i = 0; i < x.length && i < PROPERTY_NAMES.length; i++) {
        if (x[i] !== null && x[i] !== undefined) properties.set(PROPERTY_NAMES[i]!, amqpValueString(x[i]));
      }
    } else if (withProperties && code === 0x74) {
      applicationProperties = stringMap(x);
    }
  }
  if (parts !== null) body = Buffer.concat(parts);
  return { body: body ?? EMPTY, properties, applicationProperties };
}

/**
 * Encodes a message: application properties (string values) when given and
 * not empty, then one data section with `body`.
 */
export function encodeMessage(body: Uint8Array, applicationProperties?: ReadonlyMap<string, string | null> | null): Uint8Array {
  let props: Buffer | null = null;
  if (applicationProperties && applicationProperties.size > 0) {
    const items: Buffer[] = [];
    for (const [k, v] of applicationProperties) {
      items.push(str(k));
      items.push(v === null ? Buffer.from([0x40]) : str(v));
    }
    const content = Buffer.concat(items);
    const head = Buffer.allocUnsafe(3 + 9);
    head[0] = 0x00; head[1] = 0x53; head[2] = 0x74; head[3] = 0xd1;
    head.writeUInt32BE(content.length + 4, 4);
    head.writeUInt32BE(applicationProperties.size * 2, 8);
    props = Buffer.concat([head, content]);
  }
  const small = body.length < 256;
  const out = Buffer.allocUnsafe((props?.length ?? 0) + (small ? 5 : 8) + body.length);
  let p = 0;
  if (props) { props.copy(out, 0); p = props.length; }
  out[p] = 0x00; out[p + 1] = 0x53; out[p + 2] = 0x75;
  if (small) { out[p + 3] = 0xa0; out[p + 4] = body.length; p += 5; }
  else { out[p + 3] = 0xb0; out.writeUInt32BE(body.length, p + 4); p += 8; }
  out.set(body, p);
  return out;
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length < 256) return Buffer.concat([Buffer.from([0xa1, b.length]), b]);
  const h = Buffer.allocUnsafe(5);
  h[0] = 0xb1; h.writeUInt32BE(b.length, 1);
  return Buffer.concat([h, b]);
}
