import { ArrayType, BinaryType, BooleanType, IntegerType, StringType, simpleString, widerType, type DataType } from '../../core/types.js';
import { argTypeError, coerceArg, simpleFunction } from './checks.js';
import type { Resolution, ScalarFunction } from './function.js';
import { register, registerAlias } from './registry.js';
import { cpChars, cpIndexOf, cpLength, cpSlice } from './text.js';

/**
 * String functions under Spark's names. Positions and lengths count Unicode
 * code points as Spark does; arguments of other atomic types are implicitly
 * cast to string first (so `upper(1)` is "1").
 */

const S = StringType;

const lower = simpleFunction('lower', [S], S, (s: string) => s.toLowerCase(), { inline: (x) => `${x[0]}.toLowerCase()` });
const upper = simpleFunction('upper', [S], S, (s: string) => s.toUpperCase(), { inline: (x) => `${x[0]}.toUpperCase()` });

/** Characters trimmed by trim/ltrim/rtrim: Spark's UTF8String.trim removes ASCII spaces only, not tabs or newlines. */
function trimFunction(name: 'trim' | 'ltrim' | 'rtrim'): ScalarFunction {
  const left = name !== 'rtrim';
  const right = name !== 'ltrim';
  return {
    name, minArgs: 1, maxArgs: 2,
    resolve(args): Resolution {
      const argTypes = args.map((a, i) => coerceArg(name, i, a, S));
      if (args.length === 1) {
        const re = left && right ? /^ +| +$/g : left ? /^ +/ : / +$/;
        return { type: S, argTypes, impl: (s: string) => s.replace(re, '') };
      }
      // trim(str, trimStr): strip any of the characters of trimStr from the ends.
      return {
        type: S, argTypes,
        impl: (s: string, chars: string) => {
          const set = new Set(cpChars(chars));
          const cs = cpChars(s);
          let a = 0;
          let b = cs.length;
          if (left) while (a < b && set.has(cs[a]!)) a++;
          if (right) while (b > a && set.has(cs[b - 1]!)) b--;
          return cs.slice(a, b).join('');
        },
      };
    },
  };
}

const length: ScalarFunction = {
  name: 'length', minArgs: 1, maxArgs: 1,
  resolve(args) {
    if (args[0]!.type.kind === 'binary') return { type: IntegerType, impl: (b: Uint8Array) => b.length };
    return { type: IntegerType, argTypes: [coerceArg('length', 0, args[0]!, S)], impl: cpLength };
  },
};

/** Spark's substringSQL: 1-based; pos 0 acts as 1; a negative pos counts from the end; the window is clipped to the string. */
export function substringSQL(len: number, pos: number, count: number): [number, number] {
  let start = pos > 0 ? pos - 1 : pos < 0 ? len + pos : 0;
  const end = start + count;
  start = Math.max(start, 0);
  return start >= end ? [0, 0] : [start, Math.min(end, len)];
}

const substring: ScalarFunction = {
  name: 'substring', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const bin = args[0]!.type.kind === 'binary';
    const argTypes = [bin ? BinaryType : coerceArg('substring', 0, args[0]!, S), coerceArg('substring', 1, args[1]!, IntegerType)];
    if (args[2]) argTypes.push(coerceArg('substring', 2, args[2], IntegerType));
    if (bin) {
      return { type: BinaryType, argTypes, impl: (b: Uint8Array, pos: number, n = 2147483647) => { const [s, e] = substringSQL(b.length, pos, n); return b.slice(s, e); } };
    }
    return {
      type: S, argTypes,
      impl: (s: string, pos: number, n = 2147483647) => { const [a, e] = substringSQL(cpLength(s), pos, n); return cpSlice(s, a, e); },
    };
  },
};

const concat: ScalarFunction = {
  name: 'concat', minArgs: 0, maxArgs: Infinity,
  resolve(args) {
    if (args.length > 0 && args.every((a) => a.type.kind === 'array' || a.type.kind === 'null') && args.some((a) => a.type.kind === 'array')) {
      let t: DataType | undefined;
      for (let i = 0; i < args.length; i++) {
        const w: DataType | undefined = t === undefined ? args[i]!.type : widerType(t, args[i]!.type);
        if (!w) throw argTypeError('concat', i, args[i]!, `an array like ${simpleString(t!)}`);
        t = w;
      }
      const rt = t!;
      return { type: rt, argTypes: args.map(() => rt), impl: (...xs: unknown[][]) => ([] as unknown[]).concat(...xs) };
    }
    if (args.length > 0 && args.every((a) => a.type.kind === 'binary')) {
      return {
        type: BinaryType,
        impl: (...bs: Uint8Array[]) => {
          const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
          let off = 0;
          for (const b of bs) { out.set(b, off); off += b.length; }
          return out;
        },
      };
    }
    return { type: S, argTypes: args.map((a, i) => coerceArg('concat', i, a, S)), impl: (...xs: string[]) => xs.join('') };
  },
};

/** concat_ws(sep, ...): skips null arguments and null array elements; null only when sep is null. */
const concatWs: ScalarFunction = {
  name: 'concat_ws', minArgs: 1, maxArgs: Infinity,
  resolve(args) {
    const argTypes = args.map((a, i) => {
      if (i > 0 && a.type.kind === 'array') {
        if (a.type.elementType.kind === 'array' || a.type.elementType.kind === 'map' || a.type.elementType.kind === 'struct') {
          throw argTypeError('concat_ws', i, a, 'string or array<string>');
        }
        return ArrayType(S);
      }
      return coerceArg('concat_ws', i, a, S, 'string or array<string>');
    });
    return {
      type: S, argTypes, nullSafe: true, nullable: args[0]!.nullable,
      impl: (sep: string | null, ...xs: (string | (string | null)[] | null)[]) => {
        if (sep === null) return null;
        const parts: string[] = [];
        for (const x of xs) {
          if (x === null) continue;
          if (typeof x === 'string') parts.push(x);
          else for (const e of x) if (e !== null) parts.push(e);
        }
        return parts.join(sep);
      },
    };
  },
};

const instr = simpleFunction('instr', [S, S], IntegerType, (s: string, sub: string) => cpIndexOf(s, sub) + 1);

/** locate(substr, str[, pos]): 1-based; 0 when absent or pos < 1, and 0 (not null) when pos is null, as Spark does. */
const locate: ScalarFunction = {
  name: 'locate', minArgs: 2, maxArgs: 3,
  resolve(args) {
    const argTypes = [coerceArg('locate', 0, args[0]!, S), coerceArg('locate', 1, args[1]!, S)];
    if (args[2]) argTypes.push(coerceArg('locate', 2, args[2], IntegerType));
    return {
      type: IntegerType, argTypes, nullSafe: true, nullable: args[0]!.nullable || args[1]!.nullable,
      impl: (sub: string | null, s: string | null, pos: number | null = 1) => {
        if (pos === null) return 0;
        if (sub === null || s === null) return null;
        return pos < 1 ? 0 : cpIndexOf(s, sub, pos - 1) + 1;
      },
    };
  },
};

function pad(name: 'lpad' | 'rpad'): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 3,
    resolve(args) {
      // Binary input with a binary pad (or none: zero bytes) pads bytes, as Spark's BinaryPad.
      if (args[0]!.type.kind === 'binary' && (args[2] === undefined || args[2].type.kind === 'binary')) {
        return {
          type: BinaryType, argTypes: [undefined, coerceArg(name, 1, args[1]!, IntegerType)],
          impl: (b: Uint8Array, len: number, p: Uint8Array = ZERO_BYTE) => padBytes(name, b, len, p),
        };
      }
      const argTypes = [coerceArg(name, 0, args[0]!, S), coerceArg(name, 1, args[1]!, IntegerType)];
      if (args[2]) argTypes.push(coerceArg(name, 2, args[2], S));
      return {
        type: S, argTypes,
        impl: (s: string, len: number, p = ' ') => {
          const n = cpLength(s);
          if (len - n <= 0 || p.length === 0) return len <= 0 ? '' : cpSlice(s, 0, len);
          const pc = cpChars(p);
          const fill: string[] = [];
          for (let i = 0; i < len - n; i++) fill.push(pc[i % pc.length]!);
          return name === 'lpad' ? fill.join('') + s : s + fill.join('');
        },
      };
    },
  };
}

const ZERO_BYTE = new Uint8Array(1);

function padBytes(name: 'lpad' | 'rpad', b: Uint8Array, len: number, p: Uint8Array): Uint8Array {
  if (len <= 0) return new Uint8Array(0);
  if (len <= b.length || p.length === 0) return b.subarray(0, Math.min(len, b.length)).slice();
  const out = new Uint8Array(len);
  const fill = len - b.length;
  const at = name === 'lpad' ? 0 : b.length;
  for (let i = 0; i < fill; i++) out[at + i] = p[i % p.length]!;
  out.set(b, name === 'lpad' ? fill : 0);
  return out;
}

/** initcap: lower-cases, then upper-cases the first letter of each space-separated word (Spark splits on ' ' only). */
const initcap = simpleFunction('initcap', [S], S, (s: string) =>
  s.toLowerCase().replace(/(^|[ ])([^ ])/gu, (_, sp: string, c: string) => sp + c.toUpperCase()));

const reverse: ScalarFunction = {
  name: 'reverse', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = args[0]!.type;
    if (t.kind === 'array') return { type: t, impl: (a: unknown[]) => a.slice().reverse() };
    return { type: S, argTypes: [coerceArg('reverse', 0, args[0]!, S, 'string or array')], impl: (s: string) => cpChars(s).reverse().join('') };
  },
};

const repeat = simpleFunction('repeat', [S, IntegerType], S, (s: string, n: number) => (n <= 0 ? '' : s.repeat(n)));
const ascii = simpleFunction('ascii', [S], IntegerType, (s: string) => (s.length === 0 ? 0 : s.codePointAt(0)!));
const startswith = simpleFunction('startswith', [S, S], BooleanType, (s: string, p: string) => s.startsWith(p));
const endswith = simpleFunction('endswith', [S, S], BooleanType, (s: string, p: string) => s.endsWith(p));
const contains = simpleFunction('contains', [S, S], BooleanType, (s: string, p: string) => s.includes(p));
const replace: ScalarFunction = {
  name: 'replace', minArgs: 2, maxArgs: 3,
  resolve(args) {
    return {
      type: S, argTypes: args.map((a, i) => coerceArg('replace', i, a, S)),
      impl: (s: string, search: string, rep = '') => (search === '' ? s : s.split(search).join(rep)),
    };
  },
};
/** translate(str, from, to): each char of `from` becomes the char at the same index of `to`, or is deleted when `to` is shorter. */
const translate = simpleFunction('translate', [S, S, S], S, (s: string, from: string, to: string) => {
  const f = cpChars(from);
  const t = cpChars(to);
  const m = new Map<string, string>();
  f.forEach((c, i) => { if (!m.has(c)) m.set(c, t[i] ?? ''); });
  return cpChars(s).map((c) => m.get(c) ?? c).join('');
});
const left = simpleFunction('left', [S, IntegerType], S, (s: string, n: number) => (n <= 0 ? '' : cpSlice(s, 0, n)));
const right = simpleFunction('right', [S, IntegerType], S, (s: string, n: number) => {
  if (n <= 0) return '';
  const len = cpLength(s);
  return cpSlice(s, Math.max(0, len - n));
});
const octetLength = simpleFunction('octet_length', [S], IntegerType, (s: string) => Buffer.byteLength(s, 'utf8'));

register(
  lower, upper, trimFunction('trim'), trimFunction('ltrim'), trimFunction('rtrim'), length, substring, concat, concatWs,
  instr, locate, pad('lpad'), pad('rpad'), initcap, reverse, repeat, ascii, startswith, endswith, contains,
  replace, translate, left, right, octetLength,
);
registerAlias('lcase', 'lower');
registerAlias('ucase', 'upper');
registerAlias('substr', 'substring');
registerAlias('char_length', 'length');
registerAlias('character_length', 'length');
registerAlias('len', 'length');
registerAlias('position', 'locate');
