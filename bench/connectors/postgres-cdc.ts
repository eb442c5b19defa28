// The postgres-cdc source against a plain client loop over the same slot API.
// Writes N rows (in transactions of 1000) to a fresh table, then reads them
// once with spate (readStream.format('postgres-cdc') → noop, availableNow,
// checkpointing on) and once with a plain loop (pg: peek the slot, decode
// pgoutput with pg-logical-replication's parser, advance) on a second slot.
// Run: node --import tsx bench/connectors/postgres-cdc.ts [rows]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgCdcClient } from '../../src/clients/postgres-cdc.js';
import { SparkSession } from '../../src/index.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const URL = 'postgres://postgres@127.0.0.1:5432/test';
const table = `bench_cdc_${process.pid}`;
const admin = new PgCdcClient({
  host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', password: undefined, ssl: false, connectTimeoutMs: 5000,
  queryTimeoutMs: 0, endpoint: { system: 'PostgreSQL', host: '127.0.0.1', port: 5432 }, retry: { retries: 2, backoffMs: 100, maxBackoffMs: 500 }, redact: {},
});
const q = (s: string, p: unknown[] = []) => admin.query('bench', s, p);

async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(c0);
  return { s: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, value };
}

await q(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, product TEXT, quantity INT, price NUMERIC(10,2), at TIMESTAMPTZ)`);
await q(`CREATE PUBLICATION ${table}_pub FOR TABLE ${table}`);
await q(`SELECT pg_create_logical_replication_slot('${table}_a', 'pgoutput')`);
await q(`SELECT pg_create_logical_replication_slot('${table}_b', 'pgoutput')`);
const ck = mkdtempSync(join(tmpdir(), 'spate-bench-cdc-'));
try {
  for (let i = 0; i < ROWS; i += 1000) {
    await q(`INSERT INTO ${table} SELECT g, 'product-' || (g % 100), g % 7, g / 100.0, now() FROM generate_series($1::bigint, $2::bigint) g`, [i, Math.min(ROWS, i + 1000) - 1]);
  }
  const spark = SparkSession.builder.appName('bench-postgres-cdc').getOrCreate();
  const spate = await timed(async () => {
    const query = spark.readStream.format('postgres-cdc').option('url', URL).option('slotName', `${table}_a`).option('publication', `${table}_pub`)
      .option('tables', table).option('maxChangesPerTrigger', 50_000).load()
      .writeStream.format('noop').option('checkpointLocation', ck).trigger({ availableNow: true }).start();
    await query.awaitTermination();
    return query.recentProgress.reduce((n, p) => n + p.numInputRows, 0);
  });
  // The plain loop: what a hand-written consumer of the same SQL API does (objects per row from the library's parser).
  const { PgoutputPlugin } = await import('pg-logical-replication');
  const plain = await timed(async () => {
    let rows = 0;
    const parser = new PgoutputPlugin({ protoVersion: 1, publicationNames: [`${table}_pub`] });
    for (;;) {
      const got = await q(`SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes($1, NULL, 50000, 'proto_version', '1', 'publication_names', $2)`, [`${table}_b`, `${table}_pub`]);
      if (got.length === 0) break;
      let last: string | undefined;
      for (const [lsn, data] of got) {
        const m = parser.parse(data as Buffer) as { tag: string };
        if (m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete') rows++;
        if (m.tag === 'commit') last = String(lsn);
      }
      if (last === undefined) break;
      await q('SELECT pg_replication_slot_advance($1, $2::pg_lsn)', [`${table}_b`, last]);
    }
    return rows;
  });
  console.log('system      | rows    | seconds | rows/s  | rows per CPU-second');
  for (const [name, r] of [['spate', spate], ['plain loop', plain]] as const) {
    console.log(`${name.padEnd(11)} | ${String(r.value).padEnd(7)} | ${r.s.toFixed(2).padEnd(7)} | ${Math.round(r.value / r.s).toString().padEnd(7)} | ${Math.round(r.value / r.cpu)}`);
  }
  console.log(`spate / plain: ${(plain.s / spate.s).toFixed(2)}x`);
  spark.stop();
} finally {
  await q(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('${table}_a', '${table}_b')`);
  await q(`DROP PUBLICATION IF EXISTS ${table}_pub`);
  await q(`DROP TABLE IF EXISTS ${table}`);
  await admin.close();
  rmSync(ck, { recursive: true, force: true });
}
