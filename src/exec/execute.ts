import { lazySliceBatch, makeBatch, sliceBatch, type RecordBatch } from '../core/batch.js';
import { lazyConstantVector } from '../core/vector.js';
export type { ExecOptions } from './pipeline.js';
import { StructField, StructType } from '../core/types.js';
import { HashAggregator } from './aggregate/hash-aggregate.js';
import type { ObserveStage, Stage } from './compile.js';
import { evaluate, pipelineRunner, scratchRunner, type ExecOptions } from './pipeline.js';
import { runJoin } from './join/join-exec.js';
import { lookupJoin } from './join/lookup-join.js';
import { runGenerate, runSplitExplode } from './generate.js';
import type { AggregateExec, GenerateExec, JoinExec, StatefulAggregateExec, PhysicalPlan, SortExec } from '../physical/physical.js';
import { executeNode } from './operators.js';
import { readsStream } from '../physical/shapes.js';
import { recordRun } from './operator-metrics.js';
import { SpateError } from '../core/errors.js';
import type { OutputMode } from '../core/output-mode.js';
import type { OperatorState } from './stateful/operator-state.js';
import { runWindow, WindowScratch } from './window.js';
import { maybeYield } from './yield.js';
import type { SortKey } from './sort/sort-indices.js';

/**
 * Runs a physical plan to completion and returns its output batches: each
 * node runs as its registry entry says (operators.ts). With `opts.metrics`,
 * every node that runs on its own records its output rows and time there
 * (nodes fused into a parent's loop report through the parent).
 */
export async function execute(plan: PhysicalPlan, opts: ExecOptions): Promise<RecordBatch[]> {
  const metrics = opts.metrics;
  if (metrics === undefined) return executeNode(plan, opts);
  const t0 = performance.now();
  const out = await executeNode(plan, opts);
  recordRun(metrics, plan, out, performance.now() - t0);
  return out;
}

/** A join side: in a streaming query a side that reads no stream is computed once and reused every batch. */
async function executeSide(side: PhysicalPlan, opts: ExecOptions): Promise<RecordBatch[]> {
  const cache = opts.stream?.staticCache;
  if (!cache || readsStream(side)) return execute(side, opts);
  let hit = cache.get(side);
  if (!hit) {
    hit = await execute(side, opts);
    cache.set(side, hit);
  }
  return hit;
}

/** Per query run (its static cache), the lookup rewrite of each stream-static join, so every batch uses the same plan. */
const lookups = new WeakMap<object, Map<JoinExec, PhysicalPlan>>();

/**
 * In a streaming query, the filters and projects down from `p` with each stream-static join whose
 * static side has unique keys rewritten as a lookup projection (see lookupJoin), so they compile into
 * one loop. Batch queries, and joins that do not fit, are left as they are.
 */
async function withLookups(p: PhysicalPlan, opts: ExecOptions): Promise<PhysicalPlan> {
  const cache = opts.stream?.staticCache;
  if (!cache) return p;
  switch (p.kind) {
    case 'project': case 'filter': {
      const child = await withLookups(p.child, opts);
      return child === p.child ? p : { ...p, child } as PhysicalPlan;
    }
    case 'join': {
      if (readsStream(p.right) || !readsStream(p.left)) return p;
      let byJoin = lookups.get(cache);
      if (!byJoin) { byJoin = new Map(); lookups.set(cache, byJoin); }
      let rewritten = byJoin.get(p);
      if (rewritten === undefined) {
        const found = lookupJoin(p, await executeSide(p.right, opts), opts);
        rewritten = found === null ? p : await withLookups(found, opts);
        byJoin.set(p, rewritten);
      }
      return rewritten;
    }
    default:
      return p;
  }
}

export function streamContext(opts: ExecOptions, operatorId: number): { state: OperatorState; mode: OutputMode } {
  const state = opts.stream?.operators.get(operatorId);
  if (!state) throw new SpateError('INTERNAL_ERROR', `State of operator ${operatorId} is not loaded; stateful operators run only inside a streaming query.`);
  return { state, mode: opts.stream!.outputMode };
}

/**
 * Consecutive filters and projects from `plan` down, as stages in execution order, and the node feeding
 * them. Given the batch's event-time statistics, watermark nodes join the stages too (as observe stages),
 * so the loop that reads the rows also gathers their times.
 */
export function collectPipeline(plan: PhysicalPlan, eventTime?: readonly unknown[]): { stages: Stage[]; source: PhysicalPlan } {
  const stages: Stage[] = [];
  let p = plan;
  for (;;) {
    if (p.kind === 'project') stages.unshift({ kind: 'project', exprs: p.exprs });
    else if (p.kind === 'filter') stages.unshift({ kind: 'filter', condition: p.condition });
    else if (p.kind === 'watermark' && eventTime?.[p.watermarkId] !== undefined) stages.unshift({ kind: 'observe', column: p.column, watermarkId: p.watermarkId });
    else break;
    p = p.child;
  }
  return { stages, source: p };
}

export function sortKeys(plan: SortExec, all: RecordBatch, opts: ExecOptions): SortKey[] {
  const orders = plan.orders;
  const vecs = evaluate(plan, 'orders', orders.map((o) => o.expr), all, opts);
  return orders.map((o, i) => ({ vector: vecs[i]!, ascending: o.ascending, nullsFirst: o.nullsFirst }));
}

export function limitBatches(batches: readonly RecordBatch[], limit: number, offset: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  let skip = offset;
  let left = limit;
  for (const b of batches) {
    if (left <= 0) break;
    const start = Math.min(skip, b.numRows);
    skip -= start;
    const end = Math.min(b.numRows, start + left);
    if (end > start) out.push(sliceBatch(b, start, end));
    left -= end - start;
  }
  return out;
}

/**
 * Hands an aggregation (batch or streaming) its input as [keys..., aggregate arguments...], batch by
 * batch: the filters and projects right under it and that projection run as one compiled loop into
 * arrays reused from batch to batch (the aggregator copies what it keeps, so each batch is valid only
 * during the call), and a join under them streams its batches straight in (or, in a streaming query,
 * becomes part of the loop as a lookup); so no intermediate batch is materialized.
 */
export async function aggregateInputs(plan: AggregateExec | StatefulAggregateExec, opts: ExecOptions, fn: (keysAndArgs: RecordBatch) => void): Promise<void> {
  const pre = [...plan.keys, ...plan.aggs.flatMap((a) => a.args)];
  // Literal arguments (count(*) is count(1)) are not computed per row: a constant vector stands in.
  const computed = pre.filter((e) => e.kind !== 'lit');
  const { stages, source } = collectPipeline(await withLookups(plan.child, opts), opts.stream?.eventTime);
  const run = scratchRunner(plan, 'pre', source.schema, [...stages, { kind: 'project', exprs: computed }], opts);
  const outSchema = StructType(pre.map((e, i) => StructField(`_${i}`, e.type, e.nullable)));
  const observed = stages.filter((s): s is ObserveStage => s.kind === 'observe').map((s) => opts.stream!.eventTime[s.watermarkId]!);
  const acc = new Float64Array(4 * observed.length);
  // A large batch goes through in slices, so the keys and arguments of each (and the aggregation's
  // passes over them) stay in cache instead of making round trips to memory.
  const slice = (b: RecordBatch, lo: number): void => {
    const out = run(b, acc, lo, Math.min(b.numRows, lo + AGGREGATE_SLICE_ROWS));
    if (out.numRows === 0) return;
    if (computed.length === pre.length) { fn(out); return; }
    let c = 0;
    const columns = pre.map((e) => (e.kind === 'lit' ? lazyConstantVector(e.type, e.value, out.numRows) : out.columns[c++]!));
    fn(makeBatch(outSchema, columns, out.numRows));
  };
  const begin = (): void => observed.forEach((st, j) => acc.set([st.min, st.max, st.sum, st.count], 4 * j));
  const end = (): void => observed.forEach((st, j) => { st.min = acc[4 * j]!; st.max = acc[4 * j + 1]!; st.sum = acc[4 * j + 2]!; st.count = acc[4 * j + 3]!; });
  const whole = (b: RecordBatch): void => {
    begin();
    for (let lo = 0; lo < b.numRows; lo += AGGREGATE_SLICE_ROWS) slice(b, lo);
    end();
  };
  if (STREAMED.has(source.kind)) {
    // Batches made by a join or explode are valid only during the call: no event-loop turns in between.
    await forEachBatch(source, opts, whole);
    return;
  }
  if (source.kind === 'window') {
    // Sliding windows multiply the rows: each slice of input is expanded and aggregated before the next,
    // so the expansion (row and window index arrays, columns taken from them) stays small and in cache.
    const scratch = new WindowScratch();
    for (const b of await execute(source.child, opts)) {
      for (let lo = 0; lo < b.numRows; lo += WINDOW_SLICE_ROWS) {
        const part = lazySliceBatch(b, lo, lo + WINDOW_SLICE_ROWS);
        whole(runWindow(source, part, evaluate(source, 'time', [source.time], part, opts)[0]!, scratch));
        const turn = maybeYield();
        if (turn !== undefined) await turn;
      }
    }
    return;
  }
  for (const b of await execute(source, opts)) {
    begin();
    for (let lo = 0; lo < b.numRows; lo += AGGREGATE_SLICE_ROWS) {
      slice(b, lo);
      // A scanned batch stays valid across a turn of the event loop (see yield.ts).
      const turn = maybeYield();
      if (turn !== undefined) await turn;
    }
    end();
  }
}

/** Plans forEachBatch streams batch by batch (each valid only during its call); others it executes whole. */
const STREAMED: ReadonlySet<PhysicalPlan['kind']> = new Set(['join', 'project', 'filter', 'generate']);

/** Hash aggregation of a batch query. */
export async function aggregate(plan: AggregateExec, opts: ExecOptions): Promise<RecordBatch> {
  const agg = new HashAggregator(plan.keys.map((k) => k.type), plan.aggs.map((a) => a.fn));
  const nk = plan.keys.length;
  await aggregateInputs(plan, opts, (out) => {
    const vecs = out.columns;
    const keys = vecs.slice(0, nk);
    let off = nk;
    const args = plan.aggs.map((a) => { const v = vecs.slice(off, off + a.args.length); off += a.args.length; return v; });
    agg.add(keys, args, out.numRows);
  });
  const r = agg.finish();
  const virtualSchema = StructType([
    ...plan.keys.map((k, i) => StructField(`k${i}`, k.type, k.nullable)),
    ...plan.aggs.map((a, i) => StructField(`a${i}`, a.fn.type, a.fn.nullable)),
  ]);
  const virtual = makeBatch(virtualSchema, [...r.keys, ...r.results], r.numGroups);
  const finish = pipelineRunner(plan, 'main', virtualSchema, [{ kind: 'project', exprs: plan.output }], opts);
  return finish(virtual);
}

/** Rows of input per slice into an aggregation (see aggregateInputs). */
const AGGREGATE_SLICE_ROWS = 1 << 16;

/** Rows of input expanded into sliding windows at a time under an aggregation (see aggregateInputs). */
const WINDOW_SLICE_ROWS = 1 << 14;

/**
 * Rows of input per slice through explode: each slice's output, and the short-lived strings it holds,
 * is consumed before the next is made, so the young generation stays small and garbage collection cheap.
 */
const GENERATE_SLICE_ROWS = 8192;

export function generate(plan: GenerateExec, b: RecordBatch, opts: ExecOptions): RecordBatch {
  if (plan.splitOn) return runSplitExplode(plan, b, evaluate(plan, 'str', [plan.splitOn.str], b, opts)[0]!);
  return runGenerate(plan, b, evaluate(plan, 'input', [plan.input], b, opts)[0]!);
}

/**
 * Runs `plan` and hands each output batch to `fn` as it is made: joins, filters, projects, explode,
 * windows and watermarks stream batch by batch (explode in slices) instead of materialising their
 * whole output first. A batch is valid only during the call.
 */
async function forEachBatch(plan: PhysicalPlan, opts: ExecOptions, fn: (b: RecordBatch) => void): Promise<void> {
  switch (plan.kind) {
    case 'join': {
      const left = await executeSide(plan.left, opts);
      const right = await executeSide(plan.right, opts);
      runJoin(plan, left, right, opts, fn, true);
      return;
    }
    case 'project': case 'filter': {
      const { stages, source } = collectPipeline(plan);
      const run = pipelineRunner(plan, 'main', source.schema, stages, opts);
      return forEachBatch(source, opts, (b) => fn(run(b)));
    }
    case 'generate':
      return forEachBatch(plan.child, opts, (b) => {
        if (b.numRows <= GENERATE_SLICE_ROWS) { fn(generate(plan, b, opts)); return; }
        for (let lo = 0; lo < b.numRows; lo += GENERATE_SLICE_ROWS) fn(generate(plan, sliceBatch(b, lo, lo + GENERATE_SLICE_ROWS), opts));
      });
    default:
      for (const b of await execute(plan, opts)) fn(b);
  }
}

export async function join(plan: JoinExec, opts: ExecOptions): Promise<RecordBatch[]> {
  const left = await executeSide(plan.left, opts);
  const right = await executeSide(plan.right, opts);
  const out: RecordBatch[] = [];
  runJoin(plan, left, right, opts, (b) => out.push(b), false);
  return out;
}
