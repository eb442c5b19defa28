/** Timing and reporting helpers for the benchmark programs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One measured (workload, system) pair. */
export interface Measurement {
  readonly workload: string;
  readonly system: string;
  readonly rows: number;
  readonly bestMs: number;
  readonly rowsPerSec: number;
  /** Result digest, compared across systems so a fast wrong answer is caught. */
  readonly check: string;
  /** The process's peak resident set so far, in MiB (it only grows). */
  readonly peakRssMiB: number;
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB
}

/** Runs `fn` once to warm up, then `runs` times; returns the fastest time and the last result. */
export async function bestOf<T>(fn: () => T | Promise<T>, runs = 3): Promise<{ ms: number; result: T }> {
  let result = await fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, result };
}

function human(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}K`;
  return x.toFixed(0);
}

/** The results as a text table: workload, system, best time, rows/s, ratio to spate (>1 = faster than spate), peak RSS. */
export function formatTable(ms: readonly Measurement[]): string {
  const head = ['workload', 'system', 'best ms', 'rows/s', 'vs spate', 'peak RSS MiB', 'check'];
  const body = ms.map((m) => {
    const spate = ms.find((x) => x.workload === m.workload && x.system === 'spate');
    const ratio = spate ? `${(m.rowsPerSec / spate.rowsPerSec).toFixed(2)}x` : '-';
    return [m.workload, m.system, m.bestMs.toFixed(1), human(m.rowsPerSec), ratio, String(m.peakRssMiB), m.check];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => r.map((x, c) => (c < 2 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Writes `data` as pretty JSON, creating the directory. */
export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
}
