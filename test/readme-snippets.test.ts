/**
 * The README's testing snippet runs as written (issue 13: it used `spark`
 * without defining it). It is cut out of README.md, its 'spate' imports
 * pointed at src/, and run under the Node test runner in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;

test("README's 'Testing your streaming queries' snippet passes as written", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Testing your streaming queries'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'the section has a ts code block');
  const code = m[1]!
    .replace(/from 'spate\/testing'/g, `from '${join(ROOT, 'src/testing/index.ts')}'`)
    .replace(/from 'spate'/g, `from '${join(ROOT, 'src/index.ts')}'`);
  assert.doesNotMatch(code, /from 'spate/, 'every spate import was pointed at src/');
  const file = join(mkdtempSync(join(tmpdir(), 'spate-readme-')), 'snippet.test.ts');
  writeFileSync(file, code);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // else the child reports to this runner instead of printing its own TAP
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `the snippet failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /# pass 1/);
});
