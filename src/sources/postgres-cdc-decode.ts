import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { allocValues, type PrimitiveArray, type Vector } from '../core/vector.js';
import type { Zone } from '../core/time-zone.js';
import type { DataType } from '../core/types.js';
import { formatLsn, readLsn } from './postgres-cdc-offsets.js';
import type { CdcLayout } from './postgres-cdc-schema.js';
import type { QualifiedName } from './postgres-cdc-options.js';
import { parseByteaText, parseDateText, parseInteger, parseTimestampText, valueKind, valueMismatch, ValueKind } from './postgres-cdc-values.js';

/**
 * pgoutput (protocol version 1) messages, as pg_logical_slot_peek_binary_changes
 * returns them one per row, decoded straight into the columns of one batch:
 * no object per row, no string for a number. Message formats:
 * https://www.postgresql.org/docs/15/protocol-logicalrep-message-formats.html
 *
 * A transaction belongs to the range (from, to] when its commit record
 * starts at or after `from` (PostgreSQL's own rule for a slot's confirmed
 * position) and ends at or before `to`; the end LSN of the commit record is
 * what offsets hold. Transactions outside are skipped whole.
 */

const TAG_BEGIN = 0x42, TAG_COMMIT = 0x43, TAG_RELATION = 0x52, TAG_INSERT = 0x49, TAG_UPDATE = 0x55, TAG_DELETE = 0x44, TAG_TRUNCATE = 0x54;
const OPS = ['insert', 'update', 'delete', 'truncate'] as const;
const OP_INSERT = 0, OP_UPDATE = 1, OP_DELETE = 2, OP_TRUNCATE = 3;
/** pgoutput timestamps count microseconds from 2000-01-01; Spark's from 1970-01-01. */
const PG_EPOCH_MICROS = 946_684_800_000_000;

/** A relation (table) as its Relation message describes it, mapped onto the output columns. */
interface RelationMap {
  /** `schema.table`. */
  readonly qualified: string;
  /** False when `tables` leaves this table out: its changes are skipped. */
  readonly included: boolean;
  /** Per column of the relation, the output table-column index, or -1. */
  readonly target: Int32Array;
  readonly names: readonly string[];
  /** The code of `qualified` in this decode's table dictionary (-1 until first used in it). */
  code: number;
  codeEpoch: number;
}

/** One output table column under construction. */
interface Col {
  readonly type: DataType;
  readonly kind: ValueKind;
  readonly name: string;
  values: PrimitiveArray | unknown[];
  valid: Uint8Array;
}

/** What one decode produced. */
export interface DecodeResult {
  /** The rows, or null when the range held none. */
  readonly batch: RecordBatch | null;
  /** The end LSN of the last transaction decoded in the range (undefined: none). */
  readonly lastEnd: bigint | undefined;
  readonly transactions: number;
  /** Values of unchanged TOASTed columns that the WAL did not carry (left null). */
  readonly unchangedToast: number;
}

/** Reads pgoutput messages; keeps the relations it has seen (Relation messages precede a relation's first change in each session). */
export class PgoutputDecoder {
  private readonly relations = new Map<number, RelationMap>();
  private epoch = 0;
  private readonly include: ((schema: string, name: string) => boolean);

  constructor(private readonly layout: CdcLayout, tables: readonly QualifiedName[], private readonly zone: Zone) {
    const wanted = new Set(tables.map((t) => `${t.schema}\u0000${t.name}`));
    this.include = wanted.size === 0 ? () => true : (schema, name) => wanted.has(`${schema}\u0000${name}`);
  }

  decode(messages: readonly Uint8Array[], from: bigint, to: bigint): DecodeResult {
    this.epoch++;
    const layout = this.layout;
    const nData = layout.data.length;
    // An upper bound on the rows: one per change message, one per table of a truncate.
    let capacity = 0;
    for (const m of messages) {
      const t = m[0];
      if (t === TAG_INSERT || t === TAG_UPDATE || t === TAG_DELETE) capacity++;
      else if (t === TAG_TRUNCATE) capacity += view(m).getInt32(1);
    }
    const cols: Col[] = layout.data.map((f) => ({
      type: f.dataType, kind: valueKind(f.dataType), name: f.name,
      values: allocValues(f.dataType, capacity), valid: new Uint8Array(capacity),
    }));
    const opCodes = new Int32Array(capacity);
    const tableCodes = new Int32Array(capacity);
    const tableEntries: string[] = [];
    const lsnValues = new Array<unknown>(capacity);
    const commitTimes = new Float64Array(capacity);
    const before: unknown[] | undefined = layout.includeBefore ? new Array<unknown>(capacity).fill(null) : undefined;
    const st = { n: 0, unchangedToast: 0 };
    let txnStart = 0;
    let skipping = false;
    let lastEnd: bigint | undefined;
    let transactions = 0;
    for (const raw of messages) {
      const m = asBuffer(raw);
      const tag = m[0];
      if (tag === TAG_BEGIN) {
        const finalLsn = readLsn(m, 1);
        // Commits arrive in commit order: past `to`, nothing later is in range either.
        if (finalLsn >= to) break;
        skipping = finalLsn < from;
        txnStart = st.n;
      } else if (tag === TAG_COMMIT) {
        if (skipping) { skipping = false; continue; }
        const endLsn = readLsn(m, 10);
        if (endLsn > to) { st.n = txnStart; break; }
        const lsnText = formatLsn(endLsn);
        const ts = readInt64(m, 18) + PG_EPOCH_MICROS;
        for (let r = txnStart; r < st.n; r++) { lsnValues[r] = lsnText; commitTimes[r] = ts; }
        lastEnd = endLsn;
        transactions++;
      } else if (tag === TAG_RELATION) {
        this.relation(m);
      } else if (skipping) {
        continue;
      } else if (tag === TAG_INSERT || tag === TAG_UPDATE || tag === TAG_DELETE) {
        const rel = this.rel(view(m).getInt32(1));
        if (!rel.included) continue;
        const row = st.n++;
        tableCodes[row] = this.tableCode(rel, tableEntries);
        let pos = 5;
        if (tag === TAG_INSERT) {
          opCodes[row] = OP_INSERT;
          pos = this.tuple(m, pos + 1, rel, cols, row, st);
        } else {
          opCodes[row] = tag === TAG_UPDATE ? OP_UPDATE : OP_DELETE;
          const sub = m[pos];
          if (sub === 0x4b || sub === 0x4f) { // 'K' key / 'O' old row
            const oldStart = pos + 1;
            pos = this.tuple(m, oldStart, rel, cols, row, st);
            if (before !== undefined) before[row] = this.values(m, oldStart, rel, cols);
          }
          if (tag === TAG_UPDATE) {
            if (m[pos] !== 0x4e) throw protocolError(`an Update message without its new tuple (byte ${m[pos]})`);
            pos = this.tuple(m, pos + 1, rel, cols, row, st);
          }
        }
      } else if (tag === TAG_TRUNCATE) {
        const v = view(m);
        const nrels = v.getInt32(1);
        for (let k = 0; k < nrels; k++) {
          const rel = this.rel(v.getInt32(6 + 4 * k));
          if (!rel.included) continue;
          const row = st.n++;
          opCodes[row] = OP_TRUNCATE;
          tableCodes[row] = this.tableCode(rel, tableEntries);
        }
      }
      // Type ('Y'), Origin ('O') and Message ('M') messages carry nothing for the rows.
    }
    const n = st.n;
    if (n === 0) return { batch: null, lastEnd, transactions, unchangedToast: st.unchangedToast };
    const opVals = new Array<unknown>(n);
    const tableVals = new Array<unknown>(n);
    for (let r = 0; r < n; r++) { opVals[r] = OPS[opCodes[r]!]; tableVals[r] = tableEntries[tableCodes[r]!]; }
    lsnValues.length = n;
    const columns: Vector[] = [
      { type: layout.schema.fields[0]!.dataType, length: n, values: opVals, validity: null, dictionary: { codes: opCodes.subarray(0, n), entries: OPS } },
      { type: layout.schema.fields[1]!.dataType, length: n, values: tableVals, validity: null, dictionary: { codes: tableCodes.subarray(0, n), entries: tableEntries } },
      { type: layout.schema.fields[2]!.dataType, length: n, values: lsnValues, validity: null },
      { type: layout.schema.fields[3]!.dataType, length: n, values: commitTimes.subarray(0, n), validity: null },
    ];
    for (let c = 0; c < nData; c++) columns.push(finish(cols[c]!, n));
    if (before !== undefined) {
      before.length = n;
      let validity: Uint8Array | null = null;
      for (let r = 0; r < n; r++) {
        if (before[r] !== null) continue;
        validity ??= new Uint8Array(n).fill(1);
        validity[r] = 0;
      }
      columns.push({ type: layout.schema.fields[layout.schema.fields.length - 1]!.dataType, length: n, values: before, validity });
    }
    return { batch: makeBatch(layout.schema, columns, n), lastEnd, transactions, unchangedToast: st.unchangedToast };
  }

  private rel(oid: number): RelationMap {
    const r = this.relations.get(oid);
    if (r === undefined) throw protocolError(`a change for relation ${oid} before its Relation message`);
    return r;
  }

  private tableCode(rel: RelationMap, entries: string[]): number {
    if (rel.codeEpoch !== this.epoch) {
      rel.codeEpoch = this.epoch;
      rel.code = entries.indexOf(rel.qualified);
      if (rel.code < 0) { rel.code = entries.length; entries.push(rel.qualified); }
    }
    return rel.code;
  }

  /** Relation: Int32 oid, String namespace, String name, Int8 replica identity, Int16 columns, then per column Int8 flags, String name, Int32 type oid, Int32 typmod. */
  private relation(m: Buffer): void {
    const v = view(m);
    const oid = v.getInt32(1);
    let pos = 5;
    const [schema, p1] = cstring(m, pos);
    const [name, p2] = cstring(m, p1);
    pos = p2 + 1; // replica identity
    const ncols = v.getInt16(pos);
    pos += 2;
    const names: string[] = [];
    for (let i = 0; i < ncols; i++) {
      const [col, p] = cstring(m, pos + 1);
      names.push(col);
      pos = p + 8;
    }
    const data = this.layout.data;
    const target = new Int32Array(ncols).fill(-1);
    names.forEach((col, i) => {
      let k = data.findIndex((f) => f.name === col);
      if (k < 0) k = data.findIndex((f) => f.name.toLowerCase() === col.toLowerCase());
      target[i] = k;
    });
    const qualified = `${schema}.${name}`;
    this.relations.set(oid, { qualified, included: this.include(schema, name), target, names, code: -1, codeEpoch: -1 });
  }

  /**
   * TupleData at `pos` into row `row`: Int16 columns, then per column 'n'
   * (null), 'u' (unchanged TOAST: the row keeps what an old tuple put
   * there, else null), 't' Int32 length + text. Returns the position after it.
   */
  private tuple(m: Buffer, pos: number, rel: RelationMap, cols: Col[], row: number, st: { unchangedToast: number }): number {
    const ncols = (m[pos]! << 8) | m[pos + 1]!;
    pos += 2;
    const target = rel.target;
    for (let i = 0; i < ncols; i++) {
      const kind = m[pos++];
      const k = i < target.length ? target[i]! : -1;
      if (kind === 0x74 || kind === 0x62) { // 't' text, 'b' binary (not requested)
        const len = ((m[pos]! << 24) | (m[pos + 1]! << 16) | (m[pos + 2]! << 8) | m[pos + 3]!) >>> 0;
        pos += 4;
        if (k >= 0) {
          if (kind === 0x62) throw protocolError('a binary column value (the binary option is not used)');
          this.put(cols[k]!, row, m, pos, pos + len, rel);
        }
        pos += len;
      } else if (kind === 0x6e) { // 'n'
        if (k >= 0) { const c = cols[k]!; c.valid[row] = 0; if (c.kind === ValueKind.String || c.kind === ValueKind.Binary) (c.values as unknown[])[row] = null; }
      } else if (kind === 0x75) { // 'u'
        if (k >= 0 && cols[k]!.valid[row] === 0) st.unchangedToast++;
      } else {
        throw protocolError(`a column value of kind ${kind}`);
      }
    }
    return pos;
  }

  /** The old tuple at `pos` as a `before` struct value (internal values in table-column order). */
  private values(m: Buffer, pos: number, rel: RelationMap, cols: Col[]): unknown[] {
    const scratch: Col[] = cols.map((c) => ({ ...c, values: allocValues(c.type, 1), valid: new Uint8Array(1) }));
    this.tuple(m, pos, rel, scratch, 0, { unchangedToast: 0 });
    return scratch.map((c) => (c.valid[0] === 0 ? null : c.kind === ValueKind.Boolean ? c.values[0] === 1 : c.values[0]));
  }

  private put(c: Col, row: number, m: Buffer, s: number, e: number, rel: RelationMap): void {
    let x: number;
    switch (c.kind) {
      case ValueKind.String:
        (c.values as unknown[])[row] = m.toString('utf8', s, e);
        c.valid[row] = 1;
        return;
      case ValueKind.Binary: {
        const b = parseByteaText(m, s, e);
        if (b === undefined) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e);
        (c.values as unknown[])[row] = b;
        c.valid[row] = 1;
        return;
      }
      case ValueKind.Boolean:
        if (e - s !== 1 || (m[s] !== 0x74 && m[s] !== 0x66)) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e);
        x = m[s] === 0x74 ? 1 : 0;
        break;
      case ValueKind.Int:
        x = parseInteger(m, s, e);
        if (!(x >= -2147483648 && x <= 2147483647)) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e);
        break;
      case ValueKind.Long:
        x = parseInteger(m, s, e);
        if (Number.isNaN(x)) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e);
        break;
      case ValueKind.Float: case ValueKind.Double:
        x = Number(m.toString('latin1', s, e));
        if (Number.isNaN(x) && !(e - s === 3 && m[s] === 0x4e)) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e); // 'NaN' is a value
        break;
      case ValueKind.Date:
        x = parseDateText(m, s, e);
        if (Number.isNaN(x)) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e);
        break;
      case ValueKind.Timestamp:
        x = parseTimestampText(m, s, e, this.zone);
        if (Number.isNaN(x)) throw valueMismatch(c.name, rel.qualified, c.type, m, s, e);
        break;
    }
    (c.values as PrimitiveArray)[row] = x;
    c.valid[row] = 1;
  }

  /** The relation names seen so far, by `schema.table` (for tests and messages). */
  relationColumns(qualified: string): readonly string[] | undefined {
    for (const r of this.relations.values()) if (r.qualified === qualified) return r.names;
    return undefined;
  }
}

function finish(c: Col, n: number): Vector {
  let allValid = true;
  for (let r = 0; r < n; r++) if (c.valid[r] === 0) { allValid = false; break; }
  const values = Array.isArray(c.values) ? (c.values.length = n, c.values) : (c.values as PrimitiveArray).subarray(0, n);
  return { type: c.type, length: n, values, validity: allValid ? null : c.valid.subarray(0, n) };
}

function view(m: Uint8Array): DataView {
  return new DataView(m.buffer, m.byteOffset, m.byteLength);
}

/** A signed 64-bit big-endian integer as a double (exact within ±2^53: pgoutput's microsecond timestamps are). */
function readInt64(m: Uint8Array, pos: number): number {
  const hi = (m[pos]! << 24) | (m[pos + 1]! << 16) | (m[pos + 2]! << 8) | m[pos + 3]!;
  const lo = ((m[pos + 4]! << 24) | (m[pos + 5]! << 16) | (m[pos + 6]! << 8) | m[pos + 7]!) >>> 0;
  return hi * 4294967296 + lo;
}

/** A NUL-terminated UTF-8 string at `pos`, and the position after its NUL. */
function cstring(m: Buffer, pos: number): [string, number] {
  const end = m.indexOf(0, pos);
  if (end < 0) throw protocolError('an unterminated string');
  return [m.toString('utf8', pos, end), end + 1];
}

function asBuffer(m: Uint8Array): Buffer {
  return Buffer.isBuffer(m) ? m : Buffer.from(m.buffer, m.byteOffset, m.byteLength);
}

function protocolError(what: string): SpateError {
  return new SpateError('CDC_PROTOCOL', `postgres-cdc: the pgoutput stream holds ${what}; this source reads proto_version 1 without binary values. Please report it with the PostgreSQL version.`);
}
