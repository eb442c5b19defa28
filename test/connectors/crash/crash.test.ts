/**
 * Exactly-once across crashes, for every replayable source into every
 * exactly-once sink: child.ts runs one query per (source, sink) pair in one
 * process; this test SIGKILLs it at random points (seeded: the seed is
 * printed, SPATE_CRASH_SEED=<seed> replays it), restarts it on the same
 * checkpoints, produces more input between some runs, and at the end checks
 * that every sink target holds every produced id exactly once.
 *
 * One process for all pairs: each kill lands at a different point of every
 * query's batch, so N kills test every pair N times for the price of N restarts.
 * SPATE_CONNECTOR_CRASH_KILLS sets N (default 50; a longer run takes more).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needService, uniqueName, type ServiceName } from '../../support/services.js';
import { CRASH_SINKS, CRASH_SOURCES } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const KILLS = Number(process.env.SPATE_CONNECTOR_CRASH_KILLS ?? '50');
const MAX_PER_TRIGGER = 20;
const FIRST_IDS = 200;
const RUN_TIMEOUT_MS = 60_000;

const seed = Number(process.env.SPATE_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** mulberry32: a small seeded generator, so a failing sequence of kill points can be replayed. */
function seeded(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(seed);
const rand = (n: number): number => Math.floor(random() * n);

const needs = new Set([...CRASH_SOURCES, ...CRASH_SINKS].flatMap((f) => f.needs));
const services = [...needs].filter((n): n is ServiceName => n !== 'kafka-mock');
const skip = (await needService(...services)) || (needs.has('kafka-mock') && (await import('../../support/kafka-mock.js')).needKafkaMock());

const root = mkdtempSync(join(tmpdir(), 'spate-connector-crash-'));
process.env.SPATE_CRASH_DIR = root;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  if (process.env.SPATE_CRASH_KEEP !== '1') rmSync(root, { recursive: true, force: true });
});

interface KafkaMock { readonly bootstrap: string; stop(): Promise<void> }
/** The Kafka mock cluster, when a fixture needs it (test/support/kafka-mock.ts, loaded only then). */
async function startKafka(): Promise<void> {
  if (!needs.has('kafka-mock')) return;
  const path = '../../support/kafka-mock.js';
  const mod = (await import(path)) as { startKafkaMock(): Promise<KafkaMock> };
  const mock = await mod.startKafkaMock();
  process.env.SPATE_KAFKA_BOOTSTRAP = mock.bootstrap;
  cleanups.push(() => mock.stop());
}

/** Batch ids with an offsets file and no commit file. */
function uncommitted(cp: string): number {
  const ids = (sub: string): string[] => { try { return readdirSync(join(cp, sub)).filter((n) => /^\d+$/.test(n)); } catch { return []; } };
  const commits = new Set(ids('commits'));
  return ids('offsets').filter((n) => !commits.has(n)).length;
}

interface RunResult { readonly outcome: 'done' | 'killed'; readonly inFlight: number }

/** When to kill: a time after the queries started, a time after spawning (startup, recovery), or as soon as some batch is in flight. */
type KillPoint = { readonly kind: 'running' | 'startup'; readonly ms: number } | { readonly kind: 'in-flight'; readonly ms: number } | undefined;

function runChild(run: string, work: string, pairs: readonly string[], point: KillPoint): Promise<RunResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'child.ts'), run, work, String(MAX_PER_TRIGGER), pairs.join(',')], {
    cwd: repo, env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killed = false;
  let inFlight = 0;
  const timers: NodeJS.Timeout[] = [];
  const kill = (): void => {
    if (killed || child.exitCode !== null) return;
    inFlight = pairs.filter((p) => uncommitted(join(work, p.replace('>', '__'))) > 0).length;
    killed = true;
    child.kill('SIGKILL');
  };
  let ready = false;
  const cps = pairs.map((p) => join(work, p.replace('>', '__')));
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    if (ready || !stdout.includes('ready\n')) return;
    ready = true;
    if (point?.kind === 'running') timers.push(setTimeout(kill, point.ms));
    if (point?.kind === 'in-flight') {
      const poll = setInterval(() => {
        if (cps.some((cp) => uncommitted(cp) > 0)) { clearInterval(poll); timers.push(setTimeout(kill, point.ms)); }
      }, 1);
      timers.push(poll);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  timers.push(setTimeout(() => {
    if (child.exitCode !== null) return;
    stderr += `\n[run ${point?.kind ?? 'unkilled'} timed out after ${RUN_TIMEOUT_MS} ms]\n`;
    child.kill('SIGUSR2'); // the child prints the queries still running
    timers.push(setTimeout(() => child.kill('SIGKILL'), 1000));
  }, RUN_TIMEOUT_MS));
  if (point?.kind === 'startup') timers.push(setTimeout(kill, point.ms));
  return new Promise((resolvePromise, reject) => {
    child.on('exit', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (code === 0 && stdout.includes('done\n')) resolvePromise({ outcome: 'done', inFlight: 0 });
      else if (killed && signal === 'SIGKILL') resolvePromise({ outcome: 'killed', inFlight });
      else reject(new Error(`child exited with code ${code}, signal ${signal} (seed ${seed})\n--- stdout (tail)\n${stdout.slice(-2000)}\n--- stderr (tail)\n${stderr.slice(-4000)}`));
    });
  });
}

test(`SIGKILL every (replayable source, exactly-once sink) pair ${KILLS} times: every id exactly once in every sink`, { skip, timeout: 30 * 60_000 }, async (t) => {
  t.diagnostic(`seed ${seed} (SPATE_CRASH_SEED=${seed} replays the kill points); sources: ${CRASH_SOURCES.map((s) => s.name).join(', ')}; sinks: ${CRASH_SINKS.map((s) => s.name).join(', ')}`);
  await startKafka();
  const run = uniqueName('crash');
  const work = join(root, 'work');
  mkdirSync(work, { recursive: true });
  const pairs = CRASH_SOURCES.flatMap((s) => CRASH_SINKS.map((k) => `${s.name}>${k.name}`));
  for (const s of CRASH_SOURCES) {
    await s.setup(run, CRASH_SINKS.map((k) => k.name));
    if (s.teardown) cleanups.push(() => s.teardown!(run));
  }
  for (const k of CRASH_SINKS) {
    await k.setup(run, CRASH_SOURCES.map((s) => s.name));
    if (k.teardown) cleanups.push(() => k.teardown!(run));
  }
  let next = 0;
  const produce = async (n: number): Promise<void> => {
    for (let done = 0; done < n; done += MAX_PER_TRIGGER) {
      const ids = Array.from({ length: Math.min(MAX_PER_TRIGGER, n - done) }, () => next++);
      for (const s of CRASH_SOURCES) await s.produce(run, ids);
    }
  };
  await produce(FIRST_IDS);

  let kills = 0;
  let inFlightKills = 0;
  let finishedEarly = 0;
  const log: string[] = [];
  while (kills < KILLS) {
    // A third of the kills each: while some batch is between its offsets and its commit, a random
    // time after the queries started, and during startup and recovery.
    const kinds = ['in-flight', 'running', 'startup'] as const;
    const kind = kinds[kills % 3]!;
    const point: KillPoint = kind === 'in-flight' ? { kind, ms: rand(5) } : kind === 'running' ? { kind, ms: rand(250) } : { kind, ms: 200 + rand(600) };
    const r = await runChild(run, work, pairs, point);
    log.push(`${kind}:${r.outcome}${r.inFlight > 0 ? `:${r.inFlight} in flight` : ''}`);
    if (r.outcome === 'killed') {
      kills++;
      if (r.inFlight > 0) inFlightKills++;
    } else {
      finishedEarly++;
    }
    // New input now and then, so later runs have work and kills keep landing mid-batch.
    if (r.outcome === 'done' || rand(3) === 0) await produce(MAX_PER_TRIGGER * (1 + rand(3)));
  }
  const last = await runChild(run, work, pairs, undefined);
  assert.equal(last.outcome, 'done', 'the last, unkilled run completes');
  t.diagnostic(`${kills} kills (${inFlightKills} with a batch between its offsets and its commit), ${finishedEarly} runs finished before their kill; ${next} ids`);
  assert.ok(inFlightKills >= Math.min(5, Math.floor(KILLS / 5)), `too few kills landed mid-batch (seed ${seed}):\n${log.join('\n')}`);

  const want = Array.from({ length: next }, (_, i) => i);
  for (const s of CRASH_SOURCES) {
    for (const k of CRASH_SINKS) {
      const got = (await k.readBack(run, s.name)).sort((a, b) => a - b);
      const dup = got.filter((v, i) => i > 0 && got[i - 1] === v);
      const have = new Set(got);
      const lost = want.filter((v) => !have.has(v));
      assert.ok(dup.length === 0 && lost.length === 0 && got.length === want.length,
        `${s.name} -> ${k.name} (seed ${seed}): ${got.length} rows for ${want.length} ids; lost ${lost.slice(0, 20).join(',')}${lost.length > 20 ? '...' : ''}; duplicated ${dup.slice(0, 20).join(',')}`);
    }
  }
});
