import { SpateError } from '../core/errors.js';

/**
 * Data source options, keyed case-insensitively as in Spark (`header`,
 * `HEADER` and `Header` are one option). Values are strings, as Spark's
 * `option(key, value)` stores them; the helpers below parse and validate them
 * and name the option and the expected form when a value does not fit.
 */
export class SourceOptions {
  private readonly map: ReadonlyMap<string, string>;

  constructor(options?: ReadonlyMap<string, string> | Readonly<Record<string, string | number | boolean>> | SourceOptions) {
    const m = new Map<string, string>();
    if (options instanceof SourceOptions) for (const [k, v] of options.map) m.set(k, v);
    else if (options instanceof Map) for (const [k, v] of options) m.set(String(k).toLowerCase(), String(v));
    else if (options) for (const [k, v] of Object.entries(options)) m.set(k.toLowerCase(), String(v));
    this.map = m;
  }

  /** True when the option was given (any case). */
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  /** The raw value, or undefined. */
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase());
  }

  /** The value of the first of `names` that was given (for aliases such as `sep` / `delimiter`). */
  getAny(names: readonly string[]): string | undefined {
    for (const n of names) {
      const v = this.get(n);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  string(name: string, dflt: string): string {
    return this.get(name) ?? dflt;
  }

  /** 'true' / 'false' in any case. */
  bool(name: string, dflt: boolean): boolean {
    const v = this.get(name);
    if (v === undefined) return dflt;
    const l = v.trim().toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
    throw new SpateError('INVALID_OPTION', `Option '${name}' must be 'true' or 'false', got ${JSON.stringify(v)}.`);
  }

  /** An integer >= `min`. */
  int(name: string, dflt: number, min = 0): number {
    const v = this.get(name);
    if (v === undefined) return dflt;
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < min || v.trim() === '') {
      throw new SpateError('INVALID_OPTION', `Option '${name}' must be an integer >= ${min}, got ${JSON.stringify(v)}.`);
    }
    return n;
  }

  /**
   * A single character (Spark also accepts the escapes `\t`, `\n`, `\\`, `\u0001`).
   * `allowEmpty` gives '' for an empty value, which turns quoting/comments off.
   */
  char(name: string, dflt: string, aliases: readonly string[] = [], allowEmpty = false): string {
    const raw = this.getAny([name, ...aliases]);
    if (raw === undefined) return dflt;
    const v = unescapeChar(raw);
    if (v.length === 1 || (allowEmpty && v.length === 0)) return v;
    throw new SpateError('INVALID_OPTION', `Option '${name}' must be a single character, got ${JSON.stringify(raw)}.`);
  }

  /** One of `allowed` (compared case-insensitively); returns the canonical spelling. */
  choice<T extends string>(name: string, allowed: readonly T[], dflt: T): T {
    const v = this.get(name);
    if (v === undefined) return dflt;
    const hit = allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase());
    if (hit === undefined) {
      throw new SpateError('INVALID_OPTION',
        `Option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}.`);
    }
    return hit;
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** Accepts a SourceOptions, a Map or a plain record. */
export function toOptions(o: ReadonlyMap<string, string> | Readonly<Record<string, string>> | SourceOptions | undefined): SourceOptions {
  return o instanceof SourceOptions ? o : new SourceOptions(o);
}

/** Spark's character escapes in separator options: `\t`, `\n`, `\r`, `\\`, `\0`, `\uXXXX`. */
function unescapeChar(s: string): string {
  if (s.length < 2 || s[0] !== '\\') return s;
  switch (s) {
    case '\\t': return '\t';
    case '\\n': return '\n';
    case '\\r': return '\r';
    case '\\\\': return '\\';
    case '\\0': return '\0';
    case '\\"': return '"';
    case "\\'": return "'";
    default: {
      const m = /^\\u([0-9a-fA-F]{4})$/.exec(s);
      return m ? String.fromCharCode(parseInt(m[1]!, 16)) : s;
    }
  }
}

/** Checks the `encoding` / `charset` option: spate reads and writes UTF-8 only. */
export function checkUtf8(o: SourceOptions): void {
  const enc = o.getAny(['encoding', 'charset']);
  if (enc === undefined) return;
  const l = enc.trim().toLowerCase().replace(/[-_]/g, '');
  if (l !== 'utf8') {
    throw new SpateError('UNSUPPORTED_OPTION',
      `Option 'encoding' = ${JSON.stringify(enc)} is not supported; spate reads and writes UTF-8 only. Convert the file to UTF-8 or drop the option.`);
  }
}

/** Parse modes shared by csv and json (Spark's `mode` option). */
export type ParseMode = 'PERMISSIVE' | 'DROPMALFORMED' | 'FAILFAST';

export function parseMode(o: SourceOptions): ParseMode {
  return o.choice('mode', ['PERMISSIVE', 'DROPMALFORMED', 'FAILFAST'] as const, 'PERMISSIVE');
}
