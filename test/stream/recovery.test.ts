// planRecovery (Spark's populateStartOffsets) as a table: the offsets and commits a checkpoint holds in,
// where the query goes on out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpateError } from '../../src/core/errors.js';
import type { OffsetSeq } from '../../src/checkpoint/offset-log.js';
import { planRecovery, type RecoveryInput, type RecoveryPlan } from '../../src/stream/recovery.js';

const DIR = '/cp';
/** offsets/N of a one-source query: end offset N * 10, the watermark it ran with N * 1000, 4 partitions. */
const entry = (n: number, partitions: string | null, sources: number): OffsetSeq => ({
  offsets: Array.from({ length: sources }, () => n * 10),
  metadata: { batchWatermarkMs: n * 1000, batchTimestampMs: 0, conf: partitions === null ? {} : { 'spark.sql.shuffle.partitions': partitions } },
});

interface Case {
  readonly name: string;
  /** Offsets entries on disk (batch ids), and the last commit (its id and nextBatchWatermarkMs). */
  readonly offsets: readonly number[];
  readonly commit?: { readonly batchId: number; readonly nextWatermarkMs: number };
  readonly numSources?: number;
  readonly partitions?: number;
  readonly logged?: { readonly partitions: string | null };
  readonly expected: Partial<RecoveryPlan> | { readonly error: string; readonly message: RegExp };
}

const CASES: readonly Case[] = [
  { name: 'a new checkpoint starts at batch 0', offsets: [], expected: { nextBatchId: 0, committed: [null], statePartitions: 4, watermarkMs: 0, lastBatchWatermarkMs: 0, replays: [] } },
  {
    name: 'everything committed: the next batch, with the watermark the commit passed on',
    offsets: [3, 4], commit: { batchId: 4, nextWatermarkMs: 7000 },
    expected: { nextBatchId: 5, committed: [40], watermarkMs: 7000, lastBatchWatermarkMs: 4000, replays: [] },
  },
  {
    name: 'the watermark never goes back below the last batch\'s',
    offsets: [4], commit: { batchId: 4, nextWatermarkMs: 0 },
    expected: { nextBatchId: 5, watermarkMs: 4000 },
  },
  {
    name: 'one batch without a commit runs again from the batch before it',
    offsets: [3, 4, 5], commit: { batchId: 4, nextWatermarkMs: 7000 },
    expected: { nextBatchId: 5, committed: [40], lastBatchWatermarkMs: 4000, watermarkMs: 5000, replays: [{ batchId: 5, offsets: [50], watermarkMs: 5000 }] },
  },
  {
    name: 'two batches without a commit (a crash with a commit under way) run again, in order',
    offsets: [3, 4, 5, 6], commit: { batchId: 4, nextWatermarkMs: 7000 },
    expected: { nextBatchId: 5, committed: [40], replays: [{ batchId: 5, offsets: [50], watermarkMs: 5000 }, { batchId: 6, offsets: [60], watermarkMs: 6000 }] },
  },
  {
    name: 'no commit at all: the logged batches run again from the start',
    offsets: [0, 1],
    expected: { nextBatchId: 0, committed: [null], lastBatchWatermarkMs: 0, replays: [{ batchId: 0, offsets: [0], watermarkMs: 0 }, { batchId: 1, offsets: [10], watermarkMs: 1000 }] },
  },
  {
    name: 'three batches without a commit: commit files are missing',
    offsets: [4, 5, 6, 7], commit: { batchId: 4, nextWatermarkMs: 0 },
    expected: { error: 'CHECKPOINT_CORRUPT', message: /offsets for batch 7 but its last commit is batch 4 \(\/cp\/commits\); at most two batches can be uncommitted/ },
  },
  {
    name: 'a replay whose start offsets are gone',
    offsets: [5], commit: { batchId: 4, nextWatermarkMs: 0 },
    expected: { error: 'CHECKPOINT_CORRUPT', message: /Batch 5 must be run again, but \/cp\/offsets\/4 \(its start offsets\) is missing/ },
  },
  {
    name: 'another number of sources',
    offsets: [0], commit: { batchId: 0, nextWatermarkMs: 0 }, numSources: 2,
    expected: { error: 'CHECKPOINT_INCOMPATIBLE', message: /written by a query with 1 source\(s\) \(\/cp\/offsets\/0\), but this query has 2/ },
  },
  {
    name: 'another number of state partitions',
    offsets: [0], commit: { batchId: 0, nextWatermarkMs: 0 }, partitions: 8,
    expected: { error: 'CHECKPOINT_INCOMPATIBLE', message: /spark.sql.shuffle.partitions is 8 but the checkpoint's state was partitioned into 4/ },
  },
  {
    name: 'an offsets file without the partitions conf takes the session\'s',
    offsets: [0], commit: { batchId: 0, nextWatermarkMs: 0 }, partitions: 8, logged: { partitions: null },
    expected: { nextBatchId: 1, statePartitions: 8 },
  },
];

for (const c of CASES) {
  test(`planRecovery: ${c.name}`, () => {
    const offsets = new Map(c.offsets.map((n) => [n, entry(n, c.logged ? c.logged.partitions : '4', 1)] as const));
    const latest = c.offsets.length === 0 ? undefined : Math.max(...c.offsets);
    const input: RecoveryInput = {
      checkpointDir: DIR,
      numSources: c.numSources ?? 1,
      shufflePartitions: c.partitions ?? 4,
      latestOffsets: latest === undefined ? undefined : { batchId: latest, value: offsets.get(latest)! },
      latestCommit: c.commit ? { batchId: c.commit.batchId, value: { nextBatchWatermarkMs: c.commit.nextWatermarkMs } } : undefined,
      offsets,
    };
    if ('error' in c.expected) {
      const { error, message } = c.expected;
      assert.throws(() => planRecovery(input), (e: unknown) => e instanceof SpateError && e.code === error && message.test(e.message));
      return;
    }
    const plan = planRecovery(input);
    for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(plan[k as keyof RecoveryPlan], v, k);
  });
}
