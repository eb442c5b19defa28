/**
 * A CSV record splitter that scans the decoded text once. Unquoted fields are
 * sliced straight out of the text (no per-character string building), which
 * is the common case; quoted fields handle the separator, newlines (in
 * multiLine mode), doubled quotes (`""`) and the escape character (`\"`).
 */
export interface CsvTokenizerSettings {
  readonly sep: string;
  /** '' turns quoting off. */
  readonly quote: string;
  readonly escape: string;
  /** '' means no comment lines. */
  readonly comment: string;
  readonly multiLine: boolean;
  readonly ignoreLeadingWhiteSpace: boolean;
  readonly ignoreTrailingWhiteSpace: boolean;
  /** What a quoted empty field reads as (Spark's `emptyValue`). */
  readonly emptyValue: string;
}

/**
 * Called once per record with its fields (an unquoted empty field is null),
 * the record's raw text and its 1-based first line. `fields` is reused
 * between calls: copy what you keep. Return false to stop.
 */
export type RecordCallback = (fields: (string | null)[], raw: string, line: number) => boolean | void;

const NL = 10;
const CR = 13;

export function tokenizeCsv(text: string, s: CsvTokenizerSettings, onRecord: RecordCallback): void {
  const n = text.length;
  const sep = s.sep.charCodeAt(0);
  const quote = s.quote === '' ? -1 : s.quote.charCodeAt(0);
  const escape = s.escape === '' ? -1 : s.escape.charCodeAt(0);
  const comment = s.comment === '' ? -1 : s.comment.charCodeAt(0);
  const fields: (string | null)[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  let line = 1;

  while (pos < n) {
    const c0 = text.charCodeAt(pos);
    // Spark skips empty lines and comment lines entirely.
    if (c0 === NL || c0 === CR) {
      pos += c0 === CR && text.charCodeAt(pos + 1) === NL ? 2 : 1;
      line++;
      continue;
    }
    if (c0 === comment) {
      while (pos < n && text.charCodeAt(pos) !== NL && text.charCodeAt(pos) !== CR) pos++;
      continue;
    }
    const recStart = pos;
    const recLine = line;
    fields.length = 0;
    let atEnd = false;
    while (!atEnd) {
      if (s.ignoreLeadingWhiteSpace) while (pos < n && isSpace(text.charCodeAt(pos))) pos++;
      let value: string | null;
      if (pos < n && text.charCodeAt(pos) === quote) {
        pos++;
        let buf = '';
        let segStart = pos;
        for (;;) {
          if (pos >= n) { buf += text.slice(segStart, pos); break; }
          const c = text.charCodeAt(pos);
          if (c === escape && escape !== quote && pos + 1 < n && (text.charCodeAt(pos + 1) === quote || text.charCodeAt(pos + 1) === escape)) {
            buf += text.slice(segStart, pos) + text[pos + 1];
            pos += 2;
            segStart = pos;
          } else if (c === quote) {
            if (text.charCodeAt(pos + 1) === quote) {
              buf += text.slice(segStart, pos + 1);
              pos += 2;
              segStart = pos;
            } else {
              buf += text.slice(segStart, pos);
              pos++;
              break;
            }
          } else if ((c === NL || c === CR) && !s.multiLine) {
            // Line mode: a record never crosses a newline, even inside quotes.
            buf += text.slice(segStart, pos);
            break;
          } else {
            if (c === NL || (c === CR && text.charCodeAt(pos + 1) !== NL)) line++;
            pos++;
          }
        }
        // Text between the closing quote and the separator belongs to the field.
        const tailStart = pos;
        while (pos < n) {
          const c = text.charCodeAt(pos);
          if (c === sep || c === NL || c === CR) break;
          pos++;
        }
        if (pos > tailStart) buf += s.ignoreTrailingWhiteSpace ? text.slice(tailStart, pos).trimEnd() : text.slice(tailStart, pos);
        value = buf === '' ? s.emptyValue : buf;
      } else {
        const start = pos;
        while (pos < n) {
          const c = text.charCodeAt(pos);
          if (c === sep || c === NL || c === CR) break;
          pos++;
        }
        let end = pos;
        if (s.ignoreTrailingWhiteSpace) while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
        value = end > start ? text.slice(start, end) : null;
      }
      fields.push(value);
      if (pos < n && text.charCodeAt(pos) === sep) {
        pos++;
        continue;
      }
      atEnd = true;
    }
    const raw = text.slice(recStart, pos);
    if (pos < n) {
      pos += text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === NL ? 2 : 1;
      line++;
    }
    if (onRecord(fields, raw, recLine) === false) return;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}
