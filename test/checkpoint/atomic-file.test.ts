import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic, writeFileAtomicIfAbsent } from '../../src/checkpoint/index.js';
import { readStreamMetadata, writeStreamMetadata } from '../../src/checkpoint/index.js';
import { SpateError } from '../../src/core/errors.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'spate-atomic-'));
}

test('writeFileAtomic replaces the file and leaves no temp file', async () => {
  const dir = await tempDir();
  const p = join(dir, 'f');
  await writeFileAtomic(p, 'one');
  await writeFileAtomic(p, new Uint8Array([116, 119, 111]));
  assert.equal(await readFile(p, 'utf8'), 'two');
  assert.deepEqual(await readdir(dir), ['f']);
});

test('writeFileAtomicIfAbsent refuses to overwrite', async () => {
  const dir = await tempDir();
  const p = join(dir, 'f');
  assert.equal(await writeFileAtomicIfAbsent(p, 'first'), true);
  assert.equal(await writeFileAtomicIfAbsent(p, 'second'), false);
  assert.equal(await readFile(p, 'utf8'), 'first');
  assert.deepEqual(await readdir(dir), ['f']);
});

test('a write into a missing directory fails naming the file', async () => {
  const p = join(await tempDir(), 'no', 'such', 'f');
  await assert.rejects(writeFileAtomic(p, 'x'), (e: unknown) => e instanceof SpateError && e.code === 'CHECKPOINT_WRITE_FAILED' && e.message.includes(p));
});

test('a process killed mid-write leaves the old file or the new one, never a torn one', async () => {
  const dir = await tempDir();
  const p = join(dir, 'target');
  const a = 'a'.repeat(1 << 20);
  const b = 'b'.repeat(1 << 20);
  await writeFile(p, a);
  const mod = pathToFileURL(resolve('src/checkpoint/atomic-file.ts')).href;
  const script = `import { writeFileAtomic } from ${JSON.stringify(mod)};
    const big = [${JSON.stringify('a')}.repeat(1 << 20), ${JSON.stringify('b')}.repeat(1 << 20)];
    process.stdout.write('ready\\n');
    for (let i = 1; ; i++) await writeFileAtomic(${JSON.stringify(p)}, big[i % 2]);`;
  for (let round = 0; round < 8; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    await new Promise((res) => setTimeout(res, 15 + round * 13));
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    const content = await readFile(p, 'utf8');
    assert.ok(content === a || content === b, `torn file of length ${content.length}`);
  }
  // Temp files of the killed writers may remain; they are dot files, which log readers skip.
  for (const n of await readdir(dir)) assert.ok(n === 'target' || n.startsWith('.target.'), n);
});

test('stream metadata: created once (a second write is refused), then the same id on every read', async () => {
  const dir = join(await tempDir(), 'new-checkpoint');
  assert.equal(await readStreamMetadata(dir), undefined);
  const first = { id: '0f8fad5b-d9cb-469f-a165-70867728950e' };
  assert.equal(await writeStreamMetadata(dir, first), true);
  assert.equal(await readFile(join(dir, 'metadata'), 'utf8'), `{"id":"${first.id}"}`);
  assert.equal(await writeStreamMetadata(dir, { id: 'another' }), false);
  assert.deepEqual(await readStreamMetadata(dir), first);
  // Spark's own file (with a trailing newline) reads too.
  await writeFile(join(dir, 'metadata'), '{"id":"d5b2b6ab-6f6b-4f0e-9a2e-1b8b5d7c1e11"}\n');
  assert.deepEqual(await readStreamMetadata(dir), { id: 'd5b2b6ab-6f6b-4f0e-9a2e-1b8b5d7c1e11' });
});

test('a corrupt stream metadata file names the file', async () => {
  const dir = await tempDir();
  for (const [content, part] of [['', 'is empty'], ['{"id":', 'not valid JSON'], ['{"name":"x"}', 'non-empty id']] as const) {
    await writeFile(join(dir, 'metadata'), content);
    await assert.rejects(readStreamMetadata(dir), (e: unknown) =>
      e instanceof SpateError && e.code === 'CHECKPOINT_CORRUPT' && e.message.includes(join(dir, 'metadata')) && e.message.includes(part));
  }
});
