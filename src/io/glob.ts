/**
 * A small glob matcher for input paths (Node 20 has no fs.glob): `*` and `?`
 * within one path segment, `[abc]` / `[a-z]` / `[!a]` classes, `{a,b}`
 * alternatives, and `**` for any number of directories.
 */

/** True when `s` contains glob syntax. */
export function hasGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

/** A regular expression source matching one path segment against `pattern`. */
function segmentSource(p: string): string {
  let out = '';
  let i = 0;
  let braces = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        let body = p.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (c === '{') { out += '(?:'; braces++; }
    else if (c === '}' && braces > 0) { out += ')'; braces--; }
    else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && i + 1 < p.length) { out += '\\' + p[i + 1]; i++; }
    else out += c.replace(/[.+^$()|\\]/g, '\\$&');
    i++;
  }
  return out;
}

/** Compiles a whole glob (segments separated by `/`) into a RegExp over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  const segs = glob.split('/');
  let src = '';
  segs.forEach((seg, k) => {
    if (seg === '**') {
      // Zero or more whole directories.
      src += k === segs.length - 1 ? '.*' : '(?:[^/]+/)*';
      return;
    }
    src += segmentSource(seg) + (k < segs.length - 1 ? '/' : '');
  });
  return new RegExp('^' + src + '$');
}

/** Splits a glob into the longest glob-free directory prefix and the rest. */
export function globBase(glob: string): { base: string; rest: string } {
  const segs = glob.split('/');
  const k = segs.findIndex((s) => hasGlob(s));
  if (k < 0) return { base: glob, rest: '' };
  const base = segs.slice(0, k).join('/');
  return { base: base === '' ? (glob.startsWith('/') ? '/' : '.') : base, rest: segs.slice(k).join('/') };
}
