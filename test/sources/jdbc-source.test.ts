/**
 * spark.read.format('jdbc') against the real PostgreSQL and MariaDB, every
 * case on both (a loop over DIALECTS). Cases ported from Spark's JDBCSuite
 * name the Spark test they follow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession } from '../../src/index.js';
import { SpateError } from '../../src/core/errors.js';
import { StructField, StructType, DateType, TimestampType, IntegerType, StringType, simpleString } from '../../src/core/types.js';
import { jdbcDialect } from '../../src/clients/jdbc-dialect.js';
import { jdbcReadOptions } from '../../src/clients/jdbc-options.js';
import { partitionWhereClauses } from '../../src/sources/jdbc-partitions.js';
import { partitionQueries } from '../../src/sources/jdbc-read.js';
import { ThreadedTcpProxy } from './jdbc-proxy.js';
import { DIALECTS, dropTables, sql, tableName } from './jdbc-dialects.js';

const spark = SparkSession.builder.appName('jdbc-source').getOrCreate();
const FAST = { retries: '2', retryBackoffMs: '20', retryMaxBackoffMs: '50' };

function read(url: string, opts: Record<string, string>) {
  return spark.read.format('jdbc').option('url', url).options(opts).load();
}

async function rows(df: ReturnType<typeof read>): Promise<Record<string, unknown>[]> {
  return (await df.collect()).map((r) => ({ ...r }));
}

for (const d of DIALECTS) {
  const skip = d.skip;
  const people = async (t: string): Promise<void> => {
    await sql(d, `CREATE TABLE ${t} (name VARCHAR(32) NOT NULL, theid INTEGER NOT NULL)`,
      [`INSERT INTO ${t} (name, theid) VALUES (${d.p(1)}, ${d.p(2)}), (${d.p(3)}, ${d.p(4)}), (${d.p(5)}, ${d.p(6)})`, ['fred', 1, 'mary', 2, 'joe \'foo\' "bar"', 3]]);
  };

  test(`${d.name}: every url form reads the same table (JDBCSuite "Basic API")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_people');
    t.after(() => dropTables(d, tbl));
    await people(tbl);
    for (const url of d.urlForms) {
      const got = await rows(read(url, { dbtable: tbl }).orderBy('theid'));
      assert.deepEqual(got, [{ name: 'fred', theid: 1 }, { name: 'mary', theid: 2 }, { name: 'joe \'foo\' "bar"', theid: 3 }], url);
    }
    // spark.read.jdbc(url, table, properties) and jdbc(url, table, columnName, lowerBound, upperBound, numPartitions, properties)
    assert.equal((await spark.read.jdbc(d.url, tbl, { fetchsize: '2' }).collect()).length, 3);
    const parted = spark.read.jdbc(d.url, tbl, 'theid', 1, 4, 3, { fetchsize: 2 });
    assert.equal(partitionQueries(jdbcReadOptions({ url: d.url, dbtable: tbl, partitionColumn: 'theid', lowerBound: '1', upperBound: '4', numPartitions: '3' }), parted.schema).length, 3);
    assert.match(parted.explainString(), /partitionColumn=theid/);
    assert.deepEqual((await parted.collect()).map((r) => r.theid).sort(), [1, 2, 3]);
  });

  test(`${d.name}: the schema comes from the database at load(), NOT NULL columns are not nullable`, { skip }, async (t) => {
    const tbl = tableName('jdbc_people');
    t.after(() => dropTables(d, tbl));
    await people(tbl);
    const df = read(d.url, { dbtable: tbl });
    assert.deepEqual(df.schema.fields.map((f) => [f.name, simpleString(f.dataType), f.nullable]), [['name', 'string', false], ['theid', 'int', false]]);
  });

  test(`${d.name}: query instead of dbtable, and dbtable as a subquery (JDBCSuite "query JDBC option")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_people');
    t.after(() => dropTables(d, tbl));
    await people(tbl);
    assert.deepEqual(await rows(read(d.url, { query: `SELECT name, theid FROM ${tbl} WHERE theid = 1` })), [{ name: 'fred', theid: 1 }]);
    assert.deepEqual(await rows(read(d.url, { dbtable: `(SELECT theid * 10 AS x FROM ${tbl} WHERE theid > 1) sub` }).orderBy('x')), [{ x: 20 }, { x: 30 }]);
  });

  test(`${d.name}: Spark's option errors (JDBCSuite "Checking metrics correctness with JDBC" / option checks)`, { skip }, () => {
    const bad = (opts: Record<string, string>, re: RegExp): void => {
      assert.throws(() => spark.read.format('jdbc').options(opts).load(), (e: unknown) => e instanceof SpateError && re.test(e.message), JSON.stringify(opts));
    };
    bad({ dbtable: 't' }, /Option 'url' is required\./);
    bad({ url: d.url }, /Option 'dbtable' or 'query' is required\./);
    bad({ url: d.url, dbtable: 't', query: 'SELECT 1' }, /Both 'dbtable' and 'query' can not be specified\./);
    bad({ url: d.url, query: '' }, /Empty string is not allowed in either 'dbtable' or 'query' options/);
    bad({ url: d.url, dbtable: 't', partitionColumn: 'id', lowerBound: '1' },
      /users need to specify all or none for the following options: 'partitionColumn', 'lowerBound', 'upperBound', and 'numPartitions'/);
    bad({ url: d.url, query: 'SELECT 1 AS id', partitionColumn: 'id', lowerBound: '1', upperBound: '4', numPartitions: '3' },
      /Options 'query' and 'partitionColumn' can not be specified together/);
    bad({ url: d.url, dbtable: 't', fetchsize: '-1' }, /Invalid value `-1` for parameter `fetchsize`\. The minimum value is 0\./);
    // JDBCSuite "Add exception when isolationLevel is Illegal"
    bad({ url: d.url, dbtable: 't', isolationLevel: 'test' },
      /Invalid value `test` for parameter `isolationLevel`\. This can be `NONE`, `READ_UNCOMMITTED`, `READ_COMMITTED`, `REPEATABLE_READ` or `SERIALIZABLE`\./);
    assert.throws(() => spark.read.format('jdbc').schema('a INT').option('url', d.url).option('dbtable', 't').load(), /jdbc does not allow user-specified schemas/);
    assert.throws(() => read(d.url, { dbtable: 'spate_no_such_table_q' }), (e: unknown) =>
      e instanceof SpateError && e.code === 'JDBC_QUERY_FAILED' && /127\.0\.0\.1:\d+: reading the schema of table 'spate_no_such_table_q' failed/.test(e.message));
  });

  test(`${d.name}: partitioned read runs Spark's stride queries and returns every row, nulls and rows outside the bounds too (JDBCSuite "SELECT * partitioned")`, { skip }, async (t) => {
    const tbl = tableName('jdbc_parts');
    t.after(() => dropTables(d, tbl));
    await sql(d, `CREATE TABLE ${tbl} (id INTEGER, v VARCHAR(8))`,
      `INSERT INTO ${tbl} (id, v) VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e'),(NULL,'n'),(-7,'lo'),(100,'hi')`);
    const opts = { dbtable: tbl, partitionColumn: 'id', lowerBound: '1', upperBound: '4', numPartitions: '3' };
    const o = jdbcReadOptions({ url: d.url, ...opts });
    const df = read(d.url, opts);
    const q = d.q('id');
    assert.deepEqual(partitionQueries(o, df.schema), [
      `SELECT * FROM ${tbl} WHERE ${q} < 2 or ${q} is null`,
      `SELECT * FROM ${tbl} WHERE ${q} >= 2 AND ${q} < 3`,
      `SELECT * FROM ${tbl} WHERE ${q} >= 3`,
    ]);
    const got = (await rows(df)).map((r) => r.v).sort();
    assert.deepEqual(got, ['a', 'b', 'c', 'd', 'e', 'hi', 'lo', 'n']);
    // JDBCSuite "Partitioning on column where lowerBound is equal to upperBound": one partition
    assert.equal(partitionQueries(jdbcReadOptions({ url: d.url, ...opts, lowerBound: '4', upperBound: '4' }), df.schema).length, 1);
    // ... "numPartitions are more than the number of total rows": the range decides (4 - 1 = 3 partitions)
    assert.equal(partitionQueries(jdbcReadOptions({ url: d.url, ...opts, numPartitions: '10' }), df.schema).length, 3);
    // ... "lowerBound is larger than upperBound"
    assert.throws(() => read(d.url, { ...opts, lowerBound: '5', upperBound: '1' }),
      /Operation not allowed: the lower bound of partitioning column is larger than the upper bound\. Lower bound: 5; Upper bound: 1/);
    // "throws an exception for unsupported partition column types"
    assert.throws(() => read(d.url, { ...opts, partitionColumn: 'v', lowerBound: 'aaa', upperBound: 'zzz' }),
      /Partition column type should be numeric, date, or timestamp, but string found\./);
    assert.throws(() => read(d.url, { ...opts, partitionColumn: 'nope' }), /User-defined partition column nope not found in the JDBC relation/);
  });

  test(`${d.name}: fetchsize and sessionInitStatement`, { skip }, async (t) => {
    const tbl = tableName('jdbc_fetch');
    t.after(() => dropTables(d, tbl));
    await sql(d, `CREATE TABLE ${tbl} (id INTEGER)`, `INSERT INTO ${tbl} (id) VALUES (1),(2),(3),(4),(5),(6),(7)`);
    const got = (await rows(read(d.url, { dbtable: tbl, fetchsize: '3' }))).map((r) => r.id).sort();
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7]);
    const init = d.key === 'postgresql'
      ? { sessionInitStatement: "SET application_name = 'spate_init_probe'", query: "SELECT current_setting('application_name') AS v" }
      : { sessionInitStatement: "SET @spate_v = 'spate_init_probe'", query: 'SELECT @spate_v AS v' };
    assert.deepEqual(await rows(read(d.url, init)), [{ v: 'spate_init_probe' }]);
  });

  test(`${d.name}: customSchema changes the types of the columns it names`, { skip }, async (t) => {
    const tbl = tableName('jdbc_custom');
    t.after(() => dropTables(d, tbl));
    await sql(d, `CREATE TABLE ${tbl} (id INTEGER, n DECIMAL(10,2), s VARCHAR(10))`, `INSERT INTO ${tbl} VALUES (7, 1.25, 'x')`);
    const df = read(d.url, { dbtable: tbl, customSchema: 'ID STRING, n DOUBLE' });
    assert.deepEqual(df.schema.fields.map((f) => simpleString(f.dataType)), ['string', 'double', 'string']);
    assert.deepEqual(await rows(df), [{ id: '7', n: 1.25, s: 'x' }]);
    assert.throws(() => read(d.url, { dbtable: tbl, customSchema: 'nope INT' }), /customSchema' names column 'nope'/);
  });

  test(`${d.name}: credentials never appear in explain, the description or errors`, { skip }, () => {
    const secret = 'Sup3rSecretPw';
    const urls: { url: string; opts: Record<string, string> }[] = [
      { url: d.key === 'postgresql' ? `postgres://postgres:${secret}@127.0.0.1:5432/test` : `mysql://root:${secret}@127.0.0.1:1/test`, opts: {} },
      { url: `jdbc:${d.key}://127.0.0.1:${d.key === 'postgresql' ? 5432 : 1}/test?user=${d.key === 'postgresql' ? 'postgres' : 'root'}&password=${secret}`, opts: {} },
      { url: d.key === 'postgresql' ? d.url : 'mariadb://root@127.0.0.1:1/test', opts: { password: secret } },
      { url: `jdbc:${d.key === 'postgresql' ? 'postgresql://postgres' : 'mysql://root'}:${secret}@127.0.0.1:${d.key === 'postgresql' ? 5432 : 1}/test`, opts: {} },
    ];
    for (const { url, opts } of urls) {
      if (d.key === 'postgresql') {
        // trust authentication on 127.0.0.1 accepts any password, so the load succeeds: check what it shows.
        const df = read(url, { ...opts, query: 'SELECT 1 AS one' });
        assert.doesNotMatch(df.explainString(true), new RegExp(secret));
        assert.match(df.explainString(), /\*\*\*/);
      } else {
        assert.throws(() => read(url, { ...opts, ...FAST, query: 'SELECT 1' }), (e: unknown) => {
          assert.ok(e instanceof SpateError);
          assert.doesNotMatch(`${e.message} ${String((e.cause as Error | undefined)?.message)}`, new RegExp(secret));
          return true;
        });
      }
    }
  });

  test(`${d.name}: an unreachable port fails load() after bounded retries, naming host:port`, { skip }, () => {
    assert.throws(() => read(d.urlAt(1), { dbtable: 't', ...FAST }), (e: unknown) => {
      assert.ok(e instanceof SpateError);
      assert.equal(e.code, 'SERVICE_UNAVAILABLE');
      assert.match(e.message, new RegExp(`${d.name} at 127\\.0\\.0\\.1:1: reading the schema of table 't' failed after 3 tries`));
      return true;
    });
  });

  test(`${d.name}: the connection cut in the middle of a large read: the read starts again and returns every row once`, { skip }, async (t) => {
    const tbl = tableName('jdbc_cut');
    const proxy = await new ThreadedTcpProxy(d.port).up();
    t.after(async () => { await proxy.close(); await dropTables(d, tbl); });
    const n = 20_000;
    await spark.createDataFrame(Array.from({ length: n }, (_, i) => [i, 'x'.repeat(50)]), 'id INT, pad STRING')
      .write.format('jdbc').option('url', d.url).option('dbtable', tbl).save();
    const df = read(d.urlAt(proxy.port), { dbtable: tbl, retries: '30', retryBackoffMs: '50', retryMaxBackoffMs: '100' });
    // About 1.2 MB come back: cut after 200 kB, back 300 ms later.
    await proxy.cutAfter(200_000, 'toClient', 300);
    const ids = (await df.select('id').collectBatch()).columns[0]!.values as Int32Array;
    assert.equal(await proxy.cuts(), 1);
    assert.equal(ids.length, n);
    assert.equal(new Set(ids).size, n);
  });

  test(`${d.name}: the server going away: the read is retried, fails naming host:port when it stays away, and succeeds once it is back`, { skip }, async (t) => {
    const tbl = tableName('jdbc_away');
    // On its own thread: load() blocks this one while it reads the schema through the proxy.
    const proxy = await new ThreadedTcpProxy(d.port).up();
    t.after(async () => { await proxy.close(); await dropTables(d, tbl); });
    await people(tbl);
    const df = read(d.urlAt(proxy.port), { dbtable: tbl, ...FAST });
    const patient = read(d.urlAt(proxy.port), { dbtable: tbl, retries: '30', retryBackoffMs: '50', retryMaxBackoffMs: '100' });
    await proxy.down();
    await assert.rejects(df.collect(), (e: unknown) => {
      assert.ok(e instanceof SpateError);
      assert.match(e.message, new RegExp(`${d.name} at 127\\.0\\.0\\.1:${proxy.port}: reading table '${tbl}' failed after 3 tries`));
      return true;
    });
    // Back while the read is still retrying: it succeeds with every row.
    const pending = patient.collect();
    setTimeout(() => { void proxy.up(); }, 200);
    assert.equal((await pending).length, 3);
  });
}

test('PostgreSQL: type mapping of a read (PostgresDialect)', { skip: DIALECTS[0]!.skip }, async (t) => {
  const d = DIALECTS[0]!;
  const tbl = tableName('jdbc_pgtypes');
  t.after(() => dropTables(d, tbl));
  await sql(d, `CREATE TABLE ${tbl} (a int2, b int4, c int8, big int8, n numeric(10,2), nu numeric, f4 real, f8 float8, t text, vc varchar(5), ch char(3),
    bo bool, by bytea, da date, ts timestamp, tz timestamptz, j json, jb jsonb, u uuid, ai int4[], at text[], al int8[], ti time)`,
  `INSERT INTO ${tbl} VALUES (1, 2, 3, 9007199254740993, 12.34, 0.5, 1.5, 2.25, 'txt', 'vc', 'ch', true, '\\x0aff', '2024-02-29',
    '2024-01-05 10:00:00.123456', '2024-01-05 10:00:00.654321+02', '{"a": 1}', '{"b": 2}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '{1,NULL,3}', '{x,"y z"}', '{9007199254740993}', '12:34:56.5')`);
  const df = read(d.url, { dbtable: tbl });
  assert.deepEqual(df.schema.fields.map((f) => `${f.name}:${simpleString(f.dataType)}`), [
    'a:int', 'b:int', 'c:bigint', 'big:bigint', 'n:decimal(10,2)', 'nu:decimal(38,18)', 'f4:float', 'f8:double', 't:string', 'vc:string', 'ch:string',
    'bo:boolean', 'by:binary', 'da:date', 'ts:timestamp', 'tz:timestamp', 'j:string', 'jb:string', 'u:string', 'ai:array<int>', 'at:array<string>',
    'al:array<bigint>', 'ti:timestamp']);
  const [r] = await rows(df);
  assert.ok(r);
  assert.equal(r.c, 3);
  assert.equal(r.big, 9007199254740992); // beyond 2^53: the nearest double (spate's longs are doubles)
  assert.equal(r.n, 12.34);
  assert.equal(r.ch, 'ch '); // char(3) is blank-padded, as PostgreSQL returns it
  assert.deepEqual([...(r.by as Uint8Array)], [10, 255]);
  assert.equal((r.da as Date).toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal((r.ts as Date).toISOString(), '2024-01-05T10:00:00.123Z');
  assert.equal((r.tz as Date).toISOString(), '2024-01-05T08:00:00.654Z');
  assert.equal(r.jb, '{"b": 2}');
  assert.deepEqual(r.ai, [1, null, 3]);
  assert.deepEqual(r.at, ['x', 'y z']);
  assert.deepEqual(r.al, [9007199254740992]);
  assert.equal((r.ti as Date).toISOString(), '1970-01-01T12:34:56.500Z');
  // microseconds are kept (the internal value, not the millisecond Date of collect())
  const micros = (await df.select('ts', 'tz').collectBatch()).columns.map((c) => c.values[0]);
  assert.deepEqual(micros, [Date.UTC(2024, 0, 5, 10) * 1000 + 123456, Date.UTC(2024, 0, 5, 8) * 1000 + 654321]);
});

test('MariaDB: type mapping of a read (MySQLDialect; TINYINT(1) and BIT(1) as boolean)', { skip: DIALECTS[1]!.skip }, async (t) => {
  const d = DIALECTS[1]!;
  const tbl = tableName('jdbc_mytypes');
  t.after(() => dropTables(d, tbl));
  await sql(d, `CREATE TABLE ${tbl} (b1 TINYINT(1), ti TINYINT, si SMALLINT, i INT, iu INT UNSIGNED, bi BIGINT, big BIGINT, de DECIMAL(10,2), fl FLOAT, db DOUBLE,
    vc VARCHAR(10), tx TEXT, bl BLOB, vb VARBINARY(4), da DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL, bit1 BIT(1), j JSON, tm TIME(3))`,
  `INSERT INTO ${tbl} VALUES (1, -5, 300, 70000, 4000000000, 3, 9007199254740993, 12.34, 1.5, 2.25, 'vc', 'text', x'0aff', x'01', '2024-02-29',
    '2024-01-05 10:00:00.123456', '2024-01-05 08:00:00.654321', b'1', '{"a":1}', '12:34:56.5')`);
  const df = read(d.url, { dbtable: tbl });
  assert.deepEqual(df.schema.fields.map((f) => `${f.name}:${simpleString(f.dataType)}`), [
    'b1:boolean', 'ti:int', 'si:int', 'i:int', 'iu:bigint', 'bi:bigint', 'big:bigint', 'de:decimal(10,2)', 'fl:float', 'db:double',
    'vc:string', 'tx:string', 'bl:binary', 'vb:binary', 'da:date', 'dt:timestamp', 'ts:timestamp', 'bit1:boolean', 'j:string', 'tm:timestamp']);
  const [r] = await rows(df);
  assert.ok(r);
  assert.deepEqual([r.b1, r.ti, r.si, r.i, r.iu, r.bi, r.big, r.de, r.fl, r.db, r.vc, r.tx], [true, -5, 300, 70000, 4000000000, 3, 9007199254740992, 12.34, 1.5, 2.25, 'vc', 'text']);
  assert.deepEqual([...(r.bl as Uint8Array)], [10, 255]);
  assert.equal((r.da as Date).toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal(r.bit1, true);
  assert.equal(r.j, '{"a":1}');
  const micros = (await df.select('dt', 'ts', 'tm').collectBatch()).columns.map((c) => c.values[0]);
  assert.deepEqual(micros, [Date.UTC(2024, 0, 5, 10) * 1000 + 123456, Date.UTC(2024, 0, 5, 8) * 1000 + 654321, (12 * 3600 + 34 * 60 + 56) * 1e6 + 500000]);
});

test('PostgreSQL: queryTimeout bounds a statement and is not retried', { skip: DIALECTS[0]!.skip }, async () => {
  const d = DIALECTS[0]!;
  const df = read(d.url, { query: 'SELECT pg_sleep(5) AS x', queryTimeout: '1' });
  await assert.rejects(df.collect(), (e: unknown) => e instanceof SpateError && e.code === 'JDBC_QUERY_FAILED' && /statement timeout/.test(e.message) && !/tries/.test(e.message));
});

test('partition WHERE clauses for date and timestamp columns (JDBCSuite "SPARK-22814 support date/timestamp types in partitionColumn")', () => {
  const pg = jdbcDialect('postgresql');
  const schema = StructType([StructField('D', DateType), StructField('T', TimestampType), StructField('I', IntegerType), StructField('S', StringType)]);
  assert.deepEqual(partitionWhereClauses({ column: 'd', lowerBound: '2018-07-06', upperBound: '2018-07-20', numPartitions: 3 }, schema, pg), [
    `"D" < '2018-07-10' or "D" is null`, `"D" >= '2018-07-10' AND "D" < '2018-07-14'`, `"D" >= '2018-07-14'`]);
  assert.deepEqual(partitionWhereClauses({ column: 't', lowerBound: '2018-07-04 03:30:00.0', upperBound: '2018-07-27 14:11:05.0', numPartitions: 2 }, schema, pg), [
    `"T" < '2018-07-15 20:50:32.5' or "T" is null`, `"T" >= '2018-07-15 20:50:32.5'`]);
  // "support casting patterns for lower/upper bounds of TimestampType"
  for (const [lower, middle, upper] of [
    ['1972-07-04 03:30:00', '1972-07-15 20:50:32.5', '1972-07-27 14:11:05'],
    ['2019-01-20 12:00:00.502', '2019-01-20 12:00:00.751', '2019-01-20 12:00:01.000'],
    ['2019-01-20T00:00:00.123456', '2019-01-20 00:05:00.123456', '2019-01-20T00:10:00.123456'],
  ] as const) {
    assert.deepEqual(partitionWhereClauses({ column: 'T', lowerBound: lower, upperBound: upper, numPartitions: 2 }, schema, pg), [
      `"T" < '${middle}' or "T" is null`, `"T" >= '${middle}'`]);
  }
  // "overflow of partition bound difference does not give negative stride" (within spate's safe-integer longs)
  const wide = partitionWhereClauses({ column: 'I', lowerBound: String(-(2 ** 52)), upperBound: String(2 ** 52), numPartitions: 2 }, schema, pg);
  assert.deepEqual(wide, ['"I" < 0 or "I" is null', '"I" >= 0']);
  assert.deepEqual(partitionWhereClauses({ column: 'I', lowerBound: '0', upperBound: '10', numPartitions: 1 }, schema, pg), [null]);
  assert.deepEqual(partitionWhereClauses({ column: 'I', lowerBound: '1', upperBound: '10', numPartitions: 3 }, schema, jdbcDialect('mariadb')), [
    '`I` < 4 or `I` is null', '`I` >= 4 AND `I` < 7', '`I` >= 7']);
});
