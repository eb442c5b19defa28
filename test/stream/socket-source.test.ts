/**
 * The seed example over a real socket: a loopback server in the test sends
 * lines and closes; the query word-counts them into a memory sink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SparkSession, functions as F } from '../../src/index.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { typeName } from '../../src/core/types.js';

const spark = SparkSession.builder.appName('socket-source').getOrCreate();

/** Serves `chunks` to the first client, a few ms apart, then closes the connection and the server. */
async function serve(chunks: readonly string[]): Promise<{ port: number; sent: Promise<void> }> {
  let sentAll!: () => void;
  const sent = new Promise<void>((r) => { sentAll = r; });
  const server = createServer((conn: Socket) => {
    void (async () => {
      for (const c of chunks) {
        conn.write(c);
        await sleep(3);
      }
      conn.end();
      server.close();
      sentAll();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Never keeps the test process alive, even when a failed test left no client to serve.
  server.unref();
  return { port: (server.address() as AddressInfo).port, sent };
}

test('socket word count: lines from a loopback server are counted, then server and query stop', async (t) => {
  const prev = setSourceWarningHandler(() => { /* the not-for-production warning is expected here */ });
  t.after(() => setSourceWarningHandler(prev));
  const { port, sent } = await serve(['apache spark\n', 'spark str', 'eaming\r\n', 'apache\n', 'spark']);

  const lines = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', port).load();
  const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
  const query = words.groupBy('word').count().writeStream.outputMode('complete').format('memory').queryName('socket_wc').start();
  try {
    await sent;
    const want = { apache: 2, spark: 3, streaming: 1 };
    let got: Record<string, unknown> = {};
    // Bounded: the last line arrives when the server closes; the query takes it at its next trigger.
    for (let i = 0; i < 200; i++) {
      await query.processAllAvailable();
      got = Object.fromEntries((await spark.table('socket_wc').collectArrays()).map((r) => [r[0], r[1]]));
      if (JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).sort())) break;
      await sleep(10);
    }
    assert.deepEqual(got, want);
    const total = query.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
    assert.equal(total, 4, 'four lines read, each once');
    assert.match(query.lastProgress!.sources[0]!.description, new RegExp(`TextSocket.*port: ${port}`));
  } finally {
    await query.stop();
  }
  assert.equal(query.isActive, false);
  assert.equal(query.exception(), null);
});

test('socket source with includeTimestamp gives (value, timestamp) rows', async (t) => {
  const prev = setSourceWarningHandler(() => { /* expected */ });
  t.after(() => setSourceWarningHandler(prev));
  const { port, sent } = await serve(['one\ntwo\n']);
  const lines = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', port).option('includeTimestamp', true).load();
  assert.deepEqual(lines.schema.fields.map((f) => `${f.name}:${typeName(f.dataType)}`), ['value:string', 'timestamp:timestamp']);
  const query = lines.writeStream.format('memory').queryName('socket_ts').start();
  try {
    await sent;
    let rows: unknown[][] = [];
    for (let i = 0; i < 200 && rows.length < 2; i++) {
      await query.processAllAvailable();
      rows = await spark.table('socket_ts').collectArrays();
      if (rows.length < 2) await sleep(10);
    }
    assert.deepEqual(rows.map((r) => r[0]), ['one', 'two']);
    for (const r of rows) assert.ok(r[1] instanceof Date && Math.abs(r[1].getTime() - Date.now()) < 60_000, 'a receive time near now');
  } finally {
    await query.stop();
  }
});

test('socket source: a port nobody listens on fails the query with the host and port named', async () => {
  const { port } = await new Promise<{ port: number }>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve({ port: p })); });
  });
  const prev = setSourceWarningHandler(() => { /* expected */ });
  try {
    const q = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', port).load()
      .writeStream.format('memory').queryName('socket_refused').start();
    await assert.rejects(q.awaitTermination(10_000), (e: Error) => {
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1.*${port}|${port}.*127\\.0\\.0\\.1`));
      return true;
    });
  } finally {
    setSourceWarningHandler(prev);
  }
});
