import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketSource } from '../../src/sources/socket.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import type { Offset } from '../../src/sources/source.js';
import { makeCtx, rowsOf } from './support.js';

const all = { kind: 'all' } as const;

/** A loopback server on a free port that sends `chunks` to the first client, one per tick, then closes itself. */
async function serve(chunks: readonly string[]): Promise<{ port: number; server: Server; done: Promise<void> }> {
  let finished!: () => void;
  const done = new Promise<void>((r) => { finished = r; });
  const server = createServer((conn: Socket) => {
    void (async () => {
      for (const c of chunks) {
        conn.write(c);
        await sleep(5);
      }
      conn.end();
      server.close();
      finished();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, done };
}

/** Polls latestOffset until it reaches `want` lines (bounded: fails instead of hanging). */
async function waitFor(s: SocketSource, start: Offset | null, want: number): Promise<Offset | null> {
  let o: Offset | null = null;
  for (let i = 0; i < 400; i++) {
    o = await s.latestOffset(start, all);
    if (o === want) return o;
    await sleep(5);
  }
  assert.fail(`socket source reached offset ${JSON.stringify(o)}, expected ${want}`);
}

test('socket: lines split across chunks, \\r\\n, \\r and a last line without newline; offsets count lines', async (t) => {
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const { port, done } = await serve(['hello wor', 'ld\r', '\nsecond\n\nthird\rfour', 'th']);
  const s = new SocketSource(makeCtx('/unused', { host: '127.0.0.1', port: String(port) }));
  t.after(() => s.stop());
  assert.equal(s.description, `TextSocketV2[host: 127.0.0.1, port: ${port}]`);
  assert.match(warnings[0]!, /should not be used for production.*does not support recovery/);
  await done;
  const end = await waitFor(s, null, 5);
  assert.deepEqual(rowsOf(await s.getBatch(null, end!)), [['hello world'], ['second'], [''], ['third'], ['fourth']]);
  assert.deepEqual(rowsOf(await s.getBatch(2, 4)), [[''], ['third']]);
  await s.commit(3);
  assert.equal(s.bufferedLines, 2);
  assert.deepEqual(rowsOf(await s.getBatch(3, 5)), [['third'], ['fourth']]);
  assert.equal(await s.latestOffset(5, all), 5);
});

test('socket: includeTimestamp stamps each line with the query clock when it arrived', async (t) => {
  const { port, done } = await serve(['a\nb\n']);
  const ctx = makeCtx('/unused', { host: '127.0.0.1', port: String(port), includeTimestamp: 'true' }, undefined, { ms: 42_000 });
  const s = new SocketSource(ctx);
  t.after(() => s.stop());
  assert.deepEqual(s.schema.fields.map((f) => `${f.name}:${f.dataType.kind}`), ['value:string', 'timestamp:timestamp']);
  await done;
  await waitFor(s, null, 2);
  assert.deepEqual(rowsOf(await s.getBatch(null, 2)), [['a', 42_000_000], ['b', 42_000_000]]);
});

test('socket: after a restart the count continues from the checkpoint and lost lines are re-run empty', async (t) => {
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const { port, done } = await serve(['x\ny\n']);
  const s = new SocketSource(makeCtx('/unused', { host: '127.0.0.1', port: String(port) }));
  t.after(() => s.stop());
  await done;
  // The checkpoint says batch [7, 10] was planned but not committed: those lines died with the old process.
  assert.deepEqual(await s.getBatch(7, 10), []);
  assert.ok(warnings.some((w) => /lines 8 to 10 .* are lost/.test(w)));
  assert.equal(await waitFor(s, 10, 12), 12);
  assert.deepEqual(rowsOf(await s.getBatch(10, 12)), [['x'], ['y']]);
});

test('socket: a server that is not there fails with the address and the fix; options are checked', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  const prev = setSourceWarningHandler(() => {});
  try {
    const s = new SocketSource(makeCtx('/unused', { host: '127.0.0.1', port: String(port) }));
    await assert.rejects(s.latestOffset(null, all), (e: Error & { code?: string }) =>
      e.code === 'SOCKET_CONNECT_FAILED' && e.message.includes(`127.0.0.1:${port}`) && e.message.includes('nc -lk'));
    await s.stop();
    assert.throws(() => new SocketSource(makeCtx('/u', { port: '1' })), /Set a host to read from/);
    assert.throws(() => new SocketSource(makeCtx('/u', { host: 'h' })), /Set a port to read from/);
    assert.throws(() => new SocketSource(makeCtx('/u', { host: 'h', port: 'http' })), /Option 'port' must be an integer port number/);
    assert.throws(() => new SocketSource(makeCtx('/u', { host: 'h', port: '70000' })), /from 0 to 65535, got "70000"/);
  } finally {
    setSourceWarningHandler(prev);
  }
});
