import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../../src/expressions/functions/index.js';
import { callScalar, castTo } from '../../src/expressions/functions/index.js';
import { compilePipeline, type Stage } from '../../src/exec/compile.js';
import { interpretPipeline } from '../../src/exec/pipeline.js';
import type { Bound } from '../../src/expressions/bound.js';
import { batchFromRows, batchToRows } from '../../src/core/batch.js';
import { BooleanType, DoubleType, IntegerType, StringType, StructField, StructType } from '../../src/core/types.js';

const ctx = { timeZone: 'UTC', nowMicros: 0 };
const input = StructType([
  StructField('i', IntegerType), StructField('d', DoubleType), StructField('s', StringType), StructField('b', BooleanType),
]);
const ref = (index: number): Bound => ({ kind: 'ref', index, type: input.fields[index]!.dataType, nullable: true, name: input.fields[index]!.name });

/** A small deterministic PRNG so one fast-check seed gives one expression tree. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
}

function numeric(r: () => number, depth: number): Bound {
  const k = Math.floor(r() * (depth > 2 ? 3 : 7));
  switch (k) {
    case 0: return ref(0);
    case 1: return ref(1);
    case 2: return { kind: 'lit', value: r() < 0.2 ? null : Math.floor(r() * 20) - 10, type: IntegerType, nullable: true };
    case 3: return callScalar(['add', 'subtract', 'multiply', 'divide', 'mod'][Math.floor(r() * 5)]!, [numeric(r, depth + 1), numeric(r, depth + 1)], ctx);
    case 4: return callScalar('negative', [numeric(r, depth + 1)], ctx);
    case 5: {
      const v = numeric(r, depth + 1);
      return { kind: 'case', branches: [[boolean(r, depth + 1), castTo(v, DoubleType)]], otherwise: castTo(numeric(r, depth + 1), DoubleType), type: DoubleType, nullable: true };
    }
    default: return castTo(ref(2), DoubleType);
  }
}

function boolean(r: () => number, depth: number): Bound {
  const k = Math.floor(r() * (depth > 2 ? 2 : 6));
  switch (k) {
    case 0: return ref(3);
    case 1: return callScalar(['eq', 'lt', 'le', 'gt', 'ge', 'neq'][Math.floor(r() * 6)]!, [numeric(r, depth + 1), numeric(r, depth + 1)], ctx);
    case 2: return callScalar(r() < 0.5 ? 'and' : 'or', [boolean(r, depth + 1), boolean(r, depth + 1)], ctx);
    case 3: return callScalar('not', [boolean(r, depth + 1)], ctx);
    case 4: return callScalar(r() < 0.5 ? 'isnull' : 'isnotnull', [numeric(r, depth + 1)], ctx);
    default: return callScalar('eqNullSafe', [ref(2), { kind: 'lit', value: 'a', type: StringType, nullable: false }], ctx);
  }
}

const rowArb = fc.tuple(
  fc.option(fc.integer({ min: -50, max: 50 }), { freq: 5 }),
  fc.option(fc.oneof(fc.double({ noDefaultInfinity: true, min: -100, max: 100 }), fc.constant(NaN)), { freq: 5 }),
  fc.option(fc.constantFrom('a', 'b', '1.5', 'x', ''), { freq: 5 }),
  fc.option(fc.boolean(), { freq: 5 }),
);

function sameRows(a: unknown[][], b: unknown[][]): void {
  assert.equal(a.length, b.length);
  a.forEach((row, i) => row.forEach((v, c) => {
    const w = b[i]![c];
    if (typeof v === 'number' && typeof w === 'number' && Number.isNaN(v)) assert.ok(Number.isNaN(w));
    else assert.deepEqual(v, w, `row ${i} col ${c}`);
  }));
}

test('compiled pipelines agree with the interpreter on random expressions and data', () => {
  fc.assert(fc.property(fc.array(rowArb, { maxLength: 40 }), fc.integer(), (rows, seed) => {
    const r = rng(seed);
    const batch = batchFromRows(input, rows.map((x) => [...x]));
    const exprs = [numeric(r, 0), boolean(r, 0), ref(2), numeric(r, 0)];
    const stages: Stage[] = [
      { kind: 'filter', condition: boolean(r, 0) },
      { kind: 'project', exprs },
    ];
    const schema = StructType(exprs.map((e, i) => StructField(`c${i}`, e.type, true)));
    const compiled = compilePipeline(input, stages, schema).run(batch);
    const interpreted = interpretPipeline(stages, batch, schema);
    sameRows(batchToRows(compiled), batchToRows(interpreted));
  }), { numRuns: 300 });
});

test('a projection of input columns with no filter reuses the vectors', () => {
  const batch = batchFromRows(input, [[1, 2.5, 'a', true], [null, null, null, null]]);
  const schema = StructType([StructField('s', StringType), StructField('i', IntegerType)]);
  const out = compilePipeline(input, [{ kind: 'project', exprs: [ref(2), ref(0)] }], schema).run(batch);
  assert.equal(out.columns[0], batch.columns[2]);
  assert.equal(out.columns[1], batch.columns[0]);
});

test('chained projections and filters fuse into one loop with correct null handling', () => {
  const batch = batchFromRows(input, [[1, 1, 'a', true], [2, null, 'b', false], [3, 3, null, null], [4, 4, 'd', true]]);
  const plus = callScalar('add', [ref(0), ref(1)], ctx);
  const p1: Bound[] = [plus, ref(2)];
  const x: Bound = { kind: 'ref', index: 0, type: DoubleType, nullable: true, name: 'x' };
  const stages: Stage[] = [
    { kind: 'filter', condition: callScalar('isnotnull', [ref(2)], ctx) },
    { kind: 'project', exprs: p1 },
    { kind: 'filter', condition: callScalar('gt', [x, { kind: 'lit', value: 2, type: IntegerType, nullable: false }], ctx) },
    { kind: 'project', exprs: [{ kind: 'ref', index: 1, type: StringType, nullable: true, name: 's' }, x] },
  ];
  const out = StructType([StructField('s', StringType), StructField('x', DoubleType)]);
  const c = compilePipeline(input, stages, out);
  assert.deepEqual(batchToRows(c.run(batch)), [['d', 8]]);
  assert.equal((c.source.match(/for \(/g) ?? []).length, 1);
});

test('string literals are passed as constants, never spliced into the generated source', () => {
  const evil = "'); process.exit(1); ('";
  const cond = callScalar('eq', [ref(2), { kind: 'lit', value: evil, type: StringType, nullable: false }], ctx);
  const c = compilePipeline(input, [{ kind: 'filter', condition: cond }], input);
  assert.ok(!c.source.includes('process.exit'));
  const batch = batchFromRows(input, [[1, 1, evil, true], [2, 2, 'x', false]]);
  assert.deepEqual(batchToRows(c.run(batch)).map((r) => r[0]), [1]);
});

test('boolean output columns are stored as 0/1 and read back as booleans', () => {
  const batch = batchFromRows(input, [[1, 1, 'a', true], [2, 2, 'b', false], [3, 3, 'c', null]]);
  const schema = StructType([StructField('nb', BooleanType)]);
  const out = compilePipeline(input, [{ kind: 'project', exprs: [callScalar('not', [ref(3)], ctx)] }], schema).run(batch);
  assert.deepEqual(batchToRows(out).map((r) => r[0]), [false, true, null]);
});

test('a filter after a projection outputs the projection, compiled and interpreted', () => {
  const batch = batchFromRows(input, [[1, 30, 'ann', true], [2, 20, 'bob', false]]);
  const proj: Bound[] = [ref(2), ref(1)];
  const d: Bound = { kind: 'ref', index: 1, type: DoubleType, nullable: true, name: 'd' };
  const stages: Stage[] = [
    { kind: 'project', exprs: proj },
    { kind: 'filter', condition: callScalar('gt', [d, { kind: 'lit', value: 26, type: IntegerType, nullable: false }], ctx) },
  ];
  const out = StructType([StructField('s', StringType), StructField('d', DoubleType)]);
  assert.deepEqual(batchToRows(compilePipeline(input, stages, out).run(batch)), [['ann', 30]]);
  assert.deepEqual(batchToRows(interpretPipeline(stages, batch, out)), [['ann', 30]]);
});

test('a call a filter tests for null and a projection reads is computed once, even as the first thing the loop computes', () => {
  let calls = 0;
  const f: Bound = {
    kind: 'call', name: 'half', args: [ref(0)], type: IntegerType, nullable: true, nullSafe: false,
    impl: (x: number) => { calls++; return x % 2 === 0 ? x / 2 : null; }, display: 'half(i)',
  };
  const isNotNull = callScalar('isnotnull', [f], ctx);
  const stages: Stage[] = [{ kind: 'filter', condition: isNotNull }, { kind: 'project', exprs: [f] }];
  const out = StructType([StructField('h', IntegerType)]);
  const p = compilePipeline(input, stages, out);
  const batch = batchFromRows(input, [[4, 0, 'a', true], [3, 0, 'b', false], [10, 0, 'c', true]]);
  assert.deepEqual(batchToRows(p.run(batch)), [[2], [5]]);
  assert.equal(calls, 3, 'one call per row');
  assert.equal(p.source.split('K0(').length - 1, 1, p.source);
});
