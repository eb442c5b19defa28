/**
 * DuckDB as a peer: one in-memory database per benchmark run, tables loaded
 * through the data-chunk appender (untimed), each query run with threads=1
 * and with DuckDB's default thread count.
 */
import { availableParallelism } from 'node:os';
import { DuckDBDataChunk, DuckDBInstance, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

export interface DuckColumn {
  readonly name: string;
  readonly sqlType: string;
  readonly type: DuckDBType;
  /** Values of rows [lo, hi) as DuckDB values (BigInt for BIGINT). */
  readonly slice: (lo: number, hi: number) => DuckDBValue[];
}

const CHUNK = 2048; // DuckDB's vector size: the most rows one data chunk holds

let shared: { instance: DuckDBInstance; con: DuckDBConnection } | undefined;

export async function duck(): Promise<DuckDBConnection> {
  if (!shared) {
    const instance = await DuckDBInstance.create(':memory:');
    shared = { instance, con: await instance.connect() };
  }
  return shared.con;
}

export function closeDuck(): void {
  shared?.con.closeSync();
  shared?.instance.closeSync();
  shared = undefined;
}

/** The two DuckDB configurations every workload runs: one thread, and all cores (DuckDB's default). */
export const DUCK_THREADS: readonly { label: string; threads: number }[] = [
  { label: 'duckdb (1 thread)', threads: 1 },
  { label: `duckdb (${availableParallelism()} threads)`, threads: availableParallelism() },
];

export async function setThreads(con: DuckDBConnection, threads: number): Promise<void> {
  await con.run(`SET threads = ${threads}`);
}

/** Creates (or replaces) `table` with `n` rows of the given columns. */
export async function loadTable(con: DuckDBConnection, table: string, n: number, cols: readonly DuckColumn[]): Promise<void> {
  await con.run(`CREATE OR REPLACE TABLE ${table} (${cols.map((c) => `${c.name} ${c.sqlType}`).join(', ')})`);
  const appender = await con.createAppender(table);
  const types = cols.map((c) => c.type);
  for (let lo = 0; lo < n; lo += CHUNK) {
    const hi = Math.min(n, lo + CHUNK);
    const chunk = DuckDBDataChunk.create(types, hi - lo);
    for (let c = 0; c < cols.length; c++) chunk.setColumnValues(c, cols[c]!.slice(lo, hi));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** Runs a query and returns its rows as JS values (BigInt turned into numbers). */
export async function rows(con: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const r = await con.runAndReadAll(sql);
  return r.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}
