import { ArrayType, BooleanType, IntegerType, StringType } from '../../core/types.js';
import { coerceArg, constValue, literalArg, runtimeError } from './checks.js';
import type { ScalarFunction } from './function.js';
import { compileJavaRegex, javaReplacement, likeToRegex } from './java-regex.js';
import { register, registerAlias } from './registry.js';
import { cpChars, cpLength } from './text.js';

/**
 * Regex-based string functions: split, regexp_replace, regexp_extract, rlike,
 * like. A constant pattern is compiled once at resolve time; a pattern from a
 * column is compiled per distinct value through a small cache.
 */

const S = StringType;
const CACHE_LIMIT = 64;

/** Returns pattern → RegExp, compiled once when the pattern argument is constant. */
function regexSource(fn: string, pattern: unknown, flags: string, compile = compileJavaRegex): (p: string) => RegExp {
  if (typeof pattern === 'string') {
    const re = compile(pattern, fn, flags);
    return () => re;
  }
  const cache = new Map<string, RegExp>();
  return (p: string) => {
    let re = cache.get(p);
    if (!re) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      re = compile(p, fn, flags);
      cache.set(p, re);
    }
    return re;
  };
}

/**
 * Java's Pattern.split with Spark's twist: limit <= 0 keeps trailing empty
 * strings (Spark maps 0 to -1), and an empty pattern splits into characters
 * without a trailing empty string.
 */
export function javaSplit(s: string, re: RegExp, limit: number): string[] {
  if (re.source === '(?:)' && s.length > 0) {
    const cs = cpChars(s);
    const n = limit > cs.length || limit <= 0 ? cs.length : limit;
    return [...cs.slice(0, n - 1), cs.slice(n - 1).join('')];
  }
  const out: string[] = [];
  const limited = limit > 0;
  let index = 0;
  let matched = false;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) re.lastIndex++;
    if (limited && out.length >= limit - 1) break;
    // A zero-width match at the very start never yields a leading empty string (Java 8+).
    if (end === 0 && start === 0) continue;
    matched = true;
    out.push(s.slice(index, start));
    index = end;
    if (re.lastIndex > s.length) break;
  }
  if (!matched) return [s];
  out.push(s.slice(index));
  return out;
}

/**
 * The separator when split(str, pattern, limit) can split like String.prototype.split: a literal
 * pattern with no regex syntax and no positive limit (Java's split with a negative limit keeps
 * trailing empty strings too), so no regex runs per row. undefined otherwise.
 */
export function plainSplitSeparator(pattern: unknown, limit: unknown): string | undefined {
  return typeof pattern === 'string' && pattern !== '' && !/[\\^$.|?*+()[\]{}]/.test(pattern) && typeof limit === 'number' && limit <= 0 ? pattern : undefined;
}

const split: ScalarFunction = {
  name: 'split', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const argTypes = [coerceArg('split', 0, args[0]!, S), coerceArg('split', 1, args[1]!, S)];
    if (args[2]) argTypes.push(coerceArg('split', 2, args[2], IntegerType));
    const pattern = plainSplitSeparator(constValue(args[1]), args[2] === undefined ? -1 : constValue(args[2]));
    if (pattern !== undefined) return { type: ArrayType(S, false), argTypes, impl: (s: string) => s.split(pattern) };
    const re = regexSource('split', pattern, 'g');
    return { type: ArrayType(S, false), argTypes, impl: (s: string, p: string, lim = -1) => javaSplit(s, re(p), lim) };
  },
};

const regexpReplace: ScalarFunction = {
  name: 'regexp_replace', minArgs: 3, maxArgs: 4,
  resolve(args) {
    const argTypes = args.map((a, i) => coerceArg('regexp_replace', i, a, i === 3 ? IntegerType : S));
    const re = regexSource('regexp_replace', constValue(args[1]), 'g');
    const constRep = constValue(args[2]);
    const fixedRep = typeof constRep === 'string' ? javaReplacement(constRep) : undefined;
    return {
      type: S, argTypes,
      impl: (s: string, p: string, rep: string, pos = 1) => {
        if (pos < 1) throw runtimeError('INVALID_PARAMETER_VALUE', `regexp_replace(): position must be >= 1, got ${pos}.`);
        const r = re(p);
        r.lastIndex = 0;
        const jsRep = fixedRep ?? javaReplacement(rep);
        if (pos === 1) return s.replace(r, jsRep);
        const head = Array.from(s).slice(0, pos - 1).join('');
        return head + s.slice(head.length).replace(r, jsRep);
      },
    };
  },
};

function groupIndexError(fn: string, idx: number, groups: number): Error {
  return runtimeError('INVALID_PARAMETER_VALUE',
    `${fn}(): group index ${idx} is out of range; the regex has ${groups} group(s). Use an index from 0 to ${groups}.`);
}

/** regexp_extract(str, regex[, idx = 1]): the idx-th group of the first match; '' when nothing matches or the group did not take part. */
const regexpExtract: ScalarFunction = {
  name: 'regexp_extract', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const argTypes = args.map((a, i) => coerceArg('regexp_extract', i, a, i === 2 ? IntegerType : S));
    const re = regexSource('regexp_extract', constValue(args[1]), '');
    return {
      type: S, argTypes,
      impl: (s: string, p: string, idx = 1) => {
        const r = re(p);
        const m = r.exec(s);
        if (m === null) return '';
        // Like Spark, the group index is checked only once something matched.
        if (idx < 0 || idx >= m.length) throw groupIndexError('regexp_extract', idx, m.length - 1);
        return m[idx] ?? '';
      },
    };
  },
};

/** regexp_extract_all(str, regex[, idx = 1]): the idx-th group of every match. */
const regexpExtractAll: ScalarFunction = {
  name: 'regexp_extract_all', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const argTypes = args.map((a, i) => coerceArg('regexp_extract_all', i, a, i === 2 ? IntegerType : S));
    const re = regexSource('regexp_extract_all', constValue(args[1]), 'g');
    return {
      type: ArrayType(S, true), argTypes,
      impl: (s: string, p: string, idx = 1) => {
        const out: string[] = [];
        for (const m of s.matchAll(re(p))) {
          if (idx < 0 || idx >= m.length) throw groupIndexError('regexp_extract_all', idx, m.length - 1);
          out.push(m[idx] ?? '');
        }
        return out;
      },
    };
  },
};

/** regexp_count(str, regexp): the number of matches. */
const regexpCount: ScalarFunction = {
  name: 'regexp_count', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const re = regexSource('regexp_count', constValue(args[1]), 'g');
    return { type: IntegerType, argTypes: args.map((a, i) => coerceArg('regexp_count', i, a, S)), impl: (s: string, p: string) => { let n = 0; for (const _ of s.matchAll(re(p))) n++; return n; } };
  },
};

/** regexp_substr(str, regexp): the first match, null when there is none. */
const regexpSubstr: ScalarFunction = {
  name: 'regexp_substr', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const re = regexSource('regexp_substr', constValue(args[1]), '');
    return { type: S, nullable: true, argTypes: args.map((a, i) => coerceArg('regexp_substr', i, a, S)), impl: (s: string, p: string) => { const m = re(p).exec(s); return m === null || m[0] === '' ? null : m[0]; } };
  },
};

/** regexp_instr(str, regexp): 1-based position of the first match, 0 when there is none. */
const regexpInstr: ScalarFunction = {
  name: 'regexp_instr', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const re = regexSource('regexp_instr', constValue(args[1]), '');
    return {
      type: IntegerType, argTypes: args.map((a, i) => coerceArg('regexp_instr', i, a, i === 2 ? IntegerType : S)),
      impl: (s: string, p: string) => { const m = re(p).exec(s); return m === null ? 0 : cpLength(s.slice(0, m.index)) + 1; },
    };
  },
};

/** rlike: Java's Matcher.find, i.e. the regex may match anywhere in the string. */
const rlike: ScalarFunction = {
  name: 'rlike', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const argTypes = args.map((a, i) => coerceArg('rlike', i, a, S));
    const re = regexSource('rlike', constValue(args[1]), '');
    return { type: BooleanType, argTypes, impl: (s: string, p: string) => re(p).test(s), display: `RLIKE(${args[0]!.display}, ${args[1]!.display})` };
  },
};

function likeFunction(name: 'like' | 'ilike'): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 3,
    resolve(args) {
      const argTypes = args.slice(0, 2).map((a, i) => coerceArg(name, i, a, S));
      const esc = args[2] ? literalArg<string>(name, 2, args[2], 'escape character') : '\\';
      if (typeof esc !== 'string' || cpLength(esc) !== 1) {
        throw runtimeError('INVALID_ESCAPE_CHAR', `${name}(): the escape must be a single character, got '${String(esc)}'.`);
      }
      const compile = (p: string, fn: string) => {
        const re = likeToRegex(name === 'ilike' ? p.toLowerCase() : p, esc, fn);
        return re;
      };
      const re = regexSource(name, constValue(args[1]), '', compile);
      const impl = name === 'ilike'
        ? (s: string, p: string) => re(p.toLowerCase()).test(s.toLowerCase())
        : (s: string, p: string) => re(p).test(s);
      return { type: BooleanType, argTypes, impl, display: `${args[0]!.display} ${name.toUpperCase()} ${args[1]!.display}` };
    },
  };
}

register(split, regexpReplace, regexpExtract, regexpExtractAll, regexpCount, regexpSubstr, regexpInstr, rlike, likeFunction('like'), likeFunction('ilike'));
registerAlias('regexp', 'rlike');
registerAlias('regexp_like', 'rlike');
