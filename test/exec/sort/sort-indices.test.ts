import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArrayType, BooleanType, DateType, DoubleType, FloatType, IntegerType, LongType, StringType, StructField, StructType, type DataType } from '../../../src/core/types.js';
import { vectorFromValues } from '../../../src/core/vector.js';
import { sortIndices, topKIndices, type SortKey } from '../../../src/exec/sort/sort-indices.js';
import { compareCodePoints } from '../../../src/exec/sort/key-compare.js';

const key = (type: DataType, vals: unknown[], ascending = true, nullsFirst = ascending): SortKey =>
  ({ vector: vectorFromValues(type, vals), ascending, nullsFirst });
const order = (keys: SortKey[], n: number) => [...sortIndices(keys, n)];
const sortedValues = (type: DataType, vals: unknown[], asc = true, nullsFirst = asc) =>
  order([key(type, vals, asc, nullsFirst)], vals.length).map((i) => vals[i]);

test('ascending puts nulls first and descending puts them last by default (Spark defaults)', () => {
  const vals = [3, null, 1, 2, null];
  assert.deepEqual(sortedValues(IntegerType, vals), [null, null, 1, 2, 3]);
  assert.deepEqual(sortedValues(IntegerType, vals, false), [3, 2, 1, null, null]);
  assert.deepEqual(sortedValues(IntegerType, vals, true, false), [1, 2, 3, null, null]);
  assert.deepEqual(sortedValues(IntegerType, vals, false, true), [null, null, 3, 2, 1]);
});

test('NaN is larger than every number, -0.0 ties with 0.0, and nulls still go where asked', () => {
  const vals = [NaN, 1, null, -Infinity, Infinity, -0, 0, NaN];
  assert.deepEqual(order([key(DoubleType, vals)], vals.length), [2, 3, 5, 6, 1, 4, 0, 7]);
  assert.deepEqual(order([key(DoubleType, vals, false)], vals.length), [0, 7, 4, 1, 5, 6, 3, 2]);
  assert.deepEqual(sortedValues(FloatType, [NaN, 2.5, -1]), [-1, 2.5, NaN]);
});

test('the sort is stable: equal keys keep their input order, in both directions', () => {
  const vals = [2, 1, 2, 1, 2];
  assert.deepEqual(order([key(IntegerType, vals)], 5), [1, 3, 0, 2, 4]);
  assert.deepEqual(order([key(IntegerType, vals, false)], 5), [0, 2, 4, 1, 3]);
  assert.deepEqual(order([key(StringType, ['b', 'a', 'b', 'a'], false)], 4), [0, 2, 1, 3]);
  assert.deepEqual(order([key(DoubleType, [0.5, 0.25, 0.5, 0.25])], 4), [1, 3, 0, 2]);
});

test('multiple keys: later keys break ties of earlier ones', () => {
  const a = key(StringType, ['x', 'y', 'x', null, 'y'], true);
  const b = key(IntegerType, [1, 2, 3, 4, null], false);
  assert.deepEqual(order([a, b], 5), [3, 2, 0, 1, 4]);
  const c = key(IntegerType, [1, 1, 1, 1, 1]);
  assert.deepEqual(order([c, key(DoubleType, [NaN, 1, null, 1, 0])], 5), [2, 4, 1, 3, 0]);
});

test('strings sort by code point, booleans false < true, dates and longs numerically', () => {
  // U+FF61 is below U+1F600 as a code point but above its UTF-16 surrogates.
  assert.deepEqual(sortedValues(StringType, ['b', '\u{1F600}', '\uFF61', 'B', '', 'a', 'ab']),
    ['', 'B', 'a', 'ab', 'b', '\uFF61', '\u{1F600}']);
  assert.ok(compareCodePoints('\u{1F600}', '\uFF61') > 0 && compareCodePoints('a', 'ab') < 0);
  assert.deepEqual(sortedValues(BooleanType, [true, false, null, true]), [null, false, true, true]);
  assert.deepEqual(sortedValues(DateType, [18000, -5, 0]), [-5, 0, 18000]);
  assert.deepEqual(sortedValues(LongType, [2 ** 52, -(2 ** 52), 7]), [-(2 ** 52), 7, 2 ** 52]);
});

test('nested values: arrays element-wise then by length, structs field by field with nulls first', () => {
  assert.deepEqual(sortedValues(ArrayType(IntegerType), [[2], [1, 5], [1], [], [null, 9]]), [[], [null, 9], [1], [1, 5], [2]]);
  const st = StructType([StructField('a', IntegerType), StructField('b', StringType)]);
  assert.deepEqual(sortedValues(st, [[1, 'b'], [1, null], [0, 'z']], false), [[1, 'b'], [1, null], [0, 'z']]);
});

test('empty input, no keys and a single row', () => {
  assert.deepEqual(order([key(IntegerType, [])], 0), []);
  assert.deepEqual(order([], 3), [0, 1, 2]);
  assert.deepEqual(order([key(StringType, [null])], 1), [0]);
  assert.deepEqual([...topKIndices([key(IntegerType, [3, 1])], 2, 0)], []);
  assert.deepEqual([...topKIndices([key(IntegerType, [3, 1])], 2, 5)], [1, 0]);
  assert.deepEqual([...topKIndices([], 4, 2)], [0, 1]);
});

test('topK keeps the first k of the stable order, ties included', () => {
  const vals = [5, 1, 3, 1, 5, null, 1, 2];
  assert.deepEqual([...topKIndices([key(IntegerType, vals)], 8, 3)], [5, 1, 3]);
  assert.deepEqual([...topKIndices([key(IntegerType, vals, false)], 8, 3)], [0, 4, 2]);
  assert.deepEqual([...topKIndices([key(IntegerType, vals, true, false)], 8, 2)], [1, 3]);
});

test('large integer ranges fall back from packing to comparison', () => {
  const vals = [2 ** 50, -(2 ** 50), 3, -3, 2 ** 50, null];
  assert.deepEqual(order([key(LongType, vals)], 6), [5, 1, 3, 2, 0, 4]);
  assert.deepEqual(order([key(LongType, vals, false)], 6), [0, 4, 2, 3, 1, 5]);
});

/** Reference: Array.prototype.sort over boxed values (stable since ES2019) with Spark's rules written out. */
function referenceSort(cols: { vals: unknown[]; asc: boolean; nf: boolean }[], n: number): number[] {
  const cmpVal = (x: unknown, y: unknown): number => {
    if (typeof x === 'string') return compareCodePoints(x, y as string);
    if (typeof x === 'boolean') return Number(x) - Number(y);
    const a = x as number, b = y as number;
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return Array.from({ length: n }, (_, i) => i).sort((i, j) => {
    for (const c of cols) {
      const x = c.vals[i], y = c.vals[j];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === c.nf ? -1 : 1;
      }
      const r = cmpVal(x, y);
      if (r !== 0) return c.asc ? r : -r;
    }
    return 0;
  });
}

const columnArbs: { type: DataType; value: fc.Arbitrary<unknown> }[] = [
  { type: IntegerType, value: fc.integer({ min: -3, max: 3 }) },
  { type: DoubleType, value: fc.constantFrom(NaN, -0, 0, 1.5, -2.25, Infinity, -Infinity, 1e300) },
  { type: LongType, value: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(2 ** 52, -(2 ** 52))) },
  { type: StringType, value: fc.constantFrom('', 'a', 'ab', 'B', '\uFF61', '\u{1F600}', '\u{1F601}', 'é') },
  { type: BooleanType, value: fc.boolean() },
];

const keysArb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.array(
  fc.integer({ min: 0, max: columnArbs.length - 1 }).chain((c) => fc.record({
    c: fc.constant(c),
    vals: fc.array(fc.option(columnArbs[c]!.value, { freq: 4 }), { minLength: n, maxLength: n }),
    asc: fc.boolean(), nf: fc.boolean(),
  })), { minLength: 1, maxLength: 3 }).map((cols) => ({ n, cols })));

test('property: sortIndices agrees with a stable reference sort; topK equals sort + slice', () => {
  fc.assert(fc.property(keysArb, fc.integer({ min: 0, max: 45 }), ({ n, cols }, k) => {
    const keys = cols.map((c) => key(columnArbs[c.c]!.type, c.vals, c.asc, c.nf));
    const got = [...sortIndices(keys, n)];
    assert.deepEqual(got, referenceSort(cols, n));
    assert.deepEqual([...topKIndices(keys, n, k)], got.slice(0, k));
  }), { numRuns: 1500 });
});

test('property: large inputs (radix sort path) agree with the reference sort', () => {
  const big: { type: DataType; value: fc.Arbitrary<unknown> }[] = [
    { type: IntegerType, value: fc.integer() },
    { type: DateType, value: fc.integer({ min: -50, max: 50 }) },
    { type: LongType, value: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 33)) },
    { type: DoubleType, value: fc.oneof(fc.double(), fc.constantFrom(-0, 0, 5e-324, -5e-324, 1.5, -1.5)) },
    { type: FloatType, value: fc.float({ noDefaultInfinity: false }).map(Math.fround) },
    { type: BooleanType, value: fc.boolean() },
    { type: StringType, value: fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('', 'user1', 'user10', 'user2', '\uFF61', '\u{1F600}')) },
  ];
  fc.assert(fc.property(
    fc.integer({ min: 0, max: big.length - 1 }), fc.integer({ min: 1024, max: 3000 }), fc.boolean(), fc.boolean(), fc.integer(),
    (c, n, asc, nf, seed) => {
      const vals = fc.sample(fc.option(big[c]!.value, { freq: 10 }), { numRuns: n, seed });
      const got = [...sortIndices([key(big[c]!.type, vals, asc, nf)], n)];
      assert.deepEqual(got, referenceSort([{ vals, asc, nf }], n));
    },
  ), { numRuns: 40 });
});

test('property: several numeric keys on large inputs (radix per key, last key first) agree with the reference sort', () => {
  const gens: { type: DataType; value: fc.Arbitrary<unknown> }[] = [
    { type: IntegerType, value: fc.integer({ min: -3, max: 3 }) },
    { type: DoubleType, value: fc.constantFrom(NaN, -0, 0, 1.5, -2.25, Infinity) },
    { type: LongType, value: fc.integer({ min: -2, max: 2 }) },
  ];
  fc.assert(fc.property(
    fc.array(fc.record({ c: fc.integer({ min: 0, max: gens.length - 1 }), asc: fc.boolean(), nf: fc.boolean(), seed: fc.integer() }), { minLength: 2, maxLength: 3 }),
    fc.integer({ min: 1024, max: 2500 }),
    (specs, n) => {
      const cols = specs.map((s) => ({ vals: fc.sample(fc.option(gens[s.c]!.value, { freq: 5 }), { numRuns: n, seed: s.seed }), asc: s.asc, nf: s.nf }));
      const keys = cols.map((c, i) => key(gens[specs[i]!.c]!.type, c.vals, c.asc, c.nf));
      assert.deepEqual([...sortIndices(keys, n)], referenceSort(cols, n));
    },
  ), { numRuns: 30 });
});
