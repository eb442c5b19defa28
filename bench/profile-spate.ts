/**
 * Focused profiling loop: runs only spate's side of the batch workloads, so a
 * CPU profile shows the engine and nothing else.
 *
 *   npx tsx bench/profile-spate.ts [--rows N] [--runs R] [--only substring] [--prof out.cpuprofile]
 *
 * With --prof, only the timed runs are profiled (data generation and loading are not).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SparkSession } from '../src/index.js';
import { makeDim, makeFact } from './lib/data.js';
import { dimToArrow, factToArrow } from './lib/load.js';
import { WORKLOADS } from './lib/workloads.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1] ?? dflt;
}

const rows = Number(arg('--rows', '2000000'));
const runs = Number(arg('--runs', '5'));
const only = arg('--only', '');
const profOut = arg('--prof', '');
const fact = makeFact(rows);
const dim = makeDim();
const spark = SparkSession.builder.appName('bench-profile').getOrCreate();
const spateFact = spark.createDataFrame(factToArrow(fact));
const spateDim = spark.createDataFrame(dimToArrow(dim));

const inspector = new Session();
inspector.connect();
await inspector.post('Profiler.enable');
if (profOut !== '') await inspector.post('Profiler.start');

for (const w of WORKLOADS) {
  if (only !== '' && !w.name.includes(only)) continue;
  const query = w.spate(spateFact, spateDim);
  let best = Infinity;
  let check = '';
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    check = w.spateCheck(await query.collect());
    best = Math.min(best, performance.now() - t0);
  }
  process.stdout.write(`${w.name.padEnd(34)} ${best.toFixed(1).padStart(8)} ms  ${(rows / best / 1000).toFixed(1).padStart(7)}M rows/s  ${check}\n`);
}

if (profOut !== '') {
  const { profile } = await inspector.post('Profiler.stop');
  writeFileSync(profOut, JSON.stringify(profile));
}
inspector.disconnect();
