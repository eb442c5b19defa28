/**
 * querySync: one statement run synchronously against the real PostgreSQL
 * and MariaDB (the schema query of spark.read.format('jdbc').load()).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { querySync } from '../../src/clients/sync-query.js';
import { parseJdbcUrl } from '../../src/clients/jdbc-url.js';
import { SpateError } from '../../src/core/errors.js';
import { needService } from '../support/services.js';

const skipPg = await needService('postgresql');
const skipMaria = await needService('mariadb');
const FAST = { retries: 2, backoffMs: 20, maxBackoffMs: 50 };

const DIALECTS = [
  { name: 'PostgreSQL', skip: skipPg, url: 'postgres://postgres@127.0.0.1:5432/test', param: '$1', deadPort: 'postgres://postgres:hunter2pw@127.0.0.1:1/test' },
  { name: 'MariaDB', skip: skipMaria, url: 'jdbc:mariadb://127.0.0.1:3306/test?user=root', param: '?', deadPort: 'mariadb://root:hunter2pw@127.0.0.1:1/test' },
] as const;

for (const d of DIALECTS) {
  test(`${d.name}: querySync returns columns and rows, with parameters, blocking the caller`, { skip: d.skip }, () => {
    const r = querySync(d.url, `SELECT 41 + 1 AS answer, ${d.param} AS word`, { params: ['hello'] });
    assert.deepEqual(r.fields.map((f) => f.name), ['answer', 'word']);
    assert.equal(r.rows.length, 1);
    assert.equal(Number(r.rows[0]![0]), 42);
    assert.equal(r.rows[0]![1], 'hello');
  });

  test(`${d.name}: an SQL error fails at once with the server's message and host:port`, { skip: d.skip }, () => {
    assert.throws(() => querySync(d.url, 'SELECT * FROM spate_no_such_table_xyz', { what: 'reading the schema' }), (e: unknown) => {
      assert.ok(e instanceof SpateError);
      assert.equal(e.code, 'JDBC_QUERY_FAILED');
      assert.match(e.message, /127\.0\.0\.1:(5432|3306): reading the schema failed: .*spate_no_such_table_xyz/);
      return true;
    });
  });

  test(`${d.name}: an unreachable port is tried again with bounded backoff, then names host:port; no password in the message`, { skip: d.skip }, () => {
    assert.throws(() => querySync(d.deadPort, 'SELECT 1', { policy: FAST, options: { url: d.deadPort } }), (e: unknown) => {
      assert.ok(e instanceof SpateError);
      assert.equal(e.code, 'SERVICE_UNAVAILABLE');
      assert.match(e.message, /127\.0\.0\.1:1: running a query failed after 3 tries/);
      assert.doesNotMatch(e.message, /hunter2pw/);
      return true;
    });
  });
}

test('parseJdbcUrl: every accepted form, credentials from the URL or the options', () => {
  const cases: [string, string, number, string, string | undefined, string | undefined][] = [
    ['postgres://u:p@db.example:6543/shop', 'postgresql', 6543, 'shop', 'u', 'p'],
    ['postgresql://db.example/shop', 'postgresql', 5432, 'shop', undefined, undefined],
    ['jdbc:postgresql://db.example:5432/shop?user=u&password=p%40ss', 'postgresql', 5432, 'shop', 'u', 'p@ss'],
    ['jdbc:PostgreSQL://db.example/shop', 'postgresql', 5432, 'shop', undefined, undefined],
    ['mysql://root@db.example/shop', 'mariadb', 3306, 'shop', 'root', undefined],
    ['mariadb://u:p@db.example:3307/shop', 'mariadb', 3307, 'shop', 'u', 'p'],
    ['jdbc:mysql://db.example:3306/shop?user=u', 'mariadb', 3306, 'shop', 'u', undefined],
    ['jdbc:mariadb://db.example/shop?user=u&password=p', 'mariadb', 3306, 'shop', 'u', 'p'],
  ];
  for (const [url, dialect, port, db, user, password] of cases) {
    const t = parseJdbcUrl(url);
    assert.deepEqual([t.dialect, t.host, t.port, t.database, t.user, t.password], [dialect, 'db.example', port, db, user, password], url);
    assert.doesNotMatch(t.display, /p@ss|:p@/);
  }
  const o = parseJdbcUrl('postgres://u:p@h/db', 'other', 'secret');
  assert.deepEqual([o.user, o.password], ['other', 'secret']);
  assert.throws(() => parseJdbcUrl('oracle://u:topsecret@h/db'), (e: unknown) => e instanceof SpateError && /unsupported scheme 'oracle'/.test(e.message) && !/topsecret/.test(e.message));
  assert.throws(() => parseJdbcUrl('not a url'), /Option 'url' is not a PostgreSQL or MariaDB URL/);
});
