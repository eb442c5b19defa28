/**
 * The postgres-cdc source against PostgreSQL 15 on 127.0.0.1:5432
 * (wal_level = logical): changes in commit order with their operation and
 * typed columns, whole transactions per batch, offsets in the checkpoint,
 * restart and replay, the read limit, startingOffsets, progress, the catalog
 * schema, old values, truncate and table filters.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, type DataFrame } from '../../src/index.js';
import { needService } from '../support/services.js';
import { join } from 'node:path';
import { parseLsn } from '../../src/sources/postgres-cdc-offsets.js';
import { PostgresCdcSource, POSTGRES_CDC_SOURCE } from '../../src/sources/postgres-cdc-source.js';
import { parseSchema } from '../../src/core/ddl.js';
import { makeCtx, rowsOf } from './support.js';
import { checkpoint, cdcTable, closeAdmins, loggedOffsets, pgAdmin, PG_URL, sql, waitFor } from './postgres-cdc-support.js';

const skip = await needService('postgresql');
const spark = SparkSession.builder.appName('postgres-cdc-source').getOrCreate();
spark.conf.set('spark.sql.session.timeZone', 'UTC');
after(closeAdmins);

function cdc(names: { table: string; publication: string }, slot: string, options: Record<string, string | number | boolean> = {}, schema: string | undefined = 'id INT, name STRING'): DataFrame {
  const r = spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', slot)
    .option('publication', names.publication).option('tables', names.table).options(options);
  return (schema === undefined ? r : r.schema(schema)).load();
}

/** The source object as readStream would make it, stopped when the test ends. */
function directSource(t: { after(fn: () => Promise<void>): void }, names: { table: string; publication: string }, slot: string, schema: string, timeZone = 'UTC', options: Record<string, string> = {}): PostgresCdcSource {
  const opts = { url: PG_URL, slotName: slot, publication: names.publication, tables: names.table, ...options };
  const s = new PostgresCdcSource({ ...makeCtx(join(checkpoint(t), 'sources', '0'), opts, POSTGRES_CDC_SOURCE.schema(opts, parseSchema(schema), timeZone)), timeZone });
  t.after(() => s.stop());
  return s;
}

/** A foreachBatch target that keeps each batch's rows by batch id, so a replayed batch replaces itself (idempotent). */
class Collected {
  readonly batches = new Map<number, unknown[][]>();
  rows(): unknown[][] { return [...this.batches.keys()].sort((a, b) => a - b).flatMap((k) => this.batches.get(k)!); }
}

/** Runs `df` (with the given columns) into `into` until everything available is read, then stops. */
async function drain(df: DataFrame, ck: string, into: Collected, cols: string[] = ['op', 'id', 'name']) {
  const q = df.select(...cols).writeStream.option('checkpointLocation', ck)
    .foreachBatch(async (b, id) => { into.batches.set(id, await b.collectArrays()); }).start();
  try {
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  return q;
}

test('postgres-cdc: inserts, updates and deletes arrive in commit order with op, table, lsn and commitTime; offsets are {"lsn":...}', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  const got = new Collected();
  // The first run makes the publication and the slot (nothing to read yet).
  await drain(cdc(n, slot), ck, got);
  assert.deepEqual(got.rows(), []);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a'), (2, 'b')`);
  await sql(admin, `UPDATE ${n.table} SET name = 'A' WHERE id = 1`);
  await sql(admin, `DELETE FROM ${n.table} WHERE id = 2`);
  const before = Date.now();
  const all = new Collected();
  const q = cdc(n, slot).writeStream.option('checkpointLocation', ck)
    .foreachBatch(async (b, id) => { all.batches.set(id, await b.collectArrays()); }).start();
  await q.processAllAvailable();
  await q.stop();
  const rows = all.rows();
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[4], r[5]]), [
    ['insert', `public.${n.table}`, 1, 'a'], ['insert', `public.${n.table}`, 2, 'b'],
    ['update', `public.${n.table}`, 1, 'A'],
    // Default REPLICA IDENTITY: a delete carries the key only.
    ['delete', `public.${n.table}`, 2, null],
  ]);
  // lsn: the commit's end LSN, one per transaction, increasing; the last is the logged offset.
  const lsns = rows.map((r) => parseLsn(String(r[2]))!);
  assert.equal(lsns[0], lsns[1]);
  assert.ok(lsns[1]! < lsns[2]! && lsns[2]! < lsns[3]!);
  const offsets = loggedOffsets(ck);
  assert.deepEqual(offsets[offsets.length - 1], { lsn: rows[3]![2] });
  // commitTime is the transaction's commit time (microseconds); the server clock is this machine's.
  const ct = rows[0]![3] as Date;
  assert.ok(Math.abs(ct.getTime() - before) < 60_000, `commitTime ${ct.toISOString()} near ${before}`);
  assert.equal(q.lastProgress?.sources[0]?.description, `PostgresCdc[slot=${slot}, publication=${n.publication}, 127.0.0.1:5432/test]`);
});

test('postgres-cdc: column types from PostgreSQL text (int, bigint, numeric, double, boolean, date, timestamp(tz), bytea, json, NULL)', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin,
    'id INT PRIMARY KEY, big BIGINT, price NUMERIC(10,2), ratio FLOAT8, ok BOOLEAN, day DATE, at TIMESTAMPTZ, local TIMESTAMP, raw BYTEA, doc JSONB, note TEXT');
  const slot = n.slot();
  const schema = 'id INT, big BIGINT, price DECIMAL(10,2), ratio DOUBLE, ok BOOLEAN, day DATE, at TIMESTAMP, local TIMESTAMP, raw BINARY, doc STRING, note STRING';
  // The source itself (internal values: dates as days, timestamps as microseconds), made as readStream makes it.
  const s = directSource(t, n, slot, schema, 'Europe/Paris');
  assert.equal(await s.latestOffset(null, { kind: 'all' }), null);
  await sql(admin, `INSERT INTO ${n.table} VALUES
    (1, 9007199254740991, 12.34, -0.5, true, '2024-02-29', '2024-03-01 10:20:30.123456+02', '2024-07-01 10:20:30', '\\x00ff10', '{"a": [1, 2]}', 'héllo ✓'),
    (2, -3, 0, 'NaN', false, '0044-03-15 BC', '1969-12-31 23:59:59.5+00', '1970-01-01 00:00:00.000001', '\\x', 'null', ''),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  const end = await s.latestOffset(null, { kind: 'all' });
  const [r1, r2, r3] = rowsOf(await s.getBatch(null, end!)).map((r) => r.slice(4));
  const ts = (iso: string) => Date.parse(iso) * 1000;
  assert.deepEqual(r1!.slice(0, 6), [1, 9007199254740991, 12.34, -0.5, true, 19782]);
  assert.equal(r1![6], ts('2024-03-01T08:20:30.123Z') + 456);
  // TIMESTAMP without time zone is wall time in the session zone (Paris is UTC+2 in July).
  assert.equal(r1![7], ts('2024-07-01T08:20:30Z'));
  assert.deepEqual([...(r1![8] as Uint8Array)], [0, 255, 16]);
  assert.deepEqual(r1!.slice(9), ['{"a": [1, 2]}', 'héllo ✓']);
  assert.equal(r2![1], -3);
  assert.ok(Number.isNaN(r2![3] as number));
  assert.equal(r2![4], false);
  const bc44 = new Date(0);
  bc44.setUTCFullYear(-43, 2, 15); // 44 BC is astronomical year -43
  assert.equal(r2![5], bc44.getTime() / 86_400_000);
  assert.equal(r2![6], ts('1969-12-31T23:59:59.500Z'));
  assert.equal(r2![7], ts('1969-12-31T23:00:00Z') + 1);
  assert.deepEqual([...(r2![8] as Uint8Array)], []);
  assert.deepEqual(r2!.slice(9), ['null', '']);
  assert.deepEqual(r3, [3, null, null, null, null, null, null, null, null, null, null]);
});

test('postgres-cdc: a restart on the same checkpoint resumes exactly after the last committed transaction (no loss, no duplicate)', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  const got = new Collected();
  await drain(cdc(n, slot), ck, got);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (2, 'b')`);
  await drain(cdc(n, slot), ck, got);
  assert.deepEqual(got.rows(), [['insert', 1, 'a'], ['insert', 2, 'b']]);
  // The commit advanced the slot to the last batch's end: the server keeps nothing older for this slot.
  const [[confirmed]] = await sql(admin, 'SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1', [slot]) as [[string]];
  const offsets = loggedOffsets(ck);
  assert.deepEqual(offsets[offsets.length - 1], { lsn: confirmed });
  await sql(admin, `INSERT INTO ${n.table} VALUES (3, 'c')`);
  await drain(cdc(n, slot), ck, got);
  assert.deepEqual(got.rows(), [['insert', 1, 'a'], ['insert', 2, 'b'], ['insert', 3, 'c']]);
});

test('postgres-cdc: a batch stopped in its sink (never committed) is delivered again after a restart, then the query goes on', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  const got = new Collected();
  await drain(cdc(n, slot), ck, got);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a'), (2, 'b')`);
  // The sink fails on its first call: batch 1 is in offsets/ but not in commits/, and the slot was not advanced.
  let calls = 0;
  const q = cdc(n, slot).select('op', 'id', 'name').writeStream.option('checkpointLocation', ck)
    .foreachBatch(async (b, id) => {
      calls++;
      if (calls === 1) throw new Error('sink crashed');
      got.batches.set(id, await b.collectArrays());
    }).start();
  await assert.rejects(q.awaitTermination(), /sink crashed/);
  assert.equal(got.rows().length, 0);
  const [[confirmedAfterCrash]] = await sql(admin, 'SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1', [slot]) as [[string]];
  const logged = loggedOffsets(ck);
  assert.notDeepEqual(logged[logged.length - 1], { lsn: confirmedAfterCrash });
  await sql(admin, `INSERT INTO ${n.table} VALUES (3, 'c')`);
  await drain(cdc(n, slot), ck, got);
  // Batch 1 is re-run with exactly its logged range (1 and 2), then batch 2 holds 3.
  // (The first run read nothing, so it made no batch: the data batches are 0 and 1.)
  assert.deepEqual([...got.batches.entries()], [[0, [['insert', 1, 'a'], ['insert', 2, 'b']]], [1, [['insert', 3, 'c']]]]);
});

test('postgres-cdc: maxChangesPerTrigger takes whole transactions: never split, at least one a batch', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  await drain(cdc(n, slot), ck, new Collected());
  // Transactions of 1, 3, 1 and 1 changes; maxChangesPerTrigger 2.
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await sql(admin, `BEGIN; INSERT INTO ${n.table} VALUES (2, 'b'); UPDATE ${n.table} SET name = 'B' WHERE id = 2; INSERT INTO ${n.table} VALUES (3, 'c'); COMMIT`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (4, 'd')`);
  await sql(admin, `DELETE FROM ${n.table} WHERE id = 1`);
  const got = new Collected();
  const q = await drain(cdc(n, slot, { maxChangesPerTrigger: 2 }), ck, got);
  const sizes = [...got.batches.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r.length).filter((x) => x > 0);
  // [1] (the next transaction would pass 2), [3] (one transaction even though it is over the limit), [1, 1].
  assert.deepEqual(sizes, [1, 3, 2]);
  assert.deepEqual(got.rows().map((r) => r[1]), [1, 2, 2, 3, 4, 1]);
  assert.ok(q.recentProgress.some((p) => p.sources[0]!.numInputRows === 3));
});

test('postgres-cdc: getBatch serves a reported range again from a new source object until commit(end) advances the slot', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const meta = join(checkpoint(t), 'sources', '0');
  const make = () => {
    const opts = { url: PG_URL, slotName: slot, publication: n.publication, tables: n.table };
    const s = new PostgresCdcSource(makeCtx(meta, opts, POSTGRES_CDC_SOURCE.schema(opts, parseSchema('id INT, name STRING'), 'UTC')));
    t.after(() => s.stop());
    return s;
  };
  const s1 = make();
  assert.equal(await s1.latestOffset(null, { kind: 'all' }), null);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (2, 'b')`);
  const end1 = await s1.latestOffset(null, { kind: 'maxRows', rows: 1 });
  const first = rowsOf(await s1.getBatch(null, end1!)).map((r) => r.slice(4));
  assert.deepEqual(first, [[1, 'a']]);
  // A crash before commit: a new source object (same checkpoint) reads the same range again, and the next.
  await s1.stop();
  const s2 = make();
  assert.deepEqual(rowsOf(await s2.getBatch(null, end1!)).map((r) => r.slice(4)), first);
  const end2 = await s2.latestOffset(end1, { kind: 'all' });
  assert.deepEqual(rowsOf(await s2.getBatch(end1, end2!)).map((r) => r.slice(4)), [[2, 'b']]);
  assert.deepEqual(await s2.latestOffset(end2, { kind: 'all' }), end2);
  // After commit(end1) the slot is past the start of batch 1: serving it again would be a lie, so it is data loss.
  await s2.commit(end1!);
  assert.deepEqual(rowsOf(await s2.getBatch(end1, end2!)).map((r) => r.slice(4)), [[2, 'b']]);
  await assert.rejects(s2.getBatch(null, end1!), /DATA_LOSS|is at LSN .* past LSN/);
});

test('postgres-cdc: startingOffsets latest skips what the slot held before the first run; an LSN starts there', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT', { publication: true });
  const slot = n.slot();
  await sql(admin, `SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'old')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (2, 'mid')`);
  // earliest (the default): everything after the slot's position.
  const e = new Collected();
  await drain(cdc(n, slot, { startingOffsets: 'earliest' }), checkpoint(t), e);
  assert.deepEqual(e.rows().map((r) => r[1]), [1, 2]);
  // That run committed (advanced the slot): a second slot with pending changes for 'latest'.
  const slot2 = n.slot(2);
  await sql(admin, `SELECT pg_create_logical_replication_slot('${slot2}', 'pgoutput')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (3, 'x')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (4, 'y')`);
  const l = new Collected();
  const ckl = checkpoint(t);
  await drain(cdc(n, slot2, { startingOffsets: 'latest' }), ckl, l);
  assert.deepEqual(l.rows(), []);
  await sql(admin, `INSERT INTO ${n.table} VALUES (5, 'z')`);
  await drain(cdc(n, slot2, { startingOffsets: 'latest' }), ckl, l);
  assert.deepEqual(l.rows().map((r) => r[1]), [5]);
  // An LSN: the transactions committed after it.
  const slot3 = n.slot(3);
  await sql(admin, `SELECT pg_create_logical_replication_slot('${slot3}', 'pgoutput')`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (6, 'p')`);
  const [[at]] = await sql(admin, 'SELECT pg_current_wal_lsn()::text') as [[string]];
  await sql(admin, `INSERT INTO ${n.table} VALUES (7, 'q')`);
  const x = new Collected();
  await drain(cdc(n, slot3, { startingOffsets: JSON.stringify({ lsn: at }) }), checkpoint(t), x);
  assert.deepEqual(x.rows().map((r) => r[1]), [7]);
});

test('postgres-cdc: progress reports the server WAL position as latestOffset and lag metrics', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  await drain(cdc(n, slot), ck, new Collected());
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a'), (2, 'b')`);
  const q = await drain(cdc(n, slot), ck, new Collected());
  const p = q.recentProgress.find((x) => x.numInputRows > 0)!;
  const src = p.sources[0]!;
  assert.equal(src.numInputRows, 2);
  const end = parseLsn((src.endOffset as { lsn: string }).lsn)!;
  const latest = parseLsn((src.latestOffset as { lsn: string }).lsn)!;
  assert.ok(latest >= end, `latestOffset ${String(latest)} >= endOffset ${String(end)}`);
  assert.equal(src.startOffset, null);
  const m = src.metrics!;
  assert.equal(BigInt(m.lagBytes!), latest - end);
  assert.ok(BigInt(m.retainedWalBytes!) >= 0n);
  assert.ok(parseLsn(m.confirmedLsn!) !== undefined && parseLsn(m.currentWalLsn!) === latest);
  assert.equal(m.unchangedToastValues, '0');
});

test('postgres-cdc: without .schema(...) the columns come from the catalog; several tables share columns by name', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const a = await cdcTable(t, admin, 'id INT PRIMARY KEY, name VARCHAR(20), amount NUMERIC(8,3), at TIMESTAMPTZ');
  const b = await cdcTable(t, admin, 'id BIGINT PRIMARY KEY, qty INT');
  const slot = a.slot();
  const df = spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', slot)
    .option('publication', a.publication).option('tables', `${a.table}, public.${b.table}`).load();
  assert.equal(df.schema.fields.map((f) => `${f.name} ${f.dataType.kind}`).join(', '),
    'op string, table string, lsn string, commitTime timestamp, id long, name string, amount decimal, at timestamp, qty int');
  const ck = checkpoint(t);
  const got = new Collected();
  await drain(df, ck, got, ['op', 'table', 'id', 'name', 'amount', 'qty']);
  await sql(admin, `BEGIN; INSERT INTO ${a.table} VALUES (1, 'x', 1.5, now()); INSERT INTO ${b.table} VALUES (10, 7); COMMIT`);
  await drain(df, ck, got, ['op', 'table', 'id', 'name', 'amount', 'qty']);
  assert.deepEqual(got.rows(), [
    ['insert', `public.${a.table}`, 1, 'x', 1.5, null],
    ['insert', `public.${b.table}`, 10, null, null, 7],
  ]);
});

test('postgres-cdc: includeBefore gives the old row under REPLICA IDENTITY FULL (and the key under the default); truncate is a row', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const k = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  await sql(admin, `ALTER TABLE ${n.table} REPLICA IDENTITY FULL`);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await sql(admin, `INSERT INTO ${k.table} VALUES (1, 'a')`);
  await sql(admin, `CREATE PUBLICATION ${n.publication} FOR TABLE ${n.table}, ${k.table}`);
  const slot = n.slot();
  const ck = checkpoint(t);
  const df = () => spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', slot)
    .option('publication', n.publication).option('includeBefore', true).schema('id INT, name STRING').load();
  const cols = ['op', 'table', 'id', 'name', 'before'];
  await drain(df(), ck, new Collected(), cols);
  await sql(admin, `UPDATE ${n.table} SET name = 'b' WHERE id = 1`);
  await sql(admin, `DELETE FROM ${n.table} WHERE id = 1`);
  await sql(admin, `UPDATE ${k.table} SET name = 'b' WHERE id = 1`);
  await sql(admin, `UPDATE ${k.table} SET id = 2 WHERE id = 1`);
  await sql(admin, `DELETE FROM ${k.table} WHERE id = 2`);
  await sql(admin, `TRUNCATE ${k.table}`);
  const got = new Collected();
  await drain(df(), ck, got, cols);
  const full = `public.${n.table}`;
  const dflt = `public.${k.table}`;
  const rows = got.rows().map((r) => [r[0], r[1], r[2], r[3], r[4] === null ? null : { id: (r[4] as { id: unknown }).id, name: (r[4] as { name: unknown }).name }]);
  assert.deepEqual(rows, [
    ['update', full, 1, 'b', { id: 1, name: 'a' }],
    ['delete', full, 1, 'b', { id: 1, name: 'b' }],
    ['update', dflt, 1, 'b', null],
    ['update', dflt, 2, 'b', { id: 1, name: null }],
    ['delete', dflt, 2, null, { id: 2, name: null }],
    ['truncate', dflt, null, null, null],
  ]);
});

test('postgres-cdc: option tables filters a publication with more tables; a table missing from the publication is an error', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const a = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const b = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  await sql(admin, `CREATE PUBLICATION ${a.publication} FOR TABLE ${a.table}, ${b.table}`);
  const slot = a.slot();
  const ck = checkpoint(t);
  const got = new Collected();
  const only = () => spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', slot)
    .option('publication', a.publication).option('tables', b.table).schema('id INT, name STRING').load();
  await drain(only(), ck, got, ['table', 'id']);
  await sql(admin, `INSERT INTO ${a.table} VALUES (1, 'a')`);
  await sql(admin, `INSERT INTO ${b.table} VALUES (2, 'b')`);
  await drain(only(), ck, got, ['table', 'id']);
  assert.deepEqual(got.rows(), [[`public.${b.table}`, 2]]);
  const c = await cdcTable(t, admin, 'id INT PRIMARY KEY');
  const q = spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', a.slot(2))
    .option('publication', a.publication).option('tables', c.table).schema('id INT').load()
    .writeStream.option('checkpointLocation', checkpoint(t)).format('noop').start();
  await assert.rejects(q.awaitTermination(), (e: Error) => {
    assert.match(e.message, new RegExp(`Table public\\.${c.table} of option 'tables' is not in publication '${a.publication}'.*ALTER PUBLICATION`));
    return true;
  });
});

test('postgres-cdc: a dropped slot fails the query naming slot and LSN (failOnDataLoss), or warns and goes on from a new slot', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  const got = new Collected();
  await drain(cdc(n, slot), ck, got);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await drain(cdc(n, slot), ck, got);
  const offsets = loggedOffsets(ck);
  const lastLsn = (offsets[offsets.length - 1] as { lsn: string }).lsn;
  await sql(admin, 'SELECT pg_drop_replication_slot($1)', [slot]);
  await sql(admin, `INSERT INTO ${n.table} VALUES (2, 'lost')`);
  const q = cdc(n, slot).writeStream.option('checkpointLocation', ck).format('noop').start();
  await assert.rejects(q.awaitTermination(), (e: Error & { cause?: { code?: string } }) => {
    assert.equal(e.cause?.code, 'DATA_LOSS');
    assert.match(e.message, new RegExp(`replication slot '${slot}' at 127\\.0\\.0\\.1:5432 no longer exists.*after LSN ${lastLsn.replace('/', '\\/')}.*failOnDataLoss`));
    return true;
  });
  const warnings: string[] = [];
  const { setSourceWarningHandler } = await import('../../src/sources/source-options.js');
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => { setSourceWarningHandler(prev); });
  // failOnDataLoss false: a new slot is made, the lost insert stays lost, later changes arrive.
  const q2 = cdc(n, slot, { failOnDataLoss: false }).select('op', 'id', 'name').writeStream.option('checkpointLocation', ck)
    .foreachBatch(async (b, id) => { got.batches.set(id, await b.collectArrays()); }).start();
  await waitFor('the new slot', async () => (await sql(admin, 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).length === 1);
  await sql(admin, `INSERT INTO ${n.table} VALUES (3, 'c')`);
  await waitFor('row 3', () => got.rows().some((r) => r[1] === 3));
  await q2.stop();
  assert.deepEqual(got.rows(), [['insert', 1, 'a'], ['insert', 3, 'c']]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`replication slot '${slot}'.*no longer exists.*failOnDataLoss is false`));
});

test('postgres-cdc: a slot advanced past the checkpoint by another consumer is data loss (error, or a warning with failOnDataLoss false)', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  const got = new Collected();
  await drain(cdc(n, slot), ck, got);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'skipped')`);
  const [[to]] = await sql(admin, 'SELECT pg_current_wal_lsn()::text') as [[string]];
  await sql(admin, 'SELECT pg_replication_slot_advance($1, $2::pg_lsn)', [slot, to]);
  const q = cdc(n, slot).writeStream.option('checkpointLocation', ck).format('noop').start();
  await assert.rejects(q.awaitTermination(), (e: Error) => {
    assert.match(e.message, new RegExp(`replication slot '${slot}' at 127\\.0\\.0\\.1:5432 is at LSN ${to.replace('/', '\\/')}, past LSN .* where this query's checkpoint goes on`));
    return true;
  });
  const { setSourceWarningHandler } = await import('../../src/sources/source-options.js');
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => { setSourceWarningHandler(prev); });
  await sql(admin, `INSERT INTO ${n.table} VALUES (2, 'b')`);
  await drain(cdc(n, slot, { failOnDataLoss: false }), ck, got);
  assert.deepEqual(got.rows(), [['insert', 2, 'b']]);
  assert.ok(warnings.some((w) => w.includes(`is at LSN ${to}`)), warnings.join('\n'));
});

test('postgres-cdc: option errors name the option and the fix', { skip }, () => {
  const base = () => spark.readStream.format('postgres-cdc').schema('id INT');
  assert.throws(() => base().load(), /needs option 'url'/);
  assert.throws(() => base().option('url', PG_URL).load(), /needs option 'slotName'/);
  assert.throws(() => base().option('url', PG_URL).option('slotName', 'Bad-Name').load(), /Option 'slotName' must be a replication slot name/);
  assert.throws(() => base().option('url', PG_URL).option('slotName', 's').load(), /needs option 'publication'/);
  assert.throws(() => base().option('url', 'mysql://x/y').option('slotName', 's').option('publication', 'p').load(), /Option 'url' must be a PostgreSQL URL/);
  assert.throws(() => base().option('url', PG_URL).option('slotName', 's').option('publication', 'p').option('startingOffsets', 'soon').load(),
    /Option 'startingOffsets' must be 'earliest', 'latest' or an LSN/);
  assert.throws(() => base().option('url', PG_URL).option('slotName', 's').option('publication', 'p').option('maxChangesPerTrigger', 0).load(),
    /Option 'maxChangesPerTrigger' must be a positive integer/);
  assert.throws(() => spark.readStream.format('postgres-cdc').schema('op INT, id INT').option('url', PG_URL).option('slotName', 's').option('publication', 'p').load(),
    /Column 'op' of the postgres-cdc schema is the change column 'op'/);
  assert.throws(() => spark.readStream.format('postgres-cdc').schema('id INT, tags ARRAY<INT>').option('url', PG_URL).option('slotName', 's').option('publication', 'p').load(),
    /Column 'tags' has type array<int>.*Declare it as STRING/);
  // Without a schema and without tables, an unknown publication is reported at load().
  assert.throws(() => spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', 's').option('publication', 'no_such_pub_here').load(),
    /Publication 'no_such_pub_here' at 127\.0\.0\.1:5432 does not exist or holds no table/);
});

test('postgres-cdc: a publication that does not exist and no tables to create it for fails at start naming it', { skip }, async (t) => {
  const q = spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', 'never_made_slot_x')
    .option('publication', 'no_such_pub_either').schema('id INT').load()
    .writeStream.option('checkpointLocation', checkpoint(t)).format('noop').start();
  await assert.rejects(q.awaitTermination(), /Publication 'no_such_pub_either' does not exist at 127\.0\.0\.1:5432\. Create it/);
});

test('postgres-cdc: a value that does not fit the declared type fails naming column, table and value; nothing is consumed', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT');
  const slot = n.slot();
  const ck = checkpoint(t);
  await drain(cdc(n, slot, {}, 'id INT, name INT'), ck, new Collected(), ['id']);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'not a number')`);
  const q = cdc(n, slot, {}, 'id INT, name INT').writeStream.option('checkpointLocation', ck).format('noop').start();
  await assert.rejects(q.awaitTermination(), new RegExp(`column 'name' of table public\\.${n.table} holds "not a number", which is not a valid INT`));
  // Read as STRING on a new checkpoint from the same slot: the row is still there.
  const got = new Collected();
  await drain(cdc(n, slot), checkpoint(t), got);
  assert.deepEqual(got.rows(), [['insert', 1, 'not a number']]);
});

test('postgres-cdc: a table added to the publication later (ALTER PUBLICATION ... ADD TABLE) is read from then on, columns by name, across a restart', { skip }, async (t) => {
  const admin = pgAdmin(t);
  const n = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT', { publication: true });
  const k = await cdcTable(t, admin, 'id INT PRIMARY KEY, name TEXT, extra INT');
  const slot = n.slot();
  const ck = checkpoint(t);
  const df = () => spark.readStream.format('postgres-cdc').option('url', PG_URL).option('slotName', slot)
    .option('publication', n.publication).schema('id INT, name STRING').load();
  const got = new Collected();
  const cols = ['op', 'table', 'id', 'name'];
  await drain(df(), ck, got, cols);
  await sql(admin, `INSERT INTO ${n.table} VALUES (1, 'a')`);
  await sql(admin, `INSERT INTO ${k.table} VALUES (100, 'before the publication had it', 0)`);
  await drain(df(), ck, got, cols);
  await sql(admin, `ALTER PUBLICATION ${n.publication} ADD TABLE ${k.table}`);
  await sql(admin, `BEGIN; INSERT INTO ${n.table} VALUES (2, 'b'); INSERT INTO ${k.table} VALUES (101, 'k', 5); COMMIT`);
  await drain(df(), ck, got, cols);
  assert.deepEqual(got.rows(), [
    ['insert', `public.${n.table}`, 1, 'a'],
    ['insert', `public.${n.table}`, 2, 'b'],
    ['insert', `public.${k.table}`, 101, 'k'],
  ]);
});
