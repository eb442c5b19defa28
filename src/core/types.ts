/**
 * spate's data types: a discriminated union on `kind`, mirroring Spark SQL's types.
 *
 * Physical storage of each type in a column vector (see vector.ts):
 * boolean → Uint8Array (0/1); int, date (days since epoch) → Int32Array;
 * long, timestamp (microseconds since epoch, UTC), double, decimal → Float64Array;
 * float → Float32Array; string, binary, array, map, struct → plain JS arrays.
 * Longs are exact only within ±2^53 (Number.MAX_SAFE_INTEGER); decimals are
 * double-backed, so they carry about 15–17 significant digits.
 */
export type DataType =
  | NullType
  | BooleanType
  | IntegerType
  | LongType
  | FloatType
  | DoubleType
  | DecimalType
  | StringType
  | BinaryType
  | DateType
  | TimestampType
  | ArrayType
  | MapType
  | StructType;

export interface NullType { readonly kind: 'null' }
export interface BooleanType { readonly kind: 'boolean' }
export interface IntegerType { readonly kind: 'int' }
export interface LongType { readonly kind: 'long' }
export interface FloatType { readonly kind: 'float' }
export interface DoubleType { readonly kind: 'double' }
export interface DecimalType { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
export interface StringType { readonly kind: 'string' }
export interface BinaryType { readonly kind: 'binary' }
export interface DateType { readonly kind: 'date' }
export interface TimestampType { readonly kind: 'timestamp' }
export interface ArrayType { readonly kind: 'array'; readonly elementType: DataType; readonly containsNull: boolean }
export interface MapType {
  readonly kind: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}
/** One field of a struct or schema. */
export interface StructField {
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly metadata?: Readonly<Record<string, unknown>>;
}
export interface StructType { readonly kind: 'struct'; readonly fields: readonly StructField[] }

export type DataTypeKind = DataType['kind'];

export const NullType: NullType = Object.freeze({ kind: 'null' });
export const BooleanType: BooleanType = Object.freeze({ kind: 'boolean' });
export const IntegerType: IntegerType = Object.freeze({ kind: 'int' });
export const LongType: LongType = Object.freeze({ kind: 'long' });
export const FloatType: FloatType = Object.freeze({ kind: 'float' });
export const DoubleType: DoubleType = Object.freeze({ kind: 'double' });
export const StringType: StringType = Object.freeze({ kind: 'string' });
export const BinaryType: BinaryType = Object.freeze({ kind: 'binary' });
export const DateType: DateType = Object.freeze({ kind: 'date' });
export const TimestampType: TimestampType = Object.freeze({ kind: 'timestamp' });

/** Spark's default decimal for unannotated decimals: decimal(10,0). */
export function DecimalType(precision = 10, scale = 0): DecimalType {
  return Object.freeze({ kind: 'decimal', precision, scale });
}
export function ArrayType(elementType: DataType, containsNull = true): ArrayType {
  return Object.freeze({ kind: 'array', elementType, containsNull });
}
export function MapType(keyType: DataType, valueType: DataType, valueContainsNull = true): MapType {
  return Object.freeze({ kind: 'map', keyType, valueType, valueContainsNull });
}
export function StructField(name: string, dataType: DataType, nullable = true, metadata?: Record<string, unknown>): StructField {
  return Object.freeze(metadata ? { name, dataType, nullable, metadata } : { name, dataType, nullable });
}
export function StructType(fields: readonly StructField[]): StructType {
  return Object.freeze({ kind: 'struct', fields: Object.freeze([...fields]) });
}

export function isNumeric(t: DataType): boolean {
  return t.kind === 'int' || t.kind === 'long' || t.kind === 'float' || t.kind === 'double' || t.kind === 'decimal';
}
export function isIntegral(t: DataType): boolean {
  return t.kind === 'int' || t.kind === 'long';
}
/** Types stored in a typed array (see the module comment). */
export function isPrimitive(t: DataType): boolean {
  switch (t.kind) {
    case 'boolean': case 'int': case 'long': case 'float': case 'double': case 'decimal': case 'date': case 'timestamp':
      return true;
    default:
      return false;
  }
}

/** Spark's `simpleString`: the form used in DDL and `dtypes` (`bigint`, `array<string>`, `struct<a:int>`). */
export function simpleString(t: DataType): string {
  switch (t.kind) {
    case 'null': return 'void';
    case 'boolean': return 'boolean';
    case 'int': return 'int';
    case 'long': return 'bigint';
    case 'float': return 'float';
    case 'double': return 'double';
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    case 'string': return 'string';
    case 'binary': return 'binary';
    case 'date': return 'date';
    case 'timestamp': return 'timestamp';
    case 'array': return `array<${simpleString(t.elementType)}>`;
    case 'map': return `map<${simpleString(t.keyType)},${simpleString(t.valueType)}>`;
    case 'struct': return `struct<${t.fields.map((f) => `${f.name}:${simpleString(f.dataType)}`).join(',')}>`;
  }
}

/** Spark's `typeName`, as printed by `printSchema()` (`integer`, `long`, `string`, ...). */
export function typeName(t: DataType): string {
  switch (t.kind) {
    case 'int': return 'integer';
    case 'long': return 'long';
    case 'null': return 'void';
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    default: return t.kind;
  }
}

export function typeEquals(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'decimal': {
      const d = b as DecimalType;
      return a.precision === d.precision && a.scale === d.scale;
    }
    case 'array': {
      const o = b as ArrayType;
      return typeEquals(a.elementType, o.elementType);
    }
    case 'map': {
      const o = b as MapType;
      return typeEquals(a.keyType, o.keyType) && typeEquals(a.valueType, o.valueType);
    }
    case 'struct': {
      const o = b as StructType;
      return a.fields.length === o.fields.length &&
        a.fields.every((f, i) => f.name === o.fields[i]!.name && typeEquals(f.dataType, o.fields[i]!.dataType));
    }
    default:
      return true;
  }
}

/** Position of a type in Spark's numeric widening order (byte < short < int < long < decimal < float < double). */
const NUMERIC_RANK: Partial<Record<DataTypeKind, number>> = { int: 1, long: 2, decimal: 3, float: 4, double: 5 };

/**
 * The common type two values are coerced to for comparison, arithmetic,
 * union and coalesce, following Spark's implicit widening (non-ANSI mode).
 * Returns undefined when there is none.
 */
export function widerType(a: DataType, b: DataType): DataType | undefined {
  if (typeEquals(a, b)) return a;
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  const ra = NUMERIC_RANK[a.kind];
  const rb = NUMERIC_RANK[b.kind];
  if (ra !== undefined && rb !== undefined) {
    if (a.kind === 'decimal' && b.kind === 'decimal') {
      const scale = Math.max(a.scale, b.scale);
      const intDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
      return DecimalType(Math.min(38, intDigits + scale), scale);
    }
    if (a.kind === 'decimal' || b.kind === 'decimal') {
      const dec = (a.kind === 'decimal' ? a : b) as DecimalType;
      const other = a.kind === 'decimal' ? b : a;
      if (other.kind === 'int') return widerType(dec, DecimalType(10, 0));
      if (other.kind === 'long') return widerType(dec, DecimalType(20, 0));
      return DoubleType;
    }
    return ra > rb ? a : b;
  }
  if ((a.kind === 'date' && b.kind === 'timestamp') || (a.kind === 'timestamp' && b.kind === 'date')) return TimestampType;
  if (a.kind === 'array' && b.kind === 'array') {
    const e = widerType(a.elementType, b.elementType);
    return e && ArrayType(e, a.containsNull || b.containsNull);
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const k = widerType(a.keyType, b.keyType);
    const v = widerType(a.valueType, b.valueType);
    return k && v && MapType(k, v, a.valueContainsNull || b.valueContainsNull);
  }
  if (a.kind === 'struct' && b.kind === 'struct' && a.fields.length === b.fields.length) {
    const fields: StructField[] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i]!;
      const fb = b.fields[i]!;
      if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return undefined;
      const t = widerType(fa.dataType, fb.dataType);
      if (!t) return undefined;
      fields.push(StructField(fa.name, t, fa.nullable || fb.nullable));
    }
    return StructType(fields);
  }
  return undefined;
}

/**
 * Like widerType, but also lets a string meet another type the way Spark's
 * comparison coercion does: string vs number → double, string vs date/timestamp → that type.
 */
export function comparisonType(a: DataType, b: DataType): DataType | undefined {
  const w = widerType(a, b);
  if (w) return w;
  const pair = (x: DataType, y: DataType): DataType | undefined => {
    if (x.kind !== 'string') return undefined;
    if (isNumeric(y)) return y.kind === 'decimal' || y.kind === 'float' ? DoubleType : y.kind === 'int' || y.kind === 'long' ? y : DoubleType;
    if (y.kind === 'date' || y.kind === 'timestamp' || y.kind === 'boolean') return y;
    return undefined;
  };
  return pair(a, b) ?? pair(b, a);
}
