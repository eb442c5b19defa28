import type { DataType, StructType } from '../types.js';
import { typeName } from '../types.js';
import { escapeMetaCharacters } from './show.js';

/**
 * Spark's `StructType.treeString` (what `printSchema()` prints):
 *
 *     root
 *      |-- word: string (nullable = true)
 *      |-- tags: array (nullable = true)
 *      |    |-- element: string (containsNull = true)
 *
 * `level` limits the nesting depth printed (Spark's `printSchema(level)`);
 * omitted or <= 0 prints everything. Names are escaped (`\n` → `\\n`) so a
 * name cannot break the tree.
 */
export function treeString(schema: StructType, level?: number): string {
  const depth = level !== undefined && level > 0 ? level : Number.MAX_SAFE_INTEGER;
  const out: string[] = ['root\n'];
  appendStruct(schema, ' |', depth, out);
  return out.join('');
}

function appendStruct(t: StructType, prefix: string, depth: number, out: string[]): void {
  if (depth <= 0) return;
  for (const f of t.fields) {
    out.push(`${prefix}-- ${escapeMetaCharacters(f.name)}: ${typeName(f.dataType)} (nullable = ${f.nullable})\n`);
    appendNested(f.dataType, `${prefix}    |`, depth, out);
  }
}

/** Children of a nested type, one level deeper (Spark's `DataType.buildFormattedString`). */
function appendNested(t: DataType, prefix: string, depth: number, out: string[]): void {
  const d = depth - 1;
  if (d <= 0) return;
  switch (t.kind) {
    case 'struct':
      appendStruct(t, prefix, d, out);
      return;
    case 'array':
      out.push(`${prefix}-- element: ${typeName(t.elementType)} (containsNull = ${t.containsNull})\n`);
      appendNested(t.elementType, `${prefix}    |`, d, out);
      return;
    case 'map':
      out.push(`${prefix}-- key: ${typeName(t.keyType)}\n`);
      appendNested(t.keyType, `${prefix}    |`, d, out);
      out.push(`${prefix}-- value: ${typeName(t.valueType)} (valueContainsNull = ${t.valueContainsNull})\n`);
      appendNested(t.valueType, `${prefix}    |`, d, out);
      return;
    default:
      return;
  }
}
