import * as arrow from 'apache-arrow';
import { SpateError } from '../core/errors.js';
import { BooleanType, simpleString, StructField, type DataType, type StructType } from '../core/types.js';
import { allocValues, concatVectors, type Vector } from '../core/vector.js';
import { arrowTableToColumns, columnsToArrowTable } from './arrow-columns.js';
import { checkpointCorrupt, checkpointTooNew } from '../checkpoint/corrupt.js';

/**
 * The bytes of a state file (`<version>.delta` / `<version>.snapshot`): an
 * Arrow IPC *file* (its footer makes truncation detectable), columns
 * `key.<name>`…, `value.<name>`…, and in deltas `__removed` (true: the key
 * was removed in this version, its values are null). Each key appears at
 * most once per file, holding its final state in that version. Schema
 * metadata records the format version, kind, state version, row count and
 * the key/value types, checked on read.
 */

/** The file format this code writes and the newest it reads. */
export const STATE_FILE_FORMAT = 1;

export type StateFileKind = 'delta' | 'snapshot';

/** Decoded file contents: key columns, value columns (typed as the store's schemas), removal flags for deltas. */
export interface StateFileData {
  readonly numRows: number;
  readonly keys: Vector[];
  readonly values: Vector[];
  readonly removed: Uint8Array | null;
}

/** Schema metadata of a shared delta (see SharedDeltas): the row count of each partition, in partition order. */
export const PARTITION_ROWS = 'spate.state.partitionRows';

const REMOVED = '__removed';

/** The types of a schema, names ignored (as Spark's state schema check ignores them). */
export function typeSignature(s: StructType): string {
  return s.fields.map((f) => simpleString(f.dataType)).join(',');
}

/** Encodes one delta or snapshot; `extra` adds schema metadata entries. */
export function encodeStateFile(
  kind: StateFileKind, version: number, keySchema: StructType, valueSchema: StructType,
  keys: readonly Vector[], values: readonly Vector[], removed: Uint8Array | null, numRows: number,
  extra?: ReadonlyMap<string, string>,
): Uint8Array {
  const fields = [
    ...keySchema.fields.map((f) => StructField(`key.${f.name}`, f.dataType, true)),
    ...valueSchema.fields.map((f) => StructField(`value.${f.name}`, f.dataType, true)),
  ];
  const columns = [...keys, ...values];
  if (kind === 'delta') {
    fields.push(StructField(REMOVED, BooleanType, false));
    columns.push({ type: BooleanType, length: numRows, values: removed ?? new Uint8Array(numRows), validity: null });
  }
  const table = columnsToArrowTable(fields.map((f) => f.name), columns, numRows);
  const md = table.schema.metadata;
  md.set('spate.state.format', String(STATE_FILE_FORMAT));
  md.set('spate.state.kind', kind);
  md.set('spate.state.version', String(version));
  md.set('spate.state.rows', String(numRows));
  md.set('spate.state.keyTypes', typeSignature(keySchema));
  md.set('spate.state.valueTypes', typeSignature(valueSchema));
  for (const [k, v] of extra ?? []) md.set(k, v);
  return arrow.tableToIPC(table, 'file');
}

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/** Decodes a state file, checking it is whole and matches the store's schemas; errors name `file`. `metadata` receives the schema metadata. */
export function decodeStateFile(
  bytes: Uint8Array, file: string, kind: StateFileKind, version: number, keySchema: StructType, valueSchema: StructType,
  metadata?: Map<string, string>,
): StateFileData {
  const bad = (what: string, cause?: unknown): SpateError => checkpointCorrupt(file, undefined, `state ${kind} for version ${version}: ${what}`, cause);
  if (bytes.length === 0) throw bad('the file is empty');
  if (bytes.length < 12 || !ARROW_MAGIC.every((b, i) => bytes[i] === b && bytes[bytes.length - 6 + i] === b)) {
    throw bad('the file is truncated or not an Arrow IPC file (its start or end marker is missing)');
  }
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (e) {
    throw bad(`the Arrow data cannot be read (${e instanceof Error ? e.message : String(e)})`, e);
  }
  const md = table.schema.metadata;
  if (metadata !== undefined) for (const [k, v] of md) metadata.set(k, v);
  const format = Number(md.get('spate.state.format'));
  if (!Number.isInteger(format) || format < 1) throw bad("the file has no 'spate.state.format' marker");
  if (format > STATE_FILE_FORMAT) throw checkpointTooNew(file, undefined, format, STATE_FILE_FORMAT);
  if (md.get('spate.state.kind') !== kind) throw bad(`the file says it is a ${String(md.get('spate.state.kind'))}`);
  if (md.get('spate.state.version') !== String(version)) throw bad(`the file says it is version ${String(md.get('spate.state.version'))}`);
  const keyTypes = md.get('spate.state.keyTypes');
  const valueTypes = md.get('spate.state.valueTypes');
  if (keyTypes !== typeSignature(keySchema) || valueTypes !== typeSignature(valueSchema)) {
    throw new SpateError('CHECKPOINT_INCOMPATIBLE',
      `State file ${file} holds keys (${String(keyTypes)}) and values (${String(valueTypes)}), but the query's stateful operator ` +
      `has keys (${typeSignature(keySchema)}) and values (${typeSignature(valueSchema)}). The query changed in a way its checkpoint ` +
      'cannot follow; undo the change or start the query with a new checkpointLocation.');
  }
  const numRows = Number(md.get('spate.state.rows'));
  if (table.numRows !== numRows) throw bad(`the file should hold ${numRows} rows but holds ${table.numRows}`);
  const nk = keySchema.fields.length;
  const nv = valueSchema.fields.length;
  const ncols = nk + nv + (kind === 'delta' ? 1 : 0);
  if (table.schema.fields.length !== ncols) throw bad(`the file has ${table.schema.fields.length} columns, expected ${ncols}`);
  const types = [...keySchema.fields.map((f) => f.dataType), ...valueSchema.fields.map((f) => f.dataType)];
  if (kind === 'delta') types.push(BooleanType);
  let cols: Vector[];
  try {
    const chunks = arrowTableToColumns(table, types);
    cols = types.map((t, c) => concatColumn(t, chunks.map((b) => b[c]!), numRows));
  } catch (e) {
    throw bad(`the Arrow data cannot be read (${e instanceof Error ? e.message : String(e)})`, e);
  }
  const keys = cols.slice(0, nk);
  const values = cols.slice(nk, nk + nv);
  const removed = kind === 'delta' ? cols[nk + nv]!.values as Uint8Array : null;
  return { numRows, keys, values, removed };
}

function concatColumn(type: DataType, parts: Vector[], numRows: number): Vector {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return { type, length: numRows, values: allocValues(type, numRows), validity: null };
  // Written files hold one record batch; several would come from another writer: join them.
  return concatVectors(type, parts);
}
