// Helpers for the redis connector tests: a direct ioredis connection to the shared server on 6379 and
// bounded waits, and private redis-server processes (server restarts). Keys are named with uniqueName and deleted when the test ends.
import { Redis } from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../support/services.js';
import { freePort } from './nats-support.js';
import { killAndWait, waitForPort } from '../support/processes.js';

export const REDIS_PORT = 6379;

/** A plain connection for producing and inspecting data; closed when the test ends, its keys deleted. */
export type TestRedis = Redis & {
  /** A unique key name, deleted at the end. */
  keyOf(prefix: string): string;
  /** Runs `fn` at the end, before the connection closes (node:test runs after-hooks in the order added). */
  atEnd(fn: () => Promise<unknown>): void;
};

export function redisFor(t: { after(fn: () => Promise<void> | void): void }): TestRedis {
  const r = new Redis({ port: REDIS_PORT, host: '127.0.0.1', maxRetriesPerRequest: 1 }) as TestRedis;
  const made: string[] = [];
  const ends: (() => Promise<unknown>)[] = [];
  r.atEnd = (fn) => { ends.push(fn); };
  r.keyOf = (prefix: string) => {
    const k = uniqueName(prefix);
    made.push(k);
    return k;
  };
  t.after(async () => {
    for (const f of ends) await f();
    if (made.length > 0) await r.del(...made);
    await r.quit();
  });
  return r;
}

/** Adds one entry per item (fields from the object's entries) to `key`; returns the ids. */
export async function addEntries(r: Redis, key: string, items: readonly Record<string, string | number>[]): Promise<string[]> {
  const p = r.pipeline();
  for (const it of items) p.xadd(key, '*', ...Object.entries(it).flatMap(([k, v]) => [k, String(v)]));
  const res = (await p.exec()) ?? [];
  return res.map(([err, id]) => {
    if (err) throw err;
    return id as string;
  });
}

/** Waits (bounded) until `check` is true. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * A redis-server of the test's own on a free port, with an append-only file
 * fsynced at every write in a directory that survives stop()/start(), so a
 * SIGKILL loses nothing Redis acknowledged and the data comes back with the
 * server. The shared server on 6379 is never stopped (other test files use it).
 */
export class PrivateRedisServer {
  private proc: ChildProcess | undefined;
  readonly dir: string;
  port = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-redis-'));
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '',
      '--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no'], { stdio: 'ignore' });
    await waitForPort(this.proc, this.port, 'redis-server');
    return this;
  }

  /** SIGKILLs the server (no shutdown, no save: what the append-only file holds is what comes back). */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await killAndWait(p, 'SIGKILL');
  }

  /** A plain client on this server; the caller quits it. */
  client(): Redis {
    return new Redis({ port: this.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
