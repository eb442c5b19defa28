import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DoubleType, IntegerType, StringType } from '../../../src/core/types.js';
import { vectorFromValues } from '../../../src/core/vector.js';
import { mergeSortedRuns } from '../../../src/exec/sort/merge-sorted.js';
import { sortIndices, type SortKey } from '../../../src/exec/sort/sort-indices.js';

test('merges sorted runs into one sorted run, ties by row index', () => {
  const keys: SortKey[] = [{ vector: vectorFromValues(IntegerType, [3, 1, null, 2, 1, 3]), ascending: true, nullsFirst: false }];
  // Rows 0..2 sorted: 1(1), 3(0), null(2); rows 3..5 sorted: 1(4), 2(3), 3(5).
  assert.deepEqual([...mergeSortedRuns(keys, [Int32Array.of(1, 0, 2), Int32Array.of(4, 3, 5)])], [1, 4, 3, 0, 5, 2]);
  assert.deepEqual([...mergeSortedRuns(keys, [])], []);
  assert.deepEqual([...mergeSortedRuns(keys, [new Int32Array(0), Int32Array.of(4, 3, 5)])], [4, 3, 5]);
});

test('property: merging the sorted slices of an input equals sorting all of it', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 4 })), fc.option(fc.constantFrom('a', 'b', '')), fc.constantFrom(NaN, 1, -0, 0)), { maxLength: 60 }),
    fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 5 }),
    fc.boolean(),
    (rows, cuts, asc) => {
      const n = rows.length;
      const keys: SortKey[] = [
        { vector: vectorFromValues(IntegerType, rows.map((r) => r[0])), ascending: asc, nullsFirst: !asc },
        { vector: vectorFromValues(StringType, rows.map((r) => r[1])), ascending: !asc, nullsFirst: asc },
        { vector: vectorFromValues(DoubleType, rows.map((r) => r[2])), ascending: asc, nullsFirst: asc },
      ];
      const bounds = [0, ...cuts.map((c) => Math.min(c, n)).sort((a, b) => a - b), n];
      const all = [...sortIndices(keys, n)];
      const runs = bounds.slice(1).map((end, i) => Int32Array.from(all.filter((r) => r >= bounds[i]! && r < end)));
      assert.deepEqual([...mergeSortedRuns(keys, runs)], all);
    },
  ), { numRuns: 500 });
});
