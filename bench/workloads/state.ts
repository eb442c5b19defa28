/**
 * State: 1M distinct (string, long) keys counted in update mode. Batch 1
 * brings every key once (state grows to 1M keys); batch 2 brings 100k of
 * them again (a delta of 100k keys). Reported: state bytes per key in memory
 * (the progress's stateOperators memoryUsedBytes) and on disk (the
 * checkpoint's state/ directory), and each batch's state commit time.
 * Next to it, a JS Map keyed by the pair, with its heap bytes per key.
 */
import { join } from 'node:path';
import { functions as F } from '../../src/index.js';
import type { RecordBatch } from '../../src/core/batch.js';
import type { Harness, Outcome, Workload, WorkloadInfo } from '../lib/harness.js';
import { dirBytes, schema, sliceBatch, spark, tempDir } from '../lib/spate-env.js';
import { runStream } from '../lib/spate-stream.js';

const NAME = 'state';
const ROWS = schema('s STRING, l LONG');

interface Keys { readonly s: string[]; readonly l: Float64Array; readonly n: number }

function makeKeys(pick: (i: number) => number, count: number): Keys {
  const s = new Array<string>(count);
  const l = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    const i = pick(j);
    s[j] = `user_${String(i % 100_000).padStart(5, '0')}`;
    l[j] = i;
  }
  return { s, l, n: count };
}

const digest = (rows: number, total: number): string => `${rows}r/${total}`;
const gc = (globalThis as { gc?: () => void }).gc;

const spateInput = (first: Keys, second: Keys): RecordBatch[] =>
  [sliceBatch(ROWS, [first.s, first.l], 0, first.n), sliceBatch(ROWS, [second.s, second.l], 0, second.n)];

async function spateState(input: readonly RecordBatch[]): Promise<Outcome> {
  const checkpoint = tempDir('state');
  const r = await runStream(ROWS, input,
    (df) => df.groupBy('s', 'l').count(), { mode: 'update', format: 'memory', checkpoint });
  const [p1, p2] = r.progress;
  const op1 = p1!.stateOperators[0]!;
  const op2 = p2!.stateOperators[0]!;
  const keys = op2.numRowsTotal;
  return {
    batchMs: r.batchMs,
    extra: {
      keys,
      'mem B/key': op2.memoryUsedBytes / keys,
      'disk B/key': dirBytes(join(checkpoint, 'state')) / keys,
      'commit ms b1': op1.commitTimeMs,
      'commit ms b2': op2.commitTimeMs,
      partitions: op2.numShufflePartitions,
    },
    check: async () => {
      const [row] = await spark.table(r.table!).agg(F.count(F.lit(1)), F.sum('count')).collectArrays();
      return digest(Number(row![0]), Number(row![1]));
    },
  };
}

function mapState(first: Keys, second: Keys): Outcome {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const counts = new Map<string, number>();
  let rows = 0;
  let total = 0;
  for (const b of [first, second]) {
    const touched = new Set<string>();
    for (let i = 0; i < b.n; i++) {
      const key = `${b.s[i]!}\u0001${b.l[i]!}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      touched.add(key);
    }
    // Update mode's output: each touched key once, with its new count.
    rows += touched.size;
    for (const k of touched) total += counts.get(k)!;
  }
  gc?.();
  const bytes = process.memoryUsage().heapUsed - before;
  return { extra: { keys: counts.size, 'mem B/key': bytes / counts.size }, check: digest(rows, total) };
}

export const state: Workload = {
  name: NAME,
  async run(h: Harness, quick: boolean): Promise<WorkloadInfo[]> {
    const n = quick ? 100_000 : 1_000_000;
    const first = makeKeys((j) => j, n);
    const second = makeKeys((j) => j * 10, n / 10);
    const wf = makeKeys((j) => j, 10_000);
    const ws = makeKeys((j) => j * 10, 1000);
    const events = first.n + second.n;
    const spateIn = spateInput(first, second);
    await h.measure(NAME, events, { system: 'spate', mode: 'micro-batches', warmup: () => spateState(spateInput(wf, ws)), run: () => spateState(spateIn) });
    await h.measure(NAME, events, { system: 'js Map', mode: 'per batch, like spate', warmup: () => mapState(wf, ws), run: () => mapState(first, second) });
    return [{
      workload: NAME, reference: 'spate', events,
      note: `${n.toLocaleString()} distinct (string, long) keys, count in update mode: batch 1 = every key once, batch 2 = ${(n / 10).toLocaleString()} of them again. spate: memory sink, checkpointing on, spark.sql.shuffle.partitions = ${spark.conf.get('spark.sql.shuffle.partitions')}. js Map: key = string + long concatenated; its B/key is heap growth (with gc).`,
    }];
  },
};
