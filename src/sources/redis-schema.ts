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
import type { EntrySink } from '../clients/redis-resp.js';
import { idMillis } from './redis-offsets.js';

/** The columns of a redis stream read without a user schema. */
export const REDIS_DEFAULT_SCHEMA: StructType = StructType([
  StructField('_id', StringType, false),
  StructField('_stream', StringType, false),
  StructField('_timestamp', TimestampType, false),
  StructField('_fields', MapType(StringType, StringType, false), false),
]);

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

  /** A builder that takes entries page by page, so a page can be dropped as soon as it is decoded. */
  builder(): BatchBuilder {
    return new BatchBuilder(this.schema, this.columns, this.fieldIndex, this.mode);
  }
}

/** Column arrays that grow as pages of entries arrive (doubling), decoded straight into them. */
export class BatchBuilder {
  private cap = 0;
  private n = 0;
  private values: (PrimitiveArray | unknown[])[];
  private readonly validity: (Uint8Array | null)[];
  private readonly set: Int32Array;
  private keyCodes = new Int32Array(0);
  private readonly keys: string[] = [];
  private dropped: Uint8Array | null = null;
  /**
   * Per STRING field column, while it has few distinct values: value → code, the values, and each row's
   * code (Vector.dictionary), so repeated strings are kept once and grouping works on codes. Dropped
   * (null) once a column passes MAX_DICTIONARY distinct values in a batch.
   */
  private readonly dicts: (Map<string, number> | null)[];
  private readonly dictEntries: string[][];
  private codes: (Int32Array | null)[];
  private readonly wantFields: boolean;
  private readonly corruptCol: number;
  /** An _id or _timestamp column, or FAILFAST (its message names the entry): the reader decodes every id. */
  private readonly needIds: boolean;
  private readonly hasStream: boolean;

  constructor(private readonly schema: StructType, private readonly cols: readonly Column[], private readonly index: ReadonlyMap<string, number>, private readonly mode: ParseMode) {
    this.values = cols.map((_, i) => allocValues(schema.fields[i]!.dataType, 0));
    this.validity = cols.map((c) => (c.kind === 'field' || c.kind === 'corrupt' ? new Uint8Array(0) : null));
    this.set = new Int32Array(cols.length);
    const dictionary = cols.map((c) => c.kind === 'field' && c.type.kind === 'string');
    this.dicts = dictionary.map((d) => (d ? new Map<string, number>() : null));
    this.dictEntries = cols.map(() => []);
    this.codes = dictionary.map((d) => (d ? new Int32Array(0) : null));
    this.wantFields = cols.some((c) => c.kind === 'fields');
    this.corruptCol = cols.findIndex((c) => c.kind === 'corrupt');
    this.needIds = mode === 'FAILFAST' || cols.some((c) => c.kind === 'id' || c.kind === 'timestamp');
    this.hasStream = cols.some((c) => c.kind === 'stream');
  }

  /** Rows so far. */
  get length(): number {
    return this.n;
  }

  private ensure(extra: number): void {
    const need = this.n + extra;
    if (need <= this.cap) return;
    const cap = Math.max(need, this.cap * 2, 1024);
    this.values = this.values.map((v) => {
      if (Array.isArray(v)) {
        const old = v.length;
        v.length = cap;
        return v.fill(null, old);
      }
      const t = new (v.constructor as new (n: number) => PrimitiveArray)(cap);
      t.set(v as never);
      return t;
    });
    for (let c = 0; c < this.validity.length; c++) {
      const m = this.validity[c];
      if (m === null || m === undefined) continue;
      const g = new Uint8Array(cap);
      g.set(m);
      this.validity[c] = g;
    }
    const k = new Int32Array(cap);
    k.set(this.keyCodes);
    this.keyCodes = k;
    this.codes = this.codes.map((old) => {
      if (old === null) return null;
      const g = new Int32Array(cap);
      g.set(old);
      return g;
    });
    if (this.dropped !== null) {
      const d = new Uint8Array(cap);
      d.set(this.dropped);
      this.dropped = d;
    }
    this.cap = cap;
  }

  /** Where the entries of stream `key` go, page by page (the XRANGE reader decodes straight into this builder). */
  sinkFor(key: string): EntrySink {
    let k = this.keys.indexOf(key);
    if (k < 0) { k = this.keys.length; this.keys.push(key); }
    const code = k;
    const index = this.index;
    return {
      allFields: this.wantFields || this.corruptCol >= 0,
      needIds: this.needIds,
      slot: (name) => index.get(name) ?? -1,
      entry: (id, slots, names, vals, m) => this.addEntry(code, key, id, slots, names, vals, m),
    };
  }

  /**
   * Appends one entry of stream `key` (key code `k`): `m` fields, field i = `vals[i]` for column `slots[i]`
   * (-1: not a column; `names[i]` is its name when the sink asked for all fields). `id` is null when no
   * column needs it (needIds).
   */
  addEntry(k: number, key: string, id: string | null, slots: Int32Array, names: readonly string[], vals: readonly string[], m: number): void {
    if (this.n === this.cap) this.ensure(1);
    const row = this.n;
    const { cols, values, validity, set, wantFields, corruptCol, dicts, codes } = this;
    this.keyCodes[row] = k;
    let bad = false;
    for (let i = 0; i < m; i++) {
      const c = slots[i]!;
      if (c < 0) continue;
      const col = cols[c] as Extract<Column, { kind: 'field' }>;
      const raw = vals[i]!;
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
      validity[c]![row] = 1;
      const dict = dicts[c];
      if (dict !== null && dict !== undefined) {
        let code = dict.get(v as string);
        if (code === undefined) {
          code = dict.size;
          if (code >= MAX_DICTIONARY) { this.dropDictionary(c, row); (values[c] as unknown[])[row] = v; continue; }
          dict.set(v as string, code);
          this.dictEntries[c]!.push(v as string);
        }
        codes[c]![row] = code;
        continue;
      }
      (values[c]! as unknown[] | Float64Array)[row] = v as never;
    }
    if (this.needIds) {
      for (let c = 0; c < cols.length; c++) {
        const kind = cols[c]!.kind;
        if (kind === 'id') (values[c] as unknown[])[row] = id;
        else if (kind === 'timestamp') (values[c] as Float64Array)[row] = idMillis(id!) * 1000;
      }
    }
    if (this.hasStream) for (let c = 0; c < cols.length; c++) if (cols[c]!.kind === 'stream') (values[c] as unknown[])[row] = key;
    if (wantFields) {
      const fm = new Map<string, string>();
      for (let i = 0; i < m; i++) fm.set(names[i]!, vals[i]!);
      for (let c = 0; c < cols.length; c++) if (cols[c]!.kind === 'fields') (values[c] as unknown[])[row] = fm;
    }
    if (bad) {
      if (this.mode === 'DROPMALFORMED') {
        if (this.dropped === null) this.dropped = new Uint8Array(this.cap);
        this.dropped[row] = 1;
      } else if (corruptCol >= 0) {
        const obj: Record<string, string> = {};
        for (let i = 0; i < m; i++) obj[names[i]!] = vals[i]!;
        (values[corruptCol] as unknown[])[row] = JSON.stringify(obj);
        validity[corruptCol]![row] = 1;
        set[corruptCol]!++;
      }
    }
    this.n = row + 1;
  }

  /** Column `c` has too many distinct values for a dictionary: its rows before `row` get their strings. */
  private dropDictionary(c: number, row: number): void {
    const codes = this.codes[c]!;
    const entries = this.dictEntries[c]!;
    const values = this.values[c] as unknown[];
    const valid = this.validity[c]!;
    for (let r = 0; r < row; r++) if (valid[r] === 1) values[r] = entries[codes[r]!];
    this.dicts[c] = null;
    this.codes[c] = null;
    this.dictEntries[c] = [];
  }

  /** The batch of every row added. */
  finish(): RecordBatch {
    const n = this.n;
    const vectors: Vector[] = this.cols.map((c, i) => {
      const type = this.schema.fields[i]!.dataType;
      const raw = this.values[i]!;
      const v = Array.isArray(raw) ? (raw.length === n ? raw : raw.slice(0, n)) : raw.length === n ? raw : raw.slice(0, n);
      const m = this.validity[i]!;
      const nulls = m === null ? null : this.set[i] === n ? null : m.slice(0, n);
      if (nulls !== null && !isTypedStorage(type)) for (let r = 0; r < n; r++) if (nulls[r] === 0) (v as unknown[])[r] = null;
      if (c.kind === 'stream') return { type, length: n, values: v, validity: null, dictionary: { codes: this.keyCodes.slice(0, n), entries: this.keys } };
      const codes = this.codes[i];
      if (codes !== null && codes !== undefined) return dictionaryVector(type, n, codes.slice(0, n), this.dictEntries[i]!, nulls);
      return { type, length: n, values: v, validity: nulls };
    });
    const batch = makeBatch(this.schema, vectors, n);
    const dropped = this.dropped;
    if (dropped === null) return batch;
    const keep = new Int32Array(n);
    let kept = 0;
    for (let r = 0; r < n; r++) if (dropped[r] === 0) keep[kept++] = r;
    return takeBatch(batch, keep, kept);
  }
}

/** Distinct values a STRING column keeps as a dictionary in one batch before it falls back to plain strings. */
const MAX_DICTIONARY = 4096;

/** A dictionary-encoded string column whose `values` are made on first read (a grouping reads the codes alone). */
function dictionaryVector(type: DataType, n: number, codes: Int32Array, entries: readonly string[], validity: Uint8Array | null): Vector {
  let values: unknown[] | null = null;
  return {
    type, length: n, validity, dictionary: { codes, entries },
    get values(): unknown[] {
      if (values === null) {
        const out = new Array<unknown>(n);
        for (let r = 0; r < n; r++) out[r] = validity !== null && validity[r] === 0 ? null : entries[codes[r]!]!;
        values = out;
      }
      return values;
    },
  };
}
