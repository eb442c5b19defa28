/**
 * Word count, the seed query: explode(split(line, ' ')) → groupBy(word).count()
 * in complete mode over micro-batches of 100k lines. The hand loop and RxJS
 * keep a running count and emit the whole table after every batch, as
 * complete mode does; Arquero, DuckDB and Polars count all lines at once.
 */
import * as aq from 'arquero';
import { VARCHAR } from '@duckdb/node-api';
import { functions as F, type DataFrame } from '../../src/index.js';
import type { RecordBatch } from '../../src/core/batch.js';
import type { Harness, Workload, WorkloadInfo } from '../lib/harness.js';
import { digest, JsWordCount, makeLineBatches, RxWordCount, WORDS_PER_LINE } from '../lib/words.js';
import { schema, sizeLabel, sliceBatch } from '../lib/spate-env.js';
import { runStream, tableRows } from '../lib/spate-stream.js';
import { DUCK_THREADS, duck, loadTable, rows, setThreads } from '../peers/duck.js';
import { polars } from '../peers/polars.js';

const NAME = 'wordcount';
const LINES = schema('value STRING');

const wordCount = (lines: DataFrame): DataFrame =>
  lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word')).groupBy('word').count();

/** The line batches spate is fed, built before timing. */
export function spateInput(input: readonly string[][]): RecordBatch[] {
  return input.map((b) => sliceBatch(LINES, [b], 0, b.length));
}

export async function spateRun(input: readonly RecordBatch[]): Promise<{ check: string; batchMs: number[] }> {
  const r = await runStream(LINES, input, wordCount, { mode: 'complete', format: 'memory' });
  const out = await tableRows(r.table!);
  return { check: digest(out.map((row) => [row[0] as string, Number(row[1])] as const)), batchMs: r.batchMs };
}

function perBatch(make: () => { addBatch(l: readonly string[]): void; lastOutput: [string, number][]; close?(): void }, input: readonly string[][]): { check: string; batchMs: number[] } {
  const wc = make();
  const batchMs: number[] = [];
  for (const b of input) {
    const t0 = performance.now();
    wc.addBatch(b);
    batchMs.push(performance.now() - t0);
  }
  wc.close?.();
  return { check: digest(wc.lastOutput), batchMs };
}

export const wordcount: Workload = {
  name: NAME,
  async run(h: Harness, quick: boolean): Promise<WorkloadInfo[]> {
    const size = quick ? 20_000 : 100_000;
    const count = quick ? 3 : 10;
    process.stderr.write(`wordcount: generating ${count} batches of ${size.toLocaleString()} lines ...\n`);
    const input = makeLineBatches(count, size);
    const warm = input.slice(0, 1).map((b) => b.slice(0, Math.min(b.length, 20_000)));
    const n = count * size;
    const all = input.flat();

    const spateIn = spateInput(input);
    const spateWarm = spateInput(warm);
    await h.measure(NAME, n, { system: 'spate', mode: 'micro-batches', warmup: () => spateRun(spateWarm), run: () => spateRun(spateIn) });
    await h.measure(NAME, n, { system: 'hand loop', mode: 'per batch, like spate', warmup: () => perBatch(() => new JsWordCount(), warm), run: () => perBatch(() => new JsWordCount(), input) });
    await h.measure(NAME, n, { system: 'rxjs', mode: 'per batch, like spate', warmup: () => perBatch(() => new RxWordCount(), warm), run: () => perBatch(() => new RxWordCount(), input) });

    const lines = aq.table({ value: all });
    const arq = (t: aq.ColumnTable): string => {
      const r = t.derive({ word: (d: { value: string }) => aq.op.split(d.value, ' ') }).unroll('word').groupby('word').count();
      const w = r.array('word') as ArrayLike<string>;
      const c = r.array('count') as ArrayLike<number>;
      return digest(Array.from({ length: r.numRows() }, (_, i) => [w[i]!, c[i]!] as const));
    };
    await h.measure(NAME, n, { system: 'arquero', mode: 'batch over all data', warmup: () => arq(aq.table({ value: warm[0]! })), run: () => ({ check: arq(lines) }) });

    const con = await duck();
    await loadTable(con, 'wc_lines', all.length, [{ name: 'value', sqlType: 'VARCHAR', type: VARCHAR, slice: (lo, hi) => all.slice(lo, hi) }]);
    const sql = "SELECT word, count(*) FROM (SELECT unnest(string_split(value, ' ')) AS word FROM wc_lines) GROUP BY word";
    const duckRun = async (): Promise<string> => digest((await rows(con, sql)).map((r) => [r[0] as string, r[1] as number] as const));
    for (const t of DUCK_THREADS) {
      await setThreads(con, t.threads);
      await h.measure(NAME, n, { system: t.label, mode: 'batch over all data', warmup: duckRun, run: async () => ({ check: await duckRun() }) });
    }
    await con.run('DROP TABLE wc_lines');

    const { pl, why } = await polars();
    if (!pl) h.skip(NAME, 'polars', 'batch over all data', why!);
    else {
      const df = pl.DataFrame({ value: all });
      const plRun = (d: typeof df): string => {
        const r = d.select(pl.col('value').str.split(' ').alias('word')).explode('word').groupBy('word').agg(pl.len().alias('n'));
        const w = r.getColumn('word').toArray() as string[];
        const c = r.getColumn('n').toArray() as number[];
        return digest(w.map((x, i) => [x, Number(c[i])] as const));
      };
      await h.measure(NAME, n, { system: 'polars', mode: 'batch over all data', warmup: () => plRun(df.head(20_000)), run: () => ({ check: plRun(df) }) });
    }
    return [{
      workload: NAME, reference: 'spate', events: n,
      note: `events: text lines (${WORDS_PER_LINE} words each, 2,000-word vocabulary, skewed). spate: MemoryStream → explode(split) → groupBy(word).count(), complete mode, memory sink, checkpointing on, ${count} micro-batches of ${sizeLabel(size)} lines; the whole table is output after every batch (as by the hand loop and RxJS).`,
    }];
  },
};
