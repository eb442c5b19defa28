import { AnalysisException } from '../../core/errors.js';
import {
  BooleanType, DecimalType, DoubleType, comparisonType, isNumeric, simpleString, widerType,
  type DataType,
} from '../../core/types.js';
import { comparator, equality } from '../compare.js';
import type { ArgInfo, Resolution, ScalarFunction } from './function.js';
import { register } from './registry.js';

/**
 * Operators: arithmetic, comparison and boolean logic, registered under
 * internal names (`add`, `lt`, `and`, ...) that the Column API and the SQL
 * parser map their symbols to. Semantics follow Spark with ANSI mode off:
 * integer overflow wraps, division by zero gives null, `/` is always
 * fractional, AND/OR use three-valued logic.
 */

const SYMBOL: Record<string, string> = {
  add: '+', subtract: '-', multiply: '*', divide: '/', mod: '%',
  eq: '=', neq: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', eqNullSafe: '<=>', and: 'AND', or: 'OR',
};

function binaryDisplay(name: string, args: readonly ArgInfo[]): string {
  return `(${args[0]!.display} ${SYMBOL[name]} ${args[1]!.display})`;
}

/** The operand type of an arithmetic operator; strings are read as doubles, as Spark does. */
function arithmeticType(name: string, a: ArgInfo, b: ArgInfo): DataType {
  const norm = (t: DataType): DataType => (t.kind === 'string' ? DoubleType : t);
  const ta = norm(a.type);
  const tb = norm(b.type);
  const w = widerType(ta, tb);
  if (!w || !(isNumeric(w) || w.kind === 'null')) {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `Cannot apply '${SYMBOL[name]}' to ${a.display} (${simpleString(a.type)}) and ${b.display} (${simpleString(b.type)}); ` +
      `both sides must be numeric: cast them, e.g. col.cast('double').`);
  }
  return w.kind === 'null' ? DoubleType : w;
}

function decimalResult(name: string, a: DataType, b: DataType): DataType {
  const toDec = (t: DataType) => (t.kind === 'decimal' ? t : t.kind === 'int' ? DecimalType(10, 0) : DecimalType(20, 0));
  const x = toDec(a);
  const y = toDec(b);
  const p1 = x.kind === 'decimal' ? x.precision : 10;
  const s1 = x.kind === 'decimal' ? x.scale : 0;
  const p2 = y.kind === 'decimal' ? y.precision : 10;
  const s2 = y.kind === 'decimal' ? y.scale : 0;
  let p: number;
  let s: number;
  switch (name) {
    case 'add': case 'subtract': s = Math.max(s1, s2); p = Math.max(p1 - s1, p2 - s2) + s + 1; break;
    case 'multiply': p = p1 + p2 + 1; s = s1 + s2; break;
    case 'divide': s = Math.max(6, s1 + p2 + 1); p = p1 - s1 + s2 + s; break;
    default: s = Math.max(s1, s2); p = Math.min(p1 - s1, p2 - s2) + s; break;
  }
  if (p > 38) { s = Math.max(Math.min(s, 6), s - (p - 38)); p = 38; }
  return DecimalType(p, s);
}

function arithmetic(name: 'add' | 'subtract' | 'multiply', op: string): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 2,
    resolve(args): Resolution {
      const t = arithmeticType(name, args[0]!, args[1]!);
      const display = binaryDisplay(name, args);
      if (t.kind === 'decimal') {
        const rt = decimalResult(name, args[0]!.type, args[1]!.type);
        const f = 10 ** (rt.kind === 'decimal' ? rt.scale : 0);
        const impl = name === 'add' ? (a: number, b: number) => Math.round((a + b) * f) / f
          : name === 'subtract' ? (a: number, b: number) => Math.round((a - b) * f) / f
          : (a: number, b: number) => Math.round(a * b * f) / f;
        return { type: rt, argTypes: [t, t], impl, display };
      }
      if (t.kind === 'int') {
        const impl = name === 'multiply' ? (a: number, b: number) => Math.imul(a, b)
          : name === 'add' ? (a: number, b: number) => (a + b) | 0 : (a: number, b: number) => (a - b) | 0;
        const inline = name === 'multiply' ? (x: readonly string[]) => `Math.imul(${x[0]}, ${x[1]})` : (x: readonly string[]) => `((${x[0]} ${op} ${x[1]}) | 0)`;
        return { type: t, argTypes: [t, t], impl, inline, display };
      }
      if (t.kind === 'float') {
        const impl = name === 'add' ? (a: number, b: number) => Math.fround(a + b)
          : name === 'subtract' ? (a: number, b: number) => Math.fround(a - b) : (a: number, b: number) => Math.fround(a * b);
        return { type: t, argTypes: [t, t], impl, inline: (x) => `Math.fround(${x[0]} ${op} ${x[1]})`, display };
      }
      const impl = name === 'add' ? (a: number, b: number) => a + b
        : name === 'subtract' ? (a: number, b: number) => a - b : (a: number, b: number) => a * b;
      return { type: t, argTypes: [t, t], impl, inline: (x) => `(${x[0]} ${op} ${x[1]})`, display };
    },
  };
}

const divide: ScalarFunction = {
  name: 'divide', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = arithmeticType('divide', args[0]!, args[1]!);
    const display = binaryDisplay('divide', args);
    if (t.kind === 'decimal') {
      const rt = decimalResult('divide', args[0]!.type, args[1]!.type);
      const f = 10 ** (rt.kind === 'decimal' ? rt.scale : 0);
      return { type: rt, nullable: true, argTypes: [t, t], impl: (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * f) / f), display };
    }
    return { type: DoubleType, nullable: true, argTypes: [DoubleType, DoubleType], impl: (a: number, b: number) => (b === 0 ? null : a / b), display };
  },
};

const mod: ScalarFunction = {
  name: 'mod', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = arithmeticType('mod', args[0]!, args[1]!);
    const rt = t.kind === 'decimal' ? decimalResult('mod', args[0]!.type, args[1]!.type) : t;
    return { type: rt, nullable: true, argTypes: [t, t], impl: (a: number, b: number) => (b === 0 ? null : a % b), display: binaryDisplay('mod', args) };
  },
};

const negate: ScalarFunction = {
  name: 'negative', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const a = args[0]!;
    if (!isNumeric(a.type)) throw new AnalysisException('DATATYPE_MISMATCH', `Cannot negate ${a.display} of type ${simpleString(a.type)}; a numeric value is required.`);
    const impl = a.type.kind === 'int' ? (x: number) => -x | 0 : (x: number) => -x;
    return { type: a.type, impl, inline: a.type.kind === 'int' ? (x) => `(-${x[0]} | 0)` : (x) => `(-${x[0]})`, display: `(- ${a.display})` };
  },
};

function compareType(name: string, a: ArgInfo, b: ArgInfo): DataType {
  const t = comparisonType(a.type, b.type);
  if (!t) {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `Cannot compare ${a.display} (${simpleString(a.type)}) with ${b.display} (${simpleString(b.type)}) using '${SYMBOL[name]}'; ` +
      `cast one side to the other's type.`);
  }
  return t;
}

/**
 * True for types whose values order correctly with JS operators (no NaN, no
 * nesting). Not strings: JS compares UTF-16 code units, Spark compares code
 * points (UTF-8 bytes), so strings go through compareCodePoints.
 */
function plainCompare(t: DataType): boolean {
  return t.kind === 'int' || t.kind === 'long' || t.kind === 'date' || t.kind === 'timestamp' || t.kind === 'boolean';
}

function comparison(name: 'lt' | 'le' | 'gt' | 'ge', op: string, test: (c: number) => boolean): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 2,
    resolve(args) {
      const t = compareType(name, args[0]!, args[1]!);
      const display = binaryDisplay(name, args);
      if (plainCompare(t)) {
        return { type: BooleanType, argTypes: [t, t], impl: new Function('a', 'b', `return a ${op} b;`) as (a: unknown, b: unknown) => boolean, inline: (x) => `(${x[0]} ${op} ${x[1]})`, display };
      }
      const c = comparator(t);
      return { type: BooleanType, argTypes: [t, t], impl: (a: unknown, b: unknown) => test(c(a, b)), display };
    },
  };
}

const eq: ScalarFunction = {
  name: 'eq', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = compareType('eq', args[0]!, args[1]!);
    const display = binaryDisplay('eq', args);
    if (plainCompare(t) || t.kind === 'string') return { type: BooleanType, argTypes: [t, t], impl: (a: unknown, b: unknown) => a === b, inline: (x) => `(${x[0]} === ${x[1]})`, display };
    return { type: BooleanType, argTypes: [t, t], impl: equality(t), display };
  },
};

const neq: ScalarFunction = {
  name: 'neq', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const r = eq.resolve(args, ctx);
    const e = r.impl;
    return { ...r, impl: (a: unknown, b: unknown) => !e(a, b), inline: r.inline && ((x) => `!${r.inline!(x)}`), display: binaryDisplay('neq', args) };
  },
};

const eqNullSafe: ScalarFunction = {
  name: 'eqNullSafe', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = compareType('eqNullSafe', args[0]!, args[1]!);
    const e = equality(t);
    return {
      type: BooleanType, nullable: false, nullSafe: true, argTypes: [t, t],
      impl: (a: unknown, b: unknown) => (a === null ? b === null : b !== null && e(a, b)),
      display: binaryDisplay('eqNullSafe', args),
    };
  },
};

function requireBoolean(fn: string, args: readonly ArgInfo[]): void {
  args.forEach((a) => {
    if (a.type.kind !== 'boolean' && a.type.kind !== 'null') {
      throw new AnalysisException('DATATYPE_MISMATCH', `${fn} needs boolean operands, but ${a.display} has type ${simpleString(a.type)}; compare it to something, e.g. col.gt(0).`);
    }
  });
}

/** SQL three-valued AND: false wins over null. */
const and: ScalarFunction = {
  name: 'and', minArgs: 2, maxArgs: 2,
  resolve(args) {
    requireBoolean('AND', args);
    return {
      type: BooleanType, nullable: args.some((a) => a.nullable), nullSafe: true, argTypes: [BooleanType, BooleanType],
      impl: (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true),
      display: binaryDisplay('and', args),
    };
  },
};

/** SQL three-valued OR: true wins over null. */
const or: ScalarFunction = {
  name: 'or', minArgs: 2, maxArgs: 2,
  resolve(args) {
    requireBoolean('OR', args);
    return {
      type: BooleanType, nullable: args.some((a) => a.nullable), nullSafe: true, argTypes: [BooleanType, BooleanType],
      impl: (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === null || b === null ? null : false),
      display: binaryDisplay('or', args),
    };
  },
};

const not: ScalarFunction = {
  name: 'not', minArgs: 1, maxArgs: 1,
  resolve(args) {
    requireBoolean('NOT', args);
    return { type: BooleanType, argTypes: [BooleanType], impl: (a: boolean) => !a, inline: (x) => `!${x[0]}`, display: `(NOT ${args[0]!.display})` };
  },
};

const isnull: ScalarFunction = {
  name: 'isnull', minArgs: 1, maxArgs: 1,
  resolve(args) {
    return { type: BooleanType, nullable: false, nullSafe: true, impl: (a: unknown) => a === null, display: `(${args[0]!.display} IS NULL)` };
  },
};

const isnotnull: ScalarFunction = {
  name: 'isnotnull', minArgs: 1, maxArgs: 1,
  resolve(args) {
    return { type: BooleanType, nullable: false, nullSafe: true, impl: (a: unknown) => a !== null, display: `(${args[0]!.display} IS NOT NULL)` };
  },
};

register(
  arithmetic('add', '+'), arithmetic('subtract', '-'), arithmetic('multiply', '*'), divide, mod, negate,
  eq, neq, eqNullSafe,
  comparison('lt', '<', (c) => c < 0), comparison('le', '<=', (c) => c <= 0),
  comparison('gt', '>', (c) => c > 0), comparison('ge', '>=', (c) => c >= 0),
  and, or, not, isnull, isnotnull,
);
