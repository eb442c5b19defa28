import { ParseException } from './errors.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, MapType,
  NullType, StringType, StructField, StructType, TimestampType,
  type DataType,
} from './types.js';

/**
 * DDL strings for types and schemas, as Spark writes and reads them:
 * `parseDataType('array<struct<a:int,b string>>')`, `parseSchema('word STRING, count BIGINT NOT NULL')`,
 * `toDDL(schema)` (Spark's `StructType.toDDL`).
 *
 * spate has fewer types than Spark, so some names map onto a wider one:
 * tinyint/byte and smallint/short → int; timestamp_ntz → timestamp (spate
 * timestamps are UTC instants); char(n)/varchar(n) → string (no length check).
 */

/** Builds the ParseException Spark prints: the message, then the text with a `----^^^` caret under offset `pos`. */
export function parseErrorAt(kind: 'DDL' | 'SQL', text: string, pos: number, message: string): ParseException {
  const lines = text.split('\n');
  let line = 0;
  let col = Math.max(0, Math.min(pos, text.length));
  while (line < lines.length - 1 && col > lines[line]!.length) {
    col -= lines[line]!.length + 1;
    line++;
  }
  const above = lines.slice(0, line + 1).join('\n');
  const below = lines.slice(line + 1);
  const caret = '-'.repeat(col) + '^^^';
  const quoted = [above, caret, ...below].join('\n');
  return new ParseException(`${message} (line ${line + 1}, position ${col})\n\n== ${kind} ==\n${quoted}`);
}

type TokKind = 'word' | 'quoted' | 'string' | 'punct' | 'eof';
interface Tok { readonly kind: TokKind; readonly text: string; readonly start: number; readonly end: number }

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Splits DDL text into words, `quoted` names, 'strings' and one-character
 * punctuation, lazily: the SQL parser reads a type from the middle of an
 * expression, and the text after the type must not be lexed as DDL.
 */
class DdlLexer {
  private readonly toks: Tok[] = [];
  private pos: number;
  constructor(private readonly text: string, from: number, private readonly kind: 'DDL' | 'SQL') { this.pos = from; }

  at(k: number): Tok {
    while (this.toks.length <= k) this.toks.push(this.scan());
    return this.toks[k]!;
  }

  private scan(): Tok {
    const text = this.text;
    const n = text.length;
    let i = this.pos;
    while (i < n && /\s/.test(text[i]!)) i++;
    const tok = i >= n ? { kind: 'eof' as const, text: '', start: n, end: n } : this.scanAt(i);
    this.pos = tok.end;
    return tok;
  }

  private scanAt(start: number): Tok {
    const text = this.text;
    const n = text.length;
    let i = start;
    const c = text[i]!;
    if (WORD_CHAR.test(c)) {
      while (i < n && WORD_CHAR.test(text[i]!)) i++;
      return { kind: 'word', text: text.slice(start, i), start, end: i };
    }
    if (c === '`') {
      let name = '';
      i++;
      for (;;) {
        if (i >= n) throw parseErrorAt(this.kind, text, start, 'Unclosed backquoted name; add the closing `');
        if (text[i] === '`') {
          if (text[i + 1] === '`') { name += '`'; i += 2; continue; }
          i++;
          break;
        }
        name += text[i++];
      }
      return { kind: 'quoted', text: name, start, end: i };
    }
    if (c === "'" || c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw parseErrorAt(this.kind, text, start, `Unclosed string literal; add the closing ${c}`);
        const d = text[i]!;
        if (d === c) { i++; break; }
        if (d === '\\' && i + 1 < n) { s += unescapeChar(text[i + 1]!); i += 2; continue; }
        s += d;
        i++;
      }
      return { kind: 'string', text: s, start, end: i };
    }
    return { kind: 'punct', text: c, start, end: i + 1 };
  }
}

function unescapeChar(c: string): string {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return '\0';
    default: return c;
  }
}

/** Names accepted for each spate type, lower-case. */
const SIMPLE_TYPES: Readonly<Record<string, DataType>> = {
  boolean: BooleanType,
  tinyint: IntegerType, byte: IntegerType, smallint: IntegerType, short: IntegerType,
  int: IntegerType, integer: IntegerType,
  bigint: LongType, long: LongType,
  float: FloatType, real: FloatType,
  double: DoubleType,
  date: DateType,
  timestamp: TimestampType, timestamp_ltz: TimestampType, timestamp_ntz: TimestampType,
  string: StringType,
  binary: BinaryType,
  void: NullType,
};
const DECIMAL_NAMES = new Set(['decimal', 'dec', 'numeric']);
const CHAR_NAMES = new Set(['char', 'character', 'varchar']);

/** A recursive-descent reader over DDL tokens. */
class DdlReader {
  private i = 0;
  private readonly lexer: DdlLexer;
  constructor(private readonly text: string, from = 0, private readonly kind: 'DDL' | 'SQL' = 'DDL') {
    this.lexer = new DdlLexer(text, from, kind);
  }

  peek(): Tok { return this.lexer.at(this.i); }
  next(): Tok { return this.lexer.at(this.i++); }
  atEnd(): boolean { return this.peek().kind === 'eof'; }

  isPunct(p: string): boolean { const t = this.peek(); return t.kind === 'punct' && t.text === p; }
  isWord(w: string): boolean { const t = this.peek(); return t.kind === 'word' && t.text.toLowerCase() === w; }

  fail(t: Tok, message?: string): never {
    const near = t.kind === 'eof' ? 'end of input' : `'${this.text.slice(t.start, t.end)}'`;
    throw parseErrorAt(this.kind, this.text, t.start, message ?? `Syntax error at or near ${near}`);
  }

  expectPunct(p: string): void {
    if (!this.isPunct(p)) this.fail(this.peek(), `Syntax error at or near ${this.describe(this.peek())}: expected '${p}'`);
    this.i++;
  }

  describe(t: Tok): string {
    return t.kind === 'eof' ? 'end of input' : `'${this.text.slice(t.start, t.end)}'`;
  }

  dataType(): DataType {
    const t = this.next();
    if (t.kind !== 'word') this.fail(t, `Syntax error at or near ${this.describe(t)}: expected a data type such as INT, STRING or ARRAY<...>`);
    const name = t.text.toLowerCase();
    if (name === 'array') {
      this.expectPunct('<');
      const el = this.dataType();
      this.expectPunct('>');
      return ArrayType(el, true);
    }
    if (name === 'map') {
      this.expectPunct('<');
      const k = this.dataType();
      this.expectPunct(',');
      const v = this.dataType();
      this.expectPunct('>');
      return MapType(k, v, true);
    }
    if (name === 'struct') {
      this.expectPunct('<');
      const fields: StructField[] = [];
      if (!this.isPunct('>')) {
        do fields.push(this.field(true)); while (this.isPunct(',') && this.next());
      }
      this.expectPunct('>');
      return StructType(fields);
    }
    if (DECIMAL_NAMES.has(name)) {
      const params = this.params();
      if (params.length > 2) this.fail(t, `DECIMAL takes at most 2 parameters (precision, scale), got ${params.length}`);
      const precision = params[0] ?? 10;
      const scale = params[1] ?? 0;
      if (precision < 1 || precision > 38) this.fail(t, `Decimal precision ${precision} is out of range; it must be between 1 and 38`);
      if (scale > precision) this.fail(t, `Decimal scale ${scale} is larger than its precision ${precision}`);
      return DecimalType(precision, scale);
    }
    if (CHAR_NAMES.has(name)) {
      const params = this.params();
      if (params.length !== 1) this.fail(t, `${t.text.toUpperCase()} needs a length, e.g. ${t.text.toUpperCase()}(10)`);
      return StringType;
    }
    const simple = SIMPLE_TYPES[name];
    if (simple) return simple;
    if (name === 'interval') this.fail(t, 'INTERVAL types are not supported by spate; use a BIGINT of microseconds or a STRING');
    this.fail(t, `Unsupported data type "${t.text.toUpperCase()}"; use one of BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, ` +
      'DECIMAL(p,s), STRING, BINARY, DATE, TIMESTAMP, ARRAY<...>, MAP<...>, STRUCT<...>');
  }

  /** `(n, m, ...)` after a type name, or [] when absent. */
  private params(): number[] {
    if (!this.isPunct('(')) return [];
    this.next();
    const out: number[] = [];
    do {
      const t = this.next();
      if (t.kind !== 'word' || !/^\d+$/.test(t.text)) this.fail(t, `Syntax error at or near ${this.describe(t)}: expected an integer`);
      out.push(Number(t.text));
    } while (this.isPunct(',') && this.next());
    this.expectPunct(')');
    return out;
  }

  /** `name[:] type [NOT NULL] [COMMENT 'text']`; the colon is allowed inside STRUCT<...> only, as in Spark. */
  field(inStruct: boolean): StructField {
    const t = this.next();
    if (t.kind !== 'word' && t.kind !== 'quoted') this.fail(t, `Syntax error at or near ${this.describe(t)}: expected a field name`);
    if (inStruct && this.isPunct(':')) this.next();
    const type = this.dataType();
    let nullable = true;
    if (this.isWord('not')) {
      this.next();
      if (!this.isWord('null')) this.fail(this.peek(), `Syntax error at or near ${this.describe(this.peek())}: expected NULL after NOT`);
      this.next();
      nullable = false;
    }
    let comment: string | undefined;
    if (this.isWord('comment')) {
      this.next();
      const c = this.next();
      if (c.kind !== 'string') this.fail(c, `Syntax error at or near ${this.describe(c)}: COMMENT needs a quoted string`);
      comment = c.text;
    }
    return StructField(t.text, type, nullable, comment === undefined ? undefined : { comment });
  }

  fieldList(): StructField[] {
    const fields: StructField[] = [];
    if (this.atEnd()) return fields;
    do fields.push(this.field(false)); while (this.isPunct(',') && this.next());
    return fields;
  }

  endOf(): number { return this.peek().start; }
}

/**
 * Parses a data type written as Spark's DDL (case-insensitive): `int`, `bigint`, `decimal(10,2)`,
 * `array<string>`, `map<string,int>`, `struct<a:int,b string>`. Throws a ParseException with a caret.
 */
export function parseDataType(text: string): DataType {
  const r = new DdlReader(text);
  const t = r.dataType();
  if (!r.atEnd()) r.fail(r.peek());
  return t;
}

/**
 * Parses a data type starting at offset `from` of a larger text (the SQL parser's `CAST(x AS type)`);
 * returns the type and the offset just after it.
 */
export function parseDataTypeAt(text: string, from: number): { readonly type: DataType; readonly end: number } {
  const r = new DdlReader(text, from, 'SQL');
  const type = r.dataType();
  return { type, end: r.endOf() };
}

/**
 * Parses a schema DDL string: `"word STRING, count BIGINT NOT NULL, note STRING COMMENT 'x'"`, backquoted
 * names (`` `my col` INT ``), or a `struct<...>` type (Spark's `StructType.fromDDL`).
 */
export function parseSchema(text: string): StructType {
  let first: unknown;
  try {
    const r = new DdlReader(text);
    const fields = r.fieldList();
    if (!r.atEnd()) r.fail(r.peek());
    return StructType(fields);
  } catch (e) {
    first = e;
  }
  // Like Spark, fall back to a single data type and accept it when it is a struct.
  try {
    const t = parseDataType(text);
    if (t.kind === 'struct') return t;
  } catch {
    // report the schema error, which is what the user most likely meant to write
  }
  throw first;
}

/** Quotes a name with backticks unless it is made of letters, digits and `_` (and not only digits), as Spark does. */
export function quoteIfNeeded(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) && !/^\d+$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

/** Spark's `DataType.sql`: `INT`, `BIGINT`, `DECIMAL(10,2)`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `STRUCT<a: INT>`. */
export function typeSql(t: DataType): string {
  switch (t.kind) {
    case 'null': return 'VOID';
    case 'boolean': return 'BOOLEAN';
    case 'int': return 'INT';
    case 'long': return 'BIGINT';
    case 'float': return 'FLOAT';
    case 'double': return 'DOUBLE';
    case 'decimal': return `DECIMAL(${t.precision},${t.scale})`;
    case 'string': return 'STRING';
    case 'binary': return 'BINARY';
    case 'date': return 'DATE';
    case 'timestamp': return 'TIMESTAMP';
    case 'array': return `ARRAY<${typeSql(t.elementType)}>`;
    case 'map': return `MAP<${typeSql(t.keyType)}, ${typeSql(t.valueType)}>`;
    case 'struct': return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)}: ${fieldSuffix(f)}`).join(', ')}>`;
  }
}

/** `TYPE[ NOT NULL][ COMMENT '...']`; Spark escapes only single quotes in comments. */
function fieldSuffix(f: StructField): string {
  const comment = f.metadata?.['comment'];
  const c = typeof comment === 'string' ? ` COMMENT '${comment.replace(/'/g, "\\'")}'` : '';
  return `${typeSql(f.dataType)}${f.nullable ? '' : ' NOT NULL'}${c}`;
}

/** Spark's `StructType.toDDL`: `` word STRING,`my col` BIGINT NOT NULL `` (comma without space, names quoted only when needed). */
export function toDDL(schema: StructType): string {
  return schema.fields.map((f) => `${quoteIfNeeded(f.name)} ${fieldSuffix(f)}`).join(',');
}
