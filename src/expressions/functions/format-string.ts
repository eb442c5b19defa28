import { StringType, type DataType } from '../../core/types.js';
import { formatDouble, toStringFn } from '../cast.js';
import { coerceArg, runtimeError } from './checks.js';
import type { ScalarFunction } from './function.js';
import { roundAbsToString } from './decimal-round.js';
import { register, registerAlias } from './registry.js';

/**
 * format_string / printf: Java's `String.format` for the conversions Spark
 * users write: %s %S %d %f %e %x %X %o %c %b %n %%, with flags `-` `0` `+`
 * space `,` `(`, width, precision and `n$` argument indexes. A null argument
 * prints as "null", as in Java.
 */

const SPEC = /%(\d+\$)?([-#+ 0,(<]*)(\d+)?(\.\d+)?([a-zA-Z%])/g;

interface Arg { readonly value: unknown; readonly type: DataType; readonly str: (v: any) => string }

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function applyNumberFlags(digits: string, negative: boolean, flags: string, width: number): string {
  let body = flags.includes(',') ? (() => { const [i, f] = digits.split('.') as [string, string?]; return group(i) + (f !== undefined ? '.' + f : ''); })() : digits;
  const prefix = negative ? (flags.includes('(') ? '(' : '-') : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const suffix = negative && flags.includes('(') ? ')' : '';
  if (flags.includes('0') && !flags.includes('-')) {
    const padLen = width - prefix.length - body.length - suffix.length;
    if (padLen > 0) body = '0'.repeat(padLen) + body;
  }
  return prefix + body + suffix;
}

function padTo(s: string, width: number, flags: string): string {
  if (s.length >= width) return s;
  return flags.includes('-') ? s + ' '.repeat(width - s.length) : ' '.repeat(width - s.length) + s;
}

function badConversion(conv: string, a: Arg): Error {
  return runtimeError('ILLEGAL_FORMAT_CONVERSION',
    `format_string(): %${conv} cannot format a value of type ${a.type.kind}; use %s, or cast the argument.`);
}

function formatOne(conv: string, flags: string, width: number, prec: number | undefined, a: Arg): string {
  const v = a.value;
  if (v === null && conv !== 'b' && conv !== 'B') return padTo(conv === 'S' ? 'NULL' : 'null', width, flags);
  switch (conv) {
    case 's': case 'S': {
      let s = a.str(v);
      if (prec !== undefined) s = s.slice(0, prec);
      return padTo(conv === 'S' ? s.toUpperCase() : s, width, flags);
    }
    case 'b': case 'B': {
      // Java's %b: false for null, the value for a boolean (stored 0/1 in columns), true for anything else.
      const s = String(v === null ? false : a.type.kind === 'boolean' ? Boolean(v) : true);
      return padTo(conv === 'B' ? s.toUpperCase() : s, width, flags);
    }
    case 'd': {
      if (a.type.kind !== 'int' && a.type.kind !== 'long') throw badConversion(conv, a);
      const n = v as number;
      return padTo(applyNumberFlags(String(Math.abs(n)), n < 0, flags, width), width, flags);
    }
    case 'x': case 'X': case 'o': {
      if (a.type.kind !== 'int' && a.type.kind !== 'long') throw badConversion(conv, a);
      const bits = a.type.kind === 'int' ? 32 : 64;
      const u = BigInt.asUintN(bits, BigInt(v as number));
      let s = u.toString(conv === 'o' ? 8 : 16);
      if (flags.includes('#')) s = (conv === 'o' ? '0' : '0x') + s;
      if (flags.includes('0') && !flags.includes('-')) s = s.padStart(width, '0');
      return padTo(conv === 'X' ? s.toUpperCase() : s, width, flags);
    }
    case 'f': case 'e': case 'E': {
      if (a.type.kind !== 'double' && a.type.kind !== 'float' && a.type.kind !== 'decimal') throw badConversion(conv, a);
      const n = v as number;
      if (!Number.isFinite(n)) return padTo(n !== n ? 'NaN' : n > 0 ? (flags.includes('+') ? '+Infinity' : 'Infinity') : '-Infinity', width, flags);
      const p = prec ?? 6;
      const neg = n < 0 || Object.is(n, -0);
      let digits: string;
      if (conv === 'f') digits = roundAbsToString(n, p, 'HALF_UP', neg);
      else {
        const [m, e] = Math.abs(n).toExponential(p).split('e') as [string, string];
        const ex = Number(e);
        digits = `${m}e${ex < 0 ? '-' : '+'}${String(Math.abs(ex)).padStart(2, '0')}`;
        if (conv === 'E') digits = digits.toUpperCase();
      }
      return padTo(applyNumberFlags(digits, neg, flags, width), width, flags);
    }
    case 'c': {
      const s = typeof v === 'number' ? String.fromCodePoint(v) : typeof v === 'string' && v.length > 0 ? String.fromCodePoint(v.codePointAt(0)!) : null;
      if (s === null) throw badConversion(conv, a);
      return padTo(s, width, flags);
    }
    default:
      throw runtimeError('UNKNOWN_FORMAT_CONVERSION', `format_string(): unknown conversion '%${conv}'; supported: %s %d %f %e %x %o %c %b %n %%.`);
  }
}

/** Formats `fmt` with typed arguments, as Java's String.format. */
export function javaFormat(fmt: string, args: readonly Arg[]): string {
  let next = 0;
  let last = -1;
  return fmt.replace(SPEC, (_m, idx: string | undefined, flags: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === '%') return padTo('%', w ? Number(w) : 0, flags);
    if (conv === 'n') return '\n';
    let i: number;
    if (flags.includes('<')) i = last;
    else if (idx) i = Number(idx.slice(0, -1)) - 1;
    else i = next++;
    last = i;
    const a = args[i];
    if (!a) throw runtimeError('MISSING_FORMAT_ARGUMENT', `format_string(): the format '${fmt}' needs argument ${i + 1}, but only ${args.length} were given.`);
    return formatOne(conv, flags.replace('<', ''), w ? Number(w) : 0, p ? Number(p.slice(1)) : undefined, a);
  });
}

const formatString: ScalarFunction = {
  name: 'format_string', minArgs: 1, maxArgs: Infinity,
  resolve(args) {
    const fmtType = coerceArg('format_string', 0, args[0]!, StringType);
    const types = args.slice(1).map((a) => a.type);
    const strs = types.map((t) => (t.kind === 'double' || t.kind === 'float' ? formatDouble : toStringFn(t)));
    return {
      type: StringType, nullSafe: true, nullable: args[0]!.nullable, argTypes: [fmtType],
      impl: (fmt: string | null, ...vals: unknown[]) => {
        if (fmt === null) return null;
        return javaFormat(fmt, vals.map((value, i) => ({ value, type: types[i]!, str: strs[i]! })));
      },
    };
  },
};

register(formatString);
registerAlias('printf', 'format_string');
