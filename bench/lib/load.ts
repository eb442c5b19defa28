/**
 * Loads the benchmark arrays into each system before timing: an Arrow table
 * for spate (`spark.createDataFrame(table)`), DuckDB tables through the
 * data-chunk appender, and Arquero column tables.
 */
import * as arrow from 'apache-arrow';
import * as aq from 'arquero';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { DimData, FactData } from './data.js';

/** Rows per Arrow record batch (spate runs one batch per record batch). */
export const BATCH_ROWS = 1 << 17;

/** The fact table as Arrow record batches of BATCH_ROWS rows (id Int64, k Int32, s Utf8, v Float64, flag Bool). */
export function factToArrow(f: FactData): arrow.Table {
  const batches: arrow.RecordBatch[] = [];
  for (let lo = 0; lo < f.n; lo += BATCH_ROWS) {
    const hi = Math.min(f.n, lo + BATCH_ROWS);
    const ids = BigInt64Array.from(f.id.subarray(lo, hi), (x) => BigInt(x));
    const flags = Array.from(f.flag.subarray(lo, hi), (x) => x === 1);
    batches.push(new arrow.RecordBatch({
      id: arrow.makeData({ type: new arrow.Int64(), length: hi - lo, data: ids }),
      k: arrow.makeData({ type: new arrow.Int32(), length: hi - lo, data: f.k.subarray(lo, hi) }),
      s: arrow.vectorFromArray(f.s.slice(lo, hi), new arrow.Utf8()).data[0]!,
      v: arrow.makeData({ type: new arrow.Float64(), length: hi - lo, data: f.v.subarray(lo, hi) }),
      flag: arrow.vectorFromArray(flags, new arrow.Bool()).data[0]!,
    }));
  }
  return new arrow.Table(batches);
}

/** The dimension table as one Arrow record batch. */
export function dimToArrow(d: DimData): arrow.Table {
  return new arrow.Table({
    k: arrow.makeVector(d.k),
    name: arrow.vectorFromArray(d.name, new arrow.Utf8()),
    w: arrow.makeVector(d.w),
  });
}

const CHUNK = 2048; // DuckDB's vector size: the most rows one data chunk holds

async function appendColumns(con: DuckDBConnection, table: string, types: readonly DuckDBType[], n: number, column: (c: number, lo: number, hi: number) => DuckDBValue[]): Promise<void> {
  const appender = await con.createAppender(table);
  for (let lo = 0; lo < n; lo += CHUNK) {
    const hi = Math.min(n, lo + CHUNK);
    const chunk = DuckDBDataChunk.create(types, hi - lo);
    for (let c = 0; c < types.length; c++) chunk.setColumnValues(c, column(c, lo, hi));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** Creates DuckDB tables `fact` and `dim` holding the same data. */
export async function loadDuck(con: DuckDBConnection, f: FactData, d: DimData): Promise<void> {
  await con.run('CREATE OR REPLACE TABLE fact (id BIGINT, k INTEGER, s VARCHAR, v DOUBLE, flag BOOLEAN)');
  await appendColumns(con, 'fact', [BIGINT, INTEGER, VARCHAR, DOUBLE, BOOLEAN], f.n, (c, lo, hi) => {
    switch (c) {
      case 0: return Array.from(f.id.subarray(lo, hi), (x) => BigInt(x));
      case 1: return Array.from(f.k.subarray(lo, hi));
      case 2: return f.s.slice(lo, hi);
      case 3: return Array.from(f.v.subarray(lo, hi));
      default: return Array.from(f.flag.subarray(lo, hi), (x) => x === 1);
    }
  });
  await con.run('CREATE OR REPLACE TABLE dim (k INTEGER, name VARCHAR, w DOUBLE)');
  await appendColumns(con, 'dim', [INTEGER, VARCHAR, DOUBLE], d.n, (c, lo, hi) =>
    c === 0 ? Array.from(d.k.subarray(lo, hi)) : c === 1 ? d.name.slice(lo, hi) : Array.from(d.w.subarray(lo, hi)));
}

/** The fact and dimension tables as Arquero tables (columns shared, not copied). */
export function toArquero(f: FactData, d: DimData): { fact: aq.ColumnTable; dim: aq.ColumnTable } {
  return {
    fact: aq.table({ id: f.id, k: f.k, s: f.s, v: f.v, flag: f.flag }),
    dim: aq.table({ k: d.k, name: d.name, w: d.w }),
  };
}
