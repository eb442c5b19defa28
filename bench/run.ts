/**
 * The benchmark suite: every workload, every system, one process, the same
 * seeded data; prints a table and writes bench/results/latest.json.
 *
 *   npm run bench                 full inputs
 *   npm run bench -- --quick      small inputs (CI: checks answers, asserts no timing)
 *   npm run bench -- --only ysb   one workload (ysb, wordcount, nexmark, ingest, state)
 *   npm run bench -- --only ysb --systems spate   only systems whose name contains 'spate' (for profiling)
 *
 * Exits non-zero when a system crashes or the systems of a workload disagree on the answer.
 */
import { cpus, availableParallelism, totalmem } from 'node:os';
import { Harness, type Workload, type WorkloadInfo } from './lib/harness.js';
import { formatReport, applyRatios, disagreements } from './lib/report.js';
import { writeJson } from './lib/timing.js';
import { closeDuck } from './peers/duck.js';
import { dropTables } from './lib/spate-env.js';
import { ingest } from './workloads/ingest.js';
import { nexmark } from './workloads/nexmark.js';
import { state } from './workloads/state.js';
import { wordcount } from './workloads/wordcount.js';
import { ysb } from './workloads/ysb.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1]!.split(',') : undefined;
const systemsAt = argv.indexOf('--systems');
const systems = systemsAt >= 0 ? argv[systemsAt + 1]!.split(',') : undefined;

const WORKLOADS: readonly Workload[] = [ysb, wordcount, nexmark, ingest, state];

const started = Date.now();
const h = new Harness(quick ? 1 : 3, systems, dropTables);
const infos: WorkloadInfo[] = [];
for (const w of WORKLOADS) {
  if (only && !only.includes(w.name)) continue;
  infos.push(...await w.run(h, quick));
}
closeDuck();
await h.close();

applyRatios(h.results, infos);
const machine = {
  node: process.version, cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30), platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(), quick, seconds: Math.round((Date.now() - started) / 1000),
};
process.stdout.write(formatReport(h.results, infos, machine));
writeJson(new URL(quick ? './results/latest-quick.json' : './results/latest.json', import.meta.url).pathname, { machine, workloads: infos, results: h.results });

const bad = disagreements(h.results);
if (bad.length > 0) {
  process.stderr.write(`\nFAILED: ${bad.join('; ')}\n`);
  process.exit(1);
}
process.exit(0);
