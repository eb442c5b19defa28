/**
 * CPU profile of spate alone on a streaming workload, the timed runs only
 * (no data generation, no peers), with positions mapped back to the .ts
 * sources so the summary shows real file:line.
 *
 *   node --enable-source-maps --import tsx bench/profile-stream.ts ysb|wordcount [--runs R] [--out file.cpuprofile]
 *   node bench/profile-summary.mjs file.cpuprofile 30
 */
import { writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { Session } from 'node:inspector/promises';
import { makeYsb } from './data/ysb.js';
import { makeLineBatches } from './lib/words.js';
import { spateInput as ysbInput, spateRun as ysbRun } from './workloads/ysb.js';
import { spateInput as wordcountInput, spateRun as wordcountRun } from './workloads/wordcount.js';

const arg = (name: string, dflt: string): string => { const i = process.argv.indexOf(name); return i < 0 ? dflt : process.argv[i + 1] ?? dflt; };
const which = process.argv[2] ?? 'ysb';
const runs = Number(arg('--runs', '3'));
const out = arg('--out', `/tmp/spate-${which}.cpuprofile`);

let run: () => Promise<{ check: string; batchMs: number[] }>;
if (which === 'ysb') {
  const d = makeYsb(5_000_000);
  const input = ysbInput(d, 1_000_000);
  run = () => ysbRun(d, input);
} else if (which === 'wordcount') {
  const input = wordcountInput(makeLineBatches(10, 100_000));
  run = () => wordcountRun(input);
} else throw new Error(`unknown workload '${which}': use ysb or wordcount`);

await run(); // warm-up, not profiled
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const { check, batchMs } = await run();
  process.stdout.write(`${which}: ${(performance.now() - t0).toFixed(0)} ms, ${batchMs.length} batches, ${check}\n`);
}
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// Map generated positions to the TypeScript sources (tsx registers inline source maps).
for (const node of profile.nodes) {
  const cf = node.callFrame;
  if (!cf.url.startsWith('file://') || cf.lineNumber < 0) continue;
  const entry = findSourceMap(cf.url)?.findEntry(cf.lineNumber, cf.columnNumber);
  if (entry && 'originalLine' in entry && entry.originalSource) {
    cf.url = entry.originalSource;
    cf.lineNumber = entry.originalLine;
    cf.columnNumber = entry.originalColumn;
  }
}
writeFileSync(out, JSON.stringify(profile));
process.stdout.write(`profile: ${out}\n`);
