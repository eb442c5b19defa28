// Runs every test/**/*.test.ts under Node's test runner, with tsx for TypeScript.
// Node 20's --test does not expand globs itself, so the files are listed here.
// Arguments: test files or directories (a directory runs every *.test.ts under it); anything else
// starting with '-' is passed to node --test. A path that names no test file is an error, so a typo
// never passes as "0 tests".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('-'));
const paths = args.filter((a) => !a.startsWith('-'));
const files = [];
for (const p of paths) {
  const found = !existsSync(p) ? [] : statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  if (found.length === 0) {
    console.error(`run-tests: ${p} is not a test file (*.test.ts) or a directory holding any`);
    process.exit(1);
  }
  files.push(...found);
}
if (paths.length === 0) files.push(...find('test'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
