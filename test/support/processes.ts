/** Private servers the connector tests start, restart and kill (redis-server, nats-server, mosquitto, postgres, mariadbd). */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { answers } from './services.js';

/** Waits (up to ~50 s) until `port` accepts connections; fails at once if `proc` exits first. */
export async function waitForPort(proc: ChildProcess, port: number, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await answers(port, 200)) return;
    if (proc.exitCode !== null) break;
    await sleep(25);
  }
  throw new Error(`${what} on port ${port} did not start`);
}

/** Sends `signal` to `proc` (if it still runs) and resolves once it has exited. */
export async function killAndWait(proc: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill(signal);
  await exited;
}
