import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const r = await con.runAndReadAll('SELECT i + 1, i * l, i / 2, i % 3, l - i, d * 2.5, -i, i / (i - i), i % 0, l / i FROM (select 0::int as i, null::bigint as l, null::double as d)');
console.log(r.getRowsJS()[0]!.map((v) => [typeof v, v, Object.is(v, -0)]));
