/**
 * The word cutting behind explode(split(str, separator)): strings are cut at
 * a plain separator as String.prototype.split would, and each word is
 * interned as it is found, without cutting it out of its string.
 */

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/**
 * Set in a word's meta when it is compared character by character. A word of at most 4 characters,
 * all below 0x100, is instead identified exactly by its length and its characters packed into 32 bits,
 * so the usual short word needs no second read of its characters.
 */
const LONG = 1 << 30;
/** LONG words up to this long keep a copy of their characters in Interner.chars (a bound on its size). */
const POOLED_CHARS = 32;

/** Words cut from a run of strings: their codes and, if asked for, the row each came from. */
export interface CutWords {
  readonly codes: Int32Array;
  readonly rows: Int32Array | null;
}

/** An append-only set of strings, looked up by a span of another string without cutting it out. */
export class Interner {
  readonly entries: string[] = [];
  /** Per code: the word's FNV-1a hash (to rehash), its meta (length, | LONG) and its packed characters. */
  private hashes = new Int32Array(256);
  private metas = new Int32Array(256);
  private packed = new Int32Array(256);
  /**
   * The characters of LONG words up to POOLED_CHARS long, one after another from starts[code] (-1: not
   * pooled): comparing against a typed array is cheaper than charCodeAt on the entry string.
   */
  private chars = new Uint16Array(1024);
  private starts = new Int32Array(256);
  private charsUsed = 0;
  /**
   * Open addressing, at most a quarter full (fewer probes, fewer mispredicted branches), two ints a slot:
   * a word's hash next to its code (-1: empty), so a probe reads one place.
   */
  private table = new Int32Array(1024).fill(-1);
  private mask = 511;
  /** Words and strings cut so far: the words per string to expect, to size each call's output once. */
  private wordsCut = 0;
  private stringsCut = 0;

  get size(): number { return this.entries.length; }

  /**
   * The words of strings[0, n) cut at `sep` (empty words included, null strings give none), as codes;
   * `withRows` also gives each word's string index.
   */
  cut(strings: readonly (string | null)[], valid: Uint8Array | null, n: number, sep: string, withRows: boolean): CutWords {
    const perString = this.stringsCut > 0 ? this.wordsCut / this.stringsCut : 4;
    let codes = new Int32Array(Math.min(Math.ceil(n * perString * 1.0625), 1 << 20) + 16);
    let rows = withRows ? new Int32Array(codes.length) : null;
    let o = 0;
    // One pass over the characters for a one-character separator (the usual ' '); indexOf otherwise.
    const sepCode = sep.length === 1 ? sep.charCodeAt(0) : -1;
    for (let i = 0; i < n; i++) {
      const s = strings[i];
      if (s === null || s === undefined || (valid !== null && valid[i] === 0)) continue;
      const len = s.length;
      let k = 0;
      for (;;) {
        // One word: s[a, k), up to the next separator or the end.
        const a = k;
        let h = FNV_OFFSET;
        let p = 0;
        let wide = 0;
        if (sepCode >= 0) {
          for (; k < len; k++) {
            const c = s.charCodeAt(k);
            if (c === sepCode) break;
            h = Math.imul(h ^ c, FNV_PRIME);
            p = (p << 8) | c;
            wide |= c;
          }
        } else {
          const b = s.indexOf(sep, a);
          k = b < 0 ? len : b;
          for (let j = a; j < k; j++) {
            const c = s.charCodeAt(j);
            h = Math.imul(h ^ c, FNV_PRIME);
            p = (p << 8) | c;
            wide |= c;
          }
        }
        const code = this.find(s, a, k, h, p, k - a <= 4 && wide < 0x100 ? k - a : (k - a) | LONG);
        if (o === codes.length) {
          codes = grow(codes);
          if (rows !== null) rows = grow(rows);
        }
        codes[o] = code;
        if (rows !== null) rows[o] = i;
        o++;
        if (k >= len) break;
        k += sep.length;
      }
    }
    this.wordsCut += o;
    this.stringsCut += n;
    return { codes: fit(codes, o), rows: rows === null ? null : fit(rows, o) };
  }

  /** The code of s[from, to), added if new; h, p and meta as computed in cut(). */
  private find(s: string, from: number, to: number, h: number, p: number, meta: number): number {
    const table = this.table;
    let slot = h & this.mask;
    for (;;) {
      const code = table[2 * slot + 1]!;
      if (code < 0) return this.add(s, from, to, h, p, meta, slot);
      if (table[2 * slot] === h && this.metas[code] === meta
        && (meta < LONG ? this.packed[code] === p : this.sameChars(code, meta ^ LONG, s, from))) return code;
      slot = (slot + 1) & this.mask;
    }
  }

  private add(s: string, from: number, to: number, h: number, p: number, meta: number, slot: number): number {
    const code = this.entries.length;
    this.entries.push(to - from === s.length ? s : s.substring(from, to));
    if (code === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.metas = grow(this.metas);
      this.packed = grow(this.packed);
      this.starts = grow(this.starts);
    }
    const len = to - from;
    this.starts[code] = -1;
    if (meta >= LONG && len <= POOLED_CHARS) {
      while (this.charsUsed + len > this.chars.length) {
        const grown = new Uint16Array(this.chars.length * 2);
        grown.set(this.chars);
        this.chars = grown;
      }
      for (let k = from; k < to; k++) this.chars[this.charsUsed++] = s.charCodeAt(k);
      this.starts[code] = this.charsUsed - len;
    }
    this.hashes[code] = h;
    this.metas[code] = meta;
    this.packed[code] = p;
    this.table[2 * slot] = h;
    this.table[2 * slot + 1] = code;
    if (this.entries.length * 4 > this.mask + 1) this.rehash();
    return code;
  }

  /** LONG word `code`, of length `len`, equals s[from, from + len). */
  private sameChars(code: number, len: number, s: string, from: number): boolean {
    const start = this.starts[code]!;
    if (start < 0) {
      const e = this.entries[code]!;
      for (let k = 0; k < len; k++) if (s.charCodeAt(from + k) !== e.charCodeAt(k)) return false;
      return true;
    }
    const chars = this.chars;
    const d = start - from;
    for (let k = from; k < from + len; k++) if (s.charCodeAt(k) !== chars[d + k]) return false;
    return true;
  }

  /** Doubles the table. */
  private rehash(): void {
    const slots = (this.mask + 1) * 2;
    const table = new Int32Array(slots * 2).fill(-1);
    const mask = slots - 1;
    for (let c = 0; c < this.entries.length; c++) {
      const h = this.hashes[c]!;
      let s = h & mask;
      while (table[2 * s + 1] !== -1) s = (s + 1) & mask;
      table[2 * s] = h;
      table[2 * s + 1] = c;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** a[0, n), copied when a is far larger (an output size guessed too large is not kept alive behind it). */
function fit(a: Int32Array<ArrayBuffer>, n: number): Int32Array {
  return a.length > 2 * n + 64 ? a.slice(0, n) : a.subarray(0, n);
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}
