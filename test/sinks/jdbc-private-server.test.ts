/**
 * The streaming jdbc sink against a MariaDB of the test's own
 * (test/sources/mariadb-private.ts), SIGKILLed mid-stream and started again
 * on the same data directory — a real server crash and restart, which the
 * shared server on 3306 (used by other test files) cannot be put through.
 * PostgreSQL's counterpart is test/sources/postgres-private-server.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { needService } from '../support/services.js';
import { PrivateMariadb, privateMariadbMissing } from '../sources/mariadb-private.js';

const missing = privateMariadbMissing();
if (missing !== undefined && process.env.CI === 'true') throw new Error(`CI=true and ${missing}`);
const skip = (await needService('mariadb')) || (missing ?? false);
const spark = SparkSession.builder.appName('jdbc-private-server').getOrCreate();

test('MariaDB (private server) SIGKILLed mid-stream and started again: within the retries the jdbc sink goes on; past them the query fails naming host:port and a restart writes every row exactly once', { skip }, async (t) => {
  const server = await new PrivateMariadb().start();
  t.after(() => server.dispose());
  const ck = mkdtempSync(join(tmpdir(), 'spate-jdbc-priv-'));
  t.after(() => rmSync(ck, { recursive: true, force: true }));
  const input = new MemoryStream(spark, 'id INT');
  const start = (retry: Record<string, string | number>) => input.toDF().writeStream.format('jdbc').option('url', server.url()).option('dbtable', 'sink_rows')
    .options(retry).option('checkpointLocation', ck).start();
  const ids = async (): Promise<number[]> => (await server.sql('SELECT id FROM sink_rows ORDER BY id')).map((r) => Number(r[0]));

  // 1. Killed and back within the retries: the batch written while it was down lands once.
  let q = start({ retries: 60, retryBackoffMs: 50, retryMaxBackoffMs: 250 });
  input.addData(1, 2);
  await q.processAllAvailable();
  await server.crash();
  input.addData(3, 4);
  const pending = q.processAllAvailable();
  await new Promise((r) => setTimeout(r, 300));
  await server.start();
  await pending;
  assert.equal(q.exception(), null);
  await q.stop();
  assert.deepEqual(await ids(), [1, 2, 3, 4]);

  // 2. Killed for longer than the retries.
  q = start({ retries: 2, retryBackoffMs: 20, retryMaxBackoffMs: 40 });
  input.addData(5);
  await q.processAllAvailable();
  await server.crash();
  input.addData(6, 7);
  await assert.rejects(q.awaitTermination(30_000), new RegExp(`MariaDB at 127\\.0\\.0\\.1:${server.port}: writing batch \\d+ to table 'sink_rows' failed after 3 tries`));
  await q.stop();
  await server.start();
  q = start({ retries: 5, retryBackoffMs: 50 });
  try {
    input.addData(8);
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  assert.deepEqual(await ids(), [1, 2, 3, 4, 5, 6, 7, 8]);
});
