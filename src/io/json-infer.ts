import { ArrayType, BooleanType, DoubleType, LongType, StringType, StructField, StructType, NullType, type DataType } from '../core/types.js';

/**
 * Spark's JSON schema inference: integers are longs, other numbers doubles,
 * objects structs with fields sorted by name, arrays take the merged type of
 * their elements, and types that do not meet (a number and a string, a struct
 * and an array) widen to string. Fields that are only ever null end as string.
 */
export function inferJsonType(v: unknown, primitivesAsString: boolean): DataType {
  if (v === null || v === undefined) return NullType;
  switch (typeof v) {
    case 'string': return StringType;
    case 'boolean': return primitivesAsString ? StringType : BooleanType;
    case 'number': return primitivesAsString ? StringType : Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) <= 9223372036854775807 ? LongType : DoubleType;
    case 'object': {
      if (Array.isArray(v)) {
        let el: DataType = NullType;
        for (const e of v) el = mergeJsonTypes(el, inferJsonType(e, primitivesAsString));
        return ArrayType(el, true);
      }
      const names = Object.keys(v as object).sort();
      return StructType(names.map((n) => StructField(n, inferJsonType((v as Record<string, unknown>)[n], primitivesAsString))));
    }
    default: return StringType;
  }
}

/** The type two inferred types meet in (Spark's JsonInferSchema.compatibleType). */
export function mergeJsonTypes(a: DataType, b: DataType): DataType {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === b.kind && a.kind !== 'struct' && a.kind !== 'array') return a;
  if ((a.kind === 'long' || a.kind === 'double') && (b.kind === 'long' || b.kind === 'double')) return DoubleType;
  if (a.kind === 'struct' && b.kind === 'struct') {
    const byName = new Map<string, DataType>();
    for (const f of a.fields) byName.set(f.name, f.dataType);
    for (const f of b.fields) {
      const prev = byName.get(f.name);
      byName.set(f.name, prev === undefined ? f.dataType : mergeJsonTypes(prev, f.dataType));
    }
    const names = [...byName.keys()].sort();
    return StructType(names.map((n) => StructField(n, byName.get(n)!)));
  }
  if (a.kind === 'array' && b.kind === 'array') return ArrayType(mergeJsonTypes(a.elementType, b.elementType), true);
  return StringType;
}

/** Replaces the NullType left where only nulls were seen with string, as Spark does at the end of inference. */
export function finishJsonType(t: DataType): DataType {
  switch (t.kind) {
    case 'null': return StringType;
    case 'array': return ArrayType(finishJsonType(t.elementType), true);
    case 'struct': return StructType(t.fields.map((f) => StructField(f.name, finishJsonType(f.dataType))));
    default: return t;
  }
}
