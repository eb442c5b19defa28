/**
 * writeStream.format('jdbc') against the real PostgreSQL and MariaDB, every
 * case on both: upserts in update mode (the issue's windowed page counts),
 * complete and append modes, exactly-once through the commit table (a
 * replayed batch is skipped, two runs of one batch cannot both apply it), a
 * refused value, and the server going away mid-stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { SpateError } from '../../src/core/errors.js';
import { batchFromRows } from '../../src/core/batch.js';
import { parseSchema } from '../../src/core/ddl.js';
import { JDBC_SINK } from '../../src/sinks/jdbc-sink.js';
import type { JdbcStreamSink } from '../../src/sinks/jdbc-stream-sink.js';
import { DIALECTS, dropTables, sql, tableName, type TestDialect } from '../sources/jdbc-dialects.js';
import { ThreadedTcpProxy } from '../sources/jdbc-proxy.js';

const spark = SparkSession.builder.appName('jdbc-stream-sink').getOrCreate();

function checkpoint(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-jdbc-sink-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const T0 = Date.UTC(2024, 0, 1);
const at = (s: number): Date => new Date(T0 + s * 1000);

async function tableRows(d: TestDialect, table: string, order: string): Promise<unknown[][]> {
  return sql(d, `SELECT * FROM ${table} ORDER BY ${order}`);
}

for (const d of DIALECTS) {
  const skip = d.skip;

  test(`${d.name}: update mode upserts a windowed count on (window, page) — the issue's example`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_pages');
    const commits = tableName('jdbc_s_commits');
    t.after(() => dropTables(d, tbl, commits));
    const clicks = new MemoryStream(spark, 'page STRING, ts TIMESTAMP');
    const perPage = clicks.toDF().withWatermark('ts', '1 minute').groupBy(F.window('ts', '1 minute'), 'page').count();
    const q = perPage.writeStream.format('jdbc').option('url', d.url).option('dbtable', tbl)
      .option('upsertKeys', 'window,page').option('commitTable', commits)
      .outputMode('update').option('checkpointLocation', checkpoint(t)).start();
    try {
      clicks.addData(['home', at(5)], ['cart', at(10)], ['home', at(20)]);
      await q.processAllAvailable();
      clicks.addData(['home', at(30)], ['home', at(65)], ['cart', at(70)]);
      await q.processAllAvailable();
    } finally {
      await q.stop();
    }
    const ws = (s: number) => new Date(T0 + s * 1000).toISOString();
    const got = (await spark.read.format('jdbc').option('url', d.url).option('dbtable', tbl).load().orderBy('window_start', 'page').collect())
      .map((r) => [(r.window_start as Date).toISOString(), (r.window_end as Date).toISOString(), r.page, r.count]);
    assert.deepEqual(got, [[ws(0), ws(60), 'cart', 1], [ws(0), ws(60), 'home', 3], [ws(60), ws(120), 'cart', 1], [ws(60), ws(120), 'home', 1]]);
    // The sink made the table with a primary key on the flattened window and page.
    const dup = sql(d, [`INSERT INTO ${tbl} (window_start, window_end, page, ${d.q('count')}) VALUES (${d.p(1)}, ${d.p(2)}, ${d.p(3)}, ${d.p(4)})`,
      ['2024-01-01 00:00:00', '2024-01-01 00:01:00', 'home', 9]]);
    await assert.rejects(dup, /duplicate|Duplicate/);
    const c = await sql(d, `SELECT query_id, batch_id, target_table FROM ${commits}`);
    assert.deepEqual(c.map((r) => [r[0], Number(r[1]), r[2]]), [[q.id, Number(c[0]![1]), tbl]]);
    assert.ok(Number(c[0]![1]) >= 1);
  });

  test(`${d.name}: a batch handed again is skipped, inside the transaction (commit table row locked)`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_replay');
    const commits = tableName('jdbc_s_commits');
    t.after(() => dropTables(d, tbl, commits));
    const schema = parseSchema('id INT, v STRING');
    const mk = () => JDBC_SINK.create!({ options: { url: d.url, dbtable: tbl, commitTable: commits }, schema, outputMode: 'append', timeZone: 'UTC' }) as JdbcStreamSink;
    const sink = mk();
    const query = { id: `q-${tbl}`, runId: 'r1', name: null, checkpointDir: '' };
    await sink.open(query);
    const b0 = batchFromRows(schema, [[1, 'a'], [2, 'b']]);
    const b1 = batchFromRows(schema, [[3, 'c']]);
    await sink.addBatch(0, b0, 'append');
    await sink.addBatch(0, b0, 'append');
    await sink.addBatch(1, b1, 'append');
    assert.deepEqual(sink.stats, { batchesWritten: 2, batchesSkipped: 1, rowsWritten: 3 });
    await sink.stop();
    // A new run of the same query (a restart) replays batch 1, and two runs race on batch 2: each applies once.
    const [s2, s3] = [mk(), mk()];
    await s2.open({ ...query, runId: 'r2' });
    await s3.open({ ...query, runId: 'r3' });
    await s2.addBatch(1, b1, 'append');
    const b2 = batchFromRows(schema, [[4, 'd'], [5, 'e']]);
    await Promise.all([s2.addBatch(2, b2, 'append'), s3.addBatch(2, b2, 'append')]);
    assert.equal(s2.stats.batchesSkipped + s3.stats.batchesSkipped, 2);
    assert.equal(s2.stats.batchesWritten + s3.stats.batchesWritten, 1);
    await s2.stop();
    await s3.stop();
    assert.deepEqual((await tableRows(d, tbl, 'id')).map((r) => r[0]), [1, 2, 3, 4, 5]);
    assert.deepEqual((await sql(d, `SELECT batch_id FROM ${commits}`)).map((r) => Number(r[0])), [2]);
  });

  test(`${d.name}: a restart that runs the last batch again (its commit log entry lost) writes nothing twice`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_restart');
    const commits = tableName('jdbc_s_commits');
    t.after(() => dropTables(d, tbl, commits));
    const ck = checkpoint(t);
    // A replayable source (files): after the restart the engine reads batch 1's range again and hands it to the sink.
    const dir = checkpoint(t);
    const put = (n: number, ids: number[]) => writeFileSync(join(dir, `part-${n}.json`), ids.map((id) => JSON.stringify({ id })).join('\n') + '\n');
    const start = () => spark.readStream.schema('id INT').option('maxFilesPerTrigger', 1).json(dir)
      .writeStream.format('jdbc').option('url', d.url).option('dbtable', tbl).option('commitTable', commits)
      .option('checkpointLocation', ck).start();
    put(0, [1, 2]);
    put(1, [3]);
    let q = start();
    await q.processAllAvailable();
    await q.stop();
    const last = Math.max(...readdirSync(join(ck, 'commits')).filter((f) => /^\d+$/.test(f)).map(Number));
    assert.equal(last, 1);
    // As if the process died after the sink committed batch 1 but before commits/1 was written.
    rmSync(join(ck, 'commits', String(last)));
    q = start();
    await q.processAllAvailable();
    put(2, [4]);
    await q.processAllAvailable();
    await q.stop();
    assert.deepEqual((await tableRows(d, tbl, 'id')).map((r) => r[0]), [1, 2, 3, 4]);
    assert.deepEqual((await sql(d, `SELECT batch_id FROM ${commits}`)).map((r) => Number(r[0])), [2]);
  });

  test(`${d.name}: complete mode replaces the table's contents each batch`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_complete');
    const commits = tableName('jdbc_s_commits');
    t.after(() => dropTables(d, tbl, commits));
    const words = new MemoryStream(spark, 'word STRING');
    const q = words.toDF().groupBy('word').count().writeStream.format('jdbc').option('url', d.url).option('dbtable', tbl)
      .option('commitTable', commits).outputMode('complete').option('checkpointLocation', checkpoint(t)).start();
    try {
      words.addData('a', 'b', 'a');
      await q.processAllAvailable();
      assert.deepEqual((await tableRows(d, tbl, 'word')).map((r) => [r[0], Number(r[1])]), [['a', 2], ['b', 1]]);
      words.addData('b', 'c');
      await q.processAllAvailable();
    } finally {
      await q.stop();
    }
    assert.deepEqual((await tableRows(d, tbl, 'word')).map((r) => [r[0], Number(r[1])]), [['a', 2], ['b', 2], ['c', 1]]);
  });

  test(`${d.name}: options are checked at start(): update mode needs upsertKeys, keys must be columns`, { skip }, () => {
    const words = new MemoryStream(spark, 'word STRING');
    const agg = words.toDF().groupBy('word').count();
    assert.throws(() => agg.writeStream.format('jdbc').option('url', d.url).option('dbtable', 't').outputMode('update').start(),
      (e: unknown) => e instanceof SpateError && /needs option 'upsertKeys'/.test(e.message));
    assert.throws(() => agg.writeStream.format('jdbc').option('url', d.url).option('dbtable', 't').option('upsertKeys', 'wrd').outputMode('update').start(),
      /Option 'upsertKeys' names column 'wrd', which the query's output does not have\. Available: word, count/);
    assert.throws(() => agg.writeStream.format('jdbc').option('dbtable', 't').outputMode('complete').start(), /Option 'url' is required/);
  });

  test(`${d.name}: no password in the sink's description, progress or its failure`, { skip }, async (t) => {
    const secret = 'Str3amSecretPw';
    const input = new MemoryStream(spark, 'id INT');
    const user = d.key === 'postgresql' ? 'postgres' : 'root';
    const q = input.toDF().writeStream.format('jdbc').option('url', `jdbc:${d.key}://127.0.0.1:1/test?user=${user}&password=${secret}`)
      .option('dbtable', 't').option('retries', 1).option('retryBackoffMs', 10).option('checkpointLocation', checkpoint(t)).start();
    input.addData(1);
    await assert.rejects(q.awaitTermination(20_000), (e: unknown) => {
      assert.ok(e instanceof Error);
      const m = `${e.message} ${String((e as { cause?: Error }).cause?.message ?? '')}`;
      assert.match(m, /127\.0\.0\.1:1: creating the commit table 'spate_commits' failed after 2 tries/);
      assert.doesNotMatch(m, new RegExp(secret));
      return true;
    });
    await q.stop();
    const shown = JSON.stringify([q.lastProgress, q.recentProgress, q.exception()?.message]);
    assert.doesNotMatch(shown, new RegExp(secret));
    const sink = JDBC_SINK.create!({ options: { url: `postgres://u:${secret}@127.0.0.1:1/db`, dbtable: 't', password: secret }, schema: parseSchema('id INT'), outputMode: 'append', timeZone: 'UTC' });
    assert.doesNotMatch(sink.description, new RegExp(secret));
  });

  test(`${d.name}: a value the table refuses fails the query naming table and column; the batch's transaction is rolled back`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_refuse');
    const commits = tableName('jdbc_s_commits');
    t.after(() => dropTables(d, tbl, commits));
    await sql(d, `CREATE TABLE ${tbl} (id INT NOT NULL, code VARCHAR(3))`);
    const input = new MemoryStream(spark, 'id INT, code STRING');
    const q = input.toDF().writeStream.format('jdbc').option('url', d.url).option('dbtable', tbl).option('commitTable', commits)
      .option('batchsize', 1).option('checkpointLocation', checkpoint(t)).start();
    input.addData([1, 'ok'], [2, 'ab']);
    await q.processAllAvailable();
    input.addData([3, 'fine'.slice(0, 3)], [4, 'toolong']);
    await assert.rejects(q.awaitTermination(20_000), (e: unknown) => {
      assert.ok(e instanceof Error);
      const m = `${e.message} ${String((e as { cause?: Error }).cause?.message ?? '')}`;
      assert.match(m, new RegExp(`writing batch 1 to table '${tbl}' failed`));
      assert.match(m, /column 'code'|Data too long for column 'code'/);
      assert.match(m, /none of its 2 rows were written/);
      return true;
    });
    await q.stop();
    assert.deepEqual((await tableRows(d, tbl, 'id')).map((r) => r[0]), [1, 2]);
    assert.deepEqual((await sql(d, `SELECT batch_id FROM ${commits}`)).map((r) => Number(r[0])), [0]);
  });

  test(`${d.name}: the connection cut in the middle of a batch's transaction: the retry writes the batch whole, once`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_cut');
    const commits = tableName('jdbc_s_commits');
    const proxy = await new ThreadedTcpProxy(d.port).up();
    t.after(async () => { await proxy.close(); await dropTables(d, tbl, commits); });
    const input = new MemoryStream(spark, 'id INT, pad STRING');
    const q = input.toDF().writeStream.format('jdbc').option('url', d.urlAt(proxy.port)).option('dbtable', tbl).option('commitTable', commits)
      .option('batchsize', 500).option('retries', 30).option('retryBackoffMs', 50).option('retryMaxBackoffMs', 100)
      .option('checkpointLocation', checkpoint(t)).start();
    try {
      input.addData([-1, 'first']);
      await q.processAllAvailable();
      const n = 20_000;
      // About 1.2 MB of INSERTs go out: cut after 150 kB (a few statements into the transaction), back 300 ms later.
      await proxy.cutAfter(150_000, 'toServer', 300);
      input.addData(...Array.from({ length: n }, (_, i) => [i, 'y'.repeat(50)]));
      await q.processAllAvailable();
      assert.equal(await proxy.cuts(), 1);
      const [total, distinct] = (await sql(d, `SELECT COUNT(*), COUNT(DISTINCT id) FROM ${tbl}`))[0]!.map(Number);
      assert.deepEqual([total, distinct], [n + 1, n + 1]);
      assert.deepEqual((await sql(d, `SELECT batch_id FROM ${commits}`)).map((r) => Number(r[0])), [1]);
    } finally {
      await q.stop();
    }
  });

  test(`${d.name}: the server going away mid-stream fails the query naming host:port after bounded retries; a restart writes everything exactly once`, { skip }, async (t) => {
    const tbl = tableName('jdbc_s_away');
    const commits = tableName('jdbc_s_commits');
    const proxy = await new ThreadedTcpProxy(d.port).up();
    t.after(async () => { await proxy.close(); await dropTables(d, tbl, commits); });
    const ck = checkpoint(t);
    const input = new MemoryStream(spark, 'id INT');
    const start = (retries: string) => input.toDF().writeStream.format('jdbc').option('url', d.urlAt(proxy.port)).option('dbtable', tbl)
      .option('commitTable', commits).option('retries', retries).option('retryBackoffMs', 20).option('retryMaxBackoffMs', 50)
      .option('checkpointLocation', ck).start();
    let q = start('2');
    input.addData(1, 2);
    await q.processAllAvailable();
    await proxy.down();
    input.addData(3, 4);
    await assert.rejects(q.awaitTermination(20_000), (e: unknown) => {
      assert.ok(e instanceof Error);
      const m = `${e.message} ${String((e as { cause?: Error }).cause?.message ?? '')}`;
      assert.match(m, new RegExp(`${d.name} at 127\\.0\\.0\\.1:${proxy.port}: writing batch 1 to table '${tbl}' failed after 3 tries`));
      return true;
    });
    await q.stop();
    await proxy.up();
    // Back while a restarted query retries: it catches up with nothing lost and nothing twice.
    q = start('40');
    input.addData(5);
    await q.processAllAvailable();
    await proxy.down();
    input.addData(6);
    const pending = q.processAllAvailable();
    setTimeout(() => { void proxy.up(); }, 200);
    await pending;
    await q.stop();
    assert.deepEqual((await tableRows(d, tbl, 'id')).map((r) => r[0]), [1, 2, 3, 4, 5, 6]);
  });
}
