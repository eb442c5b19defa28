/**
 * Ingest: the file source reading JSON lines and CSV (schema given, all
 * seven fields parsed, three kept), next to JSON.parse per line, csv-parse,
 * and DuckDB's read_json / read_csv. Everyone reads the same files from a
 * temp dir; file reading is inside the timing.
 */
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { functions as F, type DataFrame } from '../../src/index.js';
import type { Harness, Outcome, Workload, WorkloadInfo } from '../lib/harness.js';
import { recordDigest, RECORD_DDL, writeRecords, type RecordFiles } from '../data/records.js';
import { ClockedQuery } from '../lib/clocked-query.js';
import { spark, tableName, tempDir } from '../lib/spate-env.js';
import { DUCK_THREADS, duck, rows, setThreads } from '../peers/duck.js';

/** The file source in micro-batches of `filesPerBatch` files, projecting three columns into a memory sink. */
async function spateIngest(format: 'json' | 'csv', dir: string, filesPerBatch: number): Promise<Outcome> {
  let reader = spark.readStream.format(format).schema(RECORD_DDL).option('maxFilesPerTrigger', filesPerBatch);
  if (format === 'csv') reader = reader.option('header', true);
  const df: DataFrame = reader.load(dir).select('id', 'user', 'price');
  const name = tableName('bench_ingest');
  const q = new ClockedQuery(spark, df, { mode: 'append', format: 'memory', name, checkpoint: tempDir('ingest') });
  try {
    for (;;) {
      const t = await q.trigger();
      if (t.event.kind === 'idle') break;
    }
  } finally {
    await q.stop();
  }
  return {
    // The query may run its first batch at start(), before a trigger is timed here, so latencies are the engine's own.
    batchMs: q.progress.map((p) => p.batchDuration),
    check: async () => {
      const [r] = await spark.table(name).agg(F.count(F.lit(1)), F.sum('id'), F.sum(F.length(F.col('user'))), F.sum(F.round(F.col('price').multiply(100)))).collectArrays();
      return recordDigest(Number(r![0]), Number(r![1]), Number(r![2]), Number(r![3]));
    },
  };
}

/** Columns the hand-written readers fill. */
class Projected {
  id: number[] = [];
  user: string[] = [];
  price: number[] = [];
  digest(): string {
    let ids = 0; let chars = 0; let prices = 0;
    for (let i = 0; i < this.id.length; i++) { ids += this.id[i]!; chars += this.user[i]!.length; prices += Math.round(this.price[i]! * 100); }
    return recordDigest(this.id.length, ids, chars, prices);
  }
}

function jsonParse(files: readonly string[]): Outcome {
  const p = new Projected();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
      if (end === start) continue;
      const r = JSON.parse(text.slice(start, end)) as { id: number; user: string; price: number; ts: string };
      p.id.push(r.id); p.user.push(r.user); p.price.push(r.price);
    }
  }
  return { check: () => p.digest() };
}

function csvParse(files: readonly string[]): Outcome {
  const p = new Projected();
  for (const f of files) {
    const records = parseCsv(readFileSync(f, 'utf8'), { from_line: 2 }) as string[][];
    for (const r of records) { p.id.push(Number(r[0])); p.user.push(r[1]!); p.price.push(Number(r[3])); }
  }
  return { check: () => p.digest() };
}

const DUCK_COLUMNS = "{'id': 'BIGINT', 'user': 'VARCHAR', 'item': 'INTEGER', 'price': 'DOUBLE', 'qty': 'INTEGER', 'ts': 'TIMESTAMP', 'country': 'VARCHAR'}";

export const ingest: Workload = {
  name: 'ingest',
  async run(h: Harness, quick: boolean): Promise<WorkloadInfo[]> {
    const files = quick ? 4 : 10;
    const perFile = quick ? 25_000 : 100_000;
    const n = files * perFile;
    process.stderr.write(`ingest: writing ${files} files of ${perFile.toLocaleString()} records ...\n`);
    const rf: RecordFiles = writeRecords(tempDir('records'), files, perFile);
    const warm = writeRecords(tempDir('records-warm'), 1, 10_000, 99);
    const con = await duck();
    const infos: WorkloadInfo[] = [];
    for (const format of ['json', 'csv'] as const) {
      const name = `ingest ${format}`;
      const dir = format === 'json' ? rf.jsonDir : rf.csvDir;
      const list = format === 'json' ? rf.jsonFiles : rf.csvFiles;
      const bytes = format === 'json' ? rf.jsonBytes : rf.csvBytes;
      const mbps = (r: { ms: number }) => bytes / 1e6 / (r.ms / 1000);
      const add = async (spec: Parameters<Harness['measure']>[2]) => {
        const r = await h.measure(name, n, spec);
        if (r) (r as { extra?: Record<string, number> }).extra = { 'MB/s': mbps(r) };
      };
      const warmDir = format === 'json' ? warm.jsonDir : warm.csvDir;
      const warmList = format === 'json' ? warm.jsonFiles : warm.csvFiles;
      await add({ system: 'spate', mode: 'micro-batches', warmup: () => spateIngest(format, warmDir, 1), run: () => spateIngest(format, dir, 1) });
      if (format === 'json') await add({ system: 'JSON.parse per line', mode: 'one pass', warmup: () => jsonParse(warmList), run: () => jsonParse(list) });
      else await add({ system: 'csv-parse', mode: 'one pass', warmup: () => csvParse(warmList), run: () => csvParse(list) });
      const fn = format === 'json' ? `read_json('${dir}/*.json', format = 'newline_delimited', columns = ${DUCK_COLUMNS})` : `read_csv('${dir}/*.csv', header = true, columns = ${DUCK_COLUMNS})`;
      const warmFn = fn.replace(dir, warmDir);
      for (const t of DUCK_THREADS) {
        await setThreads(con, t.threads);
        await add({
          system: t.label, mode: 'batch over all data',
          warmup: () => con.run(`CREATE OR REPLACE TEMP TABLE ingest_out AS SELECT id, "user", price FROM ${warmFn}`),
          run: async () => {
            await con.run(`CREATE OR REPLACE TEMP TABLE ingest_out AS SELECT id, "user", price FROM ${fn}`);
            return { check: async () => { const [r] = await rows(con, 'SELECT count(*), sum(id), sum(length("user")), sum(round(price * 100)) FROM ingest_out'); return recordDigest(r![0] as number, Number(r![1]), Number(r![2]), r![3] as number); } };
          },
        });
      }
      infos.push({
        workload: name, reference: 'spate', events: n,
        note: `events: records (${files} files × ${perFile.toLocaleString()}, ${(bytes / 1e6).toFixed(0)} MB, 7 fields; id, user, price kept). spate: readStream.format('${format}').schema(...) with maxFilesPerTrigger 1 → select → memory sink, checkpointing on.`,
      });
    }
    return infos;
  },
};
