/**
 * Tumbling-window count with a watermark, append mode (issue 5's benchmark):
 * 10M timestamped events (seeded; event time mostly increasing with up to 5 s
 * of disorder, 1,000 events per second of event time), counted per 10 s
 * window and per key (100 keys), watermark 10 s. spate runs it as a
 * streaming query over a MemoryStream in micro-batches of 1M events with
 * checkpointing on; the hand-written loop does the same over the same
 * arrays, batch by batch: drop late rows, count in a Map per (window, key),
 * emit and forget the windows the watermark passed.
 *
 *   npx tsx bench/window-count.ts [--quick] [--events N] [--batch N]
 */
import { functions as F, type DataFrame } from '../src/index.js';
import { batches, schema } from './lib/spate-env.js';
import { runStream, tableRows } from './lib/spate-stream.js';
import { peakRssMiB, writeJson } from './lib/timing.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const quick = process.argv.includes('--quick');
const N = arg('--events', quick ? 1_000_000 : 10_000_000);
const BATCH = arg('--batch', quick ? 100_000 : 1_000_000);
const KEYS = 100;
const WINDOW_US = 10_000_000;
const DELAY_US = 10_000_000;
const T0_US = Date.UTC(2024, 0, 1) * 1000;

/** Seeded xorshift32. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

function generate(n: number): { time: Float64Array; key: Int32Array } {
  const r = rng(42);
  const time = new Float64Array(n);
  const key = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // 1,000 events per event-time second, each up to 5 s late relative to its position.
    time[i] = T0_US + i * 1000 - Math.floor(r() * 5_000_000);
    key[i] = Math.floor(r() * KEYS);
  }
  return { time, key };
}

/** The hand loop: the same micro-batches, watermark and late-row rule as the engine (late = window end <= previous batch's watermark). */
function handLoop(time: Float64Array, key: Int32Array, n: number, batch: number): Map<string, number> {
  const counts = new Map<number, number>(); // windowIndex * KEYS + key → count
  const out = new Map<string, number>();
  let maxT = -Infinity;
  let wm = 0; // µs, this batch's (eviction) watermark
  let lateWm = 0; // µs, the previous batch's
  const flush = (upTo: number): void => {
    for (const [k, c] of counts) {
      const w = Math.floor(k / KEYS);
      if ((w + 1) * WINDOW_US <= upTo) {
        out.set(`${w * WINDOW_US}|${k % KEYS}`, c);
        counts.delete(k);
      }
    }
  };
  const advance = (): void => {
    lateWm = wm;
    wm = Math.max(wm, Math.floor(maxT / 1000) * 1000 - DELAY_US);
  };
  for (let lo = 0; lo < n; lo += batch) {
    const hi = Math.min(n, lo + batch);
    for (let i = lo; i < hi; i++) {
      const t = time[i]!;
      if (t > maxT) maxT = t;
      const w = Math.floor(t / WINDOW_US);
      if ((w + 1) * WINDOW_US <= lateWm) continue;
      const k = w * KEYS + key[i]!;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    flush(wm);
    advance();
    // The no-data batch the moved watermark calls for.
    flush(wm);
    lateWm = wm;
  }
  return out;
}

const query = (df: DataFrame): DataFrame => df.withWatermark('time', '10 seconds').groupBy(F.window('time', '10 seconds'), 'key').count();

async function main(): Promise<void> {
  const { time, key } = generate(N);
  const s = schema('time TIMESTAMP, key INT');
  const results: { system: string; ms: number; eventsPerSec: number; windows: number; check: number }[] = [];

  for (let run = 0; run < 2; run++) {
    // run 0 warms up the JIT; run 1 is reported.
    const t0 = performance.now();
    const hand = handLoop(time, key, N, BATCH);
    const handMs = performance.now() - t0;
    let check = 0;
    for (const c of hand.values()) check += c;
    if (run === 1) results.push({ system: 'JS hand loop', ms: handMs, eventsPerSec: N / handMs * 1000, windows: hand.size, check });

    const input = batches(s, [time, key], N, BATCH);
    const t1 = performance.now();
    const r = await runStream(s, input, query, { mode: 'append', format: 'memory' });
    const spateMs = performance.now() - t1;
    const rows = await tableRows(r.table!);
    let spateCheck = 0;
    for (const row of rows) {
      const start = (row[0] as { start: Date }).start.getTime() * 1000;
      const expect = hand.get(`${start}|${row[1]}`);
      if (expect !== Number(row[2])) throw new Error(`spate and the hand loop disagree on window ${start} key ${String(row[1])}: ${String(row[2])} vs ${String(expect)}`);
      spateCheck += Number(row[2]);
    }
    if (rows.length !== hand.size) throw new Error(`spate emitted ${rows.length} windows, the hand loop ${hand.size}`);
    if (run === 1) results.push({ system: `spate (micro-batches of ${BATCH}, checkpointed)`, ms: spateMs, eventsPerSec: N / spateMs * 1000, windows: rows.length, check: spateCheck });
  }
  const hand = results[0]!;
  console.log(`Tumbling 10 s window count by key, watermark 10 s, append mode, ${N} events (${KEYS} keys)`);
  console.log('system'.padEnd(48) + 'ms'.padStart(10) + 'events/s'.padStart(14) + 'vs hand loop'.padStart(14));
  for (const r of results) {
    console.log(r.system.padEnd(48) + r.ms.toFixed(0).padStart(10) + (r.eventsPerSec / 1e6).toFixed(2).padStart(13) + 'M' + (r.eventsPerSec / hand.eventsPerSec).toFixed(2).padStart(13) + 'x');
  }
  console.log(`windows emitted: ${hand.windows}, events counted: ${hand.check} (late rows dropped: ${N - hand.check}); peak RSS ${peakRssMiB()} MiB`);
  writeJson('bench/results/window-count-latest.json', { events: N, batch: BATCH, results, peakRssMiB: peakRssMiB() });
}

await main();
