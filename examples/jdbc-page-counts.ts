// Page counts per time window, upserted into a PostgreSQL table (the shape of issue 12's example):
// a rate source stands in for the clicks, each row a page view with the rate source's timestamp;
// groupBy(window, page).count() in update mode writes each changed count with
// INSERT ... ON CONFLICT (window_start, window_end, page) DO UPDATE, one transaction per
// micro-batch together with the query's row in the commit table (exactly-once).
// The query runs for about six seconds, stops, and the table is printed.
// Needs PostgreSQL on localhost:5432 (user postgres, database test); set PG_URL to use another.
// Run: npx tsx examples/jdbc-page-counts.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { SparkSession, functions as F } from 'spate';

const url = process.env.PG_URL ?? 'postgres://postgres@localhost:5432/test';
const table = `page_counts_example_${process.pid}`;
const checkpoint = mkdtempSync(join(tmpdir(), 'spate-page-counts-'));

const spark = SparkSession.builder.appName('jdbc-page-counts').getOrCreate();
try {
  const clicks = spark.readStream.format('rate').option('rowsPerSecond', 40).load()
    .select(F.col('timestamp').alias('ts'), F.concat(F.lit('/page/'), (F.col('value').mod(3)).cast('string')).alias('page'));
  const perPage = clicks.withWatermark('ts', '2 seconds').groupBy(F.window('ts', '2 seconds'), 'page').count();
  const query = perPage.writeStream.format('jdbc')
    .option('url', url).option('dbtable', table)
    .option('upsertKeys', 'window,page') // the window struct becomes window_start, window_end
    .option('commitTable', `${table}_commits`) // default spate_commits: one row per query, its last committed batch
    .outputMode('update').option('checkpointLocation', checkpoint)
    .trigger({ processingTime: '1 second' }).start();
  await sleep(6000);
  await query.stop();
  console.log(`${query.recentProgress.length} micro-batches, ${query.recentProgress.reduce((n, p) => n + p.numInputRows, 0)} clicks`);

  const counts = spark.read.format('jdbc').option('url', url).option('dbtable', table).load().orderBy('window_start', 'page');
  counts.printSchema();
  await counts.show(50, false);
} finally {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS ${table}, ${table}_commits`);
  await db.end();
  rmSync(checkpoint, { recursive: true, force: true });
  spark.stop();
}
