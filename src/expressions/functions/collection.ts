import { AnalysisException } from '../../core/errors.js';
import {
  ArrayType, BooleanType, IntegerType, LongType, NullType, StringType, StructField, StructType, simpleString, type DataType,
} from '../../core/types.js';
import { comparator, compareNullable, equality } from '../compare.js';
import { argTypeError, coerceArg, literalArg, runtimeError } from './checks.js';
import { commonType } from './conditional.js';
import type { ArgInfo, ScalarFunction } from './function.js';
import { register, registerAlias } from './registry.js';

/**
 * Array and struct functions. Arrays are plain JS arrays (null elements as
 * null), structs positional arrays. Index conventions follow Spark:
 * element_at and slice are 1-based with negative indexes from the end,
 * extract_value (Column.getItem) is 0-based.
 */

function arrayArg(fn: string, i: number, a: ArgInfo): DataType & { kind: 'array' } {
  if (a.type.kind === 'array') return a.type;
  if (a.type.kind === 'null') return ArrayType(NullType);
  throw argTypeError(fn, i, a, 'array');
}

/** True when values of `t` can be compared with `===` / found with a JS Set or Map. */
export function isPlainKey(t: DataType): boolean {
  switch (t.kind) {
    case 'string': case 'int': case 'long': case 'date': case 'timestamp': case 'boolean': case 'double': case 'float': case 'decimal':
      return true;
    default: return false;
  }
}

const array: ScalarFunction = {
  name: 'array', minArgs: 0, maxArgs: Infinity,
  resolve(args) {
    const el = args.length === 0 ? NullType : commonType('array', args);
    return {
      type: ArrayType(el, args.some((a) => a.nullable)), nullable: false, nullSafe: true, argTypes: args.map(() => el),
      impl: (...xs: unknown[]) => xs,
    };
  },
};

/** size(x): elements of an array or entries of a map; -1 for null (spark.sql.legacy.sizeOfNull=true, the 3.5 default). */
const size: ScalarFunction = {
  name: 'size', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const k = args[0]!.type.kind;
    if (k !== 'array' && k !== 'map' && k !== 'null') throw argTypeError('size', 0, args[0]!, 'array or map');
    return {
      type: IntegerType, nullable: false, nullSafe: true,
      impl: (x: unknown[] | Map<unknown, unknown> | null) => (x === null ? -1 : Array.isArray(x) ? x.length : x.size),
    };
  },
};

/** The element type widened with the searched value's type, for array_contains / array_position. */
function searchTypes(fn: string, args: readonly ArgInfo[]): [DataType, DataType] {
  const at = arrayArg(fn, 0, args[0]!);
  const v = args[1]!.type;
  const el = commonType(fn, [{ ...args[0]!, type: at.elementType }, args[1]!]);
  if (v.kind !== 'null' && el.kind !== v.kind && at.elementType.kind !== 'null' && el.kind !== at.elementType.kind) {
    throw argTypeError(fn, 1, args[1]!, simpleString(at.elementType));
  }
  return [ArrayType(el, at.containsNull), el];
}

const arrayContains: ScalarFunction = {
  name: 'array_contains', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const [at, el] = searchTypes('array_contains', args);
    const eq = equality(el);
    return {
      type: BooleanType, argTypes: [at, el],
      impl: (arr: unknown[], v: unknown) => {
        let sawNull = false;
        for (const x of arr) {
          if (x === null) sawNull = true;
          else if (eq(x, v)) return true;
        }
        return sawNull ? null : false;
      },
    };
  },
};

const arrayPosition: ScalarFunction = {
  name: 'array_position', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const [at, el] = searchTypes('array_position', args);
    const eq = equality(el);
    return {
      type: LongType, argTypes: [at, el],
      impl: (arr: unknown[], v: unknown) => { for (let i = 0; i < arr.length; i++) if (arr[i] !== null && eq(arr[i], v)) return i + 1; return 0; },
    };
  },
};

/** A lookup of key `k` in a map value, by `===` for plain keys, else by Spark equality. */
export function mapLookup(keyType: DataType): (m: Map<unknown, unknown>, k: unknown) => unknown {
  if (isPlainKey(keyType)) return (m, k) => { const v = m.get(k); return v === undefined ? null : v; };
  const eq = equality(keyType);
  return (m, k) => { for (const [a, b] of m) if (eq(a, k)) return b; return null; };
}

/** element_at(array, i) 1-based, negative from the end, null when out of range; element_at(map, key). */
const elementAt: ScalarFunction = {
  name: 'element_at', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = args[0]!.type;
    if (t.kind === 'map') {
      const kt = coerceArg('element_at', 1, args[1]!, t.keyType);
      return { type: t.valueType, nullable: true, argTypes: [t, kt], impl: mapLookup(t.keyType) };
    }
    const at = arrayArg('element_at', 0, args[0]!);
    return {
      type: at.elementType, nullable: true, argTypes: [at, coerceArg('element_at', 1, args[1]!, IntegerType)],
      impl: (arr: unknown[], i: number) => {
        if (i === 0) throw runtimeError('INVALID_INDEX_OF_ZERO', 'element_at(): SQL array indices start at 1; index 0 is invalid. Use 1 for the first element or -1 for the last.');
        const j = i > 0 ? i - 1 : arr.length + i;
        return j >= 0 && j < arr.length ? arr[j] : null;
      },
    };
  },
};

/** extract_value(x, key): what Column.getItem/getField and `x[key]` bind to — array element (0-based), map value, or struct field by name. */
const extractValue: ScalarFunction = {
  name: 'extract_value', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = args[0]!.type;
    if (t.kind === 'struct') {
      const name = literalArg<string>('extract_value', 1, args[1], 'field name');
      let idx = t.fields.findIndex((f) => f.name === name);
      if (idx < 0) idx = t.fields.findIndex((f) => f.name.toLowerCase() === String(name).toLowerCase());
      if (idx < 0) {
        throw new AnalysisException('FIELD_NOT_FOUND',
          `No field '${String(name)}' in struct ${args[0]!.display}; fields are: ${t.fields.map((f) => f.name).join(', ')}.`);
      }
      const f = t.fields[idx]!;
      return { type: f.dataType, nullable: args[0]!.nullable || f.nullable, argTypes: [t, undefined], impl: (s: unknown[]) => s[idx] ?? null, display: `${args[0]!.display}.${f.name}` };
    }
    if (t.kind === 'map') {
      return { type: t.valueType, nullable: true, argTypes: [t, coerceArg('extract_value', 1, args[1]!, t.keyType)], impl: mapLookup(t.keyType), display: `${args[0]!.display}[${args[1]!.display}]` };
    }
    const at = arrayArg('extract_value', 0, args[0]!);
    return {
      type: at.elementType, nullable: true, argTypes: [at, coerceArg('extract_value', 1, args[1]!, IntegerType)],
      impl: (arr: unknown[], i: number) => (i >= 0 && i < arr.length ? arr[i] : null),
      display: `${args[0]!.display}[${args[1]!.display}]`,
    };
  },
};

/** A struct field name from how the argument was written: a column's (or alias's) name, else col1, col2... as Spark's CreateStruct. */
export function fieldNameOf(a: ArgInfo, i: number, fallback = `col${i + 1}`): string {
  if (a.foldable) return fallback;
  const d = a.display.startsWith('`') && a.display.endsWith('`') ? a.display.slice(1, -1) : a.display;
  if (/^[^\s()`,'"]+$/.test(d)) return d.includes('.') ? d.slice(d.lastIndexOf('.') + 1) : d;
  return fallback;
}

const struct: ScalarFunction = {
  name: 'struct', minArgs: 1, maxArgs: Infinity,
  resolve(args) {
    const t = StructType(args.map((a, i) => StructField(fieldNameOf(a, i), a.type, a.nullable)));
    return { type: t, nullable: false, nullSafe: true, impl: (...xs: unknown[]) => xs };
  },
};

const namedStruct: ScalarFunction = {
  name: 'named_struct', minArgs: 2, maxArgs: Infinity,
  resolve(args) {
    if (args.length % 2 !== 0) {
      throw new AnalysisException('WRONG_NUM_ARGS', `named_struct() takes name/value pairs, but ${args.length} arguments were given; add the missing value.`);
    }
    const fields: StructField[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const name = literalArg<string>('named_struct', i, args[i], 'string field name');
      if (typeof name !== 'string') throw argTypeError('named_struct', i, args[i]!, 'string');
      fields.push(StructField(name, args[i + 1]!.type, args[i + 1]!.nullable));
    }
    return {
      type: StructType(fields), nullable: false, nullSafe: true,
      impl: (...xs: unknown[]) => { const out = new Array<unknown>(xs.length / 2); for (let i = 1; i < xs.length; i += 2) out[(i - 1) / 2] = xs[i]; return out; },
    };
  },
};

const arrayDistinct: ScalarFunction = {
  name: 'array_distinct', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const at = arrayArg('array_distinct', 0, args[0]!);
    if (isPlainKey(at.elementType)) return { type: at, impl: (arr: unknown[]) => [...new Set(arr)] };
    const eq = equality(at.elementType);
    return {
      type: at,
      impl: (arr: unknown[]) => {
        const out: unknown[] = [];
        for (const x of arr) if (!out.some((y) => (x === null ? y === null : y !== null && eq(x, y)))) out.push(x);
        return out;
      },
    };
  },
};

/** array_join(arr, delim[, nullReplacement]): null elements are skipped unless a replacement is given. */
const arrayJoin: ScalarFunction = {
  name: 'array_join', minArgs: 2, maxArgs: 3,
  resolve(args) {
    arrayArg('array_join', 0, args[0]!);
    const argTypes = [ArrayType(StringType), coerceArg('array_join', 1, args[1]!, StringType)];
    if (args[2]) argTypes.push(coerceArg('array_join', 2, args[2], StringType));
    return {
      type: StringType, argTypes,
      impl: (arr: (string | null)[], d: string, rep?: string) => {
        const parts: string[] = [];
        for (const x of arr) if (x !== null) parts.push(x); else if (rep !== undefined) parts.push(rep);
        return parts.join(d);
      },
    };
  },
};

function arrayExtreme(name: 'array_max' | 'array_min', sign: number): ScalarFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args) {
      const at = arrayArg(name, 0, args[0]!);
      const c = comparator(at.elementType);
      return {
        type: at.elementType, nullable: true,
        impl: (arr: unknown[]) => {
          let best: unknown = null;
          for (const x of arr) if (x !== null && (best === null || c(x, best) * sign > 0)) best = x;
          return best;
        },
      };
    },
  };
}

/** sort_array(arr[, asc = true]): nulls first when ascending, last when descending; NaN sorts above every number. */
const sortArray: ScalarFunction = {
  name: 'sort_array', minArgs: 1, maxArgs: 2,
  resolve(args) {
    const at = arrayArg('sort_array', 0, args[0]!);
    const asc = args[1] ? literalArg<boolean>('sort_array', 1, args[1], 'boolean') : true;
    if (typeof asc !== 'boolean') throw argTypeError('sort_array', 1, args[1]!, 'boolean');
    const c = comparator(at.elementType);
    const sign = asc ? 1 : -1;
    return { type: at, argTypes: [at, undefined], impl: (arr: unknown[]) => arr.slice().sort((a, b) => sign * compareNullable(c, a, b)) };
  },
};

const slice: ScalarFunction = {
  name: 'slice', minArgs: 3, maxArgs: 3,
  resolve(args) {
    const at = arrayArg('slice', 0, args[0]!);
    return {
      type: at, argTypes: [at, coerceArg('slice', 1, args[1]!, IntegerType), coerceArg('slice', 2, args[2]!, IntegerType)],
      impl: (arr: unknown[], start: number, len: number) => {
        if (start === 0) throw runtimeError('INVALID_PARAMETER_VALUE', 'slice(): start 0 is invalid; SQL array indices start at 1 (use -1 for the last element).');
        if (len < 0) throw runtimeError('INVALID_PARAMETER_VALUE', `slice(): length must be >= 0, got ${len}.`);
        const s = start > 0 ? start - 1 : arr.length + start;
        return s < 0 || s >= arr.length ? [] : arr.slice(s, Math.min(s + len, arr.length));
      },
    };
  },
};

/** flatten(array<array<T>>): null when any inner array is null. */
const flatten: ScalarFunction = {
  name: 'flatten', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const at = arrayArg('flatten', 0, args[0]!);
    if (at.elementType.kind !== 'array') throw argTypeError('flatten', 0, args[0]!, 'array<array>');
    const inner = at.elementType;
    return {
      type: inner, nullable: args[0]!.nullable || at.containsNull,
      impl: (arr: (unknown[] | null)[]) => { if (arr.some((x) => x === null)) return null; return ([] as unknown[]).concat(...(arr as unknown[][])); },
    };
  },
};

/** arrays_zip(a, b, ...): array of structs, padded with nulls to the longest array; fields named after the arguments. */
const arraysZip: ScalarFunction = {
  name: 'arrays_zip', minArgs: 1, maxArgs: Infinity,
  resolve(args) {
    const ats = args.map((a, i) => arrayArg('arrays_zip', i, a));
    const t = ArrayType(StructType(ats.map((at, i) => StructField(fieldNameOf(args[i]!, i, String(i)), at.elementType, true))), false);
    return {
      type: t,
      impl: (...arrs: unknown[][]) => {
        const n = Math.max(...arrs.map((a) => a.length));
        const out = new Array<unknown[]>(n);
        for (let r = 0; r < n; r++) out[r] = arrs.map((a) => (r < a.length ? a[r] : null));
        return out;
      },
    };
  },
};

register(array, size, arrayContains, arrayPosition, elementAt, extractValue, struct, namedStruct, arrayDistinct,
  arrayJoin, arrayExtreme('array_max', 1), arrayExtreme('array_min', -1), sortArray, slice, flatten, arraysZip);
registerAlias('cardinality', 'size');
