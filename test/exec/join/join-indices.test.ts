import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DoubleType, IntegerType, LongType, StringType, DateType, BooleanType, StructType, StructField, type DataType } from '../../../src/core/types.js';
import { joinIndices } from '../../../src/exec/join/join-indices.js';
import type { JoinType } from '../../../src/physical/physical.js';
import { keyCols, naiveJoin, pairs, sortPairs } from './support.js';

const INT = [IntegerType];
const L1 = [[1], [2], [2], [null], [4]];
const R1 = [[2], [1], [2], [null], [5]];

function run(type: JoinType, left: unknown[][], right: unknown[][], types: DataType[] = INT,
  extra: { buildSide?: 'left' | 'right'; residual?: (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => void } = {}) {
  return pairs(joinIndices({
    leftKeys: keyCols(types, left), rightKeys: keyCols(types, right),
    leftRows: left.length, rightRows: right.length, joinType: type, ...extra,
  }));
}

test('inner join: duplicates on both sides multiply; null keys never match', () => {
  assert.deepEqual(run('inner', L1, R1), [[0, 1], [1, 0], [1, 2], [2, 0], [2, 2]]);
});

test('left, right and full outer joins null-extend unmatched rows, null keys included', () => {
  assert.deepEqual(run('left', L1, R1), [[0, 1], [1, 0], [1, 2], [2, 0], [2, 2], [3, -1], [4, -1]]);
  assert.deepEqual(run('right', L1, R1), [[0, 1], [1, 0], [1, 2], [2, 0], [2, 2], [-1, 3], [-1, 4]]);
  assert.deepEqual(run('full', L1, R1), [[0, 1], [1, 0], [1, 2], [2, 0], [2, 2], [3, -1], [4, -1], [-1, 3], [-1, 4]]);
});

test('left semi and anti joins list left rows once, in left order, with right = -1', () => {
  assert.deepEqual(run('left_semi', L1, R1), [[0, -1], [1, -1], [2, -1]]);
  assert.deepEqual(run('left_anti', L1, R1), [[3, -1], [4, -1]]);
});

test('building on the left side gives the same rows', () => {
  for (const t of ['inner', 'left', 'right', 'full'] as const) {
    assert.deepEqual(sortPairs(run(t, L1, R1, INT, { buildSide: 'left' })), sortPairs(run(t, L1, R1)), t);
  }
  assert.deepEqual(run('left_semi', L1, R1, INT, { buildSide: 'left' }), [[0, -1], [1, -1], [2, -1]]);
  assert.deepEqual(run('left_anti', L1, R1, INT, { buildSide: 'left' }), [[3, -1], [4, -1]]);
});

test('the smaller side is built by default, keeping left order for a small right side', () => {
  const big = [[3], [1], [2], [1], [3]];
  assert.deepEqual(run('inner', big, [[1], [3]]), [[0, 1], [1, 0], [3, 0], [4, 1]]);
  // Small left side: the right is probed; the rows are the same.
  assert.deepEqual(sortPairs(run('inner', [[1], [3]], big)), [[0, 1], [0, 3], [1, 0], [1, 4]]);
  // Small left side of a left join: pairs in right (probe) order, then the unmatched left rows.
  assert.deepEqual(run('left', [[1], [7], [3]], big), [[2, 0], [0, 1], [0, 3], [2, 4], [1, -1]]);
});

test('residual condition decides matched / unmatched for outer, semi and anti joins', () => {
  const residual = (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => {
    for (let k = 0; k < n; k++) keep[k] = (li[k]! + ri[k]!) % 2 === 0 ? 1 : 0;
  };
  assert.deepEqual(run('inner', L1, R1, INT, { residual }), [[2, 0], [2, 2]]);
  assert.deepEqual(run('left', L1, R1, INT, { residual }), [[0, -1], [1, -1], [2, 0], [2, 2], [3, -1], [4, -1]]);
  assert.deepEqual(run('right', L1, R1, INT, { residual }), [[2, 0], [2, 2], [-1, 1], [-1, 3], [-1, 4]]);
  assert.deepEqual(run('full', L1, R1, INT, { residual }),
    [[0, -1], [1, -1], [2, 0], [2, 2], [3, -1], [4, -1], [-1, 1], [-1, 3], [-1, 4]]);
  assert.deepEqual(run('left_semi', L1, R1, INT, { residual }), [[2, -1]]);
  assert.deepEqual(run('left_anti', L1, R1, INT, { residual }), [[0, -1], [1, -1], [3, -1], [4, -1]]);
});

test('multi-column string keys match only when every column matches', () => {
  const types = [StringType, IntegerType];
  const left = [['a', 1], ['a', 2], ['b', 1], [null, 1], ['', 0]];
  const right = [['a', 1], ['a', 1], ['b', 2], [null, 1], ['', 0]];
  assert.deepEqual(run('inner', left, right, types), [[0, 0], [0, 1], [4, 4]]);
  assert.deepEqual(run('left_anti', left, right, types), [[1, -1], [2, -1], [3, -1]]);
});

test('NaN matches NaN and -0.0 matches 0.0 in double keys', () => {
  const left = [[NaN], [-0], [1.5], [null]];
  const right = [[0], [NaN], [NaN], [null], [1.5000001]];
  assert.deepEqual(run('inner', left, right, [DoubleType], { buildSide: 'right' }), [[0, 1], [0, 2], [1, 0]]);
  assert.deepEqual(sortPairs(run('inner', left, right, [DoubleType], { buildSide: 'left' })), [[0, 1], [0, 2], [1, 0]]);
  assert.deepEqual(run('inner', [[NaN, 'x']], [[NaN, 'x'], [NaN, 'y']], [DoubleType, StringType]), [[0, 0]]);
});

test('empty sides', () => {
  assert.deepEqual(run('inner', [], R1), []);
  assert.deepEqual(run('full', [], [[1], [null]]), [[-1, 0], [-1, 1]]);
  assert.deepEqual(run('left', [[1], [null]], []), [[0, -1], [1, -1]]);
  assert.deepEqual(run('right', [[1]], []), []);
  assert.deepEqual(run('left_anti', [[1], [null]], []), [[0, -1], [1, -1]]);
  assert.deepEqual(run('left_semi', [[1]], []), []);
  assert.deepEqual(run('cross', [[1]], []), []);
});

test('cross join is every pair, left-major; keyless joins take a residual', () => {
  const cross = (type: JoinType, l: number, r: number, residual?: (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => void) =>
    pairs(joinIndices({ leftKeys: [], rightKeys: [], leftRows: l, rightRows: r, joinType: type, ...(residual ? { residual } : {}) }));
  assert.deepEqual(cross('cross', 2, 3), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  const lt = (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => { for (let k = 0; k < n; k++) keep[k] = li[k]! < ri[k]! ? 1 : 0; };
  const eq = (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => { for (let k = 0; k < n; k++) keep[k] = li[k] === ri[k] ? 1 : 0; };
  assert.deepEqual(cross('inner', 3, 3, lt), [[0, 1], [0, 2], [1, 2]]);
  assert.deepEqual(cross('left', 3, 2, eq), [[0, 0], [1, 1], [2, -1]]);
  assert.deepEqual(cross('right', 1, 2, eq), [[0, 0], [-1, 1]]);
  assert.deepEqual(cross('full', 2, 3, eq), [[0, 0], [1, 1], [-1, 2]]);
  assert.deepEqual(cross('left_semi', 3, 2, eq), [[0, -1], [1, -1]]);
  assert.deepEqual(cross('left_anti', 3, 2, eq), [[2, -1]]);
  assert.deepEqual(cross('left_semi', 2, 1), [[0, -1], [1, -1]]);
  assert.deepEqual(cross('left_anti', 2, 1), []);
  assert.deepEqual(cross('left', 2, 0), [[0, -1], [1, -1]]);
});

test('multi-column integer keys (packed into one number) match column by column', () => {
  const types = [IntegerType, DateType];
  const left = [[1, 10], [2, 10], [1, 11], [null, 10], [1, null], [-7, 10], [1, 10]];
  const right = [[1, 10], [1, 11], [2, 12], [null, 10]];
  assert.deepEqual(run('inner', left, right, types, { buildSide: 'right' }), [[0, 0], [2, 1], [6, 0]]);
  assert.deepEqual(run('left_anti', left, right, types, { buildSide: 'right' }), [[1, -1], [3, -1], [4, -1], [5, -1]]);
  // Ranges too wide to pack fall back to hashing every column.
  assert.deepEqual(run('inner', [[2 ** 52, 1], [0, 1]], [[0, 1], [2 ** 52, -(2 ** 52)], [2 ** 52, 1]], [LongType, LongType], { buildSide: 'right' }),
    [[0, 2], [1, 0]]);
});

test('long, date, boolean and struct keys', () => {
  assert.deepEqual(run('inner', [[2 ** 40], [2 ** 40 + 1]], [[2 ** 40 + 1]], [LongType]), [[1, 0]]);
  assert.deepEqual(run('inner', [[19000], [-1]], [[-1]], [DateType]), [[1, 0]]);
  assert.deepEqual(run('inner', [[true], [false], [true]], [[true]], [BooleanType]), [[0, 0], [2, 0]]);
  const st = StructType([StructField('a', IntegerType), StructField('b', StringType)]);
  assert.deepEqual(run('inner', [[[1, 'x']], [[1, null]], [[2, 'x']]], [[[1, null]], [[1, 'x']]], [st]), [[0, 1], [1, 0]]);
});

test('the residual sees candidates in chunks and large inputs grow the tables', () => {
  // 40,000 left rows against 20,000 distinct right keys: forces rehashing and several residual chunks.
  const left = Array.from({ length: 40000 }, (_, i) => [i % 25000]);
  const right = Array.from({ length: 20000 }, (_, i) => [19999 - i]);
  let calls = 0;
  const residual = (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => {
    calls++;
    for (let k = 0; k < n; k++) keep[k] = li[k]! % 2 === 0 ? 1 : 0;
  };
  for (const types of [[IntegerType], [StringType]]) {
    const l = types[0] === StringType ? left.map((r) => [String(r[0])]) : left;
    const r = types[0] === StringType ? right.map((x) => [String(x[0])]) : right;
    const got = run('left', l, r, types, { residual });
    assert.equal(got.length, 40000);
    assert.deepEqual(got[0], [0, 19999]);
    assert.deepEqual(got[1], [1, -1]);
    assert.deepEqual(got[30000], [30000, 19999 - 5000]);
    assert.deepEqual(got[39999], [39999, -1]);
    assert.equal(run('inner', l, r, types).length, 20000 + 15000);
  }
  assert.ok(calls >= 4);
});

const JOIN_TYPES: JoinType[] = ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti', 'cross'];
const shapes: { types: DataType[]; value: fc.Arbitrary<unknown[]> }[] = [
  { types: [IntegerType], value: fc.tuple(fc.constantFrom(null, 0, 1, 2, -5)) },
  { types: [DoubleType], value: fc.tuple(fc.constantFrom(null, NaN, 0, -0, 1.5, Infinity)) },
  { types: [StringType, LongType], value: fc.tuple(fc.constantFrom(null, 'a', 'b', 'é'), fc.constantFrom(null, 1, 2)) },
  // Integer columns are packed into one number per row; values range past the other side's.
  { types: [IntegerType, LongType, BooleanType], value: fc.tuple(fc.constantFrom(null, -1, 0, 3), fc.constantFrom(null, 2 ** 40, 5, 6), fc.boolean()) },
  { types: [LongType, LongType], value: fc.tuple(fc.constantFrom(0, 2 ** 52), fc.constantFrom(null, -(2 ** 52), 7)) },
];

test('property: joinIndices agrees with a nested loop for every join type', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: shapes.length - 1 }).chain((s) => fc.record({
      s: fc.constant(s),
      left: fc.array(shapes[s]!.value, { maxLength: 12 }),
      right: fc.array(shapes[s]!.value, { maxLength: 12 }),
    })),
    fc.constantFrom(...JOIN_TYPES),
    fc.constantFrom(undefined, 'left', 'right'),
    fc.boolean(), fc.boolean(),
    ({ s, left, right }, type, buildSide, withResidual, keyless) => {
      const cond = (i: number, j: number) => (i * 7 + j * 3) % 3 !== 0;
      const types = keyless || type === 'cross' ? [] : shapes[s]!.types;
      const l = keyless || type === 'cross' ? left.map(() => []) : left;
      const r = keyless || type === 'cross' ? right.map(() => []) : right;
      const residual = withResidual
        ? (li: Int32Array, ri: Int32Array, n: number, keep: Uint8Array) => { for (let k = 0; k < n; k++) keep[k] = cond(li[k]!, ri[k]!) ? 1 : 0; }
        : undefined;
      const got = pairs(joinIndices({
        leftKeys: keyCols(types, l), rightKeys: keyCols(types, r), leftRows: l.length, rightRows: r.length,
        joinType: type, ...(buildSide ? { buildSide } : {}), ...(residual ? { residual } : {}),
      }));
      const want = naiveJoin(l, r, type === 'cross' ? 'inner' : type, withResidual ? cond : undefined);
      const probeLeft = types.length === 0 || (buildSide ?? (l.length < r.length ? 'left' : 'right')) === 'right';
      if (probeLeft || type === 'left_semi' || type === 'left_anti') assert.deepEqual(got, want);
      else assert.deepEqual(sortPairs(got), sortPairs(want));
    },
  ), { numRuns: 2000 });
});
