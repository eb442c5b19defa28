import { readFile, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { StructType } from '../core/types.js';
import type { Vector } from '../core/vector.js';
import { errCode, makeDir, writeFileAtomic, type FileStamp, type WrittenFile } from '../checkpoint/atomic-file.js';
import { checkpointMissing } from '../checkpoint/corrupt.js';
import { decodeStateFile, encodeStateFile, typeSignature } from './state-file.js';
import { deleteStateFilesBelow, listStateDir, planLoad, snapshotPath } from './state-dir.js';
import { OwnDeltaFiles, type DeltaFiles, type DeltaRows } from './delta-files.js';
import { StateData } from './state-data.js';
import { ValueColumn } from './value-column.js';

/** spark.sql.streaming.stateStore.minDeltasForSnapshot and spark.sql.streaming.minBatchesToRetain. */
export interface StateStoreOptions {
  readonly minDeltasForSnapshot: number;
  readonly minBatchesToRetain: number;
}

/** A store's numbers for the progress report (Spark's stateOperators entry). */
export interface StateStoreMetrics {
  numRowsTotal: number;
  numRowsUpdated: number;
  numRowsRemoved: number;
  memoryUsedBytes: number;
  commitTimeMs: number;
}

/** Facts about a directory kept beside its cached in-memory state. */
interface DirState {
  data: StateData;
  version: number;
  /** The last file written or read (the I/O thread reports it with each write); a later load checks it before using the cache. */
  stamp: FileStamp | undefined;
  inUse: boolean;
  lastSnapshotVersion: number;
  snapshots: number[];
  cleanedBelow: number;
  /** Snapshot files above the loaded version, left by an abandoned run; replaced or deleted as versions are re-committed. */
  staleSnapshots: Set<number>;
  /** The directory exists (files were found), or is being made by the first write; later writes wait on the same promise. */
  dirMade: Promise<void> | undefined;
  /** A sealed version failed to reach the disk: this memory is not any committed version. */
  failed: boolean;
}

// Latest committed in-memory state per directory, so batch N+1 starts from batch N's memory instead of disk.
const CACHE = new Map<string, DirState>();

// Compact when dead slots outnumber live keys (and there are enough to matter).
const COMPACT_MIN_DEAD = 4096;

/**
 * A versioned key-value state store for one (operator, partition), in
 * Spark's HDFSBackedStateStore layout: version N is version N-1 plus the
 * file `N.delta`; every `minDeltasForSnapshot` versions a full `N.snapshot`
 * is written too, so loads need not replay all deltas. Snapshots are an
 * optimisation, never the truth: deltas alone rebuild every version still
 * retained. Keys and values are rows of fixed schemas held columnar; each
 * handle (from `load`) is used for one batch, then `commit()`ed or
 * `abort()`ed. Changes are applied in place with an undo log, so abort is
 * cheap and the next load of the committed version is served from memory.
 */
export class StateStore {
  /** The version loaded; commit writes version + 1. */
  readonly version: number;
  private readonly data: StateData;
  private closed = false;
  private touchedList = new Int32Array(64);
  private wasLive = new Uint8Array(64);
  private undo: ValueColumn[];
  private numTouched = 0;
  private numUpdated = 0;
  private numRemoved = 0;
  /** Time spent committing: sealing on the main thread plus writing on the I/O thread (not waits between them). */
  private commitTimeMs = 0;
  private writeMs = 0;

  private constructor(private readonly dir: string, private readonly state: DirState, private readonly opts: StateStoreOptions, private readonly deltas: DeltaFiles) {
    this.version = state.version;
    this.data = state.data;
    this.undo = state.data.valueSchema.fields.map((f) => new ValueColumn(f.dataType, 64));
    state.inUse = true;
  }

  /**
   * Opens the store in `dir` at `version` (0 = empty): the newest snapshot at or below it plus the deltas
   * after it. Deltas are `dir`'s own `<version>.delta` files unless `deltas` says where they are (the
   * partitions of an operator share one file per version, see SharedDeltas).
   */
  static async load(dir: string, version: number, keySchema: StructType, valueSchema: StructType, opts: StateStoreOptions, deltas?: DeltaFiles): Promise<StateStore> {
    checkOptions(opts);
    if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`state version must be a non-negative integer, got ${version}`);
    const key = resolve(dir);
    const files = deltas ?? new OwnDeltaFiles(key);
    const cached = CACHE.get(key);
    if (cached !== undefined && !cached.inUse && !cached.failed && cached.version === version &&
        typeSignature(cached.data.keySchema) === typeSignature(keySchema) &&
        typeSignature(cached.data.valueSchema) === typeSignature(valueSchema) &&
        await stampStillValid(cached.stamp)) {
      return new StateStore(key, cached, opts, files);
    }
    const state = await loadFromDisk(key, version, keySchema, valueSchema, files);
    if (cached === undefined || !cached.inUse) CACHE.set(key, state);
    return new StateStore(key, state, opts, files);
  }

  /** Drops cached in-memory state of directories under `prefix` (call when a query stops); later loads read disk. */
  static unloadAll(prefix?: string): void {
    const p = prefix === undefined ? undefined : resolve(prefix);
    for (const k of [...CACHE.keys()]) if (p === undefined || k === p || k.startsWith(p + '/') || k.startsWith(p + '\\')) CACHE.delete(k);
  }

  /** Live keys. */
  get numKeys(): number {
    return this.data.numLive;
  }

  /** The slot of each row's key, -1 when absent (or removed). */
  lookup(keys: readonly Vector[], numRows: number, outSlots: Int32Array): void {
    this.checkOpen('lookup');
    this.data.lookup(keys, numRows, outSlots);
  }

  /** Value columns indexed by slot (read-only views, valid until the next upsert). */
  values(): readonly Vector[] {
    const n = this.data.numSlots;
    return this.data.valueCols.map((c) => c.view(n));
  }

  /** Key columns indexed by slot (read-only views, valid until the next upsert). */
  keys(): readonly Vector[] {
    const n = this.data.numSlots;
    return this.data.keyCols.map((c) => c.view(n));
  }

  /**
   * The live slots whose first `prefix.length` key columns equal each row of
   * `prefix`: row r's are `slots[offsets[r] .. offsets[r + 1])`. Costs the
   * slots of those prefixes, not the store (a secondary index kept as slots
   * are added); a session-window aggregation finds a key's sessions this way.
   */
  slotsByPrefix(prefix: readonly Vector[], numRows: number): { offsets: Int32Array; slots: Int32Array } {
    this.checkOpen('slotsByPrefix');
    return this.data.slotsByPrefix(prefix, numRows);
  }

  isLive(slot: number): boolean {
    return this.data.live[slot] === 1;
  }

  /** Inserts or replaces one row per key: `batch` holds the key columns then the value columns (a repeated key: the last row wins). */
  upsert(batch: RecordBatch): void {
    this.checkOpen('upsert');
    const d = this.data;
    const nk = d.keyCols.length;
    if (batch.columns.length !== nk + d.valueCols.length) {
      throw new SpateError('INTERNAL_ERROR', `StateStore.upsert in ${this.dir} needs ${nk} key and ${d.valueCols.length} value columns, got ${batch.columns.length}.`);
    }
    const n = batch.numRows;
    const slots = d.mapKeys(batch.columns.slice(0, nk), n);
    const values = batch.columns.slice(nk);
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      this.touch(s);
      d.touched[s] = 1;
      d.put(s, values, i);
    }
    this.numUpdated += n;
  }

  /** Removes the given keys (absent ones are ignored). */
  remove(keys: readonly Vector[], numRows: number): void {
    this.checkOpen('remove');
    const d = this.data;
    const slots = d.slotsScratch(numRows);
    d.lookup(keys, numRows, slots);
    for (let i = 0; i < numRows; i++) {
      const s = slots[i]!;
      if (s < 0) continue;
      this.touch(s);
      d.touched[s] = 2;
      if (d.drop(s)) this.numRemoved++;
    }
  }

  /** Every live row, keys then values, in slot order. */
  rows(): RecordBatch {
    return this.batchOf(this.data.liveSlots());
  }

  /** Rows upserted through this handle and still live, in first-change order (update output mode). */
  updatedRows(): RecordBatch {
    const d = this.data;
    const out = new Int32Array(this.numTouched);
    let k = 0;
    for (let j = 0; j < this.numTouched; j++) { const s = this.touchedList[j]!; if (d.touched[s] === 1) out[k++] = s; }
    return this.batchOf(out.subarray(0, k));
  }

  /**
   * Writes version + 1: its delta (atomically), a snapshot when
   * `minDeltasForSnapshot` versions have passed since the last, then deletes
   * files no load of the last `minBatchesToRetain` versions needs. Returns
   * the new version once it is durable. If the write fails, the in-memory
   * copy is dropped and the next load reads the disk (at the old version).
   */
  async commit(): Promise<number> {
    const newVersion = this.version + 1;
    await this.seal();
    await this.cleanup(newVersion);
    return newVersion;
  }

  /**
   * Seals this handle's changes as version + 1 and starts writing them: the
   * changed rows are copied before this returns, so reopen() can serve the new
   * version to the next batch at once, while the returned promise resolves
   * when the files are durable. A batch built on a sealed version must not be
   * committed before that promise resolves (its commit log entry would vouch
   * for state that may not be on disk). Old files are left for cleanup().
   */
  seal(): Promise<void> {
    this.checkOpen('commit');
    const t0 = performance.now();
    const st = this.state;
    const d = this.data;
    const newVersion = this.version + 1;
    const slots = this.touchedList.subarray(0, this.numTouched);
    const removed = new Uint8Array(slots.length);
    for (let k = 0; k < slots.length; k++) removed[k] = d.touched[slots[k]!] === 2 ? 1 : 0;
    const delta: DeltaRows = { numRows: slots.length, keys: d.keyCols.map((c) => c.take(slots)), values: d.valueCols.map((c) => c.take(slots)), removed };
    let snapshot: Uint8Array | undefined;
    if (newVersion - st.lastSnapshotVersion >= this.opts.minDeltasForSnapshot) {
      const live = d.liveSlots();
      snapshot = encodeStateFile('snapshot', newVersion, d.keySchema, d.valueSchema,
        d.keyCols.map((c) => c.take(live)), d.valueCols.map((c) => c.take(live)), null, live.length);
    }
    const staleSnapshot = st.staleSnapshots.delete(newVersion);
    const written = this.write(newVersion, delta, snapshot, staleSnapshot);
    // From here the new version is the in-memory state: the next batch may build on it while the files are written.
    for (let k = 0; k < this.numTouched; k++) d.touched[this.touchedList[k]!] = 0;
    // Hashing buffers sized to this batch are not state: let them go between batches.
    d.index.releaseScratch();
    if (snapshot !== undefined) { st.lastSnapshotVersion = newVersion; st.snapshots.push(newVersion); }
    st.version = newVersion;
    st.inUse = false;
    this.closed = true;
    if (!st.failed) CACHE.set(this.dir, st);
    if (d.numSlots - d.numLive > Math.max(d.numLive, COMPACT_MIN_DEAD)) d.compact();
    const sealMs = performance.now() - t0;
    return written.then((ms) => { this.writeMs = ms; this.commitTimeMs = sealMs + ms; }, (e: unknown) => {
      // The memory holds a version that never reached the disk (and maybe later batches on top of it).
      st.failed = true;
      if (CACHE.get(this.dir) === st) CACHE.delete(this.dir);
      throw e;
    });
  }

  /** Writes the version's files; resolves with the milliseconds the I/O thread spent on them. */
  private async write(version: number, delta: DeltaRows, snapshot: Uint8Array | undefined, staleSnapshot: boolean): Promise<number> {
    const st = this.state;
    await (st.dirMade ??= makeDir(this.dir));
    let written: WrittenFile;
    if (snapshot !== undefined) {
      // Independent files: written side by side, the version is committed when both are in place.
      const [d, s] = await Promise.all([this.deltas.write(version, delta, this.data.keySchema, this.data.valueSchema), writeFileAtomic(snapshotPath(this.dir, version), snapshot)]);
      written = { stamp: d.stamp, ms: Math.max(d.ms, s.ms) };
    } else {
      written = await this.deltas.write(version, delta, this.data.keySchema, this.data.valueSchema);
      // A snapshot from an abandoned run at this version may disagree with the delta just written.
      if (staleSnapshot) await unlink(snapshotPath(this.dir, version)).catch((e: unknown) => { if (errCode(e) !== 'ENOENT') throw e; });
    }
    st.stamp = written.stamp;
    return written.ms;
  }

  /**
   * A handle on the version this one just committed, straight from memory: the
   * next batch of the same run needs no look at the disk (load() checks the
   * file stamp because another run may have written the directory meanwhile).
   */
  reopen(): StateStore {
    if (!this.closed || this.state.version !== this.version + 1 || this.state.inUse || this.state.failed) {
      throw new SpateError('INTERNAL_ERROR', `StateStore.reopen: the store in ${this.dir} at version ${this.version} was not just committed.`);
    }
    return new StateStore(this.dir, this.state, this.opts, this.deltas);
  }

  /** Discards this handle's changes; the store stays at `version`. */
  abort(): void {
    if (this.closed) return;
    const d = this.data;
    // Undo newest-first is unnecessary: each slot has one pre-image, taken at its first change.
    for (let k = 0; k < this.numTouched; k++) {
      const s = this.touchedList[k]!;
      d.touched[s] = 0;
      if (this.wasLive[k] === 1) {
        if (d.live[s] === 0) { d.live[s] = 1; d.numLive++; }
        for (let c = 0; c < d.valueCols.length; c++) d.valueCols[c]!.copySlot(this.undo[c]!, k, s);
      } else {
        d.drop(s);
      }
    }
    this.numTouched = 0;
    this.state.inUse = false;
    this.closed = true;
  }

  /** Approximate bytes of memory the state holds. */
  memoryBytes(): number {
    let b = this.data.memoryBytes() + this.touchedList.byteLength + this.wasLive.byteLength;
    for (const c of this.undo) b += c.memoryBytes(this.numTouched);
    return b;
  }

  /** Milliseconds the I/O thread spent writing the version this handle committed. */
  get lastWriteMs(): number {
    return this.writeMs;
  }

  metrics(): StateStoreMetrics {
    return {
      numRowsTotal: this.data.numLive,
      numRowsUpdated: this.numUpdated,
      numRowsRemoved: this.numRemoved,
      memoryUsedBytes: this.memoryBytes(),
      commitTimeMs: this.commitTimeMs,
    };
  }

  /** Records slot s's pre-image the first time this handle changes it. */
  private touch(s: number): void {
    const d = this.data;
    if (d.touched[s] !== 0) return;
    const k = this.numTouched++;
    if (k >= this.touchedList.length) this.growUndo(k + 1);
    this.touchedList[k] = s;
    const wasLive = d.live[s]!;
    this.wasLive[k] = wasLive;
    if (wasLive === 1) for (let c = 0; c < this.undo.length; c++) this.undo[c]!.copySlot(d.valueCols[c]!, s, k);
    // Marks the slot touched even if the caller's change turns out a no-op, so it is recorded once.
    d.touched[s] = 1;
  }

  private growUndo(n: number): void {
    let cap = this.touchedList.length;
    while (cap < n) cap *= 2;
    const tl = new Int32Array(cap); tl.set(this.touchedList); this.touchedList = tl;
    const wl = new Uint8Array(cap); wl.set(this.wasLive); this.wasLive = wl;
    for (const c of this.undo) c.ensure(cap);
  }

  private batchOf(slots: Int32Array): RecordBatch {
    const d = this.data;
    const schema = StructType([...d.keySchema.fields, ...d.valueSchema.fields]);
    const cols = [...d.keyCols.map((c) => c.take(slots)), ...d.valueCols.map((c) => c.take(slots))];
    return makeBatch(schema, cols, slots.length);
  }

  /**
   * Deletes the files no load of the last `minBatchesToRetain` versions up to
   * `committedVersion` needs. Call it only once that version is committed:
   * a newer sealed version may still be undone by a restart.
   */
  async cleanup(committedVersion: number): Promise<void> {
    const st = this.state;
    const earliest = committedVersion - this.opts.minBatchesToRetain;
    let keepFrom = 0;
    for (const s of st.snapshots) if (s <= earliest) keepFrom = s;
    if (keepFrom <= st.cleanedBelow) return;
    try {
      await Promise.all([deleteStateFilesBelow(this.dir, keepFrom), this.deltas.deleteBelow(keepFrom)]);
      st.cleanedBelow = keepFrom;
      st.snapshots = st.snapshots.filter((s) => s >= keepFrom);
    } catch {
      // The new version is durable; failing to delete old files only costs disk space, and the next commit retries.
    }
  }

  private checkOpen(op: string): void {
    if (this.closed) {
      throw new SpateError('INTERNAL_ERROR', `StateStore.${op}: the store in ${this.dir} at version ${this.version} was already committed or aborted; load it again.`);
    }
  }
}

function checkOptions(opts: StateStoreOptions): void {
  if (!Number.isInteger(opts.minDeltasForSnapshot) || opts.minDeltasForSnapshot < 1) {
    throw new SpateError('INVALID_CONF', `spark.sql.streaming.stateStore.minDeltasForSnapshot must be a positive integer, got ${opts.minDeltasForSnapshot}.`);
  }
  if (!Number.isInteger(opts.minBatchesToRetain) || opts.minBatchesToRetain < 1) {
    throw new SpateError('INVALID_CONF', `spark.sql.streaming.minBatchesToRetain must be a positive integer, got ${opts.minBatchesToRetain}.`);
  }
}

async function loadFromDisk(dir: string, version: number, keySchema: StructType, valueSchema: StructType, deltas: DeltaFiles): Promise<DirState> {
  const own = await listStateDir(dir);
  const listing = { deltas: await deltas.versions(), snapshots: own.snapshots };
  const plan = planLoad(dir, listing, version, (v) => deltas.pathOf(v));
  const files: { path: string; kind: 'delta' | 'snapshot'; version: number }[] = [];
  if (plan.snapshot > 0) files.push({ path: snapshotPath(dir, plan.snapshot), kind: 'snapshot', version: plan.snapshot });
  for (const v of plan.deltas) files.push({ path: deltas.pathOf(v), kind: 'delta', version: v });
  const contents = await Promise.all(files.map(async (f) => {
    if (f.kind === 'delta') return deltas.read(f.version, keySchema, valueSchema);
    try {
      return decodeStateFile(await readFile(f.path), f.path, f.kind, f.version, keySchema, valueSchema);
    } catch (e) {
      if (errCode(e) === 'ENOENT') throw checkpointMissing(`state directory ${dir}`, `${f.path} (state version ${f.version}) disappeared while loading`);
      throw e;
    }
  }));
  const data = new StateData(keySchema, valueSchema);
  for (const decoded of contents) data.apply(decoded.keys, decoded.values, decoded.removed, decoded.numRows);
  const last = files[files.length - 1];
  return {
    data,
    version,
    stamp: last === undefined ? undefined : await stampOf(last.path),
    inUse: false,
    lastSnapshotVersion: plan.snapshot,
    snapshots: listing.snapshots.filter((s) => s <= version),
    cleanedBelow: 0,
    staleSnapshots: new Set(listing.snapshots.filter((s) => s > version)),
    dirMade: listing.deltas.size > 0 || listing.snapshots.length > 0 ? Promise.resolve() : undefined,
    failed: false,
  };
}

async function stampOf(path: string): Promise<FileStamp> {
  const s = await stat(path);
  return { path, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

async function stampStillValid(stamp: FileStamp | undefined): Promise<boolean> {
  if (stamp === undefined) return true;
  try {
    const s = await stat(stamp.path);
    return s.size === stamp.size && s.mtimeMs === stamp.mtimeMs && s.ino === stamp.ino;
  } catch {
    return false;
  }
}
