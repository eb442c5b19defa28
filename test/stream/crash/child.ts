/**
 * The process the crash test kills: `node --import tsx child.ts <input> <work>`
 * runs three queries over the csv files in <input>, each with
 * trigger({ availableNow: true }) and its own checkpoint under <work>:
 *   file   — a json file sink into <work>/file-out
 *   batch  — foreachBatch writing each batch's rows to <work>/batch-out/batch-<id>.json
 *   agg    — a complete-mode aggregation by grp, foreachBatch overwriting <work>/agg-out/latest.json
 * It prints `ready` once the queries are started, `sink-start <q> <id>` and
 * `sink-done <q> <id>` around each foreachBatch body, and `done` at the end.
 * CRASH_SLOW_MS=N makes each foreachBatch body sleep N/2 to N ms before writing
 * and again between writing the temp file and renaming it, so a kill can land mid-sink;
 * CRASH_SEED seeds those delays.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SparkSession, functions as F, type DataFrame } from '../../../src/index.js';

const INPUT_SCHEMA = 'id INT, grp STRING, val INT';

const [input, work] = process.argv.slice(2);
if (input === undefined || work === undefined) throw new Error('usage: child.ts <input dir> <work dir>');
const slowMs = Number(process.env.CRASH_SLOW_MS ?? '0');
// At least half of N, so a kill sent when `sink-start` is printed lands inside the body.
// The delays come from CRASH_SEED (set by the test from its own seed), so a run can be replayed.
let seed = Number(process.env.CRASH_SEED ?? '1') >>> 0;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const slow = async (): Promise<void> => { if (slowMs > 0) await sleep(Math.floor(slowMs / 2 + random() * (slowMs / 2))); };

/** Writes `text` to `file` as a whole or not at all (a kill leaves at most a temp file). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const spark = SparkSession.builder.appName('crash-child').getOrCreate();
spark.conf.set('spark.sql.shuffle.partitions', '3');
const source = (): DataFrame => spark.readStream.schema(INPUT_SCHEMA).option('maxFilesPerTrigger', 1).csv(input);
for (const d of ['file-out', 'batch-out', 'agg-out']) mkdirSync(join(work, d), { recursive: true });

const fileQuery = source().writeStream.format('json')
  .option('checkpointLocation', join(work, 'cp-file'))
  .trigger({ availableNow: true })
  .start(join(work, 'file-out'));

const batchQuery = source().writeStream
  .option('checkpointLocation', join(work, 'cp-batch'))
  .trigger({ availableNow: true })
  .foreachBatch(async (df, batchId) => {
    const file = join(work, 'batch-out', `batch-${batchId}.json`);
    // Idempotent by batch id: a replayed batch has the same rows, already written.
    if (existsSync(file)) return;
    process.stdout.write(`sink-start batch ${batchId}\n`);
    const rows = await df.collectArrays();
    await slow();
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(rows));
    await slow();
    renameSync(tmp, file);
    process.stdout.write(`sink-done batch ${batchId}\n`);
  })
  .start();

const aggQuery = source().groupBy('grp')
  .agg(F.count('*').alias('n'), F.sum('val').alias('s'), F.max('id').alias('m'), F.sort_array(F.collect_set('val')).alias('vals'))
  .writeStream.outputMode('complete')
  .option('checkpointLocation', join(work, 'cp-agg'))
  .trigger({ availableNow: true })
  .foreachBatch(async (df, batchId) => {
    process.stdout.write(`sink-start agg ${batchId}\n`);
    const rows = await df.collectArrays();
    await slow();
    writeAtomic(join(work, 'agg-out', 'latest.json'), JSON.stringify({ batchId, rows }));
    process.stdout.write(`sink-done agg ${batchId}\n`);
  })
  .start();

process.stdout.write('ready\n');
await Promise.all([fileQuery.awaitTermination(), batchQuery.awaitTermination(), aggQuery.awaitTermination()]);
process.stdout.write('done\n');
