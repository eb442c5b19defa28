import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const q = async (s: string) => { try { const r = await con.runAndReadAll(s); console.log(s, '=>', JSON.stringify(r.getRowsJS())); } catch (e) { console.log(s, 'ERR', (e as Error).message); } };
await q("select substring('a', -2, 2), substring('ab', -3, 2), substring('abc', -2, 2), substring('', -2, 2), substring('abc', 5, 2)");
await q("select try_cast('0b1' as int), try_cast('1 ' as int), try_cast('1 1' as int), try_cast(' 1' as double), try_cast('01' as double)");
await q("select lpad('', 4, 'xy'), lpad(' a', 4, 'xy')");
