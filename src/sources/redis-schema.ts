/**
 * The redis source's columns. Without a user schema an entry is
 * `_id STRING, _stream STRING, _timestamp TIMESTAMP, _fields MAP<STRING,STRING>`
 * (its id, its stream key, the time in its id, every field). With one
 * (`readStream.schema('page STRING, ts TIMESTAMP')`, as spark-redis), each
 * column is the entry field of that name cast to the column's type; the
 * names `_id`, `_stream`, `_timestamp` and `_fields` keep their meaning
 * above, and a STRING column named by `columnNameOfCorruptRecord` (default
 * `_corrupt_record`) receives, as Spark's PERMISSIVE mode, the entry's fields
 * as a JSON object when a value did not parse. A field missing in an entry is
 * null; fields not in the schema are left out.
 */
import { SpateError } from '../core/errors.js';
import { makeBatch, takeBatch, type RecordBatch } from '../core/batch.js';
import { MapType, StringType, StructField, StructType, TimestampType, simpleString, type DataType } from '../core/types.js';
import { allocValues, isTypedStorage, type PrimitiveArray, type Vector } from '../core/vector.js';
import type { ParseMode } from '../io/options.js';
import { BAD, textParser } from '../io/text-values.js';
import type { StreamEntry } from '../clients/redis.js';
import { idMillis } from './redis-offsets.js';

/** The columns of a redis stream read without a user schema. */
export const REDIS_DEFAULT_SCHEMA: StructType = StructType([
  StructField('_id', StringType, false),
  StructField('_stream', StringType, false),
  StructField('_timestamp', TimestampType, false),
  StructField('_fields', MapType(StringType, StringType, false), false),
]);

/** The entries of one stream key, in id order. */
export interface KeyEntries {
  readonly key: string;
  readonly entries: readonly StreamEntry[];
}

type Column =
  | { readonly kind: 'id' }
  | { readonly kind: 'stream' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'fields' }
  | { readonly kind: 'corrupt' }
  | { readonly kind: 'field'; readonly name: string; readonly type: DataType; readonly parse: (s: string) => unknown };

const SPECIAL: Readonly<Record<string, { kind: 'id' | 'stream' | 'timestamp' | 'fields'; type: string }>> = {
  _id: { kind: 'id', type: 'string' },
  _stream: { kind: 'stream', type: 'string' },
  _timestamp: { kind: 'timestamp', type: 'timestamp' },
  _fields: { kind: 'fields', type: 'map<string,string>' },
};

/** Checks a user schema's types (runs at load()); fails naming the column that cannot hold a field. */
export function checkUserSchema(schema: StructType, corruptColumn: string): void {
  makeColumns(schema, corruptColumn, 'UTC');
}

function makeColumns(schema: StructType, corruptColumn: string, timeZone: string): Column[] {
  return schema.fields.map((f): Column => {
    const special = SPECIAL[f.name];
    const t = simpleString(f.dataType);
    if (special !== undefined) {
      if (t !== special.type) {
        throw new SpateError('INVALID_SCHEMA',
          `Column '${f.name}' of the redis source is the entry's ${special.kind} and must be ${special.type.toUpperCase()}, got ${t.toUpperCase()}; change its type or rename the column.`);
      }
      return { kind: special.kind };
    }
    if (f.name === corruptColumn) {
      if (f.dataType.kind !== 'string') {
        throw new SpateError('INVALID_SCHEMA', `The corrupt record column '${f.name}' must be STRING, got ${t.toUpperCase()}.`);
      }
      return { kind: 'corrupt' };
    }
    if (f.dataType.kind === 'array' || f.dataType.kind === 'map' || f.dataType.kind === 'struct') {
      throw new SpateError('INVALID_SCHEMA',
        `Column '${f.name}' has type ${t.toUpperCase()}, but a Redis stream field is a string: declare it STRING and parse it with from_json, or use a number, boolean, date or timestamp type.`);
    }
    return { kind: 'field', name: f.name, type: f.dataType, parse: textParser(f.dataType, { timeZone }, f.name) };
  });
}

/** Turns the entries of a batch into one columnar batch of the source's schema, straight into column arrays. */
export class EntryDecoder {
  private readonly columns: Column[];
  /** Field name → index of its field column (-1 when the schema does not ask for it). */
  private readonly fieldIndex = new Map<string, number>();

  constructor(readonly schema: StructType, private readonly mode: ParseMode, corruptColumn: string, timeZone: string) {
    this.columns = makeColumns(schema, corruptColumn, timeZone);
    this.columns.forEach((c, i) => { if (c.kind === 'field') this.fieldIndex.set(c.name, i); });
  }

  decode(parts: readonly KeyEntries[]): RecordBatch {
    let n = 0;
    for (const p of parts) n += p.entries.length;
    const cols = this.columns;
    const values: (PrimitiveArray | unknown[])[] = cols.map((_, i) => allocValues(this.schema.fields[i]!.dataType, n));
    const set = new Int32Array(cols.length);
    const validity: (Uint8Array | null)[] = cols.map((c) => (c.kind === 'field' || c.kind === 'corrupt' ? new Uint8Array(n) : null));
    const wantFields = cols.some((c) => c.kind === 'fields');
    const corruptCol = cols.findIndex((c) => c.kind === 'corrupt');
    let dropped: Uint8Array | null = null;
    const index = this.fieldIndex;
    const keyCodes = new Int32Array(n);
    let row = 0;
    for (let k = 0; k < parts.length; k++) {
      const { key, entries } = parts[k]!;
      for (let e = 0; e < entries.length; e++, row++) {
        const entry = entries[e]!;
        const id = entry[0];
        const f = entry[1];
        keyCodes[row] = k;
        let bad = false;
        for (let j = 0; j + 1 < f.length; j += 2) {
          const c = index.get(f[j]!);
          if (c === undefined) continue;
          const col = cols[c] as Extract<Column, { kind: 'field' }>;
          const raw = f[j + 1]!;
          const v = col.parse(raw);
          if (v === BAD) {
            if (this.mode === 'FAILFAST') {
              throw new SpateError('MALFORMED_RECORD',
                `Stream '${key}', entry ${id}: field '${col.name}' = ${JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + '…' : raw)} is not a valid ${simpleString(col.type).toUpperCase()} (mode FAILFAST). ` +
                "Fix the entry, declare the column STRING, or use mode 'PERMISSIVE' to read it as null.");
            }
            bad = true;
            if (validity[c]![row] === 1) { validity[c]![row] = 0; set[c]!--; }
            continue;
          }
          if (validity[c]![row] === 0) set[c]!++;
          (values[c]! as unknown[] | Float64Array)[row] = v as never;
          validity[c]![row] = 1;
        }
        for (let c = 0; c < cols.length; c++) {
          const kind = cols[c]!.kind;
          if (kind === 'id') (values[c] as unknown[])[row] = id;
          else if (kind === 'stream') (values[c] as unknown[])[row] = key;
          else if (kind === 'timestamp') (values[c] as Float64Array)[row] = idMillis(id) * 1000;
        }
        if (wantFields) {
          const m = new Map<string, string>();
          for (let j = 0; j + 1 < f.length; j += 2) m.set(f[j]!, f[j + 1]!);
          for (let c = 0; c < cols.length; c++) if (cols[c]!.kind === 'fields') (values[c] as unknown[])[row] = m;
        }
        if (bad) {
          if (this.mode === 'DROPMALFORMED') {
            dropped ??= new Uint8Array(n);
            dropped[row] = 1;
          } else if (corruptCol >= 0) {
            const obj: Record<string, string> = {};
            for (let j = 0; j + 1 < f.length; j += 2) obj[f[j]!] = f[j + 1]!;
            (values[corruptCol] as unknown[])[row] = JSON.stringify(obj);
            validity[corruptCol]![row] = 1;
            set[corruptCol]!++;
          }
        }
      }
    }
    const keys = parts.map((p) => p.key);
    const vectors: Vector[] = cols.map((c, i) => {
      const type = this.schema.fields[i]!.dataType;
      const v = values[i]!;
      const m = validity[i]!;
      const nulls = m === null ? null : set[i] === n ? null : m;
      if (nulls !== null && !isTypedStorage(type)) for (let r = 0; r < n; r++) if (nulls[r] === 0) (v as unknown[])[r] = null;
      if (c.kind === 'stream') return { type, length: n, values: v, validity: null, dictionary: { codes: keyCodes, entries: keys } };
      return { type, length: n, values: v, validity: nulls };
    });
    const batch = makeBatch(this.schema, vectors, n);
    if (dropped === null) return batch;
    const keep = new Int32Array(n);
    let kept = 0;
    for (let r = 0; r < n; r++) if (dropped[r] === 0) keep[kept++] = r;
    return takeBatch(batch, keep, kept);
  }
}
