import { join } from 'node:path';
import { SpateError } from '../core/errors.js';
import type { CommitLog, CommitMetadata } from '../checkpoint/commit-log.js';
import { verifyBatchIds } from '../checkpoint/metadata-log.js';
import type { OffsetLog, OffsetSeq } from '../checkpoint/offset-log.js';
import type { Offset } from '../sources/source.js';

/** What recovery reads from a checkpoint: the last entries of its offsets and commits logs. */
export interface RecoveryInput {
  readonly checkpointDir: string;
  /** Sources of the query being started. */
  readonly numSources: number;
  /** spark.sql.shuffle.partitions of the session. */
  readonly shufflePartitions: number;
  readonly latestOffsets: { readonly batchId: number; readonly value: OffsetSeq } | undefined;
  readonly latestCommit: { readonly batchId: number; readonly value: CommitMetadata } | undefined;
  /** Offsets entries by batch id: at least the uncommitted ones and the one before them (see readRecoveryInput). */
  readonly offsets: ReadonlyMap<number, OffsetSeq>;
}

/** A batch logged in `offsets/` without a commit: it runs again with exactly its offsets and watermark. */
export interface ReplayBatch {
  readonly batchId: number;
  readonly offsets: readonly (Offset | null)[];
  readonly watermarkMs: number;
}

/** Where a restarted query goes on from (Spark's populateStartOffsets). */
export interface RecoveryPlan {
  /** The id of the first batch to plan anew (after any replays). */
  readonly nextBatchId: number;
  /** End offsets of the last committed batch, one per source (null: none yet): where the first replay or new batch starts. */
  readonly committed: readonly (Offset | null)[];
  /** State partitions, fixed for the checkpoint's life. */
  readonly statePartitions: number;
  /** The watermark the next new batch runs with. */
  readonly watermarkMs: number;
  /** The watermark the last batch before `nextBatchId` (or before the first replay) ran with: late rows are judged by it. */
  readonly lastBatchWatermarkMs: number;
  /** Uncommitted batches, oldest first. */
  readonly replays: readonly ReplayBatch[];
}

/** Batches that may be without a commit after a crash: commits are pipelined, see CommitPipeline. */
export const MAX_UNCOMMITTED = 2;

/**
 * Decides, from the checkpoint's logs alone, where a query resumes:
 * - nothing logged: batch 0, from the start;
 * - the latest offsets entry committed: the next batch, with the watermark the commit entry passed on;
 * - up to two entries without a commit: those batches run again with their logged offsets and watermarks,
 *   starting from the end offsets of the batch before them.
 * A checkpoint written by a query with another number of sources or state partitions, or missing the
 * files a replay needs, is an error naming the file.
 */
export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const { checkpointDir, numSources, shufflePartitions, latestOffsets: latest, latestCommit: lastCommit } = input;
  const none: (Offset | null)[] = Array.from({ length: numSources }, () => null);
  if (latest === undefined) {
    return { nextBatchId: 0, committed: none, statePartitions: shufflePartitions, watermarkMs: 0, lastBatchWatermarkMs: 0, replays: [] };
  }
  const file = join(checkpointDir, 'offsets', String(latest.batchId));
  if (latest.value.offsets.length !== numSources) {
    throw new SpateError('CHECKPOINT_INCOMPATIBLE',
      `The checkpoint at ${checkpointDir} was written by a query with ${latest.value.offsets.length} source(s) (${file}), but this query has ${numSources}. ` +
      'Use a new checkpointLocation for a changed query.');
  }
  const logged = latest.value.metadata.conf['spark.sql.shuffle.partitions'];
  if (logged !== undefined && Number(logged) !== shufflePartitions) {
    throw new SpateError('CHECKPOINT_INCOMPATIBLE',
      `spark.sql.shuffle.partitions is ${shufflePartitions} but the checkpoint's state was partitioned into ${logged} (${file}). ` +
      `The number of state partitions is fixed for the life of a checkpoint: set it back to ${logged}, or use a new checkpointLocation.`);
  }
  const statePartitions = logged === undefined ? shufflePartitions : Number(logged);
  const firstUncommitted = lastCommit ? lastCommit.batchId + 1 : 0;
  if (firstUncommitted > latest.batchId) {
    const lastBatchWatermarkMs = latest.value.metadata.batchWatermarkMs;
    return {
      nextBatchId: latest.batchId + 1,
      committed: latest.value.offsets,
      statePartitions,
      watermarkMs: Math.max(lastCommit!.value.nextBatchWatermarkMs, lastBatchWatermarkMs),
      lastBatchWatermarkMs,
      replays: [],
    };
  }
  if (latest.batchId - firstUncommitted + 1 > MAX_UNCOMMITTED) {
    throw new SpateError('CHECKPOINT_CORRUPT',
      `The checkpoint at ${checkpointDir} has offsets for batch ${latest.batchId} but its last commit is ${lastCommit ? `batch ${lastCommit.batchId}` : 'missing'} (${join(checkpointDir, 'commits')}); ` +
      'at most two batches can be uncommitted, so commit files are missing. Restore the missing files or use a new checkpointLocation.');
  }
  const replays: ReplayBatch[] = [];
  for (let b = firstUncommitted; b <= latest.batchId; b++) {
    const entry = b === latest.batchId ? latest.value : input.offsets.get(b);
    if (!entry) {
      throw new SpateError('CHECKPOINT_CORRUPT', `Batch ${b} must be run again, but ${join(checkpointDir, 'offsets', String(b))} (its offsets) is missing.`);
    }
    replays.push({ batchId: b, offsets: entry.offsets, watermarkMs: entry.metadata.batchWatermarkMs });
  }
  let committed: readonly (Offset | null)[] = none;
  let lastBatchWatermarkMs = 0;
  if (firstUncommitted > 0) {
    const prev = input.offsets.get(firstUncommitted - 1);
    if (!prev) {
      throw new SpateError('CHECKPOINT_CORRUPT', `Batch ${firstUncommitted} must be run again, but ${join(checkpointDir, 'offsets', String(firstUncommitted - 1))} (its start offsets) is missing.`);
    }
    committed = prev.offsets;
    lastBatchWatermarkMs = prev.metadata.batchWatermarkMs;
  }
  return { nextBatchId: firstUncommitted, committed, statePartitions, watermarkMs: replays[0]!.watermarkMs, lastBatchWatermarkMs, replays };
}

/**
 * Reads what planRecovery needs: the latest entry of each log and the
 * offsets entries from the one before the first uncommitted batch on. Old
 * batches may have been purged, but the ones kept must have no gap: a
 * missing file is damage, not a fresh start.
 */
export async function readRecoveryInput(offsetLog: OffsetLog, commitLog: CommitLog, base: Omit<RecoveryInput, 'latestOffsets' | 'latestCommit' | 'offsets'>): Promise<RecoveryInput> {
  const [latestOffsets, latestCommit, offsetIds, commitIds] = await Promise.all([offsetLog.getLatest(), commitLog.getLatest(), offsetLog.listBatchIds(), commitLog.listBatchIds()]);
  verifyBatchIds(join(base.checkpointDir, 'offsets'), offsetIds);
  verifyBatchIds(join(base.checkpointDir, 'commits'), commitIds);
  const offsets = new Map<number, OffsetSeq>();
  if (latestOffsets !== undefined) {
    const firstUncommitted = latestCommit ? latestCommit.batchId + 1 : 0;
    // The entries a replay needs, and no more than the most a valid checkpoint can ask for.
    const from = Math.max(firstUncommitted - 1, latestOffsets.batchId - MAX_UNCOMMITTED, 0);
    for (let b = from; b < latestOffsets.batchId; b++) {
      const e = await offsetLog.get(b);
      if (e !== undefined) offsets.set(b, e);
    }
  }
  return { ...base, latestOffsets, latestCommit, offsets };
}
