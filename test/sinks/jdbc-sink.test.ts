/**
 * df.write.format('jdbc') against the real PostgreSQL and MariaDB, every
 * case on both. Cases ported from Spark's JDBCWriteSuite name the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession } from '../../src/index.js';
import { SpateError } from '../../src/core/errors.js';
import { simpleString } from '../../src/core/types.js';
import { DIALECTS, dropTables, sql, tableName, type TestDialect } from '../sources/jdbc-dialects.js';

const spark = SparkSession.builder.appName('jdbc-sink').getOrCreate();
const FAST = { retries: '2', retryBackoffMs: '20', retryMaxBackoffMs: '50' };

const people = () => spark.createDataFrame([['dave', 42], ['mary', 222]], 'name STRING, id INT');
const people3 = () => spark.createDataFrame([['dave', 42], ['mary', 222], ['joe', 3]], 'name STRING, id INT');

function readBack(d: TestDialect, table: string) {
  return spark.read.format('jdbc').option('url', d.url).option('dbtable', table).load();
}

async function count(d: TestDialect, table: string): Promise<number> {
  return Number((await sql(d, `SELECT COUNT(*) FROM ${table}`))[0]![0]);
}

for (const d of DIALECTS) {
  const skip = d.skip;
  const write = (df: ReturnType<typeof people>, table: string, opts: Record<string, string> = {}) =>
    df.write.format('jdbc').option('url', d.url).option('dbtable', table).options(opts);

  test(`${d.name}: error / errorifexists: creates a missing table, fails on an existing one with Spark's message (JDBCWriteSuite "Basic CREATE")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_basic');
    t.after(() => dropTables(d, tbl));
    await write(people(), tbl).save();
    assert.equal(await count(d, tbl), 2);
    for (const mode of ['error', 'errorifexists']) {
      await assert.rejects(write(people(), tbl).mode(mode).save(), (e: unknown) =>
        e instanceof SpateError && e.code === 'TABLE_OR_VIEW_ALREADY_EXISTS' && e.message === `Table or view '${tbl}' already exists. SaveMode: ErrorIfExists.`);
    }
    assert.equal(await count(d, tbl), 2);
    assert.deepEqual(readBack(d, tbl).schema.fields.map((f) => `${f.name}:${simpleString(f.dataType)}`), ['name:string', 'id:int']);
  });

  test(`${d.name}: ignore leaves an existing table alone and creates a missing one (JDBCWriteSuite "CREATE with ignore")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_ignore');
    t.after(() => dropTables(d, tbl));
    await write(people3(), tbl).mode('ignore').save();
    assert.equal(await count(d, tbl), 3);
    await write(people(), tbl).mode('ignore').save();
    assert.equal(await count(d, tbl), 3);
  });

  test(`${d.name}: append adds rows, creating the table when missing (JDBCWriteSuite "CREATE then INSERT to append")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_append');
    t.after(() => dropTables(d, tbl));
    await write(people(), tbl).mode('append').save();
    await write(people3(), tbl).mode('append').save();
    assert.equal(await count(d, tbl), 5);
    // df.write.jdbc(url, table, properties)
    await people().write.mode('append').jdbc(d.url, tbl, { batchsize: 1 });
    assert.equal(await count(d, tbl), 7);
    // JDBCWriteSuite "Incompatible INSERT to append"
    const other = spark.createDataFrame([['x', 1, 2]], 'name STRING, id INT, seq INT');
    await assert.rejects(write(other, tbl).mode('append').save(), (e: unknown) =>
      e instanceof SpateError && e.code === 'COLUMN_NOT_FOUND' && /Column "seq" not found in schema of table/.test(e.message));
    assert.equal(await count(d, tbl), 7);
  });

  test(`${d.name}: overwrite drops and re-creates from the DataFrame's schema; truncate=true keeps the table's definition (JDBCWriteSuite "CREATE then INSERT to truncate")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_over');
    t.after(() => dropTables(d, tbl));
    await sql(d, `CREATE TABLE ${tbl} (name VARCHAR(20), id INT, extra INT)`, `INSERT INTO ${tbl} VALUES ('old', 1, 9)`);
    await write(people(), tbl).mode('overwrite').option('truncate', 'true').save();
    assert.deepEqual(readBack(d, tbl).schema.fields.map((f) => f.name), ['name', 'id', 'extra']);
    assert.deepEqual((await readBack(d, tbl).orderBy('id').collect()).map((r) => [r.name, r.id, r.extra]), [['dave', 42, null], ['mary', 222, null]]);
    await write(people3(), tbl).mode('overwrite').save();
    assert.deepEqual(readBack(d, tbl).schema.fields.map((f) => f.name), ['name', 'id']);
    assert.equal(await count(d, tbl), 3);
  });

  test(`${d.name}: types round-trip through a created table (nulls, microseconds, binary, decimals)`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_types');
    t.after(() => dropTables(d, tbl));
    const schema = 'b BOOLEAN, i INT, l BIGINT, f FLOAT, x DOUBLE, dec DECIMAL(10,2), s STRING, bin BINARY, dt DATE, ts TIMESTAMP';
    const df = spark.createDataFrame([
      [true, -7, 2 ** 40, 1.5, 3.25, 12.34, 'hé "quoted" \'x\'', new Uint8Array([0, 255, 10]), '2024-02-29', '2024-01-05 10:00:00.123456'],
      [null, null, null, null, null, null, null, null, null, null],
    ], schema);
    await write(df, tbl).save();
    const back = readBack(d, tbl);
    assert.deepEqual(back.schema.fields.map((f) => simpleString(f.dataType)),
      ['boolean', 'int', 'bigint', 'float', 'double', 'decimal(10,2)', 'string', 'binary', 'date', 'timestamp']);
    const want = await df.collectBatch();
    const got = await back.collectBatch();
    for (let c = 0; c < want.columns.length; c++) {
      const norm = (v: unknown): unknown => (v instanceof Uint8Array ? [...v] : v);
      const wv = want.columns[c]!;
      const gv = got.columns[c]!;
      for (let i = 0; i < 2; i++) {
        const wn = wv.validity !== null && wv.validity[i] === 0;
        const gn = gv.validity !== null && gv.validity[i] === 0;
        assert.equal(gn, wn, `null of ${want.schema.fields[c]!.name}[${i}]`);
        if (!wn) assert.deepEqual(norm(gv.values[i]), norm(wv.values[i]), want.schema.fields[c]!.name);
      }
    }
  });

  test(`${d.name}: createTableColumnTypes, and a value the table refuses fails naming table and column with nothing written (JDBCWriteSuite "SPARK-10849")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_coltypes');
    t.after(() => dropTables(d, tbl));
    const df = spark.createDataFrame([['ann', 1], ['bob', 2], ['toolong', 3]], 'name STRING, id INT');
    // batchsize 1: the first rows are sent before the refused one; the transaction's rollback takes them back.
    await assert.rejects(write(df, tbl, { createTableColumnTypes: 'name VARCHAR(3)', batchsize: '1' }).save(), (e: unknown) => {
      assert.ok(e instanceof SpateError);
      assert.equal(e.code, 'JDBC_WRITE_FAILED');
      assert.match(e.message, new RegExp(`writing 3 rows to table '${tbl}' failed`));
      assert.match(e.message, /column 'name'/);
      assert.match(e.message, /none of the 3 rows were written/);
      return true;
    });
    const exists = d.key === 'postgresql' ? 0 : await count(d, tbl);
    // PostgreSQL's CREATE TABLE was in the same transaction, so even the table is gone; MariaDB's DDL committed by itself.
    if (d.key === 'postgresql') assert.equal((await sql(d, [`SELECT to_regclass(${d.p(1)})`, [tbl]]))[0]![0], null);
    else assert.equal(exists, 0);
    await assert.rejects(write(df, tbl, { createTableColumnTypes: 'nope VARCHAR(3)' }).mode('overwrite').save(), /createTableColumnTypes option column nope not found in schema/);
    await assert.rejects(write(df, tbl, { createTableColumnTypes: 'name VARCHAR(3); DROP TABLE x' }).mode('overwrite').save(), /Option 'createTableColumnTypes' must be/);
  });

  test(`${d.name}: a null into a NOT NULL column fails naming the column; nothing is written`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_notnull');
    t.after(() => dropTables(d, tbl));
    await sql(d, `CREATE TABLE ${tbl} (name VARCHAR(10), id INT NOT NULL)`);
    const df = spark.createDataFrame([['a', 1], ['b', null]], 'name STRING, id INT');
    await assert.rejects(write(df, tbl).mode('append').save(), (e: unknown) =>
      e instanceof SpateError && e.code === 'JDBC_WRITE_FAILED' && /column 'id'|Column 'id'/.test(e.message) && e.message.includes(tbl));
    assert.equal(await count(d, tbl), 0);
  });

  test(`${d.name}: isolationLevel: SERIALIZABLE writes in one transaction; NONE autocommits each statement (rows before a refused one stay)`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_iso');
    t.after(() => dropTables(d, tbl));
    await sql(d, `CREATE TABLE ${tbl} (name VARCHAR(4), id INT)`);
    await write(people(), tbl, { isolationLevel: 'SERIALIZABLE' }).mode('append').save();
    assert.equal(await count(d, tbl), 2);
    const df = spark.createDataFrame([['ann', 1], ['bob', 2], ['toolong', 3]], 'name STRING, id INT');
    await assert.rejects(write(df, tbl, { isolationLevel: 'NONE', batchsize: '1' }).mode('append').save(), (e: unknown) =>
      e instanceof SpateError && /isolationLevel is NONE, so the rows before the refused one were written/.test(e.message));
    assert.equal(await count(d, tbl), 4);
  });

  test(`${d.name}: upsertKeys with append updates rows in place; struct columns are flattened; odd column names are quoted`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_upsert');
    t.after(() => dropTables(d, tbl));
    const mk = (v: number) => spark.createDataFrame([[{ a: 1, b: 'x' }, v, 'k"1`'], [{ a: 2, b: 'y' }, v, 'k2']], 'w STRUCT<a: INT, b: STRING>, `we"ird col` INT, k STRING');
    await write(mk(1), tbl, { upsertKeys: 'w,k' }).mode('append').save();
    await write(mk(5), tbl, { upsertKeys: 'w,k' }).mode('append').save();
    const got = await readBack(d, tbl).orderBy('w_a').collect();
    assert.deepEqual(got.map((r) => ({ ...r })), [{ w_a: 1, w_b: 'x', 'we"ird col': 5, k: 'k"1`' }, { w_a: 2, w_b: 'y', 'we"ird col': 5, k: 'k2' }]);
  });

  test(`${d.name}: bad write options: batchsize, dbtable that is not a table name, query`, { skip }, async () => {
    await assert.rejects(write(people(), 't', { batchsize: '0' }).save(), /Invalid value `0` for parameter `batchsize`\. The minimum value is 1\./);
    await assert.rejects(write(people(), 't; DROP TABLE x').save(), /Option 'dbtable' must be a table name/);
    await assert.rejects(people().write.format('jdbc').option('url', d.url).option('query', 'SELECT 1').save(), /Option 'query' is not applicable while writing/);
  });

  test(`${d.name}: createTableOptions reach CREATE TABLE`, { skip }, async (t) => {
    const tbl = tableName('jdbc_w_opts');
    t.after(() => dropTables(d, tbl));
    if (d.key === 'postgresql') {
      await write(people(), tbl, { createTableOptions: 'WITH (fillfactor=70)' }).save();
      assert.deepEqual((await sql(d, [`SELECT reloptions FROM pg_class WHERE relname = $1`, [tbl]]))[0]![0], ['fillfactor=70']);
    } else {
      await write(people(), tbl, { createTableOptions: "ENGINE=InnoDB COMMENT='spate test'" }).save();
      assert.equal((await sql(d, [`SELECT table_comment FROM information_schema.tables WHERE table_schema = 'test' AND table_name = ?`, [tbl]]))[0]![0], 'spate test');
    }
  });

  test(`${d.name}: an unreachable port fails the write after bounded retries, naming host:port`, { skip }, async () => {
    const df = people();
    await assert.rejects(df.write.format('jdbc').option('url', d.urlAt(1)).option('dbtable', 't').options(FAST).save(), (e: unknown) =>
      e instanceof SpateError && e.code === 'SERVICE_UNAVAILABLE' && new RegExp(`${d.name} at 127\\.0\\.0\\.1:1: writing 2 rows to table 't' failed after 3 tries`).test(e.message));
  });
}

test('PostgreSQL: arrays round-trip (PostgresDialect ArrayType → elem[])', { skip: DIALECTS[0]!.skip }, async (t) => {
  const d = DIALECTS[0]!;
  const tbl = tableName('jdbc_w_arrays');
  t.after(() => dropTables(d, tbl));
  const df = spark.createDataFrame([[[1, null, 3], ['a', 'b c'], [1.5]], [null, [], null]], 'ai ARRAY<INT>, s ARRAY<STRING>, x ARRAY<DOUBLE>');
  await df.write.format('jdbc').option('url', d.url).option('dbtable', tbl).save();
  const back = spark.read.format('jdbc').option('url', d.url).option('dbtable', tbl).load();
  assert.deepEqual(back.schema.fields.map((f) => simpleString(f.dataType)), ['array<int>', 'array<string>', 'array<double>']);
  assert.deepEqual((await back.collect()).map((r) => ({ ...r })), [{ ai: [1, null, 3], s: ['a', 'b c'], x: [1.5] }, { ai: null, s: [], x: null }]);
});

test('MariaDB: wrong password is a clear AUTHENTICATION_FAILED error, not retried, without the password (PostgreSQL here trusts 127.0.0.1, so it takes any password)', { skip: DIALECTS[1]!.skip }, async (t) => {
  const d = DIALECTS[1]!;
  const user = tableName('spate_pw');
  await sql(d, `CREATE USER '${user}'@'%' IDENTIFIED BY 'rightpass1'`, `CREATE USER '${user}'@'localhost' IDENTIFIED BY 'rightpass1'`,
    `GRANT ALL ON test.* TO '${user}'@'%'`, `GRANT ALL ON test.* TO '${user}'@'localhost'`);
  const tbl = tableName('jdbc_w_pw');
  t.after(async () => { await sql(d, `DROP USER '${user}'@'%'`, `DROP USER '${user}'@'localhost'`); await dropTables(d, tbl); });
  const url = `mariadb://${user}:Wr0ngPassw0rd@127.0.0.1:3306/test`;
  await assert.rejects(people().write.format('jdbc').option('url', url).option('dbtable', tbl).save(), (e: unknown) => {
    assert.ok(e instanceof SpateError);
    assert.equal(e.code, 'AUTHENTICATION_FAILED');
    assert.match(e.message, /Access denied/);
    assert.match(e.message, /Check the 'user' and 'password' options/);
    assert.doesNotMatch(e.message, /Wr0ngPassw0rd/);
    assert.doesNotMatch(e.message, /after \d+ tries/);
    return true;
  });
  assert.throws(() => spark.read.format('jdbc').option('url', `mariadb://127.0.0.1/test`).option('user', user).option('password', 'Wr0ngPassw0rd').option('dbtable', 't').load(),
    (e: unknown) => e instanceof SpateError && e.code === 'AUTHENTICATION_FAILED' && !e.message.includes('Wr0ngPassw0rd'));
  // the right password works
  await people().write.format('jdbc').option('url', `mariadb://${user}:rightpass1@127.0.0.1:3306/test`).option('dbtable', tbl).save();
  assert.equal(await count(d, tbl), 2);
});

test('PostgreSQL: an unknown role is a clear AUTHENTICATION_FAILED error, not retried', { skip: DIALECTS[0]!.skip }, async () => {
  await assert.rejects(people().write.format('jdbc').option('url', 'postgres://spate_no_such_role_x:pw12345@127.0.0.1:5432/test').option('dbtable', 't').save(),
    (e: unknown) => e instanceof SpateError && e.code === 'AUTHENTICATION_FAILED' && /spate_no_such_role_x/.test(e.message) && !/pw12345/.test(e.message));
});

{
  const d = DIALECTS.find((x) => x.key === 'postgresql')!;
  test('PostgreSQL: appends to a table go by COPY FROM STDIN and store what INSERT stores (tabs, newlines, backslashes, the text \\N, nulls, binary, arrays, timestamps); views, tables with rules and postgresCopy=false insert', { skip: d.skip }, async (t) => {
    const viaCopy = tableName('jdbc_w_copy');
    const viaInsert = tableName('jdbc_w_insert');
    const log = tableName('jdbc_w_copy_log');
    const view = tableName('jdbc_w_copy_view');
    const fn = tableName('jdbc_w_copy_fn');
    t.after(async () => {
      await sql(d, `DROP VIEW IF EXISTS ${view}`);
      await dropTables(d, viaCopy, viaInsert, log);
      await sql(d, `DROP FUNCTION IF EXISTS ${fn}()`);
    });
    const rows = [
      [1, 'plain', true, 1.5, new Uint8Array([0, 92, 9, 10, 255]), ['a', 'b\tc', null], Date.UTC(2024, 0, 5, 10, 0, 0, 123)],
      [2, 'tab\there\nnew\rline \\ back\\slash \\N', false, -0.25, new Uint8Array([]), [], 0],
      [3, '\\N', null, null, null, null, null],
      [4, null, true, Number.NaN, new Uint8Array([1]), ['{"x": 1}', 'quote"d', 'comma,brace}'], -1_000],
      [5, 'ünïcödé ✓ — ключ', false, 1e300, new Uint8Array([7, 7]), ['\\'], Date.UTC(1969, 11, 31, 23, 59, 59)],
    ];
    const schema = 'id INT, s STRING, b BOOLEAN, v DOUBLE, bin BINARY, arr ARRAY<STRING>, ts TIMESTAMP, d DATE, l BIGINT';
    const mk = () => spark.createDataFrame(rows.map((r, i) => [...r.slice(0, 6), r[6] === null ? null : new Date(r[6] as number),
      r[6] === null ? null : new Date(r[6] as number), i === 2 ? null : 2 ** 53 - i]), schema);
    // Every statement that adds rows to the tables is logged by a statement trigger: which one it was.
    await sql(d, `CREATE TABLE ${log} (tbl TEXT, q TEXT)`,
      `CREATE FUNCTION ${fn}() RETURNS trigger AS $$ BEGIN INSERT INTO ${log} VALUES (TG_TABLE_NAME, current_query()); RETURN NULL; END $$ LANGUAGE plpgsql`);
    for (const tbl of [viaCopy, viaInsert]) {
      await sql(d, `CREATE TABLE ${tbl} (id INT, s TEXT, b BOOLEAN, v FLOAT8, bin BYTEA, arr TEXT[], ts TIMESTAMP, d DATE, l BIGINT)`,
        `CREATE TRIGGER log_it AFTER INSERT ON ${tbl} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    }
    const write = (df: ReturnType<typeof mk>, tbl: string, opts: Record<string, string> = {}) =>
      df.write.format('jdbc').option('url', d.url).option('dbtable', tbl).options(opts).mode('append').save();
    await write(mk(), viaCopy);
    await write(mk(), viaInsert, { postgresCopy: 'false', batchsize: '2' });
    const dump = async (tbl: string) => sql(d, `SELECT id, s, b, v::text, encode(bin, 'hex'), arr::text, ts::text, d::text, l::text FROM ${tbl} ORDER BY id`);
    const copied = await dump(viaCopy);
    assert.deepEqual(copied, await dump(viaInsert));
    assert.equal(copied.length, 5);
    assert.deepEqual(copied[1]!.slice(0, 2), [2, 'tab\there\nnew\rline \\ back\\slash \\N']);
    assert.equal(copied[2]![1], '\\N'); // the text \N, not a null
    assert.equal(copied[3]![1], null);
    assert.equal(copied[0]![4], '005c090aff');
    assert.equal(copied[0]![6], '2024-01-05 10:00:00.123');
    assert.deepEqual(copied[0]!.slice(7), ['2024-01-05', String(2 ** 53)]);
    assert.deepEqual(copied[2]!.slice(7), [null, null]);
    const statements = async (tbl: string) => (await sql(d, [`SELECT q FROM ${log} WHERE tbl = $1`, [tbl]])).map((r) => String(r[0]).split(' ')[0]);
    assert.deepEqual(await statements(viaCopy), ['COPY']);
    assert.deepEqual(await statements(viaInsert), ['INSERT', 'INSERT', 'INSERT']);
    // A view (COPY cannot write one) and a table with a rule (COPY does not apply rules) get INSERTs.
    await sql(d, `CREATE VIEW ${view} AS SELECT * FROM ${viaInsert}`);
    await write(mk(), view);
    assert.equal(await count(d, viaInsert), 10);
    await sql(d, `CREATE RULE no_fives AS ON INSERT TO ${viaCopy} WHERE NEW.id = 5 DO INSTEAD NOTHING`);
    await write(mk(), viaCopy);
    assert.equal(await count(d, viaCopy), 9);
    assert.deepEqual((await statements(viaCopy)).sort(), ['COPY', 'INSERT']);
  });
}
