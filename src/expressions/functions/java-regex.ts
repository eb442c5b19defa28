import { AnalysisException } from '../../core/errors.js';

/**
 * Java regular expressions (what Spark's rlike, regexp_replace and split use)
 * on top of JS RegExp. The two dialects agree on the common syntax; this
 * handles the differences that show up in practice: leading inline flags
 * such as `(?i)`, possessive quantifiers are rejected with a clear message,
 * and Java's replacement syntax (`$1`, `\$`) is translated.
 */

const INLINE_FLAGS = /^\(\?([imsux]*)(?:-([imsux]*))?\)/;

/** Compiles a Java pattern to a JS RegExp with the given extra flags (e.g. 'g'); names `fn` in errors. */
export function compileJavaRegex(pattern: string, fn: string, extraFlags = ''): RegExp {
  let src = pattern;
  let flags = extraFlags;
  const m = INLINE_FLAGS.exec(src);
  if (m) {
    src = src.slice(m[0].length);
    for (const f of m[1]!) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      if (f === 's' && !flags.includes('s')) flags += 's';
      if (f === 'm' && !flags.includes('m')) flags += 'm';
    }
    // `(?-i)`, `(?i-s)`: flags after the minus are turned off (they are off by default).
    for (const f of m[2] ?? '') flags = flags.replace(f, '');
  }
  // Java's \Q...\E quoting has no JS form: escape the quoted text instead.
  src = src.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, q: string) => q.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  // \z and \Z (end of input) → $ without the multiline flag.
  src = src.replace(/(^|[^\\])((?:\\\\)*)\\[zZ]/g, '$1$2$');
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new AnalysisException('INVALID_REGEX',
      `${fn}(): the regular expression '${pattern}' is not valid (${(e as Error).message}); ` +
      `check the pattern, and escape special characters such as '.', '(' or '[' with a backslash.`, { cause: e });
  }
}

/**
 * Translates a Java replacement string (`$1`, `${name}`, `\$` for a literal
 * dollar, `\\` for a backslash) into a JS replacement string.
 */
export function javaReplacement(rep: string): string {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '\\' && i + 1 < rep.length) {
      const n = rep[++i]!;
      out += n === '$' ? '$$' : n;
    } else if (c === '$') {
      const g = /^\$(\d+|\{[A-Za-z][A-Za-z0-9]*\})/.exec(rep.slice(i));
      if (!g) out += '$$';
      else {
        out += g[1]!.startsWith('{') ? `$<${g[1]!.slice(1, -1)}>` : `$${g[1]}`;
        i += g[0].length - 1;
      }
    } else out += c;
  }
  return out;
}

/** Converts a SQL LIKE pattern (`%`, `_`, escape char) to an anchored RegExp; rejects a bad escape as Spark does. */
export function likeToRegex(pattern: string, escape = '\\', fn = 'like'): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === escape) {
      const n = pattern[i + 1];
      if (n === undefined || (n !== '_' && n !== '%' && n !== escape)) {
        throw new AnalysisException('INVALID_LIKE_PATTERN',
          `${fn}(): the pattern '${pattern}' is invalid: the escape character '${escape}' may only precede '_', '%' or itself; ` +
          `write '${escape}${escape}' for a literal '${escape}'.`);
      }
      src += n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else if (c === '%') src += '[\\s\\S]*';
    else if (c === '_') src += '[\\s\\S]';
    else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'u');
}
