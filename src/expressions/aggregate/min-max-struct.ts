import type { PrimitiveArray, Vector } from '../../core/vector.js';
import type { DataType, StructType } from '../../core/types.js';
import { GrowableColumn } from '../../core/hash/growable-column.js';
import { compareNumbers } from '../compare.js';
import { grownCapacity, mergeViaState, type AggregateResolution, type GroupAccumulator } from './aggregate-function.js';

/**
 * max(struct(a, b, ...)) / min(struct(...)) over number, date and timestamp
 * fields (kept in typed arrays), the "row with the largest
 * a, then b" idiom (Nexmark q7's highest bid). The analyzer hands this
 * accumulator the fields as separate arguments, so no struct is built per
 * input row: each group keeps its best row's fields in typed arrays, and
 * structs are made once per group for the result. The order is the one
 * max/min use on structs (exec/compare.ts): field by field, a null field
 * first, NaN above every number; on a tie the first row stays. Its state
 * is the struct itself, as for max/min of any struct, so checkpoints do not
 * depend on which accumulator wrote them.
 */
export class StructMinMaxAccumulator implements GroupAccumulator {
  private readonly fields: GrowableColumn[];
  private present = new Uint8Array(16);

  constructor(private readonly type: StructType, private readonly isMax: boolean) {
    this.fields = type.fields.map((f) => new GrowableColumn(f.dataType));
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.ensure(numGroups);
    const k = this.fields.length;
    const vals = args.map((a) => a.values as PrimitiveArray);
    const valid = args.map((a) => a.validity);
    const best = this.fields.map((f) => f.values as PrimitiveArray);
    const has = this.fields.map((f) => f.valid);
    const present = this.present;
    const sign = this.isMax ? 1 : -1;
    for (let i = 0; i < numRows; i++) {
      const g = groupIds[i]!;
      let take = present[g] === 0;
      for (let f = 0; !take && f < k; f++) {
        const m = valid[f]!;
        const rowNull = m !== null && m[i] === 0;
        const bestNull = has[f]![g] === 0;
        let c: number;
        if (rowNull || bestNull) c = rowNull === bestNull ? 0 : rowNull ? -1 : 1;
        else c = compareNumbers(vals[f]![i]!, best[f]![g]!);
        if (c !== 0) { take = sign * c > 0; break; }
      }
      if (!take) continue;
      present[g] = 1;
      for (let f = 0; f < k; f++) {
        const m = valid[f]!;
        if (m !== null && m[i] === 0) has[f]![g] = 0;
        else { best[f]![g] = vals[f]![i]!; has[f]![g] = 1; }
      }
    }
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  evaluate(numGroups: number): Vector {
    this.ensure(numGroups);
    const k = this.fields.length;
    const values = new Array<unknown>(numGroups).fill(null);
    const validity = new Uint8Array(numGroups);
    let allValid = true;
    for (let g = 0; g < numGroups; g++) {
      if (this.present[g] === 0) { allValid = false; continue; }
      const row = new Array<unknown>(k);
      for (let f = 0; f < k; f++) {
        const col = this.fields[f]!;
        row[f] = col.valid[g] === 1 ? (col.values as PrimitiveArray)[g] : null;
      }
      values[g] = row;
      validity[g] = 1;
    }
    return { type: this.type, length: numGroups, values, validity: allValid ? null : validity };
  }

  memoryBytes(): number {
    let b = this.present.byteLength;
    for (const f of this.fields) b += f.memoryBytes(f.capacity);
    return b;
  }

  stateTypes(): DataType[] { return [this.type]; }
  exportState(numGroups: number): Vector[] { return [this.evaluate(numGroups)]; }

  /** State rows are structs (or null for a group with no input): taken apart into field columns, then updated. */
  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    const v = vectors[0]!;
    const structs = v.values as (unknown[] | null)[];
    const rows: number[] = [];
    for (let i = 0; i < v.length; i++) if ((v.validity === null || v.validity[i] === 1) && structs[i] !== null && structs[i] !== undefined) rows.push(i);
    const n = rows.length;
    const ids = new Int32Array(n);
    for (let j = 0; j < n; j++) ids[j] = groupIds[rows[j]!]!;
    const args = this.type.fields.map((field, f): Vector => {
      const col = new GrowableColumn(field.dataType, Math.max(1, n));
      const values = col.values as PrimitiveArray;
      const valid = new Uint8Array(n);
      for (let j = 0; j < n; j++) {
        const x = structs[rows[j]!]![f];
        if (x === null || x === undefined) continue;
        values[j] = x as number;
        valid[j] = 1;
      }
      return { type: field.dataType, length: n, values, validity: valid };
    });
    this.update(ids, n, args, numGroups);
  }

  private ensure(numGroups: number): void {
    for (const f of this.fields) f.ensure(numGroups);
    if (this.present.length < numGroups) {
      const p = new Uint8Array(grownCapacity(this.present.length, numGroups));
      p.set(this.present);
      this.present = p;
    }
  }
}

/** Field types this accumulator keeps: numbers, dates and timestamps (plain numbers in typed arrays). */
const NUMERIC_FIELDS: ReadonlySet<DataType['kind']> = new Set(['int', 'long', 'float', 'double', 'date', 'timestamp']);

/** True when max/min of `struct(fields...)` can run on the fields. */
export function fieldsMinMaxApplies(type: DataType): type is StructType {
  return type.kind === 'struct' && type.fields.length > 0 && type.fields.every((f) => NUMERIC_FIELDS.has(f.dataType.kind));
}

/** max or min of a struct built from its fields, the fields given as the aggregate's arguments. */
export function structMinMax(type: StructType, isMax: boolean): AggregateResolution {
  return { type, nullable: true, create: () => new StructMinMaxAccumulator(type, isMax) };
}
