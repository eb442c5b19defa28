/**
 * jdbc and postgres-cdc against a PostgreSQL of the test's own
 * (postgres-private.ts), for what the shared server cannot show: a wrong
 * password (the shared one trusts 127.0.0.1), and a real server crash and
 * restart mid-stream (the shared one is never stopped). A postgres-cdc
 * source feeds the exactly-once jdbc sink on the same server; the server is
 * stopped as a crash stops it and started again, within the query's retries
 * and past them, and every change lands exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SparkSession, type DataFrame } from '../../src/index.js';
import { SpateError } from '../../src/core/errors.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { needService } from '../support/services.js';
import { PrivatePostgres, privatePostgresMissing } from './postgres-private.js';

const missing = privatePostgresMissing();
if (missing !== undefined && process.env.CI === 'true') throw new Error(`CI=true and ${missing}`);
const skip = (await needService('postgresql')) || (missing ?? false);
const spark = SparkSession.builder.appName('postgres-private-server').getOrCreate();
const PASSWORD = 'Pw-private-8c1f3a';

function dir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'spate-pgp-ck-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Runs SQL on the private server with a fresh connection (the server may have restarted since the last one). */
async function run(server: PrivatePostgres, text: string): Promise<unknown[][]> {
  const c = new pg.Client({ connectionString: server.url(), connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query({ text, rowMode: 'array' })).rows as unknown[][];
  } finally {
    await c.end();
  }
}

async function ids(server: PrivatePostgres, table: string): Promise<number[]> {
  return (await run(server, `SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r[0]));
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('PostgreSQL (private server, password auth): a wrong password fails jdbc reads, jdbc writes and postgres-cdc at once naming host:port, never showing the password; the right one works', { skip }, async (t) => {
  const server = await new PrivatePostgres(PASSWORD).start();
  t.after(() => server.dispose());
  await run(server, 'CREATE TABLE people (id INT PRIMARY KEY, name TEXT)');
  await run(server, "INSERT INTO people VALUES (1, 'a')");
  const wrong = 'Wr0ng-pw-77d2';
  const host = `127\\.0\\.0\\.1:${server.port}`;
  const clean = (e: unknown): boolean => {
    const text = `${(e as Error).message} ${String((e as Error).cause ?? '')} ${(e as Error).stack ?? ''}`;
    return !text.includes(wrong) && !text.includes(PASSWORD);
  };
  // jdbc read: load() reads the schema, and fails there.
  assert.throws(() => spark.read.format('jdbc').option('url', server.url(wrong)).option('dbtable', 'people').load(), (e: unknown) => {
    assert.ok(e instanceof SpateError && e.code === 'AUTHENTICATION_FAILED', String(e));
    assert.match(e.message, new RegExp(`${host}.*password authentication failed`));
    assert.doesNotMatch(e.message, /after \d+ tries/);
    assert.ok(clean(e), e.message);
    return true;
  });
  // jdbc write, the password given as an option.
  await assert.rejects(spark.createDataFrame([[2, 'b']], 'id INT, name STRING').write.format('jdbc')
    .option('url', `jdbc:postgresql://127.0.0.1:${server.port}/postgres`).option('user', 'postgres').option('password', wrong).option('dbtable', 'people').mode('append').save(),
  (e: unknown) => e instanceof SpateError && e.code === 'AUTHENTICATION_FAILED' && new RegExp(host).test(e.message) && clean(e));
  // postgres-cdc.
  const q = spark.readStream.format('postgres-cdc').option('url', server.url(wrong)).option('slotName', 'auth_slot').option('publication', 'people_pub').option('tables', 'people')
    .option('retries', 3).option('retryBackoffMs', 10).schema('id INT, name STRING').load()
    .writeStream.format('noop').option('checkpointLocation', dir(t)).start();
  const err = await q.awaitTermination().then(() => undefined, (e: unknown) => e as Error);
  assert.ok(err !== undefined, 'the cdc query failed');
  assert.match(err.message, new RegExp(`PostgreSQL at ${host}: .*password authentication failed`));
  assert.doesNotMatch(err.message, /after \d+ tries/, 'a refused password is not retried');
  assert.ok(clean(err), err.message);
  assert.ok(!JSON.stringify(q.recentProgress).includes(wrong));
  // The right password.
  assert.deepEqual(await spark.read.format('jdbc').option('url', server.url()).option('dbtable', 'people').load().collectArrays(), [[1, 'a']]);
});

test('postgres-cdc -> jdbc on a private PostgreSQL crashed (immediate shutdown) and started again mid-stream: within the retries the query goes on; past them it fails naming host:port and a restart writes every change exactly once', { skip }, async (t) => {
  const server = await new PrivatePostgres(PASSWORD).start();
  t.after(() => server.dispose());
  const prev = setSourceWarningHandler(() => undefined);
  t.after(() => setSourceWarningHandler(prev));
  await run(server, 'CREATE TABLE src (id INT PRIMARY KEY, name TEXT)');
  await run(server, 'CREATE TABLE dst (id INT, name TEXT)');
  await run(server, 'CREATE PUBLICATION src_pub FOR TABLE src');
  const insert = async (from: number, n: number): Promise<void> => {
    const values = Array.from({ length: n }, (_, i) => `(${from + i}, 'v${from + i}')`).join(', ');
    await run(server, `INSERT INTO src VALUES ${values}`);
  };
  const ck = dir(t);
  const start = (retry: Record<string, string | number>): ReturnType<DataFrame['writeStream']['start']> =>
    spark.readStream.format('postgres-cdc').option('url', server.url()).option('slotName', 'crash_slot').option('publication', 'src_pub').option('tables', 'src')
      .options(retry).schema('id INT, name STRING').load().select('id', 'name')
      .writeStream.format('jdbc').option('url', server.url()).option('dbtable', 'dst').options(retry).option('checkpointLocation', ck).start();
  const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  // 1. Crashed and back within the retries.
  const q1 = start({ retries: 60, retryBackoffMs: 50, retryMaxBackoffMs: 250 });
  try {
    // The slot is made when the query starts; changes before it are not the query's (startingOffsets latest).
    await waitFor('the replication slot', async () => (await run(server, "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'crash_slot'")).length === 1);
    await insert(0, 5);
    await waitFor('the first 5 rows in dst', async () => (await ids(server, 'dst')).length >= 5);
    await server.crash();
    await new Promise((r) => setTimeout(r, 300)); // the query meets the dead server for a while
    await server.start();
    await insert(5, 5);
    await waitFor('10 rows in dst after the restart', async () => (await ids(server, 'dst')).length >= 10);
    await q1.processAllAvailable();
    assert.equal(q1.exception(), null);
  } finally {
    await q1.stop();
  }
  assert.deepEqual(await ids(server, 'dst'), all(10), 'nothing lost, nothing twice');

  // 2. Crashed for longer than the retries: the query fails naming host:port; once it is back a restart goes on.
  const q2 = start({ retries: 2, retryBackoffMs: 20, retryMaxBackoffMs: 40 });
  await insert(10, 3);
  await waitFor('13 rows', async () => (await ids(server, 'dst')).length >= 13);
  await server.crash();
  await assert.rejects(q2.awaitTermination(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${server.port}: .* failed after 3 tries.*nothing was lost, restart the query`));
  await server.start();
  await insert(13, 4);
  const q3 = start({ retries: 5, retryBackoffMs: 50 });
  try {
    await waitFor('17 rows', async () => (await ids(server, 'dst')).length >= 17);
    await q3.processAllAvailable();
  } finally {
    await q3.stop();
  }
  assert.deepEqual(await ids(server, 'dst'), all(17));
  assert.ok(!JSON.stringify(q3.recentProgress).includes(PASSWORD), 'no password in progress');
});
