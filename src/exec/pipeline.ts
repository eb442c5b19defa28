import { makeBatch, sliceBatch, type RecordBatch } from '../core/batch.js';
import { StructField, StructType, TimestampType } from '../core/types.js';
import { vectorFromValues, type Vector } from '../core/vector.js';
import type { Bound } from '../expressions/bound.js';
import { compilePipeline, type CompiledPipeline, type Stage } from './compile.js';
import { evalRow } from '../expressions/interpret.js';
import type { OperatorMetrics } from './operator-metrics.js';
import type { StreamExecContext } from './stream-context.js';

/** Settings one execution runs with. */
export interface ExecOptions {
  /** Compile expression pipelines to JavaScript (true) or interpret them row by row (the reference path). */
  readonly codegen: boolean;
  readonly timeZone: string;
  /** Set when running one micro-batch of a streaming query. */
  readonly stream?: StreamExecContext;
  /** When set, every node that runs records its output rows and time here (see operator-metrics.ts). */
  readonly metrics?: OperatorMetrics;
}

/**
 * Runs a pipeline over one batch, or rows [from, to) of it; `acc` holds its observe stages' event-time
 * accumulators (see ObserveStage).
 */
export type Runner = (b: RecordBatch, acc?: Float64Array, from?: number, to?: number) => RecordBatch;

/** Compiled pipelines by plan node and role, so a plan run many times (every micro-batch) compiles once. */
const compiled = new WeakMap<object, Map<string, CompiledPipeline>>();

/** The function that runs a pipeline over one batch: compiled once per (plan node, role), or interpreted. */
export function pipelineRunner(owner: object, role: string, input: StructType, stages: readonly Stage[], opts: ExecOptions): Runner {
  return runnerOf(owner, role, input, stages, opts, false);
}

/**
 * Like pipelineRunner, but compiled runs write into arrays reused from batch
 * to batch (see CompiledPipeline.runScratch): each result is valid only until
 * the next call, for a consumer that uses it at once and keeps nothing.
 */
export function scratchRunner(owner: object, role: string, input: StructType, stages: readonly Stage[], opts: ExecOptions): Runner {
  return runnerOf(owner, role, input, stages, opts, true);
}

function runnerOf(owner: object, role: string, input: StructType, stages: readonly Stage[], opts: ExecOptions, scratch: boolean): Runner {
  const last = stages[stages.length - 1]!;
  // The top node of a main pipeline knows the output schema; otherwise it is the last project's (or the input's).
  const ownerSchema = role === 'main' ? (owner as { schema?: StructType }).schema : undefined;
  const schema = ownerSchema ?? (last.kind === 'project' ? schemaOf(last.exprs) : input);
  if (!opts.codegen) {
    return (b, acc, from = 0, to = b.numRows) => interpretPipeline(stages, from === 0 && to === b.numRows ? b : sliceBatch(b, from, to), schema, acc);
  }
  let byRole = compiled.get(owner);
  if (!byRole) {
    byRole = new Map();
    compiled.set(owner, byRole);
  }
  let c = byRole.get(role);
  if (!c) {
    c = compilePipeline(input, stages, schema);
    byRole.set(role, c);
  }
  const compiledRun = c.run;
  return scratch ? c.runScratch : (b, acc, from = 0, to = b.numRows) => compiledRun(from === 0 && to === b.numRows ? b : sliceBatch(b, from, to), acc);
}

function schemaOf(exprs: readonly Bound[]): StructType {
  return StructType(exprs.map((e, i) => StructField(`_${i}`, e.type, e.nullable)));
}

/** The reference path: every stage evaluated row by row with the interpreter. */
export function interpretPipeline(stages: readonly Stage[], batch: RecordBatch, schema: StructType, acc?: Float64Array): RecordBatch {
  let j = 0;
  const observeAt = new Map<Stage, number>();
  for (const s of stages) if (s.kind === 'observe') observeAt.set(s, j++);
  let rows: unknown[][] = [];
  for (let i = 0; i < batch.numRows; i++) {
    let cols: readonly Vector[] = batch.columns;
    let row = i;
    let keep = true;
    let values: unknown[] | null = null;
    for (const s of stages) {
      if (s.kind === 'observe') {
        const t = evalRow({ kind: 'ref', index: s.column, type: TimestampType, nullable: true, name: '' }, cols, row) as number | null;
        const k = 4 * observeAt.get(s)!;
        if (t !== null && acc) { acc[k] = Math.min(acc[k]!, t); acc[k + 1] = Math.max(acc[k + 1]!, t); acc[k + 2]! += t; acc[k + 3]! += 1; }
      } else if (s.kind === 'filter') {
        if (evalRow(s.condition, cols, row) !== true) { keep = false; break; }
      } else {
        values = s.exprs.map((e) => evalRow(e, cols, row));
        cols = values.map((v, k) => vectorFromValues(s.exprs[k]!.type, [v]));
        row = 0;
      }
    }
    if (!keep) continue;
    rows.push(values ?? batch.columns.map((_, c) => evalRow({ kind: 'ref', index: c, type: batch.schema.fields[c]!.dataType, nullable: true, name: '' }, batch.columns, i)));
  }
  const columns = schema.fields.map((f, c) => vectorFromValues(f.dataType, rows.map((r) => r[c])));
  rows = [];
  return makeBatch(schema, columns, columns.length === 0 ? 0 : columns[0]!.length);
}

/** Like evaluate, into reused arrays: the vectors are valid only until the next call for the same owner and role. */
export function evaluateScratch(owner: object, role: string, exprs: readonly Bound[], batch: RecordBatch, opts: ExecOptions): Vector[] {
  if (exprs.length === 0) return [];
  const run = scratchRunner(owner, role, batch.schema, [{ kind: 'project', exprs }], opts);
  return [...run(batch).columns];
}

/** Evaluates expressions over a batch into vectors (one compiled project, cached under `owner` and `role`). */
export function evaluate(owner: object, role: string, exprs: readonly Bound[], batch: RecordBatch, opts: ExecOptions): Vector[] {
  if (exprs.length === 0) return [];
  const run = pipelineRunner(owner, role, batch.schema, [{ kind: 'project', exprs }], opts);
  return [...run(batch).columns];
}

