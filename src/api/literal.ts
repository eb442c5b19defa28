import { SpateError } from '../core/errors.js';
import { toInternal } from '../core/row.js';
import {
  ArrayType, BinaryType, BooleanType, DoubleType, IntegerType, LongType, MapType, NullType, StringType, TimestampType,
  StructField, StructType, widerType, type DataType,
} from '../core/types.js';

/** The Spark type of a JS value used as a literal: integers → int (long past 32 bits), other numbers → double, Date → timestamp. */
export function inferType(v: unknown): DataType {
  if (v === null || v === undefined) return NullType;
  if (typeof v === 'boolean') return BooleanType;
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? (v >= -2147483648 && v <= 2147483647 ? IntegerType : LongType) : DoubleType;
  if (typeof v === 'bigint') return LongType;
  if (typeof v === 'string') return StringType;
  if (v instanceof Date) return TimestampType;
  if (v instanceof Uint8Array) return BinaryType;
  if (Array.isArray(v)) {
    let t: DataType = NullType;
    for (const x of v) t = widerType(t, inferType(x)) ?? StringType;
    return ArrayType(t, v.some((x) => x === null || x === undefined));
  }
  if (v instanceof Map) {
    let k: DataType = NullType;
    let t: DataType = NullType;
    for (const [a, b] of v) { k = widerType(k, inferType(a)) ?? StringType; t = widerType(t, inferType(b)) ?? StringType; }
    return MapType(k, t);
  }
  if (typeof v === 'object') {
    return StructType(Object.entries(v as Record<string, unknown>).map(([name, x]) => StructField(name, inferType(x), true)));
  }
  throw new SpateError('UNSUPPORTED_LITERAL', `Cannot use a ${typeof v} as a literal; use a number, string, boolean, Date, array, Map or plain object.`);
}

/** A JS value as an internal literal value and its type. */
export function inferLiteral(v: unknown): { value: unknown; type: DataType } {
  const type = inferType(v);
  return { value: toInternal(type, v, 'literal'), type };
}
