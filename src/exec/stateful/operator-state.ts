import { join } from 'node:path';
import type { StructType } from '../../core/types.js';
import type { Vector } from '../../core/vector.js';
import { OwnDeltaFiles, SharedDeltas, StateStore, partitionOf } from '../../state/index.js';

/** Settings of the state store, from spark.sql.streaming.* confs. */
export interface StateStoreOptions {
  readonly minDeltasForSnapshot: number;
  readonly minBatchesToRetain: number;
}

/**
 * The state of one stateful operator: one versioned store per partition
 * under `state/<operatorId>/<partition>/`. Keys are hash-partitioned into
 * `numPartitions` (spark.sql.shuffle.partitions, fixed for the life of the
 * checkpoint) with a hash that is stable across processes.
 */
export class OperatorState {
  private stores: StateStore[] = [];
  private partScratch = new Int32Array(0);

  constructor(
    readonly operatorId: number,
    readonly operatorName: string,
    private readonly checkpointDir: string,
    readonly numPartitions: number,
    readonly keySchema: StructType,
    readonly valueSchema: StructType,
    private readonly opts: StateStoreOptions,
  ) {}

  private get dir(): string {
    return join(this.checkpointDir, 'state', String(this.operatorId));
  }

  /**
   * Loads every partition at `version` (the state after batch `version - 1`;
   * 0 = empty). A store handle serves one batch; the store keeps committed
   * versions cached, so loading the next one is cheap.
   */
  async load(version: number): Promise<void> {
    this.version = version;
    const shared = (this.shared ??= await this.sharedOrOwn());
    this.stores = await Promise.all(Array.from({ length: this.numPartitions }, (_, p) =>
      StateStore.load(join(this.dir, String(p)), version, this.keySchema, this.valueSchema, this.opts, shared === 'own' ? undefined : shared.partition(p))));
    if (shared !== 'own') shared.forgetReads();
  }

  /** Shared delta files (one per version for all partitions); 'own' for a checkpoint written with one per partition. */
  private shared: SharedDeltas | 'own' | undefined;

  private async sharedOrOwn(): Promise<SharedDeltas | 'own'> {
    const shared = new SharedDeltas(this.dir, this.numPartitions);
    if ((await shared.partition(0).versions()).size > 0) return shared;
    // Checkpoints from before shared deltas keep a delta per partition directory; they go on that way.
    const own = await new OwnDeltaFiles(join(this.dir, '0')).versions();
    return own.size > 0 ? 'own' : shared;
  }

  private version = 0;

  store(partition: number): StateStore {
    return this.stores[partition]!;
  }

  /** The row indexes of `numRows` keys that fall in each partition, in row order. */
  splitByPartition(keys: readonly Vector[], numRows: number): Int32Array[] {
    if (this.partScratch.length < numRows) this.partScratch = new Int32Array(Math.max(numRows, 1024));
    const parts = this.partScratch.subarray(0, numRows);
    if (keys.length === 0) parts.fill(0);
    else partitionOf(keys, numRows, this.numPartitions, parts);
    const counts = new Int32Array(this.numPartitions);
    for (let i = 0; i < numRows; i++) counts[parts[i]!]!++;
    const out = Array.from({ length: this.numPartitions }, (_, p) => new Int32Array(counts[p]!));
    const fill = new Int32Array(this.numPartitions);
    for (let i = 0; i < numRows; i++) { const p = parts[i]!; out[p]![fill[p]!++] = i; }
    return out;
  }

  /** Commits every partition as the next version and opens that version for the next batch. */
  async commit(): Promise<void> {
    await this.seal();
    await this.cleanup(this.version);
  }

  /**
   * Seals every partition as the next version and opens that version for the
   * next batch at once (see StateStore.seal); resolves with this batch's
   * metrics when the version is durable.
   */
  seal(): Promise<OperatorStateMetrics> {
    const t0 = performance.now();
    const sealed = this.stores;
    const written = Promise.all(sealed.map((s) => s.seal()));
    // Counted now: the next batch changes the same memory while the files are written.
    const m = sumMetrics(sealed);
    const sealMs = performance.now() - t0;
    this.stores = sealed.map((s) => s.reopen());
    this.version++;
    return written.then(() => {
      // Sealing on this thread plus the write on the I/O thread, without the waits for this thread between them.
      m.commitTimeMs = sealMs + Math.max(0, ...sealed.map((s) => s.lastWriteMs));
      return m;
    }, (e: unknown) => {
      // Partitions still waiting for the shared delta file to be written give up too.
      if (this.shared !== undefined && this.shared !== 'own') this.shared.abandon(e);
      throw e;
    });
  }

  /** Deletes the files no load of the versions retained up to `committedVersion` needs (see StateStore.cleanup). */
  async cleanup(committedVersion: number): Promise<void> {
    await Promise.all(this.stores.map((s) => s.cleanup(committedVersion)));
  }

  /** Drops this batch's changes (the query is failing). */
  abort(): void {
    for (const s of this.stores) s.abort();
  }

  /** Frees the cached versions when the query stops. */
  close(): void {
    StateStore.unloadAll(this.dir);
  }

  /** The current batch's numbers so far, in the shape of Spark's stateOperators progress entry. */
  metrics(): OperatorStateMetrics {
    return sumMetrics(this.stores);
  }
}

/** One operator's totals over partitions, in the shape of Spark's stateOperators progress entry. */
export interface OperatorStateMetrics {
  numRowsTotal: number;
  numRowsUpdated: number;
  numRowsRemoved: number;
  memoryUsedBytes: number;
  commitTimeMs: number;
}

function sumMetrics(stores: readonly StateStore[]): OperatorStateMetrics {
  const m = { numRowsTotal: 0, numRowsUpdated: 0, numRowsRemoved: 0, memoryUsedBytes: 0, commitTimeMs: 0 };
  for (const s of stores) {
    const x = s.metrics();
    m.numRowsTotal += x.numRowsTotal;
    m.numRowsUpdated += x.numRowsUpdated;
    m.numRowsRemoved += x.numRowsRemoved;
    m.memoryUsedBytes += x.memoryUsedBytes;
    m.commitTimeMs = Math.max(m.commitTimeMs, x.commitTimeMs);
  }
  return m;
}
