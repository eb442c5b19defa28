/**
 * The process the connector crash test kills:
 *   node --import tsx child.ts <run> <work dir> <maxPerTrigger> <pairs>
 * runs one query per (source, sink) pair named in <pairs> (`kafka>jdbc-postgres,files>files`),
 * each with trigger({ availableNow: true }) and its own checkpoint <work>/<source>__<sink>.
 * Prints `ready` once every query is started and `done` when all have finished.
 */
import { join } from 'node:path';
import { SparkSession } from '../../../src/index.js';
import { CRASH_SINKS, CRASH_SOURCES } from './fixtures.js';

const [run, work, maxArg, pairsArg] = process.argv.slice(2);
if (run === undefined || work === undefined || maxArg === undefined || pairsArg === undefined) {
  throw new Error('usage: child.ts <run> <work dir> <maxPerTrigger> <source>sink,...>');
}
const spark = SparkSession.builder.appName('connector-crash-child').getOrCreate();
spark.conf.set('spark.sql.shuffle.partitions', '2');
const queries = pairsArg.split(',').map((pair) => {
  const [s, k] = pair.split('>');
  const source = CRASH_SOURCES.find((x) => x.name === s);
  const sink = CRASH_SINKS.find((x) => x.name === k);
  if (!source || !sink) throw new Error(`unknown pair ${pair}`);
  const key = `${source.name}__${sink.name}`;
  const ids = source.readStream(spark, run, sink.name, Number(maxArg)).select('id');
  const w = (sink.shape ? sink.shape(ids) : ids).writeStream
    .queryName(key.replace(/[^A-Za-z0-9_]/g, '_'))
    .option('checkpointLocation', join(work, key))
    .trigger({ availableNow: true });
  return sink.start(w, run, source.name);
});
// The parent asks with SIGUSR2 before killing a run that timed out: which queries are still running, and where.
process.on('SIGUSR2', () => {
  for (const q of queries) {
    if (!q.isActive) continue;
    const p = q.lastProgress;
    process.stderr.write(`still running: ${q.name} (${q.status.message}); last batch ${p?.batchId ?? 'none'}` +
      `${p ? `, ${p.numInputRows} rows, source ${JSON.stringify(p.sources[0]?.startOffset ?? null)} -> ${JSON.stringify(p.sources[0]?.endOffset ?? null)}` : ''}\n`);
  }
});
process.stdout.write('ready\n');
await Promise.all(queries.map((q) => q.awaitTermination()));
process.stdout.write('done\n');
process.exit(0);
