/**
 * The redis source's own XRANGE reader (src/clients/redis-resp.ts) against
 * ioredis's XRANGE of the same entries on the real Redis: answers split over
 * many socket chunks (values of 300 kB), pages pipelined on one connection,
 * entries whose field layout changes, names and values in UTF-8, fields not
 * asked for, reply errors, and the columns the source makes from them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldLayout, RespConnection, type EntrySink } from '../../src/clients/redis-resp.js';
import { SparkSession } from '../../src/index.js';
import { needService } from '../support/services.js';
import { REDIS_PORT, addEntries, redisFor } from './redis-support.js';

const skip = await needService('redis');
const opts = { host: '127.0.0.1', port: REDIS_PORT, username: undefined, password: undefined, db: 0, tls: false, timeoutMs: 5000, name: 'spate-test' };

/** A sink that keeps every entry as [id, fields] (all fields, ids decoded): what ioredis returns. */
function collect(): { sink: EntrySink; got: [string | null, string[]][] } {
  const got: [string | null, string[]][] = [];
  return {
    got,
    sink: {
      allFields: true, needIds: true, slot: () => 0,
      entry(id, _slots, names, values, m) {
        const f: string[] = [];
        for (let i = 0; i < m; i++) f.push(names[i]!, values[i]!);
        got.push([id, f]);
      },
    },
  };
}

test('redis resp reader: pipelined XRANGE pages decode to what ioredis reads (big values over many chunks, changing layouts, UTF-8)', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('resp');
  const big = 'x'.repeat(300_000);
  const items: Record<string, string>[] = [];
  for (let i = 0; i < 2500; i++) {
    if (i % 500 === 7) items.push({ key: `k${i}`, blob: big + i });
    else if (i % 3 === 0) items.push({ value: String(i), key: `k${i % 10}` }); // the other field order
    else if (i % 3 === 1) items.push({ key: `ключ-${i % 5}`, 'naïve': '✓ ünïcödé', extra: '' });
    else items.push({ key: `k${i % 10}`, value: String(i) });
  }
  await addEntries(r, key, items);
  const want = (await r.xrange(key, '-', '+')) as [string, string[]][];
  const c = await RespConnection.connect(opts);
  t.after(() => c.close());
  // All pages asked for at once: one connection, answers in order.
  const pages = await Promise.all([0, 1, 2, 3, 4].map((p) => c.xrange(key, p === 0 ? '-' : want[p * 500 - 1]![0].replace(/-(\d+)$/, (_, s) => `-${Number(s) + 1}`), '+', 500)));
  const { sink, got } = collect();
  const layout = new FieldLayout();
  for (const p of pages) {
    assert.equal(p.count, 500);
    p.decode(sink, layout);
  }
  assert.equal(pages[4]!.lastId, want[2499]![0]);
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `entry ${i}`);
  // An empty page, and a page decoded twice is refused.
  const empty = await c.xrange(key, '(' + want[2499]![0], '+', 10);
  assert.equal(empty.count, 0);
  assert.equal(empty.lastId, undefined);
  empty.decode(sink, layout);
  assert.throws(() => empty.decode(sink, layout), /decoded twice/);
});

test('redis resp reader: only the asked-for fields are handed over, ids only when needed (the last of a page always)', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('resp-slots');
  const ids = await addEntries(r, key, [{ a: '1', b: '2', c: '3' }, { c: '30', a: '10' }, { b: '200' }]);
  const c = await RespConnection.connect(opts);
  t.after(() => c.close());
  const seen: [string | null, [number, string][]][] = [];
  const sink: EntrySink = {
    allFields: false, needIds: false, slot: (name) => (name === 'a' ? 0 : name === 'c' ? 1 : -1),
    entry(id, slots, _names, values, m) {
      const f: [number, string][] = [];
      for (let i = 0; i < m; i++) f.push([slots[i]!, values[i]!]);
      seen.push([id, f]);
    },
  };
  const page = await c.xrange(key, '-', '+', 10);
  page.decode(sink, new FieldLayout());
  assert.deepEqual(seen, [[null, [[0, '1'], [1, '3']]], [null, [[1, '30'], [0, '10']]], [ids[2]!, []]]);
});

test('redis resp reader: a reply error rejects that request only (named ReplyError), the connection goes on', { skip }, async (t) => {
  const r = redisFor(t);
  const str = r.keyOf('resp-string');
  const key = r.keyOf('resp-ok');
  await r.set(str, 'not a stream');
  await addEntries(r, key, [{ k: 'v' }]);
  const c = await RespConnection.connect(opts);
  t.after(() => c.close());
  const bad = c.xrange(str, '-', '+', 10);
  const good = c.xrange(key, '-', '+', 10);
  await assert.rejects(bad, (e: Error) => e.name === 'ReplyError' && /WRONGTYPE/.test(e.message));
  assert.equal((await good).count, 1);
  assert.equal(c.isOpen, true);
  await assert.rejects(RespConnection.connect({ ...opts, password: 'wrong-password' }), (e: Error) => e.name === 'ReplyError' && /AUTH|WRONGPASS|password/i.test(e.message));
});

test('redis resp reader: the source\'s columns from it: typed fields, the dictionary of keys, _id and _timestamp', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('resp-cols');
  const ids = await addEntries(r, key, Array.from({ length: 3000 }, (_, i) => ({ key: `k${i % 7}`, n: i, skipped: 'x' })));
  const spark = SparkSession.builder.appName('redis-resp').getOrCreate();
  const rows = await spark.read.format('redis').option('port', REDIS_PORT).option('stream.keys', key).option('stream.read.batch.size', 128)
    .schema('_id STRING, key STRING, n INT, _timestamp TIMESTAMP').load().collectArrays();
  assert.equal(rows.length, 3000);
  for (let i = 0; i < 3000; i += 97) {
    const [id, k, n, ts] = rows[i]!;
    assert.equal(id, ids[i]);
    assert.equal(k, `k${i % 7}`);
    assert.equal(n, i);
    assert.equal(ts instanceof Date ? ts.getTime() : Number(ts) / 1000, Number(ids[i]!.split('-')[0]));
  }
});
