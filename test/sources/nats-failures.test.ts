/**
 * The nats source when things go wrong: messages removed by retention below
 * the checkpoint (failOnDataLoss both ways), an unreachable port, wrong
 * credentials (a private nats-server with --user/--pass), and the server
 * going away mid-query and coming back (a private nats-server killed and
 * started again on the same port and store) with nothing lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { needService, uniqueName } from '../support/services.js';
import { createStream, freePort, natsAdmin, NATS_URL, PrivateNatsServer, publish, waitFor } from './nats-support.js';

const skip = await needService('nats');
const spark = SparkSession.builder.appName('nats-failures').getOrCreate();

function checkpoint(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-nats-ck-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function start(stream: string, ck: string, table: string, options: Record<string, string | number>) {
  return spark.readStream.format('nats').option('stream', stream).option('servers', NATS_URL).options(options).load()
    .select(F.col('data').cast('string').alias('v'))
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck).start();
}

async function values(table: string): Promise<unknown[]> {
  return (await spark.table(table).collectArrays()).map((r) => r[0]);
}

for (const failOnDataLoss of [true, false]) {
  test(`nats: messages removed by retention below the checkpoint, failOnDataLoss=${failOnDataLoss}`, { skip }, async (t) => {
    const warnings: string[] = [];
    const prev = setSourceWarningHandler((m) => warnings.push(m));
    t.after(() => setSourceWarningHandler(prev));
    const admin = await natsAdmin();
    t.after(() => admin.close());
    const s = uniqueName('loss');
    await createStream(t, admin, s);
    await publish(admin, `${s}.v`, ['1', '2']);
    const ck = checkpoint(t);
    const a = uniqueName('nats_loss');
    const q1 = start(s, ck, a, { startingOffsets: 'earliest', failOnDataLoss: String(failOnDataLoss) });
    await q1.processAllAvailable();
    await q1.stop();
    assert.deepEqual(await values(a), ['1', '2']);

    // While the query is down, 3..6 arrive and the stream drops everything below 5.
    await publish(admin, `${s}.v`, ['3', '4', '5', '6']);
    await admin.jsm.streams.purge(s, { seq: 5 });
    const b = uniqueName('nats_loss');
    const q2 = start(s, ck, b, { startingOffsets: 'earliest', failOnDataLoss: String(failOnDataLoss) });
    if (failOnDataLoss) {
      await assert.rejects(q2.awaitTermination(20_000), (e: Error) => {
        assert.match(e.message, new RegExp(`messages of stream '${s}' with sequences 3 to 4 were removed`));
        assert.match(e.message, /failOnDataLoss/);
        return true;
      });
      assert.deepEqual(await values(b), []);
    } else {
      await q2.processAllAvailable();
      await q2.stop();
      assert.deepEqual(await values(b), ['5', '6']);
      assert.equal(warnings.filter((w) => w.includes(`sequences 3 to 4 were removed`)).length, 1, warnings.join('\n'));
    }
  });
}

test('nats: a stream deleted and created again (sequences below the checkpoint) follows failOnDataLoss', { skip }, async (t) => {
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('reset');
  await createStream(t, admin, s);
  await publish(admin, `${s}.v`, ['1', '2', '3']);
  const ck = checkpoint(t);
  const q1 = start(s, ck, uniqueName('nats_reset'), { startingOffsets: 'earliest', failOnDataLoss: 'false' });
  await q1.processAllAvailable();
  await q1.stop();
  await admin.jsm.streams.delete(s);
  await admin.jsm.streams.add({ name: s, subjects: [`${s}.>`] });
  await publish(admin, `${s}.v`, ['new1']);
  const strict = start(s, ck, uniqueName('nats_reset'), { failOnDataLoss: 'true' });
  await assert.rejects(strict.awaitTermination(20_000), /ends at sequence 1, below the checkpoint's offset 3: it was deleted and created again/);
  const b = uniqueName('nats_reset');
  const q2 = start(s, ck, b, { failOnDataLoss: 'false' });
  await q2.processAllAvailable();
  await q2.stop();
  assert.deepEqual(await values(b), ['new1']);
  assert.ok(warnings.some((w) => w.includes('deleted and created again')), warnings.join('\n'));
});

test('nats: an unreachable port fails after bounded retries, naming host:port and what was being done', { skip }, async (t) => {
  const port = await freePort();
  const q = spark.readStream.format('nats').option('servers', `nats://127.0.0.1:${port}`).option('stream', 'x')
    .option('retries', 2).option('retryBackoffMs', 10).load()
    .writeStream.format('memory').queryName(uniqueName('nats_unreach')).option('checkpointLocation', checkpoint(t)).start();
  await assert.rejects(q.awaitTermination(30_000), (e: Error) => {
    assert.match(e.message, new RegExp(`NATS at 127\\.0\\.0\\.1:${port}: reading the info of stream 'x' failed after 3 tries over \\d+ ms: connection refused`));
    assert.match(e.message, /Check that NATS is running and reachable/);
    return true;
  });
});

test('nats: wrong credentials fail at once with a clear error that never shows the password', { skip }, async (t) => {
  const server = await new PrivateNatsServer({ user: 'spate', pass: 'right-pass-123' }).start();
  t.after(() => server.dispose());
  const admin = await natsAdmin(server.port, { user: 'spate', pass: 'right-pass-123' });
  t.after(() => admin.close());
  const s = uniqueName('auth');
  await admin.jsm.streams.add({ name: s, subjects: [`${s}.>`] });
  await publish(admin, `${s}.v`, ['ok']);

  const secret = 'wrong-secret-789';
  const attempts: Record<string, string>[] = [{ servers: `nats://127.0.0.1:${server.port}`, user: 'spate', password: secret }, { servers: `nats://spate:${secret}@127.0.0.1:${server.port}` }];
  for (const opts of attempts) {
    const df = spark.readStream.format('nats').option('stream', s).options(opts).load();
    const q = df.writeStream.format('memory').queryName(uniqueName('nats_auth')).option('checkpointLocation', checkpoint(t)).start();
    await assert.rejects(q.awaitTermination(20_000), (e: Error) => {
      assert.match(e.message, new RegExp(`NATS at 127\\.0\\.0\\.1:${server.port} refused the credentials: Authorization Violation`));
      assert.match(e.message, /Check options 'user'\/'password'/);
      assert.ok(!e.message.includes(secret), e.message);
      assert.ok(!String((e.cause as Error | undefined)?.message ?? '').includes(secret));
      return true;
    });
    assert.ok(!q.recentProgress.some((p) => JSON.stringify(p).includes(secret)));
  }
  // The right ones read the stream; the description masks a password in the URL.
  const table = uniqueName('nats_auth');
  const q = spark.readStream.format('nats').option('stream', s).option('startingOffsets', 'earliest')
    .option('servers', `nats://spate:right-pass-123@127.0.0.1:${server.port}`).load()
    .select(F.col('data').cast('string')).writeStream.format('memory').queryName(table).option('checkpointLocation', checkpoint(t)).start();
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(await values(table), ['ok']);
  assert.doesNotMatch(JSON.stringify(q.recentProgress), /right-pass-123/);
});

test('nats: the server goes away mid-query and comes back (same port and store): the query goes on, nothing lost or doubled', { skip }, async (t) => {
  const server = await new PrivateNatsServer().start();
  t.after(() => server.dispose());
  let admin = await natsAdmin(server.port);
  t.after(() => admin.close());
  const s = uniqueName('outage');
  await admin.jsm.streams.add({ name: s, subjects: [`${s}.>`] });
  await publish(admin, `${s}.v`, ['1', '2', '3']);
  const table = uniqueName('nats_outage');
  const q = spark.readStream.format('nats').option('servers', `nats://127.0.0.1:${server.port}`).option('stream', s)
    .option('startingOffsets', 'earliest').option('retries', 30).option('retryBackoffMs', 50).option('retryMaxBackoffMs', 200).option('requestTimeoutMs', 1000).load()
    .select(F.col('data').cast('string')).writeStream.format('memory').queryName(table).option('checkpointLocation', checkpoint(t)).start();
  try {
    await q.processAllAvailable();
    assert.deepEqual(await values(table), ['1', '2', '3']);
    await server.stop();
    await server.start();
    await admin.close();
    admin = await natsAdmin(server.port);
    await publish(admin, `${s}.v`, ['4', '5']);
    await waitFor(async () => (await values(table)).length >= 5, 'rows 4 and 5 after the restart');
    await q.processAllAvailable();
    assert.deepEqual(await values(table), ['1', '2', '3', '4', '5']);
    assert.equal(q.exception(), null);
  } finally {
    await q.stop();
  }
});

test('nats: a server away longer than the retries fails the query naming host:port; a restart from the checkpoint loses nothing', { skip }, async (t) => {
  const server = await new PrivateNatsServer().start();
  t.after(() => server.dispose());
  let admin = await natsAdmin(server.port);
  const s = uniqueName('down');
  await admin.jsm.streams.add({ name: s, subjects: [`${s}.>`] });
  await publish(admin, `${s}.v`, ['1', '2']);
  await admin.close();
  const ck = checkpoint(t);
  const opts = { servers: `nats://127.0.0.1:${server.port}`, stream: s, startingOffsets: 'earliest', retries: 2, retryBackoffMs: 20, requestTimeoutMs: 500 };
  const a = uniqueName('nats_down');
  const q1 = spark.readStream.format('nats').options(opts).load().select(F.col('data').cast('string'))
    .writeStream.format('memory').queryName(a).option('checkpointLocation', ck).start();
  await q1.processAllAvailable();
  await server.stop();
  await assert.rejects(q1.awaitTermination(30_000), new RegExp(`NATS at 127\\.0\\.0\\.1:${server.port}: .* failed after 3 tries.*nothing was lost, restart the query from its checkpoint`));

  await server.start();
  admin = await natsAdmin(server.port);
  t.after(() => admin.close());
  await publish(admin, `${s}.v`, ['3']);
  const b = uniqueName('nats_down');
  const q2 = spark.readStream.format('nats').options(opts).load().select(F.col('data').cast('string'))
    .writeStream.format('memory').queryName(b).option('checkpointLocation', ck).start();
  await q2.processAllAvailable();
  await q2.stop();
  assert.deepEqual([...await values(a), ...await values(b)], ['1', '2', '3']);
});

test('nats source -> nats sink across a server SIGKILL and restart (same port and store): every message exactly once in the output stream (the duplicate window survives the restart)', { skip }, async (t) => {
  const server = await new PrivateNatsServer().start();
  t.after(() => server.dispose());
  let admin = await natsAdmin(server.port);
  t.after(() => admin.close());
  const s = uniqueName('EO_IN');
  const out = uniqueName('EO_OUT');
  await admin.jsm.streams.add({ name: s, subjects: [`${s}.>`] });
  await admin.jsm.streams.add({ name: out, subjects: [`${out}.>`], duplicate_window: 3600 * 1e9 });
  const conn = { servers: `nats://127.0.0.1:${server.port}`, retries: 40, retryBackoffMs: 50, retryMaxBackoffMs: 200, requestTimeoutMs: 1000 };
  const q = spark.readStream.format('nats').options(conn).option('stream', s).option('startingOffsets', 'earliest').option('maxMessagesPerTrigger', 3).load()
    .select('data').writeStream.format('nats').options(conn).option('subject', `${out}.v`).option('checkpointLocation', checkpoint(t)).start();
  const outValues = async (): Promise<string[]> => {
    const info = await admin.jsm.streams.info(out);
    const got: string[] = [];
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
      const m = await admin.jsm.streams.getMessage(out, { seq });
      if (m !== null) got.push(m.string());
    }
    return got;
  };
  try {
    await publish(admin, `${s}.v`, Array.from({ length: 10 }, (_, i) => String(i)));
    await waitFor(async () => (await outValues()).length >= 10, 'the first 10 messages in the output');
    await publish(admin, `${s}.v`, Array.from({ length: 10 }, (_, i) => String(10 + i)));
    await server.stop(); // SIGKILL, likely in the middle of a batch
    await server.start();
    await admin.close();
    admin = await natsAdmin(server.port);
    await waitFor(async () => (await outValues()).length >= 20, 'all 20 messages in the output after the restart');
    await q.processAllAvailable();
    assert.equal(q.exception(), null);
    assert.deepEqual(await outValues(), Array.from({ length: 20 }, (_, i) => String(i)));
  } finally {
    await q.stop();
  }
});
