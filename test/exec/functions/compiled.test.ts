import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBatch } from '../../../src/core/batch.js';
import { vectorFromValues, vectorToArray } from '../../../src/core/vector.js';
import {
  ArrayType, BooleanType, DoubleType, IntegerType, StringType, StructField, StructType, TimestampType,
} from '../../../src/core/types.js';
import type { Bound } from '../../../src/expressions/bound.js';
import { compilePipeline } from '../../../src/exec/compile.js';
import { callScalar } from '../../../src/expressions/functions/bind.js';
import { evalRow } from '../../../src/expressions/interpret.js';
import { UTC, dbl, int, nul, str } from './support.js';

// The compiled pipeline (inline templates, null-safe calls) must agree with the interpreter on every function.
const schema = StructType([
  StructField('s', StringType), StructField('i', IntegerType), StructField('d', DoubleType),
  StructField('b', BooleanType), StructField('a', ArrayType(IntegerType)), StructField('t', TimestampType),
]);
const rows = {
  s: ['a,b', null, 'Ünï😀', '', '  x  '],
  i: [1, null, -7, 0, 2147483647],
  d: [1.5, NaN, null, -0.1, 1e300],
  b: [true, false, null, true, false],
  a: [[1, 2], null, [], [null, 3], [5]],
  t: [0, null, 1_700_000_000_000_000, -1, 86_400_000_000],
};
const batch = makeBatch(schema, schema.fields.map((f) => vectorFromValues(f.dataType, rows[f.name as keyof typeof rows])));
const col = (name: keyof typeof rows): Bound => {
  const index = schema.fields.findIndex((f) => f.name === name);
  return { kind: 'ref', index, type: schema.fields[index]!.dataType, nullable: true, name };
};
const f = (name: string, ...args: Bound[]) => callScalar(name, args, UTC);

const exprs: Bound[] = [
  f('upper', col('s')), f('lower', col('s')), f('length', col('s')), f('trim', col('s')), f('substring', col('s'), int(2), int(2)),
  f('abs', col('i')), f('abs', col('d')), f('sqrt', col('d')), f('pow', col('d'), col('i')), f('floor', col('d')), f('ceil', col('d')),
  f('round', col('d'), int(1)), f('log', col('d')), f('isnan', col('d')), f('nanvl', col('d'), dbl(0)),
  f('coalesce', col('i'), int(0)), f('nvl2', col('s'), col('i'), int(-1)), f('nullif', col('i'), int(0)), f('in', col('i'), int(1), nul()),
  f('concat_ws', str('|'), col('s'), col('i'), col('b')), f('locate', str('b'), col('s')), f('split', col('s'), str(',')),
  f('size', col('a')), f('array_contains', col('a'), int(3)), f('element_at', col('a'), int(-1)), f('hash', col('s'), col('i'), col('b')),
  f('date_format', col('t'), str('yyyy-MM-dd HH:mm')), f('hour', col('t')), f('to_json', f('struct', col('i'), col('s'))),
  f('format_string', str('%s-%d-%b'), col('s'), col('i'), col('b')), f('greatest', col('i'), int(0)), f('md5', col('s')),
];

test('compiled evaluation agrees with the interpreter for scalar functions', () => {
  const out = StructType(exprs.map((e, k) => StructField(`e${k}`, e.type, e.nullable)));
  const result = compilePipeline(schema, [{ kind: 'project', exprs }], out).run(batch);
  exprs.forEach((e, k) => {
    const expected = rows.s.map((_, r) => evalRow(e, batch.columns, r));
    assert.deepEqual(vectorToArray(result.columns[k]!), expected, `expression ${k}: ${e.kind === 'call' ? e.display : ''}`);
  });
});
