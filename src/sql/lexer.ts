import { parseErrorAt } from '../core/ddl.js';

/**
 * Tokens of Spark SQL expression text. Words are not split into keywords
 * here: Spark lets most keywords double as names (`left(...)`, a column
 * called `date`), so the parser decides from context.
 */
export type TokenKind = 'word' | 'quoted' | 'number' | 'string' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** Decoded value: the name of a backquoted identifier, the unescaped content of a string. */
  readonly value: string;
  /** Offset of the first character in the source. */
  readonly start: number;
  readonly end: number;
}

/** Operators, longest first so `<=>` wins over `<=` and `<`. */
const OPERATORS = ['<=>', '==', '!=', '<>', '<=', '>=', '||', '->', '::', '&&',
  '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', '!', '~', '&', '|', '^', ':', ';'];

const NUMBER_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[bB][dD]|[lLsSyYdDfF])?/y;
const WORD_RE = /[A-Za-z_\d][A-Za-z_\d]*/y;
const IDENT_CHAR = /[A-Za-z_\d]/;

/** Splits `text` into tokens, ending with an `eof` token; comments (`-- ...`, `/* ... *\/`) are skipped. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') { i++; continue; }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw parseErrorAt('SQL', text, i, 'Unclosed comment; add */');
      i = close + 2;
      continue;
    }
    const start = i;
    if ((c >= '0' && c <= '9') || (c === '.' && /\d/.test(text[i + 1] ?? ''))) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text)!;
      const end = i + m[0].length;
      // `1a` or `2024_x` is an identifier in Spark, not a number followed by a name.
      if (end < n && IDENT_CHAR.test(text[end]!)) {
        WORD_RE.lastIndex = i;
        const w = WORD_RE.exec(text)!;
        if (/[.]/.test(m[0])) throw parseErrorAt('SQL', text, end, `Syntax error at or near '${text.slice(end, end + 1)}'`);
        i += w[0].length;
        out.push({ kind: 'word', text: w[0], value: w[0], start, end: i });
        continue;
      }
      i = end;
      out.push({ kind: 'number', text: m[0], value: m[0], start, end });
      continue;
    }
    if (IDENT_CHAR.test(c)) {
      WORD_RE.lastIndex = i;
      const w = WORD_RE.exec(text)!;
      i += w[0].length;
      out.push({ kind: 'word', text: w[0], value: w[0], start, end: i });
      continue;
    }
    if (c === '`') {
      let name = '';
      i++;
      for (;;) {
        if (i >= n) throw parseErrorAt('SQL', text, start, 'Unclosed backquoted identifier; add the closing `');
        if (text[i] === '`') {
          if (text[i + 1] === '`') { name += '`'; i += 2; continue; }
          i++;
          break;
        }
        name += text[i++];
      }
      out.push({ kind: 'quoted', text: text.slice(start, i), value: name, start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      for (;;) {
        if (i >= n) throw parseErrorAt('SQL', text, start, `Unclosed string literal; add the closing ${c}`);
        const d = text[i]!;
        if (d === '\\') { i += 2; continue; }
        i++;
        if (d === c) break;
      }
      const raw = text.slice(start + 1, i - 1);
      out.push({ kind: 'string', text: text.slice(start, i), value: unescapeSqlString(raw), start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw parseErrorAt('SQL', text, i, `Syntax error at or near '${c}': unexpected character`);
    i += op.length;
    out.push({ kind: 'op', text: op, value: op, start, end: i });
  }
  out.push({ kind: 'eof', text: '', value: '', start: n, end: n });
  return out;
}

/**
 * Spark's `unescapeSQLString` (with `spark.sql.parser.escapedStringLiterals` off):
 * `\n \t \r \b \0 \Z \\ \' \"`, `\uXXXX`, octal `\ddd`; `\%` and `\_` keep their
 * backslash (they are LIKE escapes); any other `\x` is `x`.
 */
export function unescapeSqlString(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\' || i + 1 >= raw.length) { out += c; continue; }
    const d = raw[++i]!;
    if (d === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 5), 16));
      i += 4;
      continue;
    }
    if (/[0-3]/.test(d) && /^[0-7]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(raw.slice(i, i + 3), 8));
      i += 2;
      continue;
    }
    switch (d) {
      case '0': out += '\0'; break;
      case 'b': out += '\b'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'Z': out += '\u001A'; break;
      case '%': out += '\\%'; break;
      case '_': out += '\\_'; break;
      default: out += d;
    }
  }
  return out;
}
