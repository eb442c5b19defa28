/**
 * The compiler's fast paths against the interpreter: constant calls folded at
 * compile time, NaN-aware inline comparisons, three-valued AND / OR as
 * straight-line logic, branch-free filters (every row computed, the output
 * cursor advanced by a keep flag) and outputs written into reused arrays.
 */
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
const input = StructType([StructField('d', DoubleType), StructField('e', DoubleType), StructField('s', StringType), StructField('b', BooleanType)]);
const ref = (index: number): Bound => ({ kind: 'ref', index, type: input.fields[index]!.dataType, nullable: true, name: input.fields[index]!.name });
const intLit = (v: number | null): Bound => ({ kind: 'lit', value: v, type: IntegerType, nullable: v === null });
const call = (name: string, ...args: Bound[]): Bound => callScalar(name, args, ctx);

const doubleArb = fc.option(fc.oneof(fc.constantFrom(NaN, -0, 0, 1, 2.5, -3), fc.double({ noDefaultInfinity: true, min: -5, max: 5 })), { freq: 4 });
const rowArb = fc.tuple(doubleArb, doubleArb, fc.option(fc.constantFrom('x', 'y', ''), { freq: 4 }), fc.option(fc.boolean(), { freq: 4 }));

function sameRows(a: unknown[][], b: unknown[][]): void {
  assert.equal(a.length, b.length);
  a.forEach((row, i) => row.forEach((v, c) => {
    const w = b[i]![c];
    if (typeof v === 'number' && Number.isNaN(v)) assert.ok(typeof w === 'number' && Number.isNaN(w), `row ${i} col ${c}`);
    else assert.deepEqual(v, w, `row ${i} col ${c}`);
  }));
}

/** A random pure condition: comparisons of doubles (NaN, nulls, a folded cast of an int literal) under AND / OR / NOT. */
function condition(r: number[], depth = 0): Bound {
  const k = (r.pop() ?? 0) % (depth > 2 ? 2 : 5);
  const side = (): Bound => ((r.pop() ?? 0) % 3 === 0 ? castTo(intLit((r.pop() ?? 0) % 3 === 0 ? null : 1), DoubleType) : ref((r.pop() ?? 0) % 2));
  switch (k) {
    case 0: return call(['lt', 'le', 'gt', 'ge'][(r.pop() ?? 0) % 4]!, side(), side());
    case 1: return ref(3);
    case 2: return call('and', condition(r, depth + 1), condition(r, depth + 1));
    case 3: return call('or', condition(r, depth + 1), condition(r, depth + 1));
    default: return call('not', condition(r, depth + 1));
  }
}

test('branch-free filters with NaN comparisons and three-valued logic agree with the interpreter', () => {
  fc.assert(fc.property(fc.array(rowArb, { maxLength: 50 }), fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }), (rows, picks) => {
    const batch = batchFromRows(input, rows.map((x) => [...x]));
    const exprs = [ref(2), call('multiply', ref(0), castTo(intLit(2), DoubleType)), condition([...picks])];
    const stages: Stage[] = [{ kind: 'filter', condition: condition(picks) }, { kind: 'project', exprs }];
    const schema = StructType(exprs.map((e, i) => StructField(`c${i}`, e.type, true)));
    const c = compilePipeline(input, stages, schema);
    assert.match(c.source, /o \+= keep/, 'pure stages compile branch-free');
    sameRows(batchToRows(c.run(batch)), batchToRows(interpretPipeline(stages, batch, schema)));
  }), { numRuns: 400 });
});

test('NaN orders above every number in compiled comparisons, as in Spark', () => {
  const batch = batchFromRows(input, [[NaN, 1, null, null], [1, NaN, null, null], [NaN, NaN, null, null], [-0, 0, null, null]]);
  const ops = ['lt', 'le', 'gt', 'ge'];
  const schema = StructType(ops.map((o) => StructField(o, BooleanType, true)));
  const out = compilePipeline(input, [{ kind: 'project', exprs: ops.map((o) => call(o, ref(0), ref(1))) }], schema).run(batch);
  assert.deepEqual(batchToRows(out), [
    [false, false, true, true], // NaN vs 1
    [true, true, false, false], // 1 vs NaN
    [false, true, false, true], // NaN vs NaN: equal
    [false, true, false, true], // -0.0 vs 0.0: equal
  ]);
});

test('a call on constants is folded into one constant; a null constant makes the result null', () => {
  const schema = StructType([StructField('a', DoubleType, true), StructField('b', DoubleType, true)]);
  const exprs = [call('add', castTo(intLit(2), DoubleType), castTo(intLit(3), DoubleType)), call('add', ref(0), castTo(intLit(null), DoubleType))];
  const c = compilePipeline(input, [{ kind: 'project', exprs }], schema);
  assert.doesNotMatch(c.source, /K\d+\(/, 'no per-row call remains');
  assert.deepEqual(batchToRows(c.run(batchFromRows(input, [[1, 1, 'x', true]]))), [[5, null]]);
});

test('runScratch reuses its arrays and matches run batch after batch, shrinking and growing', () => {
  const stages: Stage[] = [
    { kind: 'filter', condition: call('or', ref(3), call('gt', ref(0), ref(1))) },
    { kind: 'project', exprs: [ref(2), call('add', ref(0), ref(1)), ref(3)] },
  ];
  const schema = StructType([StructField('s', StringType, true), StructField('x', DoubleType, true), StructField('b', BooleanType, true)]);
  const c = compilePipeline(input, stages, schema);
  fc.assert(fc.property(fc.array(fc.array(rowArb, { maxLength: 30 }), { minLength: 1, maxLength: 6 }), (batches) => {
    for (const rows of batches) {
      const batch = batchFromRows(input, rows.map((x) => [...x]));
      const fresh = c.run(batch);
      const scratch = c.runScratch(batch);
      assert.equal(scratch.numRows, fresh.numRows);
      sameRows(batchToRows(scratch), batchToRows(fresh));
    }
  }), { numRuns: 200 });
});
