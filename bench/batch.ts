/**
 * Batch benchmark: spate next to a hand-written JS loop, DuckDB (one thread)
 * and Arquero on the same in-memory data, three workloads.
 *
 *   npx tsx bench/batch.ts [--rows N] [--quick]
 *
 * Data is generated once (seeded) and loaded into every system untimed; each
 * query is run once to warm up, then the best of 3 is kept. Results go to
 * stdout and bench/results/batch-latest.json.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { SparkSession } from '../src/index.js';
import { makeDim, makeFact } from './lib/data.js';
import { dimToArrow, factToArrow, loadDuck, toArquero } from './lib/load.js';
import { bestOf, formatTable, peakRssMiB, writeJson, type Measurement } from './lib/timing.js';
import { WORKLOADS } from './lib/workloads.js';

function parseRows(argv: readonly string[]): number {
  if (argv.includes('--quick')) return 200_000;
  const i = argv.indexOf('--rows');
  if (i < 0) return 10_000_000;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--rows needs a positive integer, got '${argv[i + 1]}'.`);
  return n;
}

const rows = parseRows(process.argv.slice(2));
const log = (msg: string) => process.stderr.write(`${msg}\n`);

log(`generating ${rows.toLocaleString()} rows ...`);
const fact = makeFact(rows);
const dim = makeDim();

log('loading spate (Arrow) ...');
const spark = SparkSession.builder.appName('bench-batch').getOrCreate();
const spateFact = spark.createDataFrame(factToArrow(fact));
const spateDim = spark.createDataFrame(dimToArrow(dim));

log('loading DuckDB ...');
const duck = await DuckDBInstance.create(':memory:');
const con = await duck.connect();
await con.run('SET threads = 1');
await loadDuck(con, fact, dim);

log('loading Arquero ...');
const aqTables = toArquero(fact, dim);

const results: Measurement[] = [];
async function measure(workload: string, system: string, run: () => Promise<string> | string): Promise<void> {
  log(`  ${workload} / ${system}`);
  try {
    const { ms, result } = await bestOf(run);
    results.push({ workload, system, rows, bestMs: ms, rowsPerSec: rows / (ms / 1000), check: result, peakRssMiB: peakRssMiB() });
  } catch (e) {
    log(`    failed: ${(e as Error).message.split('\n')[0]}`);
    results.push({ workload, system, rows, bestMs: NaN, rowsPerSec: NaN, check: `error: ${(e as Error).message.split('\n')[0]}`, peakRssMiB: peakRssMiB() });
  }
}

for (const w of WORKLOADS) {
  await measure(w.name, 'js loop', () => w.js(fact, dim));
  const query = w.spate(spateFact, spateDim); // planning is not timed; collect() is
  await measure(w.name, 'spate', async () => w.spateCheck(await query.collect()));
  await measure(w.name, 'duckdb (1 thread)', async () => w.duckCheck((await con.runAndReadAll(w.sql)).getRowsJS()));
  await measure(w.name, 'arquero', () => w.arqueroCheck(w.arquero(aqTables.fact, aqTables.dim)));
}

con.closeSync();
duck.closeSync();

const table = formatTable(results);
process.stdout.write(`rows: ${rows.toLocaleString()}, node ${process.version}, peak RSS ${peakRssMiB()} MiB\n${table}\n`);
const mismatched = WORKLOADS.filter((w) => new Set(results.filter((r) => r.workload === w.name).map((r) => r.check)).size > 1);
if (mismatched.length > 0) process.stdout.write(`WARNING: systems disagree on: ${mismatched.map((w) => w.name).join(', ')}\n`);
writeJson(new URL('./results/batch-latest.json', import.meta.url).pathname, {
  date: new Date().toISOString(), node: process.version, rows, peakRssMiB: peakRssMiB(), results,
});
