/**
 * Exactly-once across crashes: child.ts runs a file sink, a foreachBatch sink
 * and a complete-mode aggregation over a csv file source; this test kills it
 * with SIGKILL at chosen points (at random after start, while a batch is
 * between its offsets and its commit, mid-sink, during startup and recovery),
 * restarts it on the same checkpoints, and in the end checks every input row
 * is in each output exactly once and the aggregation equals an uninterrupted run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SparkSession } from '../../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const childScript = join(here, 'child.ts');
const spark = SparkSession.builder.appName('crash-test').getOrCreate();

const FILES = 16;
const ROWS_PER_FILE = 10;
const MAX_KILLS = 12;
const MIN_KILLS = 4;
const RUN_TIMEOUT_MS = 40_000;
const KILL_PHASE_MS = 30_000;

type Strategy = 'delay' | 'uncommitted' | 'mid-sink' | 'startup';
const STRATEGIES: readonly Strategy[] = ['mid-sink', 'uncommitted', 'delay', 'startup'];
const QUERIES = ['cp-file', 'cp-batch', 'cp-agg'] as const;

const root = mkdtempSync(join(tmpdir(), 'spate-crash-'));
// SPATE_CRASH_KEEP=1 keeps the directories for a post-mortem of a failure.
after(() => { if (process.env.SPATE_CRASH_KEEP !== '1') rmSync(root, { recursive: true, force: true }); });

/** A small seeded generator (mulberry32), so the kill points of a failing run can be chosen again. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// SPATE_CRASH_SEED=<n> replays a run's choices (strategies' delays, which query to watch, the children's sink
// delays); the timing of the machine still decides where exactly a kill lands.
const SEED = process.env.SPATE_CRASH_SEED !== undefined ? Number(process.env.SPATE_CRASH_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(SEED)) throw new Error(`SPATE_CRASH_SEED must be an integer, got ${process.env.SPATE_CRASH_SEED}`);
console.log(`# crash test seed ${SEED} (replay with SPATE_CRASH_SEED=${SEED})`);
const random = seeded(SEED);
const rand = (n: number): number => Math.floor(random() * n);

/** Writes csv files `first`..`first+count-1` of ROWS_PER_FILE rows each; returns their rows [id, grp, val]. */
function writeInput(dir: string, first: number, count: number): unknown[][] {
  mkdirSync(dir, { recursive: true });
  const rows: unknown[][] = [];
  for (let f = first; f < first + count; f++) {
    let text = '';
    for (let i = 0; i < ROWS_PER_FILE; i++) {
      const id = f * ROWS_PER_FILE + i;
      rows.push([id, `g${id % 7}`, (id * 37) % 101]);
      text += `${id},g${id % 7},${(id * 37) % 101}\n`;
    }
    writeFileSync(join(dir, `part-${String(f).padStart(3, '0')}.csv`), text);
  }
  return rows;
}

/** Batch ids with an offsets file but no commit file: a batch in flight. */
function uncommitted(cp: string): number[] {
  const ids = (sub: string): Set<string> => {
    try { return new Set(readdirSync(join(cp, sub)).filter((n) => /^\d+$/.test(n))); } catch { return new Set(); }
  };
  const commits = ids('commits');
  return [...ids('offsets')].filter((n) => !commits.has(n)).map(Number);
}

/** Every committed batch id of a checkpoint. */
function committedIds(cp: string): number[] {
  return readdirSync(join(cp, 'commits')).filter((n) => /^\d+$/.test(n)).map(Number);
}

interface RunResult {
  readonly outcome: 'done' | 'killed';
  /** At the kill: some checkpoint had a batch with offsets and no commit. */
  readonly inFlight: boolean;
  /** At the kill: a foreachBatch body had started and not finished. */
  readonly midSink: boolean;
  /** At the kill: some checkpoint had two batches without a commit (one committing while the next was logged). */
  readonly twoInFlight: boolean;
}

/** Runs the child once; with a strategy, kills it with SIGKILL at the point it picks. */
function runChild(input: string, work: string, strategy: Strategy | undefined): Promise<RunResult> {
  const slowMs = strategy === 'mid-sink' ? 40 : strategy === undefined ? 0 : rand(2) * 15;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childScript, input, work], {
    cwd: repo, env: { ...process.env, CRASH_SLOW_MS: String(slowMs), CRASH_SEED: String(rand(2 ** 31)) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killed = false;
  let inFlight = false;
  let midSink = false;
  let twoInFlight = false;
  let pending = '';
  const openSinks = new Set<string>();
  const timers: NodeJS.Timeout[] = [];
  const kill = (): void => {
    if (killed || child.exitCode !== null) return;
    inFlight = QUERIES.some((q) => uncommitted(join(work, q)).length > 0);
    twoInFlight = QUERIES.some((q) => uncommitted(join(work, q)).length > 1);
    midSink = openSinks.size > 0;
    killed = true;
    child.kill('SIGKILL');
  };
  const sinkStartsBeforeKill = rand(4);
  let sinkStarts = 0;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    // Whole lines only: a chunk may end mid-line.
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      const m = /^sink-(start|done) (\w+) (\d+)$/.exec(line);
      if (m) {
        if (m[1] === 'start') openSinks.add(`${m[2]} ${m[3]}`); else openSinks.delete(`${m[2]} ${m[3]}`);
        if (m[1] === 'start' && strategy === 'mid-sink' && sinkStarts++ >= sinkStartsBeforeKill) {
          timers.push(setTimeout(kill, rand(slowMs / 2)));
        }
      }
      if (line === 'ready') {
        if (strategy === 'delay') timers.push(setTimeout(kill, rand(300)));
        if (strategy === 'uncommitted') {
          const cp = join(work, QUERIES[rand(QUERIES.length)]!);
          const poll = setInterval(() => {
            if (uncommitted(cp).length > 0) { clearInterval(poll); timers.push(setTimeout(kill, rand(3))); }
          }, 1);
          timers.push(poll);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  // Startup includes loading tsx and recovering the checkpoints (replaying an uncommitted batch).
  if (strategy === 'startup') timers.push(setTimeout(kill, 300 + rand(1500)));
  timers.push(setTimeout(() => { if (child.exitCode === null) { stderr += '\n[run timed out]'; child.kill('SIGKILL'); } }, RUN_TIMEOUT_MS));
  return new Promise((resolvePromise, reject) => {
    child.on('exit', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (code === 0) resolvePromise({ outcome: 'done', inFlight: false, midSink: false, twoInFlight: false });
      else if (killed && signal === 'SIGKILL') resolvePromise({ outcome: 'killed', inFlight, midSink, twoInFlight });
      else reject(new Error(`child (${strategy ?? 'no kill'}) on ${work} exited with code ${code}, signal ${signal}\n--- stdout (tail)\n${stdout.slice(-1500)}\n--- stderr\n${stderr}`));
    });
  });
}

const byId = (a: readonly unknown[], b: readonly unknown[]): number => Number(a[0]) - Number(b[0]);
const sortedById = (rows: readonly unknown[][]): unknown[][] => [...rows].sort(byId);
const asInput = (rows: readonly (readonly unknown[])[]): unknown[][] => rows.map((r) => [r[0], r[1], r[2]]).sort(byId);

test('SIGKILL at random points, restart on the same checkpoint: every row exactly once, state as uninterrupted', { timeout: 150_000 }, async (t) => {
  const input = join(root, 'input');
  const expectedRows = writeInput(input, 0, FILES);
  let files = FILES;

  const work = join(root, 'crashed');
  const started = Date.now();
  let kills = 0;
  let inFlightKills = 0;
  let midSinkKills = 0;
  let twoInFlightKills = 0;
  const log: string[] = [];
  // Time-bounded, but a slow machine still gets MIN_KILLS (each run is itself bounded by RUN_TIMEOUT_MS).
  const more = (): boolean => kills < MAX_KILLS && (Date.now() - started < KILL_PHASE_MS || (kills < MIN_KILLS && Date.now() - started < 2 * KILL_PHASE_MS));
  for (let i = 0; more(); i++) {
    const strategy = STRATEGIES[i % STRATEGIES.length]!;
    const r = await runChild(input, work, strategy);
    log.push(`${strategy}: ${r.outcome}${r.inFlight ? ' in-flight' : ''}${r.twoInFlight ? ' two-in-flight' : ''}${r.midSink ? ' mid-sink' : ''}`);
    if (r.outcome === 'done') {
      if (kills >= MIN_KILLS) break;
      // Finished before enough kills landed (a fast machine): more input, and go on killing.
      expectedRows.push(...writeInput(input, files, 4));
      files += 4;
      continue;
    }
    kills++;
    if (r.inFlight) inFlightKills++;
    if (r.midSink) midSinkKills++;
    if (r.twoInFlight) twoInFlightKills++;
  }
  t.diagnostic(`seed ${SEED} (SPATE_CRASH_SEED=${SEED} replays it); ${kills} kills: ${log.join('; ')}`);
  assert.equal((await runChild(input, work, undefined)).outcome, 'done', 'the last, unkilled run completes');
  // The reference: one uninterrupted run over the same input.
  const refWork = join(root, 'reference');
  assert.equal((await runChild(input, refWork, undefined)).outcome, 'done');

  // The kills must have hit the windows that matter, or the test proved little.
  assert.ok(kills >= MIN_KILLS, `seed ${SEED}: only ${kills} kills landed before the input was done:\n${log.join('\n')}`);
  assert.ok(inFlightKills >= 1, `no kill landed between a batch's offsets and its commit:\n${log.join('\n')}`);
  assert.ok(midSinkKills >= 1, `no kill landed inside a foreachBatch body:\n${log.join('\n')}`);
  // Commits are pipelined: a kill while one batch commits and the next is logged leaves two to run again.
  assert.ok(twoInFlightKills >= 1, `no kill landed with two batches uncommitted:\n${log.join('\n')}`);

  // (a) The file sink, read through its _spark_metadata log: each row once.
  const fileRows = await spark.read.schema('id INT, grp STRING, val INT').json(join(work, 'file-out')).collectArrays();
  assert.deepEqual(asInput(fileRows), sortedById(expectedRows), 'file sink output');

  // (b) foreachBatch files: one per batch id, no gaps, each row once overall.
  const names = readdirSync(join(work, 'batch-out')).filter((n) => /^batch-\d+\.json$/.test(n));
  const ids = names.map((n) => Number(/\d+/.exec(n)![0])).sort((a, b) => a - b);
  // A kill after the file source logged its next files but before offsets/N was written makes the
  // restarted batch take those files and the next ones together (as in Spark), so batches <= files.
  assert.deepEqual(ids, [...Array(ids.length).keys()], 'one foreachBatch file per batch id, no gaps');
  assert.ok(ids.length <= files);
  const batchRows = names.flatMap((n) => JSON.parse(readFileSync(join(work, 'batch-out', n), 'utf8')) as unknown[][]);
  assert.deepEqual(asInput(batchRows), sortedById(expectedRows), 'foreachBatch output');

  // (c) The aggregation's last complete output equals the uninterrupted run's (and the values computed here).
  const latest = (w: string): { batchId: number; rows: unknown[][] } => {
    const v = JSON.parse(readFileSync(join(w, 'agg-out', 'latest.json'), 'utf8')) as { batchId: number; rows: unknown[][] };
    return { batchId: v.batchId, rows: v.rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))) };
  };
  const got = latest(work);
  const want = latest(refWork);
  assert.deepEqual(got.rows, want.rows, 'aggregation state after crashes equals the uninterrupted run');
  const g0 = expectedRows.filter((r) => r[1] === 'g0');
  assert.deepEqual(want.rows[0], ['g0', g0.length, g0.reduce((s, r) => s + Number(r[2]), 0), Math.max(...g0.map((r) => Number(r[0]))),
    [...new Set(g0.map((r) => Number(r[2])))].sort((a, b) => a - b)]);
  for (const q of QUERIES) assert.deepEqual(uncommitted(join(work, q)), [], `${q}: no batch left planned but uncommitted`);
  assert.equal(got.batchId, Math.max(...committedIds(join(work, 'cp-agg'))), 'the last output is from the last committed batch');
});
