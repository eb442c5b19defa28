import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BooleanType, IntegerType, type DataType } from '../../../src/core/types.js';
import { getValue, sliceVector, vectorFromValues, type Vector } from '../../../src/core/vector.js';
import { KeyIndex } from '../../../src/core/hash/key-index.js';
import type { AggregateResolution, GroupAccumulator } from '../../../src/expressions/aggregate/aggregate-function.js';
import { argVectors, col, resolve, type Arg } from './agg-helpers.js';

interface Spec { name: string; args: (v: (number | null)[]) => Arg[]; distinct?: boolean; ignoreNulls?: boolean }
const SPECS: Spec[] = [
  { name: 'count', args: (v) => [col(IntegerType, v)] },
  { name: 'count', args: (v) => [col(IntegerType, v)], distinct: true },
  { name: 'sum', args: (v) => [col(IntegerType, v)] },
  { name: 'sum', args: (v) => [col(IntegerType, v)], distinct: true },
  { name: 'avg', args: (v) => [col(IntegerType, v)] },
  { name: 'min', args: (v) => [col(IntegerType, v)] },
  { name: 'max', args: (v) => [col(IntegerType, v)] },
  { name: 'first', args: (v) => [col(IntegerType, v)] },
  { name: 'last', args: (v) => [col(IntegerType, v)], ignoreNulls: true },
  { name: 'collect_list', args: (v) => [col(IntegerType, v)] },
  { name: 'collect_set', args: (v) => [col(IntegerType, v)] },
  { name: 'var_samp', args: (v) => [col(IntegerType, v)] },
  { name: 'stddev_pop', args: (v) => [col(IntegerType, v)] },
  { name: 'count_if', args: (v) => [col(BooleanType, v.map((x) => (x === null ? null : x % 2 === 0)))] },
  { name: 'bool_or', args: (v) => [col(BooleanType, v.map((x) => (x === null ? null : x > 40)))] },
  { name: 'approx_count_distinct', args: (v) => [col(IntegerType, v)] },
];

/** Runs one accumulator over rows [from, to), grouping by `keys`; returns its key index and accumulator. */
function partial(res: AggregateResolution, keys: Vector, args: Vector[], from: number, to: number): { index: KeyIndex; acc: GroupAccumulator } {
  const index = new KeyIndex([keys.type]);
  const acc = res.create();
  const n = to - from;
  const ids = new Int32Array(n);
  const numGroups = index.map([sliceVector(keys, from, to)], n, ids);
  acc.update(ids, n, args.map((a) => sliceVector(a, from, to)), numGroups);
  return { index, acc };
}

function same(a: unknown, b: unknown, where: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)), `${where}: ${a} vs ${b}`);
  } else {
    assert.deepEqual(a, b, where);
  }
}

test('merging partial accumulators over any split equals one pass (and state export/import does too)', () => {
  const row = fc.tuple(fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }));
  fc.assert(fc.property(fc.array(row, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 4 }), (rows, cutSeeds) => {
    const n = rows.length;
    const cuts = [...new Set(cutSeeds.map((c) => (n === 0 ? 0 : c % (n + 1))))].sort((a, b) => a - b);
    const bounds = [0, ...cuts, n];
    const keys = vectorFromValues(IntegerType, rows.map((r) => r[0]));
    const vals = rows.map((r) => r[1]);
    for (const spec of SPECS) {
      const opts = { distinct: spec.distinct ?? false, ignoreNulls: spec.ignoreNulls ?? false };
      const res = resolve(spec.name, spec.args(vals), opts);
      const args = argVectors(res, spec.args(vals), n);
      const whole = partial(res, keys, args, 0, n);
      const expected = whole.acc.evaluate(whole.index.size);

      const final = new KeyIndex([IntegerType as DataType]);
      const acc = res.create();
      for (let p = 0; p + 1 < bounds.length; p++) {
        const part = partial(res, keys, args, bounds[p]!, bounds[p + 1]!);
        const pk = part.index.keyVectors();
        const map = new Int32Array(part.index.size);
        const numGroups = final.map(pk, part.index.size, map);
        // Alternate the two paths the engine uses: direct merge, and checkpointed state.
        if (p % 2 === 0) acc.merge(part.acc, map, part.index.size, numGroups);
        else acc.importState(part.acc.exportState(part.index.size), map, numGroups);
      }
      assert.equal(final.size, whole.index.size);
      const got = acc.evaluate(final.size);
      for (let g = 0; g < final.size; g++) same(getValue(got, g), getValue(expected, g), `${spec.name}${spec.distinct ? ' distinct' : ''} group ${g}`);
    }
  }), { numRuns: 150 });
});
