/**
 * Peak resident set size during one measurement. A worker thread samples the
 * process's RSS every few milliseconds (RSS is process-wide, and the worker
 * keeps sampling while the main thread is busy in a long synchronous loop),
 * so each system gets its own peak instead of the process's all-time maximum.
 */
import { Worker } from 'node:worker_threads';

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const peak = new Int32Array(workerData);
setInterval(() => {
  const kib = Math.round(process.memoryUsage.rss() / 1024);
  if (kib > Atomics.load(peak, 0)) Atomics.store(peak, 0, kib);
}, 5);
`;

export class RssSampler {
  private readonly peak = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker = new Worker(SAMPLER, { eval: true, workerData: this.peak.buffer });

  constructor() {
    this.worker.unref();
  }

  /** Starts a new window: the peak becomes the current RSS. */
  reset(): void {
    Atomics.store(this.peak, 0, Math.round(process.memoryUsage.rss() / 1024));
  }

  /** Peak RSS since the last reset, in MiB (also counting the RSS right now). */
  peakMiB(): number {
    const now = Math.round(process.memoryUsage.rss() / 1024);
    return Math.round(Math.max(now, Atomics.load(this.peak, 0)) / 1024);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
