/**
 * Batches whose commits may be under way at once: batch N+2 computes while
 * N and N+1 commit.
 */
export const PIPELINE_DEPTH = 3;

/**
 * The commits of the batches in flight, by batch id, and the ordering rules
 * that keep the checkpoint exactly-once while commits overlap the next
 * batches' computing. A batch's commit (its sink, its state files, then
 * `commits/N`) runs in the background; each rule below is a promise that
 * resolves when a step of batch N may go:
 * - `mayCompute(N)`: at most PIPELINE_DEPTH batches in flight;
 * - `mayWriteOffsets(N)`: `offsets/N` only after `commits/N-2`, so a crash
 *   leaves at most two batches without a commit (recovery's MAX_UNCOMMITTED);
 * - `mayWriteSink(N)`: batch N reaches its sink only after `commits/N-1`, so
 *   sinks see batches one at a time, in order.
 * A commit that is not in flight (long done, or before this run) counts as done.
 */
export class CommitPipeline {
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(readonly depth = PIPELINE_DEPTH) {}

  mayCompute(batchId: number): Promise<void> {
    return this.commitOf(batchId - this.depth);
  }

  mayWriteOffsets(batchId: number): Promise<void> {
    return this.commitOf(batchId - 2);
  }

  mayWriteSink(batchId: number): Promise<void> {
    return this.commitOf(batchId - 1);
  }

  /** Takes in batch N's commit (which itself waits for mayWriteSink(N)); forgets the ones no rule asks for any more. */
  add(batchId: number, commit: Promise<void>): void {
    this.inFlight.set(batchId, commit);
    this.inFlight.delete(batchId - this.depth);
  }

  /** Resolves when every commit taken in is done; rejects with the first that failed, in batch order. */
  async allDone(): Promise<void> {
    for (const id of [...this.inFlight.keys()].sort((a, b) => a - b)) await this.inFlight.get(id);
  }

  /** The first failure among the commits in flight, or undefined once all are done. */
  firstFailure(): Promise<unknown> {
    return this.allDone().then(() => undefined, (e: unknown) => e);
  }

  /** Resolves when every commit has finished, failed or not. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private commitOf(batchId: number): Promise<void> {
    return this.inFlight.get(batchId) ?? Promise.resolve();
  }
}
