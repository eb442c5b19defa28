/**
 * spate's YSB run repeated many times, for comparing engine changes: the
 * full suite keeps the best of three runs, which on a shared VM moves by
 * 10-30% from one run to the next; the median of a dozen is steadier. Each
 * timed run follows a forced collection and a warm-up, as in the suite.
 *
 *   node --expose-gc --import tsx bench/ysb-repeat.ts [--runs 12] [--batch 1000000] [--events 5000000]
 */
import { makeYsb } from './data/ysb.js';
import { spateInput, spateRun } from './workloads/ysb.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg('--runs', 12);
const size = arg('--batch', 1_000_000);
const events = arg('--events', 5_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

const d = makeYsb(events);
const input = spateInput(d, size);
const warm = spateInput(d, size, Math.min(events, 200_000));
const totals: number[] = [];
const latencies: number[] = [];
for (let r = 0; r < runs; r++) {
  gc?.();
  await new Promise((res) => setTimeout(res, 50));
  await spateRun(d, warm);
  const t0 = performance.now();
  const { batchMs } = await spateRun(d, input);
  totals.push(performance.now() - t0);
  latencies.push(...batchMs);
}
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const rate = (ms: number): string => `${(events / ms / 1000).toFixed(1)}M ev/s`;
process.stdout.write(`ysb, ${events.toLocaleString()} events in ${size.toLocaleString()}-event batches, ${runs} runs${gc ? '' : ' (no --expose-gc: runs not preceded by a collection)'}\n`);
process.stdout.write(`median ${median(totals).toFixed(1)} ms (${rate(median(totals))}), best ${Math.min(...totals).toFixed(1)} ms (${rate(Math.min(...totals))}), batch latency p50 ${median(latencies).toFixed(1)} ms\n`);
