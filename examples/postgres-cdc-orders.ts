// PostgreSQL change data capture: creates an orders table, starts a
// readStream.format('postgres-cdc') query that prints every change to the
// console (op, table, lsn, commitTime and the row's columns, typed from the
// catalog), then inserts, updates and deletes some orders. The query stops by
// itself once it has read them; the slot, publication and table are dropped
// at the end (a slot left behind keeps the server's WAL forever).
// Needs PostgreSQL with wal_level = logical on localhost:5432 (database test,
// a superuser or REPLICATION role); set PG_URL to use another.
// Run: npx tsx examples/postgres-cdc-orders.ts
import pg from 'pg';
import { SparkSession } from 'spate';

const url = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `spate_example_orders_${process.pid}`;
const slot = `${table}_slot`;
const publication = `${table}_pub`;

const db = new pg.Client({ connectionString: url });
await db.connect();
await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, product TEXT NOT NULL, quantity INT NOT NULL, status TEXT NOT NULL)`);

const spark = SparkSession.builder.appName('postgres-cdc-orders').getOrCreate();
try {
  // The source creates the publication (for `tables`) and the slot on its first run.
  const changes = spark.readStream.format('postgres-cdc')
    .option('url', url)
    .option('slotName', slot)
    .option('publication', publication)
    .option('tables', table)
    .option('maxChangesPerTrigger', 3) // whole transactions, about 3 changes a batch
    .load();
  changes.printSchema();
  const query = changes.writeStream.format('console').option('truncate', false).start();

  // Changes count from the moment the slot exists: wait for it before writing.
  for (let i = 0; (await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 0; i++) {
    if (i > 200) throw new Error(`the query did not create slot ${slot}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await db.query(`INSERT INTO ${table} VALUES (1, 'apples', 3, 'new'), (2, 'pears', 1, 'new'), (3, 'plums', 5, 'new')`);
  // One transaction: both changes arrive in the same batch, with the same lsn and commitTime.
  await db.query('BEGIN');
  await db.query(`UPDATE ${table} SET status = 'paid' WHERE id = 1`);
  await db.query(`UPDATE ${table} SET quantity = 2 WHERE id = 2`);
  await db.query('COMMIT');
  // The default REPLICA IDENTITY puts only the key of a deleted row in the WAL: the other columns are null.
  await db.query(`DELETE FROM ${table} WHERE id = 3`);

  await query.processAllAvailable();
  await query.stop();
  for (const p of query.recentProgress) {
    const s = p.sources[0]!;
    console.log(`batch ${p.batchId}: ${s.numInputRows} changes, offsets ${JSON.stringify(s.startOffset)} -> ${JSON.stringify(s.endOffset)}, ` +
      `server WAL at ${JSON.stringify(s.latestOffset)}`);
  }
} finally {
  await db.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  await db.query(`DROP PUBLICATION IF EXISTS ${publication}`);
  await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.end();
  spark.stop();
}
