// scripts/run-tests.mjs: a directory runs the tests under it; a path that names no test file fails.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const root = mkdtempSync(join(tmpdir(), 'spate-run-tests-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Without NODE_TEST_CONTEXT, which would make the nested runner report to this one instead of printing.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
const run = (...args: string[]) => spawnSync(process.execPath, [join(repo, 'scripts/run-tests.mjs'), ...args], { cwd: repo, encoding: 'utf8', env });

test('a directory runs every *.test.ts under it, nested ones included', () => {
  const dir = join(root, 'dir');
  mkdirSync(join(dir, 'nested'), { recursive: true });
  writeFileSync(join(dir, 'a.test.ts'), "import { test } from 'node:test';\ntest('a', () => {});\n");
  writeFileSync(join(dir, 'nested', 'b.test.ts'), "import { test } from 'node:test';\ntest('b', () => {});\n");
  writeFileSync(join(dir, 'helper.ts'), 'export const x = 1;\n');
  const r = run(dir + '/');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /# tests 2\b/);
});

test('a failing test under a directory fails the run', () => {
  const dir = join(root, 'failing');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'c.test.ts'), "import { test } from 'node:test';\ntest('c', () => { throw new Error('no'); });\n");
  assert.equal(run(dir).status, 1);
});

test('a path that names no test file fails instead of running 0 tests', () => {
  for (const p of [join(root, 'missing.test.ts'), join(root, 'empty-dir'), join(repo, 'README.md')]) {
    if (p.endsWith('empty-dir')) mkdirSync(p, { recursive: true });
    const r = run(p);
    assert.equal(r.status, 1, p);
    assert.match(r.stderr, /is not a test file/);
  }
});
