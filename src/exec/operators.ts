import { concatBatches, sliceBatch, takeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { distinctIndices } from '../core/hash/distinct.js';
import type { StructType } from '../core/types.js';
import { readFiles } from '../io/index.js';
import { boundDisplay } from '../expressions/bound.js';
import { aggregate, aggregateInputs, collectPipeline, execute, generate, join, limitBatches, sortKeys, streamContext } from './execute.js';
import type { PhysicalPlan } from '../physical/physical.js';
import type { PhysicalNode } from '../physical/shapes.js';
import { evaluate, pipelineRunner, type ExecOptions } from './pipeline.js';
import { aggregateSessions, runSessionWindow } from './session-window.js';
import { runSessionAggregate, sessionStateSchemas } from './stateful/session-aggregate.js';
import { aggregateStateSchemas, runStatefulAggregate } from './stateful/stateful-aggregate.js';
import { dedupStateSchemas, runStreamingDedup } from './stateful/streaming-dedup.js';
import { observeEventTimes } from './stream-context.js';
import { sortIndices, topKIndices } from './sort/sort-indices.js';
import { runWindow } from './window.js';


/** What a stateful operator keeps: Spark's short name in progress, and its state rows' key and value schemas. */
export interface StateSpec<K extends PhysicalPlan['kind']> {
  readonly name: string;
  readonly schemas: (p: PhysicalNode<K>) => { readonly keySchema: StructType; readonly valueSchema: StructType };
}

/**
 * What one physical operator kind does, in one place: its line in
 * explain(), how it runs, and for stateful operators what state it keeps
 * (its children and how to rebuild it are its line in physical/shapes.ts). Metrics (rows in, rows
 * out, time) are taken around `execute` by the executor, for every kind.
 */
export interface OperatorDef<K extends PhysicalPlan['kind']> {
  readonly describe: (p: PhysicalNode<K>) => string;
  readonly execute: (p: PhysicalNode<K>, opts: ExecOptions) => Promise<RecordBatch[]>;
  /** Stateful operators only. */
  readonly state?: StateSpec<K>;
}

const cols = (names: readonly string[]): string => `[${names.join(', ')}]`;
const names = (s: StructType): string => cols(s.fields.map((f) => f.name));

/**
 * The registry of physical operators. The mapped type makes it complete: a
 * new kind in PhysicalPlan does not compile until it has its entry here.
 */
export const OPERATORS: { readonly [K in PhysicalPlan['kind']]: OperatorDef<K> } = {
  scan: {
    describe: (p) => `LocalTableScan ${names(p.schema)}`,
    execute: async (p) => [...p.batches],
  },
  streamScan: {
    describe: (p) => `StreamingRelation ${p.description} ${names(p.schema)}`,
    execute: async (p, opts) => {
      const data = opts.stream?.inputs.get(p.relationId);
      if (!data) throw new SpateError('INTERNAL_ERROR', `No input for streaming relation ${p.description} (#${p.relationId}) in this batch.`);
      return [...data];
    },
  },
  fileScan: {
    describe: (p) => `FileScan ${p.format} ${names(p.schema)}${p.pushedFilters ? ` PushedFilters: ${cols(p.pushedFilters.map(boundDisplay))}` : ''}`
      + `${p.pruned ? ` ReadSchema: ${names(p.schema)} of ${p.pruned.readSchema.fields.length}` : ''} Location: [${p.paths.join(', ')}]`,
    execute: async (p, opts) => (await readFiles(p.format, p.paths, p.options, p.pruned?.readSchema ?? p.schema,
      { timeZone: opts.timeZone, ...(p.pruned ? { columns: p.pruned.columns } : {}) })).batches,
  },
  dataSourceScan: {
    describe: (p) => `Scan ${p.description} ${names(p.schema)}`,
    execute: (p) => p.read(),
  },
  project: {
    describe: (p) => `*Project ${cols(p.exprs.map((e, i) => { const d = boundDisplay(e); const n = p.schema.fields[i]!.name; return d === n ? d : `${d} AS ${n}`; }))}`,
    execute: pipeline,
  },
  filter: {
    describe: (p) => `*Filter ${boundDisplay(p.condition)}`,
    execute: pipeline,
  },
  generate: {
    describe: (p) => `Generate ${p.outer ? 'outer ' : ''}${p.position ? 'posexplode' : 'explode'}(${boundDisplay(p.input)})`,
    execute: async (p, opts) => (await execute(p.child, opts)).map((b) => generate(p, b, opts)),
  },
  aggregate: {
    describe: (p) => `HashAggregate(keys=${cols(p.keys.map(boundDisplay))}, functions=${cols(p.aggs.map((a) => a.display))})`,
    execute: async (p, opts) => {
      if (p.child.kind === 'sessionWindow' && p.child.mergeKeys !== null) {
        return [aggregateSessions({ ...p, child: p.child }, await execute(p.child.child, opts), opts)];
      }
      return [await aggregate(p, opts)];
    },
  },
  statefulAggregate: {
    describe: (p) => `StatefulAggregate(keys=${cols(p.keys.map(boundDisplay))}, functions=${cols(p.aggs.map((a) => a.display))}, state=${p.operatorId})`,
    execute: async (p, opts) => {
      const s = streamContext(opts, p.operatorId);
      return [await runStatefulAggregate(p, (fn) => aggregateInputs(p, opts, fn), s.state, s.mode, opts)];
    },
    state: { name: 'stateStoreSave', schemas: aggregateStateSchemas },
  },
  sessionAggregate: {
    describe: (p) => `SessionWindowStateStoreSave(keys=${cols(p.keys.map(boundDisplay))}, functions=${cols(p.aggs.map((a) => a.display))}, state=${p.operatorId})`,
    execute: async (p, opts) => {
      const s = streamContext(opts, p.operatorId);
      return [runSessionAggregate(p, await execute(p.child.child, opts), s.state, s.mode, opts)];
    },
    state: { name: 'sessionWindowStateStoreSaveExec', schemas: sessionStateSchemas },
  },
  streamingDedup: {
    describe: (p) => `StreamingDeduplicate ${cols(p.keys.map((k) => p.schema.fields[k]!.name))}, state=${p.operatorId}`,
    execute: async (p, opts) => {
      const s = streamContext(opts, p.operatorId);
      const input = concatBatches(p.child.schema, await execute(p.child, opts));
      return [runStreamingDedup(p, input, s.state, opts.stream!.batchId, { evictMs: opts.stream!.watermarkMs, lateMs: opts.stream!.lateWatermarkMs }, opts.stream!.droppedByWatermark)];
    },
    state: { name: 'dedupe', schemas: dedupStateSchemas },
  },
  sort: {
    describe: (p) => `Sort ${cols(p.orders.map((o) => `${boundDisplay(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`))}`,
    execute: async (p, opts) => {
      const all = concatBatches(p.schema, await execute(p.child, opts));
      return [takeBatch(all, sortIndices(sortKeys(p, all, opts), all.numRows))];
    },
  },
  limit: {
    describe: (p) => (p.offset > 0 ? `GlobalLimit ${p.limit}, offset ${p.offset}` : `GlobalLimit ${p.limit}`),
    execute: async (p, opts) => {
      if (p.child.kind === 'sort') {
        // A limit over a sort is a top-k: the sort runs fused into it.
        const s = p.child;
        const all = concatBatches(s.schema, await execute(s.child, opts));
        const k = Math.min(all.numRows, p.limit + p.offset);
        const top = takeBatch(all, topKIndices(sortKeys(s, all, opts), all.numRows, k));
        return [sliceBatch(top, p.offset, p.offset + p.limit)];
      }
      return limitBatches(await execute(p.child, opts), p.limit, p.offset);
    },
  },
  dedup: {
    describe: (p) => `Deduplicate ${cols(p.keys.map((k) => p.schema.fields[k]!.name))}`,
    execute: async (p, opts) => {
      const all = concatBatches(p.schema, await execute(p.child, opts));
      return [takeBatch(all, distinctIndices(p.keys.map((k) => all.columns[k]!), all.numRows))];
    },
  },
  union: {
    describe: () => 'Union',
    execute: async (p, opts) => (await Promise.all(p.children.map((c) => execute(c, opts)))).flat().map((b) => ({ ...b, schema: p.schema })),
  },
  join: {
    describe: (p) => {
      const keys = p.leftKeys.map((l, i) => `${boundDisplay(l)} = ${boundDisplay(p.rightKeys[i]!)}`);
      const kind = p.leftKeys.length > 0 ? 'HashJoin' : 'NestedLoopJoin';
      return `${kind} ${p.joinType}${keys.length ? ` ${cols(keys)}` : ''}${p.residual ? ` condition: ${boundDisplay(p.residual)}` : ''}${p.buildSide ? ` build ${p.buildSide}` : ''}`;
    },
    execute: join,
  },
  watermark: {
    describe: (p) => `EventTimeWatermark ${p.schema.fields[p.column]!.name}, ${p.delayMs} ms`,
    execute: async (p, opts) => {
      const input = await execute(p.child, opts);
      const stats = opts.stream?.eventTime[p.watermarkId];
      if (stats) for (const b of input) observeEventTimes(stats, b.columns[p.column]!.values as Float64Array, b.columns[p.column]!.validity, b.numRows);
      return input;
    },
  },
  window: {
    describe: (p) => `Window(${boundDisplay(p.time)}, ${p.windowMicros / 1000} ms, slide ${p.slideMicros / 1000} ms)`,
    execute: async (p, opts) => (await execute(p.child, opts)).map((b) => runWindow(p, b, evaluate(p, 'time', [p.time], b, opts)[0]!)),
  },
  sessionWindow: {
    describe: (p) => `SessionWindow(${boundDisplay(p.time)}, gap ${'micros' in p.gap ? `${p.gap.micros / 1000} ms` : boundDisplay(p.gap.expr)}${p.mergeKeys ? `, merge by ${cols(p.mergeKeys.map(boundDisplay))}` : ''})`,
    execute: async (p, opts) => runSessionWindow(p, await execute(p.child, opts), opts),
  },
};

/** Consecutive filters and projects run as one compiled loop over each input batch. */
async function pipeline(p: PhysicalNode<'project' | 'filter'>, opts: ExecOptions): Promise<RecordBatch[]> {
  const { stages, source } = collectPipeline(p);
  const input = await execute(source, opts);
  const run = pipelineRunner(p, 'main', source.schema, stages, opts);
  return input.map((b) => run(b)).filter((b) => b.numRows > 0 || input.length === 1);
}

/**
 * The registry entry of `p`'s kind. TypeScript cannot correlate a node's kind with its entry's parameter
 * type, so the functions below call entries with `as never`: the only casts the registry needs.
 */
function operatorOf(p: PhysicalPlan): OperatorDef<PhysicalPlan['kind']> {
  return OPERATORS[p.kind] as OperatorDef<PhysicalPlan['kind']>;
}

/** Runs one node as its entry says (execute.ts wraps this with metrics). */
export function executeNode(p: PhysicalPlan, opts: ExecOptions): Promise<RecordBatch[]> {
  return operatorOf(p).execute(p as never, opts);
}

/** One line describing a physical node, as explain() shows it. `*` marks nodes fused into a generated loop. */
export function describeNode(p: PhysicalPlan): string {
  return operatorOf(p).describe(p as never);
}

/** The state a stateful node keeps, or undefined for a stateless one. */
export function stateSpecOf(p: PhysicalPlan): { name: string; keySchema: StructType; valueSchema: StructType } | undefined {
  const spec = operatorOf(p).state;
  if (spec === undefined) return undefined;
  const { keySchema, valueSchema } = spec.schemas(p as never);
  return { name: spec.name, keySchema, valueSchema };
}
