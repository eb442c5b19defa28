/**
 * The measurement harness: every (workload, system) run goes through
 * `measure`, which times it (wall and CPU of the whole process, so DuckDB's
 * and Polars' threads count), samples its peak RSS, and keeps the answer's
 * digest so the runner can check that all systems agree.
 */
import { RssSampler } from './rss.js';

/** How a system ran the workload. */
export type Mode = 'micro-batches' | 'one pass' | 'batch over all data' | 'per batch, like spate';

export interface Outcome {
  /** Digest of the answer; every system of a workload must produce the same one. A function is called after the timing stops (reading a large output back is not part of the work). */
  readonly check: string | (() => Promise<string> | string);
  /** Latency of each micro-batch (ms), for streaming runs. */
  readonly batchMs?: readonly number[];
  /** Workload-specific figures (state bytes per key, ...). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

export interface Result {
  readonly workload: string;
  readonly system: string;
  readonly mode: Mode;
  readonly events: number;
  readonly ms: number;
  readonly eventsPerSec: number;
  /** CPU time of the process over the run / wall time. */
  readonly coresUsed: number;
  readonly eventsPerSecPerCore: number;
  readonly p50BatchMs?: number;
  readonly p99BatchMs?: number;
  readonly batches?: number;
  readonly peakRssMiB: number;
  /** events/s relative to the workload's reference spate run (>1: faster than spate). */
  ratioToSpate?: number;
  readonly check: string;
  readonly extra?: Readonly<Record<string, number | string>>;
  readonly note?: string;
  readonly error?: string;
}

export interface SystemSpec {
  readonly system: string;
  readonly mode: Mode;
  readonly note?: string;
  /** Runs the whole workload once; everything inside is timed. */
  readonly run: () => Promise<Outcome> | Outcome;
  /** An untimed run on a small input first, so the JIT has seen the code. */
  readonly warmup?: () => Promise<unknown> | unknown;
}

const log = (msg: string): void => { process.stderr.write(`${msg}\n`); };

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const gc = (globalThis as { gc?: () => void }).gc;

export class Harness {
  readonly results: Result[] = [];
  private readonly rss = new RssSampler();

  /** `systems`: substrings; when given, only systems whose name contains one of them run (for profiling one engine). */
  constructor(readonly runs: number, private readonly systems?: readonly string[], private readonly afterRun?: () => void) {}

  /**
   * Measures one system on one workload: the best of `runs` by wall time, each run after a forced collection
   * and a warm-up. A crash is recorded, not thrown.
   */
  async measure(workload: string, events: number, spec: SystemSpec): Promise<Result | undefined> {
    if (this.systems && !this.systems.some((x) => spec.system.includes(x))) return undefined;
    log(`  ${workload} / ${spec.system}`);
    let best: Result | undefined;
    try {
      for (let r = 0; r < this.runs; r++) {
        gc?.();
        await new Promise((r) => setTimeout(r, 50)); // let the collector's background threads finish, so their CPU is not billed to this run
        // The forced collection also throws away optimised code that held on to objects of the previous run
        // (V8 deoptimises code whose embedded objects died); a short warm-up lets every system start warm again.
        if (spec.warmup) { await spec.warmup(); this.afterRun?.(); }
        this.rss.reset();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const out = await spec.run();
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(c0);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        const peakRssMiB = this.rss.peakMiB();
        const check = typeof out.check === 'function' ? await out.check() : out.check;
        this.afterRun?.();
        const res: Result = {
          workload, system: spec.system, mode: spec.mode, events, ms,
          eventsPerSec: events / (ms / 1000),
          coresUsed: cpuMs / ms,
          eventsPerSecPerCore: events / (Math.max(cpuMs, 1e-3) / 1000),
          ...(out.batchMs && out.batchMs.length > 0
            ? { p50BatchMs: quantile(out.batchMs, 0.5), p99BatchMs: quantile(out.batchMs, 0.99), batches: out.batchMs.length }
            : {}),
          peakRssMiB,
          check,
          ...(out.extra ? { extra: out.extra } : {}),
          ...(spec.note ? { note: spec.note } : {}),
        };
        if (!best || res.ms < best.ms) best = res;
      }
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0]!;
      log(`    failed: ${msg}`);
      if (process.env['BENCH_DEBUG']) log((e as Error).stack ?? '');
      best = {
        workload, system: spec.system, mode: spec.mode, events, ms: NaN, eventsPerSec: NaN, coresUsed: NaN, eventsPerSecPerCore: NaN,
        peakRssMiB: this.rss.peakMiB(), check: 'error', error: msg, ...(spec.note ? { note: spec.note } : {}),
      };
    }
    this.results.push(best!);
    return best!;
  }

  /** Records a system that could not run at all (e.g. a peer that is not installed). */
  skip(workload: string, system: string, mode: Mode, why: string): void {
    if (this.systems && !this.systems.some((x) => system.includes(x))) return;
    log(`  ${workload} / ${system}: ${why}`);
    this.results.push({ workload, system, mode, events: 0, ms: NaN, eventsPerSec: NaN, coresUsed: NaN, eventsPerSecPerCore: NaN, peakRssMiB: 0, check: 'skipped', note: why });
  }

  async close(): Promise<void> {
    await this.rss.close();
  }
}

/** What a workload file exports: it measures every system through the harness. */
export interface Workload {
  readonly name: string;
  /** `quick`: small inputs for CI and smoke runs. Returns a note per measured workload name, with its reference spate system. */
  run(h: Harness, quick: boolean): Promise<readonly WorkloadInfo[]>;
}

export interface WorkloadInfo {
  readonly workload: string;
  /** The spate system the ratios are taken against. */
  readonly reference: string;
  readonly events: number;
  /** What an event is, how spate ran it, and anything that makes the comparison uneven. */
  readonly note: string;
}
