/**
 * The postgres-cdc source when things go wrong: a role that may not use
 * replication (its password never shown), an unreachable port, and the
 * server going away mid-query (a TcpProxy in front of the shared server,
 * which is never stopped) and coming back with nothing lost.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { SparkSession, type DataFrame } from '../../src/index.js';
import { needService, uniqueName } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { checkpoint, cdcTable, closeAdmins, pgAdmin, sql, waitFor } from './postgres-cdc-support.js';
import type { PgCdcClient } from '../../src/clients/postgres-cdc.js';

const skip = await needService('postgresql');
const spark = SparkSession.builder.appName('postgres-cdc-faults').getOrCreate();
after(closeAdmins);

function cdc(url: string, names: { table: string; publication: string }, slot: string, options: Record<string, string | number> = {}): DataFrame {
  return spark.readStream.format('postgres-cdc').option('url', url).option('slotName', slot)
    .option('publication', names.publication).option('tables', names.table).options(options).schema('id INT, name STRING').load();
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('postgres-cdc: a role without REPLICATION fails naming host:port and the fix; its password is in no error, description or progress', { skip }, async (t) => {
  // The shared server trusts every connection on 127.0.0.1 (pg_hba.conf: trust), so a wrong password is accepted there and
  // authentication failures cannot be provoked on it; what a password can still leak through is every error and text the
  // source makes — checked here with a real failing call (a role that may not use replication slots).
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT', { publication: true });
  const role = uniqueName('cdc_role').toLowerCase();
  const secret = `Pw-${uniqueName('s3cret')}`;
  await sql(admin, `CREATE ROLE ${role} LOGIN PASSWORD '${secret}' NOREPLICATION`);
  t.after(async () => { await sql(admin, `DROP ROLE IF EXISTS ${role}`); });
  for (const [url, extra] of [
    [`postgres://${role}:${encodeURIComponent(secret)}@127.0.0.1:5432/test`, {}],
    ['jdbc:postgresql://127.0.0.1:5432/test', { user: role, password: secret }],
  ] as const) {
    const df = cdc(url, n, n.slot(), { retries: 0, ...extra });
    const q = df.writeStream.option('checkpointLocation', checkpoint(t)).format('noop').start();
    const err = await q.awaitTermination().then(() => undefined, (e: unknown) => e as Error & { cause?: Error });
    assert.ok(err !== undefined, 'the query failed');
    const text = `${err.message} ${err.cause?.message ?? ''} ${String(err.cause?.cause ?? '')} ${err.stack ?? ''}`;
    assert.match(err.message, /PostgreSQL at 127\.0\.0\.1:5432: creating replication slot '.*' failed: .*(superuser|replication)/i);
    assert.ok(!text.includes(secret), `the password leaked: ${text}`);
    assert.ok(!JSON.stringify(q.lastProgress ?? {}).includes(secret));
    assert.ok(!df.explainString(true).includes(secret));
    assert.ok(!String(q.lastProgress?.sources[0]?.description ?? "").includes(secret));
  }
});

test('postgres-cdc: an unreachable port fails after the bounded retries naming host:port and what was being done', { skip }, async (t) => {
  const port = await freePort();
  const n = { table: 'not_used', publication: 'not_used_pub' };
  const q = cdc(`postgres://postgres@127.0.0.1:${port}/test`, n, 'never_made', { retries: 2, retryBackoffMs: 10, connectTimeoutMs: 2000 })
    .writeStream.option('checkpointLocation', checkpoint(t)).format('noop').start();
  await assert.rejects(q.awaitTermination(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}: checking the database failed after 3 tries .*ECONNREFUSED.*Check that PostgreSQL is running`));
  // Without a schema the columns are read at load(), which fails the same way.
  assert.throws(() => spark.readStream.format('postgres-cdc').option('url', `postgres://postgres@127.0.0.1:${port}/test`).option('slotName', 's')
    .option('publication', 'p').option('retries', 1).option('retryBackoffMs', 10).load(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}: reading the tables of publication 'p' failed`));
});

/** Waits until the query has made its slot (changes before it are not captured). */
async function slotMade(admin: PgCdcClient, slot: string): Promise<void> {
  await waitFor(`slot ${slot}`, async () => (await sql(admin, 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).length === 1);
}

/** Collects each batch's ids by batch id (a replayed batch replaces itself). */
function collector() {
  const batches = new Map<number, number[]>();
  return {
    batches,
    ids: () => [...batches.keys()].sort((a, b) => a - b).flatMap((k) => batches.get(k)!),
    start: (df: DataFrame, ck: string) => df.select('id').writeStream.option('checkpointLocation', ck)
      .foreachBatch(async (b, id) => { batches.set(id, (await b.collectArrays()).map((r) => r[0] as number)); }).start(),
  };
}

test('postgres-cdc: the server going away mid-query and back within the retries: the query goes on, nothing lost or doubled', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const proxy = await new TcpProxy(5432).up();
  t.after(() => proxy.down());
  const slot = n.slot();
  const c = collector();
  const q = c.start(cdc(`postgres://postgres@127.0.0.1:${proxy.port}/test`, n, slot, { retries: 20, retryBackoffMs: 50, retryMaxBackoffMs: 200 }), checkpoint(t));
  t.after(() => q.stop());
  await slotMade(admin, slot);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a'), (2, 'b')`);
  await waitFor('rows 1 and 2', () => c.ids().length === 2);
  const acceptedBefore = proxy.accepted;
  await proxy.down();
  await sql(admin, `INSERT INTO ${n.table} VALUES (3, 'c')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (4, 'd')`);
  // Let the query hit the outage for a while (it polls every few ms), then bring the server back.
  await new Promise((r) => setTimeout(r, 300));
  await proxy.up();
  await waitFor('rows 3 and 4 after the outage', () => c.ids().length >= 4);
  assert.ok(proxy.accepted > acceptedBefore, 'the source reconnected');
  assert.equal(q.isActive, true);
  await q.stop();
  assert.deepEqual(c.ids(), [1, 2, 3, 4]);
});

test('postgres-cdc: an outage past the retries fails the query naming host:port; a restart once it is back loses and doubles nothing', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const proxy = await new TcpProxy(5432).up();
  t.after(() => proxy.down());
  const slot = n.slot();
  const ck = checkpoint(t);
  const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`;
  const c = collector();
  const q = c.start(cdc(url, n, slot, { retries: 2, retryBackoffMs: 20 }), ck);
  await slotMade(admin, slot);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await waitFor('row 1', () => c.ids().length === 1);
  await proxy.down();
  await sql(admin, `INSERT INTO ${n.table} VALUES (2, 'b')`);
  await assert.rejects(q.awaitTermination(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${proxy.port}: .* failed after 3 tries.*nothing was lost, restart the query`));
  await proxy.up();
  await sql(admin, `INSERT INTO ${n.table} VALUES (3, 'c')`);
  const q2 = c.start(cdc(url, n, slot), ck);
  try {
    await q2.processAllAvailable();
  } finally {
    await q2.stop();
  }
  assert.deepEqual(c.ids(), [1, 2, 3]);
});
