import { AnalysisException } from '../../core/errors.js';
import { BooleanType, comparisonType, simpleString, widerType, type DataType } from '../../core/types.js';
import { equality } from '../compare.js';
import type { ArgInfo, ScalarFunction } from './function.js';
import { register } from './registry.js';

/**
 * Null-handling and conditional functions: coalesce, nvl, nvl2, ifnull,
 * nullif, and `in` (x IN (a, b, ...) with SQL's three-valued result).
 * isnull/isnotnull live with the operators.
 */

/** The common type of the arguments (Spark's type coercion for coalesce and friends); throws naming `fn`. */
export function commonType(fn: string, args: readonly ArgInfo[]): DataType {
  let t: DataType | undefined = args[0]!.type;
  for (let i = 1; i < args.length && t; i++) t = widerType(t, args[i]!.type) ?? stringPromotion(t, args[i]!.type);
  if (!t) {
    throw new AnalysisException('DATATYPE_MISMATCH',
      `${fn}() needs arguments of one type, but got ${args.map((a) => `${a.display} (${simpleString(a.type)})`).join(', ')}; cast them to a common type.`);
  }
  return t;
}

/** Spark lets a string meet another atomic type in coalesce/nvl by turning both into strings. */
function stringPromotion(a: DataType, b: DataType): DataType | undefined {
  const atomic = (t: DataType) => t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'struct' && t.kind !== 'binary';
  return (a.kind === 'string' && atomic(b)) || (b.kind === 'string' && atomic(a)) ? { kind: 'string' } : undefined;
}

const coalesce: ScalarFunction = {
  name: 'coalesce', minArgs: 1, maxArgs: Infinity,
  resolve(args) {
    const t = commonType('coalesce', args);
    return {
      type: t, argTypes: args.map(() => t), nullSafe: true, nullable: args.every((a) => a.nullable),
      impl: (...xs: unknown[]) => { for (const x of xs) if (x !== null) return x; return null; },
    };
  },
};

function twoArgCoalesce(name: string): ScalarFunction {
  return { name, minArgs: 2, maxArgs: 2, resolve: (args, ctx) => ({ ...coalesce.resolve(args, ctx), display: `${name}(${args.map((a) => a.display).join(', ')})` }) };
}

/** nvl2(a, b, c): b when a is not null, else c. */
const nvl2: ScalarFunction = {
  name: 'nvl2', minArgs: 3, maxArgs: 3,
  resolve(args) {
    const t = commonType('nvl2', args.slice(1));
    return {
      type: t, argTypes: [undefined, t, t], nullSafe: true, nullable: args[1]!.nullable || args[2]!.nullable,
      impl: (a: unknown, b: unknown, c: unknown) => (a !== null ? b : c),
    };
  },
};

/** nullif(a, b): null when a = b, else a. */
const nullif: ScalarFunction = {
  name: 'nullif', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = comparisonType(args[0]!.type, args[1]!.type);
    if (!t) throw new AnalysisException('DATATYPE_MISMATCH', `nullif() cannot compare ${args[0]!.display} (${simpleString(args[0]!.type)}) with ${args[1]!.display} (${simpleString(args[1]!.type)}); cast one to the other's type.`);
    const eq = equality(t);
    return {
      type: args[0]!.type.kind === 'null' ? t : args[0]!.type, nullSafe: true, nullable: true, argTypes: [t, t],
      impl: (a: unknown, b: unknown) => (a === null ? null : b !== null && eq(a, b) ? null : a),
    };
  },
};

/** x IN (v1, v2, ...): true on a match; otherwise null when x or any list value is null, else false. */
const inList: ScalarFunction = {
  name: 'in', minArgs: 1, maxArgs: Infinity,
  resolve(args) {
    let t: DataType | undefined = args[0]!.type;
    for (let i = 1; i < args.length && t; i++) t = comparisonType(t, args[i]!.type);
    if (!t) {
      throw new AnalysisException('DATATYPE_MISMATCH',
        `IN needs values of one type as ${args[0]!.display} (${simpleString(args[0]!.type)}), but got ${args.slice(1).map((a) => `${a.display} (${simpleString(a.type)})`).join(', ')}; cast them.`);
    }
    const eq = equality(t);
    const ct = t;
    return {
      type: BooleanType, nullSafe: true, nullable: args.some((a) => a.nullable), argTypes: args.map(() => ct),
      impl: (x: unknown, ...vs: unknown[]) => {
        if (x === null) return null;
        let sawNull = false;
        for (const v of vs) {
          if (v === null) sawNull = true;
          else if (eq(x, v)) return true;
        }
        return sawNull ? null : false;
      },
      display: `(${args[0]!.display} IN (${args.slice(1).map((a) => a.display).join(', ')}))`,
    };
  },
};

register(coalesce, twoArgCoalesce('nvl'), twoArgCoalesce('ifnull'), nvl2, nullif, inList);
