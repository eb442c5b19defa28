import * as arrow from 'apache-arrow';
import {
  ArrayType, BinaryType, BooleanType, DateType, DoubleType, FloatType, IntegerType, LongType, MapType, NullType,
  StringType, StructField, StructType, TimestampType, type DataType,
} from '../core/types.js';
import { SpateError } from '../core/errors.js';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { getValue, type Vector } from '../core/vector.js';

/**
 * Apache Arrow interop. spate → Arrow: boolean Bool, int Int32, long Int64,
 * float Float32, double Float64, decimal Float64 (spate decimals are doubles,
 * so no precision is lost), string Utf8, binary Binary, date Date32 (DAY),
 * timestamp Timestamp(MICROSECOND, 'UTC'), array List, map Map, struct Struct.
 * Arrow → spate also accepts Int8/16, Uint8/16/32, Date64, Timestamp of any
 * unit, LargeUtf8, Dictionary<Utf8> and Decimal (as double-backed decimal).
 * Int32, Float32, Float64 and Date32 columns share memory both ways.
 */
export function arrowType(t: DataType): arrow.DataType {
  switch (t.kind) {
    case 'null': return new arrow.Null();
    case 'boolean': return new arrow.Bool();
    case 'int': return new arrow.Int32();
    case 'long': return new arrow.Int64();
    case 'float': return new arrow.Float32();
    case 'double': case 'decimal': return new arrow.Float64();
    case 'string': return new arrow.Utf8();
    case 'binary': return new arrow.Binary();
    case 'date': return new arrow.DateDay();
    case 'timestamp': return new arrow.TimestampMicrosecond('UTC');
    case 'array': return new arrow.List(new arrow.Field('element', arrowType(t.elementType), t.containsNull));
    case 'map': return new arrow.Map_(new arrow.Field('entries', new arrow.Struct([
      new arrow.Field('key', arrowType(t.keyType), false),
      new arrow.Field('value', arrowType(t.valueType), t.valueContainsNull),
    ] as never[]), false) as never);
    case 'struct': return new arrow.Struct(t.fields.map((f) => new arrow.Field(f.name, arrowType(f.dataType), f.nullable)));
  }
}

function packBits(mask: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (mask[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function nullCount(v: Vector): number {
  if (v.validity === null) return 0;
  let c = 0;
  for (let i = 0; i < v.length; i++) if (v.validity[i] === 0) c++;
  return c;
}

/** A spate internal value → the JS value Arrow's builders take (for nested and variable-width columns). */
function toArrowValue(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'long': return BigInt(Math.trunc(v as number));
    case 'timestamp': {
      // Arrow's nested builders take timestamps in ms (and multiply by 1000): sub-millisecond parts of
      // timestamps inside arrays/maps/structs are rounded to the millisecond (top-level columns stay exact).
      const ms = (v as number) / 1000;
      return Number.isInteger(ms * 1000) ? ms : Math.round(ms);
    }
    case 'date': return (v as number) * 86_400_000;
    case 'array': return (v as unknown[]).map((e) => toArrowValue(t.elementType, e));
    case 'map': {
      const m = new Map<unknown, unknown>();
      for (const [k, x] of v as Map<unknown, unknown>) m.set(toArrowValue(t.keyType, k), toArrowValue(t.valueType, x));
      return m;
    }
    case 'struct': {
      const o: Record<string, unknown> = {};
      t.fields.forEach((f, i) => { o[f.name] = toArrowValue(f.dataType, (v as unknown[])[i]); });
      return o;
    }
    default: return v;
  }
}

function toArrowData(v: Vector): arrow.Data {
  const t = v.type;
  const n = v.length;
  const nullBitmap = v.validity === null ? undefined : packBits(v.validity, n);
  const nc = nullCount(v);
  switch (t.kind) {
    case 'int': return arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: nc, nullBitmap, data: v.values as Int32Array });
    case 'date': return arrow.makeData({ type: new arrow.DateDay(), length: n, nullCount: nc, nullBitmap, data: v.values as Int32Array });
    case 'float': return arrow.makeData({ type: new arrow.Float32(), length: n, nullCount: nc, nullBitmap, data: v.values as Float32Array });
    case 'double': case 'decimal': return arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: nc, nullBitmap, data: v.values as Float64Array });
    case 'boolean': return arrow.makeData({ type: new arrow.Bool(), length: n, nullCount: nc, nullBitmap, data: packBits(v.values as Uint8Array, n) });
    case 'long': case 'timestamp': {
      const src = v.values as Float64Array;
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) data[i] = BigInt(Math.trunc(src[i]!));
      const type = t.kind === 'long' ? new arrow.Int64() : new arrow.TimestampMicrosecond('UTC');
      return arrow.makeData({ type: type as arrow.Int64, length: n, nullCount: nc, nullBitmap, data });
    }
    default: {
      const vals = new Array<unknown>(n);
      for (let i = 0; i < n; i++) vals[i] = toArrowValue(t, getValue(v, i));
      return arrow.vectorFromArray(vals as never[], arrowType(t) as never).data[0]!;
    }
  }
}

/** spate batches → an Arrow table (one Arrow record batch per spate batch). */
export function toArrowTable(schema: StructType, batches: readonly RecordBatch[]): arrow.Table {
  const aschema = new arrow.Schema(schema.fields.map((f) => new arrow.Field(f.name, arrowType(f.dataType), f.nullable)));
  const structType = new arrow.Struct(aschema.fields);
  const rbs = batches.map((b) => {
    const children = b.columns.map((c) => toArrowData(c));
    const data = arrow.makeData({ type: structType, length: b.numRows, nullCount: 0, children });
    return new arrow.RecordBatch(aschema, data);
  });
  return rbs.length > 0 ? new arrow.Table(rbs) : new arrow.Table(aschema);
}

/** The spate type of an Arrow type. */
export function spateType(t: arrow.DataType, where: string): DataType {
  switch (t.typeId) {
    case arrow.Type.Null: return NullType;
    case arrow.Type.Bool: return BooleanType;
    case arrow.Type.Int: {
      const it = t as arrow.Int;
      if (it.bitWidth === 64 || (it.bitWidth === 32 && !it.isSigned)) return LongType;
      return IntegerType;
    }
    case arrow.Type.Float: return (t as arrow.Float).precision === arrow.Precision.SINGLE ? FloatType : DoubleType;
    case arrow.Type.Decimal: return DoubleType;
    case arrow.Type.Utf8: case arrow.Type.LargeUtf8: return StringType;
    case arrow.Type.Binary: case arrow.Type.LargeBinary: case arrow.Type.FixedSizeBinary: return BinaryType;
    case arrow.Type.Date: return DateType;
    case arrow.Type.Timestamp: return TimestampType;
    case arrow.Type.Dictionary: return spateType((t as arrow.Dictionary).dictionary, where);
    case arrow.Type.List: case arrow.Type.FixedSizeList: {
      const c = t.children[0]!;
      return ArrayType(spateType(c.type, `${where}.element`), c.nullable);
    }
    case arrow.Type.Map: {
      const entries = t.children[0]!.type as arrow.Struct;
      const [k, v] = entries.children;
      return MapType(spateType(k!.type, `${where}.key`), spateType(v!.type, `${where}.value`), v!.nullable);
    }
    case arrow.Type.Struct: return StructType(t.children.map((f) => StructField(f.name, spateType(f.type, `${where}.${f.name}`), f.nullable)));
    default:
      throw new SpateError('UNSUPPORTED_DATA_TYPE', `Arrow column '${where}' has type ${String(t)}, which spate cannot hold; cast it before importing.`);
  }
}

const MICROS_PER_UNIT: Record<number, number> = {
  [arrow.TimeUnit.SECOND]: 1_000_000, [arrow.TimeUnit.MILLISECOND]: 1000, [arrow.TimeUnit.MICROSECOND]: 1, [arrow.TimeUnit.NANOSECOND]: 0.001,
};

/** An Arrow JS value (from `get`) → spate's internal value of type `t`. */
function fromArrowValue(src: arrow.DataType, t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'long': case 'int': case 'double': case 'float': case 'decimal':
      if (src.typeId === arrow.Type.Decimal) return decimalToNumber(v, (src as arrow.Decimal).scale);
      return typeof v === 'bigint' ? Number(v) : v;
    case 'timestamp': {
      // Arrow's get() on a nested timestamp yields milliseconds whatever the unit.
      return Math.round(Number(v) * 1000);
    }
    case 'date': return Math.floor(Number(v instanceof Date ? v.getTime() : v) / 86_400_000);
    case 'boolean': return !!v;
    case 'array': {
      const el = src.children[0]!.type;
      return [...(v as Iterable<unknown>)].map((x) => fromArrowValue(el, t.elementType, x));
    }
    case 'map': {
      const entries = src.children[0]!.type as arrow.Struct;
      const m = new Map<unknown, unknown>();
      const asMap = v as { [Symbol.iterator](): Iterator<[unknown, unknown]> };
      for (const [k, x] of asMap) m.set(fromArrowValue(entries.children[0]!.type, t.keyType, k), fromArrowValue(entries.children[1]!.type, t.valueType, x));
      return m;
    }
    case 'struct': {
      const row = v as Record<string, unknown>;
      return t.fields.map((f, i) => fromArrowValue(src.children[i]!.type, f.dataType, row[f.name]));
    }
    default: return v;
  }
}

function decimalToNumber(v: unknown, scale: number): number {
  const s = String(v);
  return Number(s) / 10 ** scale;
}

function fromArrowData(d: arrow.Data, t: DataType, name: string): Vector {
  const n = d.length;
  let validity: Uint8Array | null = null;
  if (d.nullCount > 0 && d.nullBitmap) {
    validity = new Uint8Array(n);
    const bm = d.nullBitmap;
    const off = d.offset;
    for (let i = 0; i < n; i++) validity[i] = (bm[(i + off) >> 3]! >> ((i + off) & 7)) & 1;
  } else if (d.typeId === arrow.Type.Null) {
    validity = new Uint8Array(n);
  }
  const src = d.type as arrow.DataType;
  // Zero-copy where spate's storage is Arrow's (values are already sliced to the data's offset).
  if (src.typeId === arrow.Type.Int && (src as arrow.Int).bitWidth === 32 && (src as arrow.Int).isSigned) return { type: t, length: n, values: d.values as Int32Array, validity };
  if (src.typeId === arrow.Type.Float && !(d.values instanceof Uint16Array)) return { type: t, length: n, values: d.values as Float64Array | Float32Array, validity };
  if (src.typeId === arrow.Type.Date && (src as arrow.Date_).unit === arrow.DateUnit.DAY) return { type: t, length: n, values: d.values as Int32Array, validity };
  if (src.typeId === arrow.Type.Int && (d.values instanceof BigInt64Array || d.values instanceof BigUint64Array)) {
    const out = new Float64Array(n);
    const s = d.values;
    for (let i = 0; i < n; i++) out[i] = Number(s[i]!);
    return { type: t, length: n, values: out, validity };
  }
  if (src.typeId === arrow.Type.Timestamp) {
    const f = MICROS_PER_UNIT[(src as arrow.Timestamp).unit]!;
    const s = d.values as BigInt64Array | Int32Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.trunc(Number(s[i]!) * f);
    return { type: t, length: n, values: out, validity };
  }
  const vec = arrow.makeVector(d);
  const typed = t.kind === 'int' || t.kind === 'long' || t.kind === 'double' || t.kind === 'float' || t.kind === 'date' || t.kind === 'boolean' || t.kind === 'decimal';
  const values = typed
    ? (t.kind === 'int' || t.kind === 'date' ? new Int32Array(n) : t.kind === 'float' ? new Float32Array(n) : t.kind === 'boolean' ? new Uint8Array(n) : new Float64Array(n))
    : new Array<unknown>(n).fill(null);
  for (let i = 0; i < n; i++) {
    if (validity !== null && validity[i] === 0) continue;
    const x = fromArrowValue(src, t, vec.get(i));
    if (typed) (values as Float64Array)[i] = t.kind === 'boolean' ? (x ? 1 : 0) : (x as number);
    else (values as unknown[])[i] = x;
  }
  void name;
  return { type: t, length: n, values, validity };
}

/** An Arrow table → spate schema and batches (one per Arrow record batch). */
export function fromArrowTable(table: arrow.Table): { schema: StructType; batches: RecordBatch[] } {
  const schema = StructType(table.schema.fields.map((f) => StructField(f.name, spateType(f.type, f.name), f.nullable)));
  const batches = table.batches.map((rb) =>
    makeBatch(schema, schema.fields.map((f, i) => fromArrowData(rb.data.children[i]!, f.dataType, f.name)), rb.numRows));
  return { schema, batches };
}
