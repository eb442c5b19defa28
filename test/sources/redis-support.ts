// Helpers for the redis connector tests: a direct ioredis connection to the shared server on 6379 and
// bounded waits. Keys are named with uniqueName and deleted when the test ends.
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../support/services.js';

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
