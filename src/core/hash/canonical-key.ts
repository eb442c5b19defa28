import type { DataType } from '../types.js';

/**
 * A string that is equal for two values exactly when Spark groups them
 * together: -0.0 and 0.0 meet, every NaN meets every NaN, nulls inside nested
 * values are equal. Used for keys and sets of binary and nested values, where
 * one string comparison replaces a recursive walk.
 */
export function canonicalKey(t: DataType, v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (t.kind) {
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 't' : 'f';
    case 'int': case 'long': case 'date': case 'timestamp': return String(v);
    case 'float': case 'double': case 'decimal': {
      const x = v as number;
      return x !== x ? 'NaN' : x === 0 ? '0' : String(x);
    }
    case 'binary': {
      const b = v as Uint8Array;
      let s = 'x';
      for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
      return s;
    }
    case 'array': return '[' + (v as unknown[]).map((e) => canonicalKey(t.elementType, e)).join(',') + ']';
    case 'struct': return '{' + t.fields.map((f, i) => canonicalKey(f.dataType, (v as unknown[])[i])).join(',') + '}';
    case 'map': {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) parts.push(canonicalKey(t.keyType, k) + ':' + canonicalKey(t.valueType, x));
      return '<' + parts.join(',') + '>';
    }
    case 'null': return 'n';
  }
}
