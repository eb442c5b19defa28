import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { DataType, StructType } from '../core/types.js';
import type { RecordBatch } from '../core/batch.js';
import { getValue } from '../core/vector.js';

/** Parquet schema elements for one spate field (nested types as Spark writes them: 3-level LIST, MAP key_value). */
function elements(name: string, t: DataType, nullable: boolean): SchemaElement[] {
  const repetition_type: 'OPTIONAL' | 'REQUIRED' = nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (t.kind) {
    case 'boolean': return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'int': return [{ name, type: 'INT32', repetition_type }];
    case 'long': return [{ name, type: 'INT64', repetition_type }];
    case 'float': return [{ name, type: 'FLOAT', repetition_type }];
    case 'double': return [{ name, type: 'DOUBLE', repetition_type }];
    case 'string': return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'binary': case 'null': return [{ name, type: 'BYTE_ARRAY', repetition_type }];
    case 'date': return [{ name, type: 'INT32', converted_type: 'DATE', repetition_type }];
    case 'timestamp': return [{ name, type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type }];
    case 'decimal': {
      const common = { name, converted_type: 'DECIMAL' as const, precision: t.precision, scale: t.scale, repetition_type };
      if (t.precision <= 9) return [{ ...common, type: 'INT32' }];
      if (t.precision <= 18) return [{ ...common, type: 'INT64' }];
      return [{ ...common, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16 }];
    }
    case 'array': return [
      { name, repetition_type, converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...elements('element', t.elementType, t.containsNull),
    ];
    case 'map': return [
      { name, repetition_type, converted_type: 'MAP', num_children: 1 },
      { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
      ...elements('key', t.keyType, false),
      ...elements('value', t.valueType, t.valueContainsNull),
    ];
    case 'struct': return [
      { name, repetition_type, num_children: t.fields.length },
      ...t.fields.flatMap((f) => elements(f.name, f.dataType, f.nullable)),
    ];
  }
}

/** Internal value → what hyparquet-writer takes (bigint for int64, objects for structs). */
function external(t: DataType): (v: any) => unknown {
  switch (t.kind) {
    case 'long': return (v: number) => BigInt(Math.trunc(v));
    case 'timestamp': return (v: number) => BigInt(Math.trunc(v));
    case 'decimal': return (v: number) => BigInt(Math.round(v * 10 ** t.scale));
    case 'array': { const e = external(t.elementType); return (v: unknown[]) => v.map((x) => (x === null ? null : e(x))); }
    case 'map': {
      const k = external(t.keyType), x = external(t.valueType);
      return (m: Map<unknown, unknown>) => [...m].map(([a, b]) => ({ key: k(a), value: b === null ? null : x(b) }));
    }
    case 'struct': {
      const fs = t.fields.map((f) => external(f.dataType));
      return (s: unknown[]) => {
        const o: Record<string, unknown> = {};
        t.fields.forEach((f, i) => { const v = s[i]; o[f.name] = v === null || v === undefined ? null : fs[i]!(v); });
        return o;
      };
    }
    default: return (v) => v;
  }
}

/** Encodes rows of `schema` as one snappy-compressed parquet file (all batches concatenated). */
export function encodeParquet(schema: StructType, batches: readonly RecordBatch[]): Uint8Array {
  const schemaElems: SchemaElement[] = [{ name: 'spark_schema', num_children: schema.fields.length }];
  for (const f of schema.fields) schemaElems.push(...elements(f.name, f.dataType, true));
  let n = 0;
  for (const b of batches) n += b.numRows;
  const columnData = schema.fields.map((f, c) => {
    const conv = external(f.dataType);
    const data = new Array<unknown>(n);
    let k = 0;
    for (const b of batches) {
      const col = b.columns[c]!;
      for (let i = 0; i < b.numRows; i++) {
        const v = getValue(col, i);
        data[k++] = v === null ? null : conv(v);
      }
    }
    return { name: f.name, data };
  });
  const ab = parquetWriteBuffer({ columnData: columnData as never, schema: schemaElems, codec: 'SNAPPY', createdBy: 'spate' } as never);
  return new Uint8Array(ab);
}
