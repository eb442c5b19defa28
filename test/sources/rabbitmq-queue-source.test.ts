/**
 * format('rabbitmq').option('queue', ...): a queue consumed with manual
 * acks, acked (multiple) when the batch commits. Not replayable; a stop or
 * crash before the commit makes the broker redeliver (at-least-once).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { RABBITMQ_SOURCE } from '../../src/sources/rabbitmq-source.js';
import type { RabbitQueueSource } from '../../src/sources/rabbitmq-queue-source.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import type { RecordBatch } from '../../src/core/batch.js';
import { needService, uniqueName } from '../support/services.js';
import { deleteQueue, eventually, withChannel, withTimeout } from './rabbitmq-support.js';

const skip = await needService('rabbitmq');
const spark = SparkSession.builder.appName('rabbitmq-queue-source').getOrCreate();
const ck = (): string => mkdtempSync(join(tmpdir(), 'spate-rmq-q-'));
const quiet = setSourceWarningHandler(() => { /* the not-replayable warning is expected in every test here */ });
test.after(() => setSourceWarningHandler(quiet));

async function makeQueue(t: { after(fn: () => Promise<void>): void }, bodies: readonly string[] = []): Promise<string> {
  const q = uniqueName('rmq_queue');
  t.after(() => deleteQueue(q));
  await withChannel(async (ch) => {
    await ch.assertQueue(q, { durable: true });
    for (const b of bodies) ch.sendToQueue(q, Buffer.from(b), { persistent: true, timestamp: 1_700_000_000 });
    await ch.waitForConfirms();
  });
  return q;
}

async function send(queue: string, bodies: readonly string[]): Promise<void> {
  await withChannel(async (ch) => {
    for (const b of bodies) ch.sendToQueue(queue, Buffer.from(b), { persistent: true });
    await ch.waitForConfirms();
  });
}

/** Ready (not delivered) messages in the queue, as the broker counts them. */
async function ready(queue: string): Promise<number> {
  return withChannel(async (ch) => (await ch.checkQueue(queue)).messageCount);
}

function source(queue: string, extra: Record<string, string> = {}): RabbitQueueSource {
  return RABBITMQ_SOURCE.create!({ metadataPath: ck(), options: { host: '127.0.0.1', queue, ...extra }, schema: undefined, timeZone: 'UTC', now: () => Date.now() }) as RabbitQueueSource;
}

/** Waits until the source reports `n` messages after `start`, then reads them. */
async function readN(src: RabbitQueueSource, start: number, n: number): Promise<{ end: Record<string, number>; batch: RecordBatch }> {
  let end: unknown = null;
  const key = (src as unknown as { opts: { queue: string } }).opts.queue;
  const startOffset = start === 0 ? null : { [key]: start };
  await eventually(async () => {
    end = await src.latestOffset(startOffset, { kind: 'all' });
    return end !== null && (end as Record<string, number>)[key] === start + n;
  }, `${n} messages from the queue`);
  const [batch] = await src.getBatch(startOffset, end as Record<string, number>);
  return { end: end as Record<string, number>, batch: batch! };
}

const bodies = (b: RecordBatch): string[] => (b.columns[0]!.values as Uint8Array[]).map((v) => Buffer.from(v).toString());
const redelivered = (b: RecordBatch): number[] => Array.from(b.columns[4]!.values as Uint8Array);

test('schema and options: queue columns; stream-only options are refused for a queue', { skip }, () => {
  const s = RABBITMQ_SOURCE.schema({ queue: 'q' }, undefined, 'UTC');
  assert.deepEqual(s.fields.map((f) => `${f.name}:${f.dataType.kind}`), ['body:binary', 'queue:string', 'exchange:string', 'routingKey:string', 'redelivered:boolean', 'timestamp:timestamp']);
  assert.throws(() => RABBITMQ_SOURCE.schema({ queue: 'q', startingOffsets: 'first' }, undefined, 'UTC'), /applies to streams/);
  assert.throws(() => RABBITMQ_SOURCE.schema({ queue: 'q', stream: 's' }, undefined, 'UTC'), /exactly one/);
});

test('stopped before the commit: the broker redelivers the batch (redelivered = true); after the commit: it is gone', { skip }, async (t) => {
  const q = await makeQueue(t, ['m1', 'm2', 'm3']);
  const one = source(q);
  const a = await readN(one, 0, 3);
  assert.deepEqual(bodies(a.batch), ['m1', 'm2', 'm3']);
  assert.deepEqual(redelivered(a.batch), [0, 0, 0]);
  await one.stop(); // no commit: as a crash between the sink's write and commits/N
  const two = source(q);
  const b = await readN(two, 0, 3);
  assert.deepEqual(bodies(b.batch), ['m1', 'm2', 'm3'], 'nothing lost');
  assert.deepEqual(redelivered(b.batch), [1, 1, 1]);
  await two.commit(b.end);
  assert.equal(two.heldMessages, 0);
  await two.stop();
  // Nothing comes back: the first message the next consumer sees is one sent after the commit.
  await send(q, ['after']);
  const three = source(q);
  const c = await readN(three, 0, 1);
  assert.deepEqual(bodies(c.batch), ['after']);
  assert.deepEqual(redelivered(c.batch), [0]);
  await three.commit(c.end);
  await three.stop();
});

test('SIGKILLed after reading a batch, before its commit: every message comes again, redelivered', { skip }, async (t) => {
  const q = await makeQueue(t, ['k1', 'k2', 'k3']);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./rabbitmq-queue-child.ts', import.meta.url)), q, '3'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { child.kill('SIGKILL'); });
  let out = '';
  await withTimeout(new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(); });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before reading: ${out}`)));
  }), 30_000, 'the child to read a batch');
  assert.equal(out.trim(), 'READ k1,k2,k3');
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
  const src = source(q);
  const b = await readN(src, 0, 3);
  assert.deepEqual(bodies(b.batch), ['k1', 'k2', 'k3'], 'nothing lost');
  assert.deepEqual(redelivered(b.batch), [1, 1, 1]);
  await src.commit(b.end);
  await src.stop();
});

test('prefetch bounds the unacked messages; a commit acks (multiple) and lets the rest flow', { skip }, async (t) => {
  const q = await makeQueue(t, ['a', 'b', 'c', 'd', 'e']);
  const src = source(q, { prefetch: '2' });
  const first = await readN(src, 0, 2);
  assert.deepEqual(bodies(first.batch), ['a', 'b']);
  assert.equal(await ready(q), 3, 'the broker holds back all but the prefetch window');
  await src.commit(first.end);
  const second = await readN(src, 2, 2);
  assert.deepEqual(bodies(second.batch), ['c', 'd']);
  await src.commit(second.end);
  const third = await readN(src, 4, 1);
  assert.deepEqual(bodies(third.batch), ['e']);
  await src.commit(third.end);
  await src.stop();
  assert.equal(await ready(q), 0);
});

test('readStream of a queue: each message once into the sink, timestamp from the message property, restart continues', { skip }, async (t) => {
  const q = await makeQueue(t, ['x1', 'x2']);
  const checkpoint = ck();
  const start = (table: string) => spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('queue', q).option('maxMessagesPerTrigger', 1).load()
    .select(F.col('body').cast('string').alias('v'), F.col('routingKey'), F.col('timestamp').cast('long').alias('ts'))
    .writeStream.format('memory').queryName(table).option('checkpointLocation', checkpoint).start();
  const t1 = uniqueName('t');
  let query = start(t1);
  try {
    await eventually(async () => { await query.processAllAvailable(); return (await spark.table(t1).collectArrays()).length === 2; }, 'two rows');
    assert.deepEqual(await spark.table(t1).collectArrays(), [['x1', q, 1_700_000_000], ['x2', q, 1_700_000_000]]);
    assert.ok(query.recentProgress.every((p) => p.numInputRows <= 1), 'maxMessagesPerTrigger=1');
  } finally {
    await query.stop();
  }
  assert.equal(await ready(q), 0, 'committed batches are acked');
  await send(q, ['x3']);
  const t2 = uniqueName('t');
  query = start(t2);
  try {
    await eventually(async () => { await query.processAllAvailable(); return (await spark.table(t2).collectArrays()).length === 1; }, 'the new row');
    assert.equal((await spark.table(t2).collectArrays())[0]![0], 'x3');
    assert.deepEqual(query.lastProgress!.sources[0]!.endOffset, { [q]: 3 }, 'the count continues from the checkpoint');
  } finally {
    await query.stop();
  }
});

test('includeProperties: the message properties and headers as string maps', { skip }, async (t) => {
  const q = await makeQueue(t);
  await withChannel(async (ch) => {
    ch.sendToQueue(q, Buffer.from('{}'), { contentType: 'application/json', messageId: 'id-9', headers: { tenant: 'acme', attempt: 2 } });
    await ch.waitForConfirms();
  });
  const src = source(q, { includeProperties: 'true' });
  const { end, batch } = await readN(src, 0, 1);
  assert.deepEqual(src.schema.fields.slice(6).map((f) => f.name), ['properties', 'headers']);
  const props = (batch.columns[6]!.values as Map<string, string>[])[0]!;
  assert.equal(props.get('contentType'), 'application/json');
  assert.equal(props.get('messageId'), 'id-9');
  const headers = (batch.columns[7]!.values as Map<string, string>[])[0]!;
  assert.deepEqual([...headers], [['tenant', 'acme'], ['attempt', '2']]);
  await src.commit(end);
  await src.stop();
});

test('a missing queue fails the query with an error naming it', { skip }, async () => {
  const q = uniqueName('rmq_nope');
  const src = source(q, { retries: '0' });
  await assert.rejects(src.latestOffset(null, { kind: 'all' }), new RegExp(`RabbitMQ at 127.0.0.1:5672: queue '${q}' does not exist in vhost '/'`));
  await src.stop();
});

test('bad input: a body that is not the JSON from_json expects gives nulls (PERMISSIVE); non-UTF-8 bytes and an empty body are one row each; every message acked once read', { skip }, async (t) => {
  const q = await makeQueue(t);
  await withChannel(async (ch) => {
    for (const b of [Buffer.from('{"page":"/a","n":1}'), Buffer.from('not json'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.alloc(0), Buffer.from('{"page":"/b","n":"x"}')]) {
      ch.sendToQueue(q, b, { persistent: true });
    }
    await ch.waitForConfirms();
  });
  const table = uniqueName('t_bad');
  const query = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('queue', q).load()
    .select(F.from_json(F.col('body').cast('string'), 'page STRING, n INT').alias('c'), F.length(F.col('body')).alias('len'))
    .select('c.page', 'c.n', 'len')
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck()).start();
  try {
    await eventually(async () => { await query.processAllAvailable(); return (await spark.table(table).collectArrays()).length === 5; }, 'five rows');
    assert.deepEqual(await spark.table(table).collectArrays(), [['/a', 1, 19], [null, null, 8], [null, null, 3], [null, null, 0], ['/b', null, 21]]);
  } finally {
    await query.stop();
  }
  assert.equal(await ready(q), 0, 'committed batches are acked');
});
