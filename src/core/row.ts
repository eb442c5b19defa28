import type { DataType, StructType } from './types.js';
import { dateFromDays, dateFromMicros, daysFromDate, microsFromDate, parseDate, parseTimestamp } from './datetime.js';
import { SpateError } from './errors.js';

/** A row as users see it: field name → value (Date for date/timestamp, Map for map, nested Row for struct). */
export type Row = Record<string, unknown>;

/** Internal value → the value `collect()` hands to users. */
export function toExternal(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'date': return dateFromDays(v as number);
    case 'timestamp': return dateFromMicros(v as number);
    case 'array': return (v as unknown[]).map((e) => toExternal(t.elementType, e));
    case 'map': {
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v as Map<unknown, unknown>) out.set(toExternal(t.keyType, k), toExternal(t.valueType, x));
      return out;
    }
    case 'struct': return structToRow(t, v as unknown[]);
    default: return v;
  }
}

export function structToRow(t: StructType, values: readonly unknown[]): Row {
  const row: Row = {};
  t.fields.forEach((f, i) => { row[f.name] = toExternal(f.dataType, values[i]); });
  return row;
}

/**
 * A user's value → the internal value for type `t`. Accepts Date, ISO strings
 * and numbers (ms) for dates and timestamps, bigint for longs, objects or
 * arrays for structs, Map or objects for maps. `where` names the field for errors.
 */
export function toInternal(t: DataType, v: unknown, where: string): unknown {
  if (v === null || v === undefined) return null;
  const bad = (): never => {
    throw new SpateError('INVALID_VALUE',
      `Value ${describeValue(v)} for field '${where}' does not fit type ${t.kind}; pass a matching value or change the schema.`);
  };
  switch (t.kind) {
    case 'boolean': return typeof v === 'boolean' ? v : bad();
    case 'int': {
      const n = typeof v === 'bigint' ? Number(v) : v;
      return typeof n === 'number' && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : bad();
    }
    case 'long': {
      const n = typeof v === 'bigint' ? Number(v) : v;
      return typeof n === 'number' && Number.isInteger(n) ? n : bad();
    }
    case 'float': return typeof v === 'number' ? Math.fround(v) : bad();
    case 'double': case 'decimal': return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : bad();
    case 'string': return typeof v === 'string' ? v : bad();
    case 'binary': return v instanceof Uint8Array ? v : typeof v === 'string' ? new TextEncoder().encode(v) : bad();
    case 'date':
      if (v instanceof Date) return daysFromDate(v);
      if (typeof v === 'string') return parseDate(v) ?? bad();
      return bad();
    case 'timestamp':
      if (v instanceof Date) return microsFromDate(v);
      if (typeof v === 'string') return parseTimestamp(v) ?? bad();
      if (typeof v === 'number') return v * 1000;
      return bad();
    case 'array':
      return Array.isArray(v) ? v.map((e, i) => toInternal(t.elementType, e, `${where}[${i}]`)) : bad();
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : typeof v === 'object' ? Object.entries(v as object) : bad();
      const out = new Map<unknown, unknown>();
      for (const [k, x] of entries) out.set(toInternal(t.keyType, k, `${where}.key`), toInternal(t.valueType, x, `${where}[${String(k)}]`));
      return out;
    }
    case 'struct': {
      if (Array.isArray(v)) return t.fields.map((f, i) => toInternal(f.dataType, v[i], `${where}.${f.name}`));
      if (typeof v === 'object') return t.fields.map((f) => toInternal(f.dataType, (v as Record<string, unknown>)[f.name], `${where}.${f.name}`));
      return bad();
    }
    case 'null': return null;
  }
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}
