/**
 * A small JSON reader for the JSON functions. Unlike JSON.parse it keeps each
 * number's source text (so get_json_object returns `1.0` as written and
 * longs beyond 2^53 are not rounded on the way to a string), keeps object
 * keys in order, and accepts what Spark's Jackson settings accept by default
 * for from_json: single-quoted strings and NaN / Infinity. Returns undefined
 * for malformed input instead of throwing, since bad JSON is data, not a bug.
 */

/** A JSON number as written in the source. */
export class JsonNumber {
  constructor(readonly raw: string) {}
  get value(): number { return Number(this.raw); }
  get isIntegral(): boolean { return /^-?\d+$/.test(this.raw); }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

/** Parses a whole JSON text; undefined when it is malformed or has trailing content. */
export function parseJson(text: string): JsonValue | undefined {
  const p = { s: text, i: 0 };
  try {
    skipWs(p);
    const v = readValue(p);
    skipWs(p);
    return p.i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

interface Cursor { s: string; i: number }

const FAIL = new Error('malformed JSON');

function skipWs(p: Cursor): void {
  while (p.i < p.s.length) {
    const c = p.s.charCodeAt(p.i);
    if (c === 32 || c === 9 || c === 10 || c === 13) p.i++;
    else break;
  }
}

function readValue(p: Cursor): JsonValue {
  const c = p.s[p.i];
  if (c === '{') return readObject(p);
  if (c === '[') return readArray(p);
  if (c === '"' || c === "'") return readString(p);
  if (p.s.startsWith('true', p.i)) { p.i += 4; return true; }
  if (p.s.startsWith('false', p.i)) { p.i += 5; return false; }
  if (p.s.startsWith('null', p.i)) { p.i += 4; return null; }
  for (const w of ['NaN', 'Infinity', '+Infinity', '-Infinity']) {
    if (p.s.startsWith(w, p.i)) { p.i += w.length; return new JsonNumber(w); }
  }
  const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(p.s.slice(p.i, p.i + 400));
  if (!m || m[0].length === 0) throw FAIL;
  p.i += m[0].length;
  return new JsonNumber(m[0]);
}

function readObject(p: Cursor): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  p.i++;
  skipWs(p);
  if (p.s[p.i] === '}') { p.i++; return out; }
  for (;;) {
    skipWs(p);
    if (p.s[p.i] !== '"' && p.s[p.i] !== "'") throw FAIL;
    const k = readString(p);
    skipWs(p);
    if (p.s[p.i++] !== ':') throw FAIL;
    skipWs(p);
    out.set(k, readValue(p));
    skipWs(p);
    const c = p.s[p.i++];
    if (c === '}') return out;
    if (c !== ',') throw FAIL;
  }
}

function readArray(p: Cursor): JsonValue[] {
  const out: JsonValue[] = [];
  p.i++;
  skipWs(p);
  if (p.s[p.i] === ']') { p.i++; return out; }
  for (;;) {
    skipWs(p);
    out.push(readValue(p));
    skipWs(p);
    const c = p.s[p.i++];
    if (c === ']') return out;
    if (c !== ',') throw FAIL;
  }
}

const ESC: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readString(p: Cursor): string {
  const q = p.s[p.i++]!;
  let out = '';
  let start = p.i;
  for (;;) {
    if (p.i >= p.s.length) throw FAIL;
    const c = p.s[p.i]!;
    if (c === q) { out += p.s.slice(start, p.i); p.i++; return out; }
    if (c === '\\') {
      out += p.s.slice(start, p.i);
      const e = p.s[p.i + 1];
      if (e === 'u') {
        const hex = p.s.slice(p.i + 2, p.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw FAIL;
        out += String.fromCharCode(parseInt(hex, 16));
        p.i += 6;
      } else {
        const r = e === undefined ? undefined : ESC[e];
        if (r === undefined) throw FAIL;
        out += r;
        p.i += 2;
      }
      start = p.i;
    } else {
      if (c.charCodeAt(0) < 32) throw FAIL;
      p.i++;
    }
  }
}

/** Compact JSON text of a parsed value; numbers keep their source text. */
export function writeJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.raw;
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${writeJson(x)}`).join(',')}}`;
}
