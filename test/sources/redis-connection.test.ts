/**
 * The redis source and sink when the server is not as expected: refused
 * credentials (an ACL user made for the test), an unreachable port, and the
 * server going away mid-query (a TcpProxy in front of the shared Redis, cut
 * and restored) — retried with bounded backoff, then failing with host, port
 * and what was being done, and after the server returns nothing is lost.
 * Passwords never appear in errors or descriptions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SparkSession } from '../../src/index.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { needService, uniqueName } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { tempDir } from './support.js';
import { addEntries, PrivateRedisServer, redisFor, until, REDIS_PORT, type TestRedis } from './redis-support.js';

const skip = await needService('redis');
const spark = SparkSession.builder.appName('redis-connection').getOrCreate();
const FAST = { retries: '2', retryBackoffMs: '10', retryMaxBackoffMs: '20' };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An ACL user with a password, deleted when the test ends. */
async function aclUser(r: TestRedis): Promise<{ user: string; password: string }> {
  const user = uniqueName('spate_user');
  const password = `pw-${uniqueName('s3cret')}`;
  await r.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  r.atEnd(() => r.call('ACL', 'DELUSER', user));
  return { user, password };
}

function values(r: TestRedis, key: string): Promise<number[]> {
  return r.xrange(key, '-', '+').then((es) => es.map(([, f]) => Number(f[1])));
}

test('redis: wrong credentials fail at once with REDIS_AUTH_FAILED naming host:port and what, never the password; the right ones work (ACL user)', { skip }, async (t) => {
  const r = redisFor(t);
  const { user, password } = await aclUser(r);
  const key = r.keyOf('auth');
  await addEntries(r, key, [{ v: 1 }]);
  const wrong = `${password}-wrong`;
  const read = (o: Record<string, string>) => spark.read.format('redis').options({ 'stream.keys': key, ...o }).schema('v INT').load();
  const variants: Record<string, string>[] = [{ user, auth: wrong }, { url: `redis://${user}:${wrong}@127.0.0.1:${REDIS_PORT}/0` }, { 'spark.redis.user': user, 'spark.redis.auth': wrong }];
  for (const o of variants) {
    const df = read(o);
    await assert.rejects(df.collectArrays(), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'REDIS_AUTH_FAILED');
      assert.match(e.message, new RegExp(`Redis at 127.0.0.1:${REDIS_PORT}: reading stream info \\(XINFO STREAM\\) failed: WRONGPASS`));
      assert.ok(!e.message.includes(wrong) && !e.message.includes(password), e.message);
      assert.ok(!String((e.cause as Error | undefined)?.message ?? '').includes(wrong));
      return true;
    });
    assert.ok(!df.explainString(true).includes(wrong), 'explain without the password');
  }
  assert.deepEqual(await read({ user, auth: password }).collectArrays(), [[1]]);
  assert.deepEqual(await read({ url: `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${REDIS_PORT}` }).collectArrays(), [[1]]);
  // The streaming source's description never shows the password either.
  const q = spark.readStream.format('redis').option('stream.keys', key).option('url', `redis://${user}:${password}@127.0.0.1:${REDIS_PORT}/0`)
    .option('startingOffsets', 'earliest').load().writeStream.format('memory').queryName('redis_auth_ok').option('checkpointLocation', join(tempDir(t), 'ck')).start();
  try {
    await q.processAllAvailable();
    const p = JSON.stringify(q.recentProgress);
    assert.ok(!p.includes(password), 'progress without the password');
    assert.match(q.lastProgress!.sources[0]!.description, /redis:\/\/127\.0\.0\.1:6379\/0/);
  } finally {
    await q.stop();
  }
  // The sink, with a wrong password: the query fails at its first batch, the password nowhere.
  const out = r.keyOf('auth_out');
  const sq = spark.createDataFrame([[1]], 'v INT').write.format('redis').options({ 'stream.key': out, user, password: wrong }).mode('append');
  await assert.rejects(sq.save(), (e: Error & { code?: string }) => e.code === 'REDIS_AUTH_FAILED' && !e.message.includes(wrong));
});

test('redis: an unreachable port fails after the bounded retries, naming host:port and what was being done', { skip }, async (t) => {
  const port = await freePort();
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const q = spark.readStream.format('redis').options({ 'stream.keys': 'k', port: String(port), auth: 'hunter2-secret', ...FAST })
    .load().writeStream.format('memory').queryName('redis_unreachable').option('checkpointLocation', join(tempDir(t), 'ck')).start();
  await assert.rejects(q.awaitTermination(), (e: Error) => {
    assert.match(e.message, new RegExp(`Redis at 127.0.0.1:${port}: reading stream info \\(XINFO STREAM\\) failed after 3 tries over \\d+ ms: .*ECONNREFUSED`));
    assert.match(e.message, /nothing was lost, restart the query from its checkpoint/);
    assert.ok(!e.message.includes('hunter2-secret'));
    return true;
  });
  assert.equal(warnings.filter((w) => w.includes(`Redis at 127.0.0.1:${port}`) && /trying again in \d+ ms \(retry \d of 2\)/.test(w)).length, 2);
  const sink = spark.createDataFrame([[1]], 'v INT').write.format('redis').options({ 'stream.key': 'k', port: String(port), ...FAST }).mode('append');
  await assert.rejects(sink.save(), new RegExp(`Redis at 127.0.0.1:${port}: writing 1 rows to stream.key=k \\(df.write, mode append\\) failed after 3 tries`));
});

test('redis: the server goes away mid-query (proxy cut) and comes back within the retries: the query goes on, every entry once in the sink', { skip }, async (t) => {
  const r = redisFor(t);
  const input = r.keyOf('outage_in');
  const output = r.keyOf('outage_out');
  const proxy = await new TcpProxy(REDIS_PORT).up();
  t.after(() => proxy.down());
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const via = { host: '127.0.0.1', port: String(proxy.port), retries: '50', retryBackoffMs: '20', retryMaxBackoffMs: '100' };
  const q = spark.readStream.format('redis').options({ 'stream.keys': input, startingOffsets: 'earliest', ...via }).schema('n INT').load()
    .writeStream.format('redis').options({ 'stream.key': output, ...via }).option('checkpointLocation', join(tempDir(t), 'ck')).start();
  r.atEnd(() => r.del(`spate:commit:${q.id}`));
  try {
    await addEntries(r, input, Array.from({ length: 5 }, (_, i) => ({ n: i })));
    await q.processAllAvailable();
    assert.deepEqual(await values(r, output), [0, 1, 2, 3, 4]);
    await proxy.down();
    await addEntries(r, input, Array.from({ length: 5 }, (_, i) => ({ n: 5 + i })));
    await until('the source to retry against the cut proxy', () => warnings.some((w) => w.includes(`127.0.0.1:${proxy.port}`) && w.includes('trying again')));
    await proxy.up();
    await until('every entry in the output', async () => (await values(r, output)).length >= 10);
    await q.processAllAvailable();
    assert.deepEqual(await values(r, output), Array.from({ length: 10 }, (_, i) => i));
    assert.equal(q.exception(), null);
  } finally {
    await q.stop();
  }
});

test('redis: the server stays away past the retries: the query fails naming host:port; a restart after it returns loses nothing and duplicates nothing', { skip }, async (t) => {
  const r = redisFor(t);
  const input = r.keyOf('down_in');
  const output = r.keyOf('down_out');
  const proxy = await new TcpProxy(REDIS_PORT).up();
  t.after(() => proxy.down());
  const prev = setSourceWarningHandler(() => undefined);
  t.after(() => setSourceWarningHandler(prev));
  const ck = join(tempDir(t), 'ck');
  const via = { host: '127.0.0.1', port: String(proxy.port), ...FAST };
  const start = () => spark.readStream.format('redis').options({ 'stream.keys': input, startingOffsets: 'earliest', maxEntriesPerTrigger: '3', ...via }).schema('n INT').load()
    .writeStream.format('redis').options({ 'stream.key': output, ...via }).option('checkpointLocation', ck).start();
  const q1 = start();
  r.atEnd(() => r.del(`spate:commit:${q1.id}`));
  await addEntries(r, input, Array.from({ length: 4 }, (_, i) => ({ n: i })));
  await q1.processAllAvailable();
  await proxy.down();
  await addEntries(r, input, Array.from({ length: 4 }, (_, i) => ({ n: 4 + i })));
  await assert.rejects(q1.awaitTermination(), new RegExp(`Redis at 127.0.0.1:${proxy.port}: .* failed after 3 tries`));
  await proxy.up();
  const q2 = start();
  try {
    await q2.processAllAvailable();
  } finally {
    await q2.stop();
  }
  assert.deepEqual(await values(r, output), Array.from({ length: 8 }, (_, i) => i));
});

test('redis: a real redis-server SIGKILLed mid-stream and started again (same port, append-only file): within the retries the query goes on; past them it fails naming host:port and a restart loses and doubles nothing', { skip }, async (t) => {
  const server = await new PrivateRedisServer().start();
  t.after(() => server.dispose());
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const add = async (from: number, n: number): Promise<void> => {
    const r = server.client();
    try { await addEntries(r, 'in', Array.from({ length: n }, (_, i) => ({ n: from + i }))); } finally { await r.quit(); }
  };
  const output = async (): Promise<number[]> => {
    const r = server.client();
    try { return (await r.xrange('out', '-', '+')).map(([, f]) => Number(f[1])); } finally { await r.quit(); }
  };
  const ck = join(tempDir(t), 'ck');
  const start = (retry: Record<string, string>) => {
    const via = { host: '127.0.0.1', port: String(server.port), timeout: '500', ...retry };
    return spark.readStream.format('redis').options({ 'stream.keys': 'in', startingOffsets: 'earliest', maxEntriesPerTrigger: '4', ...via }).schema('n INT').load()
      .writeStream.format('redis').options({ 'stream.key': 'out', ...via }).option('checkpointLocation', ck).start();
  };
  // 1. Killed and back within the retries: the running query does not notice, beyond its warnings.
  const q1 = start({ retries: '60', retryBackoffMs: '20', retryMaxBackoffMs: '100' });
  try {
    await add(0, 10);
    await q1.processAllAvailable();
    assert.deepEqual(await output(), Array.from({ length: 10 }, (_, i) => i));
    await server.stop();
    await until('the source to retry against the dead server', () => warnings.some((w) => w.includes(`Redis at 127.0.0.1:${server.port}`) && w.includes('trying again')));
    await server.start();
    await add(10, 10);
    await until('every entry in the output', async () => (await output()).length >= 20);
    await q1.processAllAvailable();
    assert.equal(q1.exception(), null);
  } finally {
    await q1.stop();
  }
  assert.deepEqual(await output(), Array.from({ length: 20 }, (_, i) => i), 'nothing lost, nothing twice across the restart');
  // 2. Killed for longer than the retries: the query fails naming host:port; once the server is back a restart resumes.
  const q2 = start(FAST);
  await add(20, 6);
  await q2.processAllAvailable();
  await server.stop();
  await assert.rejects(q2.awaitTermination(), (e: Error) => {
    assert.match(e.message, new RegExp(`Redis at 127\\.0\\.0\\.1:${server.port}: .* failed after 3 tries over \\d+ ms: .*nothing was lost, restart the query from its checkpoint`));
    return true;
  });
  await server.start();
  await add(26, 6);
  const q3 = start(FAST);
  try {
    await q3.processAllAvailable();
  } finally {
    await q3.stop();
  }
  assert.deepEqual(await output(), Array.from({ length: 32 }, (_, i) => i));
});
