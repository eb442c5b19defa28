import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { SchemaTree, SchemaElement } from 'hyparquet';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, MapType,
  StringType, StructField, StructType, TimestampType, type DataType,
} from '../core/types.js';
import { SpateError } from '../core/errors.js';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { ColumnBuilder } from './column-builder.js';

/** Parquet physical + logical type of a leaf → spate type (Spark's ParquetToSparkSchemaConverter, simplified). */
function leafType(e: SchemaElement, path: string): DataType {
  const ct = e.converted_type;
  const lt = e.logical_type;
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') return DecimalType(e.precision ?? 38, e.scale ?? 0);
  switch (e.type) {
    case 'BOOLEAN': return BooleanType;
    case 'INT32': return ct === 'DATE' || lt?.type === 'DATE' ? DateType : IntegerType;
    case 'INT64':
      return ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || lt?.type === 'TIMESTAMP' ? TimestampType : LongType;
    case 'INT96': return TimestampType;
    case 'FLOAT': return FloatType;
    case 'DOUBLE': return DoubleType;
    case 'BYTE_ARRAY': case 'FIXED_LEN_BYTE_ARRAY':
      return ct === 'UTF8' || ct === 'JSON' || ct === 'ENUM' || lt?.type === 'STRING' || lt?.type === 'JSON' || lt?.type === 'ENUM' ? StringType : BinaryType;
    default:
      throw new SpateError('UNSUPPORTED_DATA_TYPE', `Parquet column '${path}' has physical type ${String(e.type)}, which spate cannot read.`);
  }
}

/** The spate type of a parquet schema node (LIST → array, MAP → map, other groups → struct). */
function nodeType(n: SchemaTree, path: string): DataType {
  const e = n.element;
  if (n.children.length === 0) {
    const t = leafType(e, path);
    return e.repetition_type === 'REPEATED' ? ArrayType(t, false) : t;
  }
  if (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') {
    const rep = n.children[0]!;
    // The three-level form (list/element) or the legacy two-level one.
    const el = rep.children.length === 1 && rep.element.name !== 'array' && !rep.element.name.endsWith('_tuple') ? rep.children[0]! : rep;
    const elType = el === rep && rep.children.length === 0 ? leafType(rep.element, path) : nodeType(el === rep ? { ...rep, element: { ...rep.element, repetition_type: 'REQUIRED' } } : el, `${path}.element`);
    return ArrayType(elType, el.element.repetition_type !== 'REQUIRED');
  }
  if (e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE' || e.logical_type?.type === 'MAP') {
    const kv = n.children[0]!;
    const k = kv.children[0]!;
    const v = kv.children[1]!;
    return MapType(nodeType(k, `${path}.key`), nodeType(v, `${path}.value`), v.element.repetition_type !== 'REQUIRED');
  }
  const st = StructType(n.children.map((c) => StructField(c.element.name, nodeType(c, `${path}.${c.element.name}`), c.element.repetition_type !== 'REQUIRED')));
  return e.repetition_type === 'REPEATED' ? ArrayType(st, false) : st;
}

/** The spate schema of a parquet file's metadata. */
export function parquetFileSchema(buf: ArrayBuffer): StructType {
  const md = parquetMetadata(buf);
  const root = parquetSchema(md);
  return StructType(root.children.map((c) => StructField(c.element.name, nodeType(c, c.element.name), c.element.repetition_type !== 'REQUIRED')));
}

/** Turns hyparquet's assembled values (objects for structs and maps, bigint for int64) into spate's internal values. */
function internalizer(t: DataType): (v: any) => unknown {
  switch (t.kind) {
    case 'long': case 'int': case 'timestamp': case 'decimal': case 'double': case 'float': case 'date':
      return (v) => (typeof v === 'bigint' ? Number(v) : v);
    case 'boolean': return (v) => (v ? 1 : 0);
    case 'binary': return (v) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
    case 'array': {
      const el = internalizer(t.elementType);
      const bool = t.elementType.kind === 'boolean';
      return (v: unknown[]) => v.map((x) => (x === null || x === undefined ? null : bool ? !!x : el(x)));
    }
    case 'map': {
      const kt = t.keyType.kind;
      const key = kt === 'int' || kt === 'long' || kt === 'double' || kt === 'float' ? (k: string) => Number(k) : (k: string) => k;
      const val = internalizer(t.valueType);
      const bool = t.valueType.kind === 'boolean';
      return (v: Record<string, unknown> | Map<unknown, unknown>) => {
        const m = new Map<unknown, unknown>();
        const entries = v instanceof Map ? [...v] : Object.entries(v);
        for (const [k, x] of entries) m.set(typeof k === 'string' ? key(k) : k, x === null || x === undefined ? null : bool ? !!x : val(x));
        return m;
      };
    }
    case 'struct': {
      const fs = t.fields.map((f) => ({ name: f.name, conv: internalizer(f.dataType), bool: f.dataType.kind === 'boolean' }));
      return (v: Record<string, unknown>) => fs.map((f) => {
        const x = v[f.name];
        return x === null || x === undefined ? null : f.bool ? !!x : f.conv(x);
      });
    }
    default: return (v) => v;
  }
}

const PARSERS = {
  timestampFromMilliseconds: (ms: bigint) => Number(ms) * 1000,
  timestampFromMicroseconds: (us: bigint) => Number(us),
  timestampFromNanoseconds: (ns: bigint) => Number(ns / 1000n),
  dateFromDays: (d: number) => d,
};

/**
 * Reads the columns of `schema` (matched by name, case-insensitively as in
 * Spark; missing ones are null) from an in-memory parquet file.
 */
export async function readParquet(buf: ArrayBuffer, path: string, schema: StructType): Promise<RecordBatch> {
  const md = parquetMetadata(buf);
  const numRows = Number(md.num_rows);
  const fileSchema = parquetFileSchema(buf);
  const fileNames = fileSchema.fields.map((f) => f.name);
  const lower = fileNames.map((n) => n.toLowerCase());
  const src = schema.fields.map((f) => { const i = fileNames.indexOf(f.name); return i >= 0 ? i : lower.indexOf(f.name.toLowerCase()); });
  const wanted = [...new Set(src.filter((i) => i >= 0).map((i) => fileNames[i]!))];
  const data = new Map<string, unknown[]>();
  for (const n of wanted) data.set(n, new Array<unknown>(numRows));
  if (wanted.length > 0 && numRows > 0) {
    try {
      await parquetRead({
        file: buf, columns: wanted, utf8: false, parsers: PARSERS as never,
        onChunk: (c: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number; rowEnd: number }) => {
          const arr = data.get(c.columnName);
          if (!arr) return;
          for (let i = 0; i < c.rowEnd - c.rowStart; i++) arr[c.rowStart + i] = c.columnData[i];
        },
      });
    } catch (e) {
      throw new SpateError('PARQUET_READ_FAILED', `Could not read parquet file ${path}: ${(e as Error).message}. Check that it is a complete parquet file.`, { cause: e });
    }
  }
  const columns = schema.fields.map((f, j) => {
    const b = new ColumnBuilder(f.dataType, numRows);
    const i = src[j]!;
    if (i < 0) { for (let r = 0; r < numRows; r++) b.appendNull(); return b.finish(); }
    const fileType = fileSchema.fields[i]!.dataType;
    if (fileType.kind !== f.dataType.kind && !(f.dataType.kind === 'long' && fileType.kind === 'int') && !(f.dataType.kind === 'double' && (fileType.kind === 'float' || fileType.kind === 'int' || fileType.kind === 'long'))) {
      throw new SpateError('PARQUET_SCHEMA_MISMATCH',
        `Parquet column '${fileNames[i]}' in ${path} has type ${fileType.kind}, but the schema asks for ${f.dataType.kind}; change the schema or cast after reading.`);
    }
    const conv = internalizer(f.dataType.kind === 'boolean' ? f.dataType : f.dataType);
    const arr = data.get(fileNames[i]!)!;
    for (let r = 0; r < numRows; r++) {
      const v = arr[r];
      if (v === null || v === undefined) b.appendNull();
      else b.append(conv(v));
    }
    return b.finish();
  });
  return makeBatch(schema, columns, numRows);
}
