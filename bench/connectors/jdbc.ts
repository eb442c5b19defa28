// The jdbc streaming sink (checkpointing on, exactly-once commit table) against plain client loops inserting
// the same rows in batches of the same size (multi-row INSERT for pg, the bulk protocol for mariadb), each
// committing once per 50k rows as spate does per micro-batch; and, for PostgreSQL, a plain COPY FROM STDIN
// loop (text format, one COPY per 50k rows, through pg's copy-in protocol hooks, as pg-copy-streams does:
// spate does not depend on that package).
// Run: node --import tsx bench/connectors/jdbc.ts [rows=500000] [batchsize=1000] [rowsPerTrigger=50000] [postgres|mariadb|both] [rounds=2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import * as mariadb from 'mariadb';
import { SparkSession } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { makeBatch } from '../../src/core/batch.js';
import { parseSchema } from '../../src/core/ddl.js';

const N = Number(process.argv[2] ?? 500_000);
const BATCH = Number(process.argv[3] ?? 1000);
const PER_TRIGGER = Number(process.argv[4] ?? 50_000);
const WHICH = process.argv[5] ?? 'both';
/** Each system runs this many times, alternating with the other (the servers are shared with other work): the best run is reported. */
const ROUNDS = Number(process.argv[6] ?? 2);
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const MARIA_URL = 'mariadb://root@127.0.0.1:3306/test';
const SCHEMA = parseSchema('id BIGINT, name STRING, value DOUBLE, ts TIMESTAMP');
const T0 = Date.UTC(2024, 0, 1) * 1000;

interface Row { system: string; rows: number; seconds: number; cpuSeconds: number }

async function measure(system: string, fn: () => Promise<number>): Promise<Row> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { system, rows, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

// The data, once: columns for spate, one object per row for the plain loops (as an application would hold them).
const ids = new Float64Array(N);
const names = new Array<string>(N);
const values = new Float64Array(N);
const tss = new Float64Array(N);
const objects = new Array<{ id: number; name: string; value: number; ts: Date }>(N);
for (let i = 0; i < N; i++) {
  ids[i] = i;
  names[i] = `page-${i % 1000}`;
  values[i] = i * 0.5;
  tss[i] = T0 + i * 1000;
  objects[i] = { id: i, name: names[i]!, value: values[i]!, ts: new Date(tss[i]! / 1000) };
}

const spark = SparkSession.builder.appName('bench-jdbc').getOrCreate();

async function spateRun(url: string, table: string, label: string, drop: (sql: string) => Promise<void>): Promise<Row> {
  await drop(`DROP TABLE IF EXISTS ${table}`);
  await drop(`DROP TABLE IF EXISTS ${table}_commits`);
  const input = new MemoryStream(spark, SCHEMA);
  for (let start = 0; start < N; start += PER_TRIGGER) {
    const end = Math.min(N, start + PER_TRIGGER);
    input.source.addData(makeBatch(SCHEMA, [
      { type: SCHEMA.fields[0]!.dataType, length: end - start, values: ids.slice(start, end), validity: null },
      { type: SCHEMA.fields[1]!.dataType, length: end - start, values: names.slice(start, end), validity: null },
      { type: SCHEMA.fields[2]!.dataType, length: end - start, values: values.slice(start, end), validity: null },
      { type: SCHEMA.fields[3]!.dataType, length: end - start, values: tss.slice(start, end), validity: null },
    ], end - start));
  }
  const ck = mkdtempSync(join(tmpdir(), 'spate-bench-jdbc-'));
  try {
    return await measure(label, async () => {
      const q = input.toDF().writeStream.format('jdbc').option('url', url).option('dbtable', table).option('commitTable', `${table}_commits`)
        .option('batchsize', BATCH).option('checkpointLocation', ck).trigger({ availableNow: true }).start();
      await q.awaitTermination();
      return q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
    });
  } finally {
    rmSync(ck, { recursive: true, force: true });
  }
}

async function pgBench(results: Row[]): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const exec = async (sql: string): Promise<void> => { await admin.query(sql); };
  const spate = async (): Promise<Row> => {
    const r = await spateRun(PG_URL, 'bench_jdbc_spate', `spate jdbc sink -> PostgreSQL (batchsize ${BATCH})`, exec);
    const spateCount = Number((await admin.query('SELECT COUNT(*) AS n FROM bench_jdbc_spate')).rows[0].n);
    if (spateCount !== N) throw new Error(`spate wrote ${spateCount} rows, expected ${N}`);
    return r;
  };
  const plain = async (): Promise<Row> => {
  await exec('DROP TABLE IF EXISTS bench_jdbc_plain');
  await exec('CREATE TABLE bench_jdbc_plain (id BIGINT, name TEXT, value FLOAT8, ts TIMESTAMP)');
  return measure(`plain pg loop (multi-row INSERT of ${BATCH}, COMMIT per ${PER_TRIGGER})`, async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query("SET TIME ZONE 'UTC'");
    const sqlFor = new Map<number, string>();
    for (let start = 0; start < N; start += PER_TRIGGER) {
      await c.query('BEGIN');
      const end = Math.min(N, start + PER_TRIGGER);
      for (let s = start; s < end; s += BATCH) {
        const e = Math.min(end, s + BATCH);
        let sql = sqlFor.get(e - s);
        if (sql === undefined) {
          const parts: string[] = [];
          for (let r = 0; r < e - s; r++) parts.push(`($${r * 4 + 1}, $${r * 4 + 2}, $${r * 4 + 3}, $${r * 4 + 4})`);
          sql = `INSERT INTO bench_jdbc_plain (id, name, value, ts) VALUES ${parts.join(', ')}`;
          sqlFor.set(e - s, sql);
        }
        const params: unknown[] = [];
        for (let r = s; r < e; r++) { const o = objects[r]!; params.push(o.id, o.name, o.value, o.ts); }
        await c.query(sql, params);
      }
      await c.query('COMMIT');
    }
    await c.end();
    return N;
  });
  };
  const copy = async (): Promise<Row> => {
    await exec('DROP TABLE IF EXISTS bench_jdbc_copy');
    await exec('CREATE TABLE bench_jdbc_copy (id BIGINT, name TEXT, value FLOAT8, ts TIMESTAMP)');
    return measure(`plain pg COPY FROM STDIN (text, one COPY per ${PER_TRIGGER})`, async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      for (let start = 0; start < N; start += PER_TRIGGER) {
        const end = Math.min(N, start + PER_TRIGGER);
        const chunks: Buffer[] = [];
        for (let s = start; s < end; s += BATCH) {
          let text = '';
          for (let r = s; r < Math.min(end, s + BATCH); r++) {
            const o = objects[r]!;
            text += `${o.id}\t${o.name}\t${o.value}\t${o.ts.toISOString().replace('T', ' ').replace('Z', '')}\n`;
          }
          chunks.push(Buffer.from(text));
        }
        await c.query(copyIn('COPY bench_jdbc_copy (id, name, value, ts) FROM STDIN', chunks) as never);
      }
      await c.end();
      return N;
    });
  };
  const [s, p, cp] = await bestOf3(spate, plain, copy);
  results.push(s!, p!, cp!);
  const copied = Number((await admin.query('SELECT COUNT(*) AS n FROM bench_jdbc_copy')).rows[0].n);
  if (copied !== N) throw new Error(`COPY wrote ${copied} rows, expected ${N}`);
  await exec('DROP TABLE IF EXISTS bench_jdbc_spate');
  await exec('DROP TABLE IF EXISTS bench_jdbc_spate_commits');
  await exec('DROP TABLE IF EXISTS bench_jdbc_plain');
  await exec('DROP TABLE IF EXISTS bench_jdbc_copy');
  await admin.end();
}

/** A pg "submittable" running `sql` (COPY ... FROM STDIN) with `chunks` as its data: pg's copy-in hooks, as pg-copy-streams uses them. */
function copyIn(sql: string, chunks: readonly Buffer[]): unknown {
  let done!: (e?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => { done = (e) => (e ? reject(e) : resolve()); });
  let failed: Error | undefined;
  return {
    submit(con: { query(text: string): void }) { con.query(sql); },
    handleCopyInResponse(con: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
      for (const b of chunks) con.sendCopyFromChunk(b);
      con.endCopyFrom();
    },
    handleCommandComplete() { /* the rows are in */ },
    handleError(e: Error) { failed = e; },
    handleReadyForQuery() { done(failed); },
    then(ok: () => void, bad: (e: unknown) => void) { return finished.then(ok, bad); },
  };
}

/** Runs a, b and c in turn ROUNDS times; the fastest run of each. */
async function bestOf3(a: () => Promise<Row>, b: () => Promise<Row>, c: () => Promise<Row>): Promise<Row[]> {
  const best: (Row | undefined)[] = [undefined, undefined, undefined];
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, f] of [a, b, c].entries()) {
      const x = await f();
      if (best[k] === undefined || x.seconds < best[k]!.seconds) best[k] = x;
    }
  }
  return best as Row[];
}

/** Runs a and b alternately ROUNDS times; the fastest run of each. */
async function bestOf(a: () => Promise<Row>, b: () => Promise<Row>): Promise<Row[]> {
  let ra: Row | undefined;
  let rb: Row | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const x = await a();
    if (ra === undefined || x.seconds < ra.seconds) ra = x;
    const y = await b();
    if (rb === undefined || y.seconds < rb.seconds) rb = y;
  }
  return [ra!, rb!];
}

async function mariaBench(results: Row[]): Promise<void> {
  const admin = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  const exec = async (sql: string): Promise<void> => { await admin.query(sql); };
  const spate = (): Promise<Row> => spateRun(MARIA_URL, 'bench_jdbc_spate', `spate jdbc sink -> MariaDB (batchsize ${BATCH})`, exec);
  const plain = async (): Promise<Row> => {
  await exec('DROP TABLE IF EXISTS bench_jdbc_plain');
  await exec('CREATE TABLE bench_jdbc_plain (id BIGINT, name LONGTEXT, value DOUBLE, ts DATETIME(6))');
  return measure(`plain mariadb loop (batch() of ${BATCH}, COMMIT per ${PER_TRIGGER})`, async () => {
    const c = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', timezone: '+00:00' });
    for (let start = 0; start < N; start += PER_TRIGGER) {
      await c.beginTransaction();
      const end = Math.min(N, start + PER_TRIGGER);
      for (let s = start; s < end; s += BATCH) {
        const rows: unknown[][] = [];
        for (let r = s; r < Math.min(end, s + BATCH); r++) { const o = objects[r]!; rows.push([o.id, o.name, o.value, o.ts]); }
        await c.batch('INSERT INTO bench_jdbc_plain (id, name, value, ts) VALUES (?, ?, ?, ?)', rows);
      }
      await c.commit();
    }
    await c.end();
    return N;
  });
  };
  results.push(...await bestOf(spate, plain));
  await exec('DROP TABLE IF EXISTS bench_jdbc_spate');
  await exec('DROP TABLE IF EXISTS bench_jdbc_spate_commits');
  await exec('DROP TABLE IF EXISTS bench_jdbc_plain');
  await admin.end();
}

const results: Row[] = [];
if (WHICH === 'both' || WHICH === 'postgres') await pgBench(results);
if (WHICH === 'both' || WHICH === 'mariadb') await mariaBench(results);

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\n${fmt(N)} rows (id BIGINT, name STRING, value DOUBLE, ts TIMESTAMP), batchsize ${BATCH}, ${fmt(PER_TRIGGER)} rows per transaction, best of ${ROUNDS} alternating runs\n`);
console.log('| system | rows | seconds | rows/s | rows per CPU-second | spate vs this |');
console.log('|---|---:|---:|---:|---:|---:|');
// Each plain row shows spate's rate against it (spate / plain): the spate row of its database comes first.
let spateRow: Row | undefined;
for (const r of results) {
  if (r.system.startsWith('spate')) spateRow = r;
  const ratio = r === spateRow ? '1.00x' : `${((spateRow!.rows / spateRow!.seconds) / (r.rows / r.seconds)).toFixed(2)}x`;
  console.log(`| ${r.system} | ${fmt(r.rows)} | ${fmt(r.seconds, 2)} | ${fmt(r.rows / r.seconds)} | ${fmt(r.rows / r.cpuSeconds)} | ${ratio} |`);
}
