import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lookupScalar } from '../../../src/expressions/functions/index.js';
import * as F from '../../../src/api/functions-scalar.js';
import { errorCode, run, str } from './support.js';

test('every function the API wrappers call is registered', () => {
  const src = readFileSync(new URL('../../../src/api/functions-scalar.ts', import.meta.url), 'utf8');
  const names = [...src.matchAll(/fn\('([a-z_0-9]+)'/g)].map((m) => m[1]!);
  assert.ok(names.length > 100);
  const missing = names.filter((n) => !lookupScalar(n));
  assert.deepEqual(missing, []);
});

test('wrappers build calls with column names and literal parameters', () => {
  assert.deepEqual(F.split('s', ',', 2).expr, {
    kind: 'call', name: 'split',
    args: [{ kind: 'column', name: 's' }, { kind: 'literal', value: ',', type: { kind: 'string' } }, { kind: 'literal', value: 2, type: { kind: 'int' } }],
  });
  const ws = F.concat_ws('-', 'a', 'b').expr;
  assert.equal(ws.kind === 'call' && ws.args.length, 3);
  const fj = F.from_json('j', { kind: 'struct', fields: [{ name: 'a', dataType: { kind: 'int' }, nullable: true }] }).expr;
  assert.equal(fj.kind === 'call' && fj.args[1]!.kind === 'literal' && typeof fj.args[1]!.value, 'string');
});

test('unknown functions suggest close names', () => {
  assert.equal(errorCode(() => run('uper', str('a'))), 'UNRESOLVED_ROUTINE');
  assert.throws(() => run('uper', str('a')), /upper/);
});
