import { readFile } from 'node:fs/promises';
import { errCode, writeFileAtomic, type WrittenFile } from '../checkpoint/atomic-file.js';
import { checkpointCorrupt, checkpointMissing, checkpointTooNew } from '../checkpoint/corrupt.js';
import type { StructType } from '../core/types.js';
import { concatVectors, sliceVector } from '../core/vector.js';
import { deleteStateFilesBelow, deltaPath, listStateDir } from './state-dir.js';
import { decodeStateFile, encodeStateFile, PARTITION_ROWS, type StateFileData } from './state-file.js';

/**
 * Where a state store's delta of each version lives. A store on its own
 * keeps `<version>.delta` in its directory (OwnDeltaFiles). The partitions
 * of a streaming operator share one file per version in the operator's
 * directory (SharedDeltas): a batch then encodes, writes and fsyncs one
 * delta file, not one per partition, which is most of a small batch's
 * commit time.
 */
export interface DeltaFiles {
  /** Versions that have a delta. */
  versions(): Promise<ReadonlySet<number>>;
  /** The path of version v's delta, for messages and file stamps. */
  pathOf(version: number): string;
  /** This store's rows of `version`'s delta, checked against the schemas; throws naming the file when it is missing or damaged. */
  read(version: number, keySchema: StructType, valueSchema: StructType): Promise<StateFileData>;
  /**
   * Writes this store's rows of `version` (every key changed in it, `removed` set for those removed). The
   * rows are taken before this returns; the promise resolves once the file is durable.
   */
  write(version: number, rows: DeltaRows, keySchema: StructType, valueSchema: StructType): Promise<WrittenFile>;
  /** Deletes deltas below `version` (no load this store may still do needs them). */
  deleteBelow(version: number): Promise<void>;
}

/** A store's changes in one version. */
export type DeltaRows = StateFileData & { readonly removed: Uint8Array };

async function listDeltas(dir: string): Promise<ReadonlySet<number>> {
  return (await listStateDir(dir)).deltas;
}

async function readDelta(path: string, version: number, where: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    if (errCode(e) === 'ENOENT') throw checkpointMissing(where, `${path} (state version ${version}) disappeared while loading`);
    throw e;
  }
}

function encodeDelta(version: number, rows: DeltaRows, keySchema: StructType, valueSchema: StructType, extra?: ReadonlyMap<string, string>): Uint8Array {
  return encodeStateFile('delta', version, keySchema, valueSchema, rows.keys, rows.values, rows.removed, rows.numRows, extra);
}

/** `<version>.delta` files in the store's own directory. */
export class OwnDeltaFiles implements DeltaFiles {
  constructor(private readonly dir: string) {}
  versions(): Promise<ReadonlySet<number>> { return listDeltas(this.dir); }
  pathOf(version: number): string { return deltaPath(this.dir, version); }
  async read(version: number, keySchema: StructType, valueSchema: StructType): Promise<StateFileData> {
    const path = this.pathOf(version);
    return decodeStateFile(await readDelta(path, version, `state directory ${this.dir}`), path, 'delta', version, keySchema, valueSchema);
  }
  write(version: number, rows: DeltaRows, keySchema: StructType, valueSchema: StructType): Promise<WrittenFile> {
    return writeFileAtomic(this.pathOf(version), encodeDelta(version, rows, keySchema, valueSchema));
  }
  deleteBelow(version: number): Promise<void> { return deleteStateFilesBelow(this.dir, version); }
}

/**
 * One delta file per version for all partitions of an operator
 * (`state/<operator>/<version>.delta`): a state file (state-file.ts) whose
 * rows are the partitions' rows one partition after the other, with the
 * row count of each partition in its schema metadata. It is encoded and
 * written once every partition has handed in its rows.
 *
 * Files written before (format 1) start with the magic `SPSD`, a format
 * number, the partition count, then per partition the offset and length of
 * its section, each a state file of its own; they still load.
 */
export class SharedDeltas {
  private pending = new Map<number, { parts: (DeltaRows | undefined)[]; waiting: number; done: Promise<WrittenFile>; settle: (e: unknown, stamp?: WrittenFile) => void }>();
  private files = new Map<number, Promise<(p: number) => StateFileData>>();
  private requested: number[];

  constructor(private readonly dir: string, private readonly numPartitions: number) {
    this.requested = new Array<number>(numPartitions).fill(0);
  }

  /** The DeltaFiles of one partition. */
  partition(p: number): DeltaFiles {
    return {
      versions: () => listDeltas(this.dir),
      pathOf: (v) => this.pathOf(v),
      read: async (v, keySchema, valueSchema) => (await this.decoded(v, keySchema, valueSchema))(p),
      write: (v, rows, keySchema, valueSchema) => this.hand(v, p, rows, keySchema, valueSchema),
      deleteBelow: (v) => this.deleteBelow(p, v),
    };
  }

  pathOf(version: number): string {
    return deltaPath(this.dir, version);
  }

  /** Forgets files read for a load (call after every partition has loaded). */
  forgetReads(): void {
    this.files.clear();
  }

  /** Fails the writes still waiting for other partitions' rows (a commit that will not complete). */
  abandon(reason: unknown): void {
    for (const w of this.pending.values()) w.settle(reason);
    this.pending.clear();
  }

  private hand(version: number, p: number, rows: DeltaRows, keySchema: StructType, valueSchema: StructType): Promise<WrittenFile> {
    let w = this.pending.get(version);
    if (w === undefined) {
      let settle!: (e: unknown, stamp?: WrittenFile) => void;
      const done = new Promise<WrittenFile>((resolve, reject) => { settle = (e, stamp) => (e === undefined ? resolve(stamp!) : reject(e)); });
      done.catch(() => undefined); // each partition awaits it; this only keeps an early failure from being unhandled
      w = { parts: new Array<DeltaRows | undefined>(this.numPartitions), waiting: this.numPartitions, done, settle };
      this.pending.set(version, w);
    }
    if (w.parts[p] === undefined) w.waiting--;
    w.parts[p] = rows;
    if (w.waiting === 0) {
      this.pending.delete(version);
      const entry = w;
      let bytes: Uint8Array;
      try {
        bytes = encodeShared(version, entry.parts as DeltaRows[], keySchema, valueSchema);
      } catch (e) {
        entry.settle(e);
        return entry.done;
      }
      writeFileAtomic(this.pathOf(version), bytes).then((stamp) => entry.settle(undefined, stamp), (e: unknown) => entry.settle(e));
    }
    return w.done;
  }

  /** Reads and decodes version's file once per load; gives each partition's rows. */
  private decoded(version: number, keySchema: StructType, valueSchema: StructType): Promise<(p: number) => StateFileData> {
    let file = this.files.get(version);
    if (file === undefined) {
      const path = this.pathOf(version);
      file = readDelta(path, version, `state directory ${this.dir}`).then((bytes) => this.decode(bytes, path, version, keySchema, valueSchema));
      this.files.set(version, file);
    }
    return file;
  }

  private decode(bytes: Uint8Array, path: string, version: number, keySchema: StructType, valueSchema: StructType): (p: number) => StateFileData {
    if (isFormat1(bytes)) {
      return (p) => decodeStateFile(sectionOf(bytes, path, version, p, this.numPartitions), path, 'delta', version, keySchema, valueSchema);
    }
    const md = new Map<string, string>();
    const all = decodeStateFile(bytes, path, 'delta', version, keySchema, valueSchema, md);
    const counts = (md.get(PARTITION_ROWS) ?? '').split(',').map(Number);
    if (counts.length !== this.numPartitions || counts.some((c) => !Number.isInteger(c) || c < 0)) {
      throw checkpointCorrupt(path, version, `its '${PARTITION_ROWS}' entry should give the rows of ${this.numPartitions} partitions, got '${md.get(PARTITION_ROWS) ?? ''}'`);
    }
    if (counts.reduce((a, c) => a + c, 0) !== all.numRows) {
      throw checkpointCorrupt(path, version, `its partitions' rows (${counts.join(', ')}) do not add up to its ${all.numRows} rows`);
    }
    const starts = counts.map((_, p) => counts.slice(0, p).reduce((a, c) => a + c, 0));
    return (p) => {
      const from = starts[p]!;
      const to = from + counts[p]!;
      return {
        numRows: counts[p]!,
        keys: all.keys.map((v) => sliceVector(v, from, to)),
        values: all.values.map((v) => sliceVector(v, from, to)),
        removed: all.removed!.subarray(from, to),
      };
    };
  }

  // Partitions snapshot at the same versions, but a crash between two snapshot writes can leave them apart:
  // a shared file goes only when no partition needs it.
  private async deleteBelow(p: number, version: number): Promise<void> {
    this.requested[p] = Math.max(this.requested[p]!, version);
    const floor = Math.min(...this.requested);
    if (floor > 0) await deleteStateFilesBelow(this.dir, floor);
  }
}

/** One state file holding every partition's rows in partition order, their counts in the metadata. */
function encodeShared(version: number, parts: readonly DeltaRows[], keySchema: StructType, valueSchema: StructType): Uint8Array {
  const extra = new Map([[PARTITION_ROWS, parts.map((r) => r.numRows).join(',')]]);
  const numRows = parts.reduce((a, r) => a + r.numRows, 0);
  const column = (c: number, of: (r: DeltaRows) => StateFileData['keys']): StateFileData['keys'][number] =>
    concatVectors(of(parts[0]!)[c]!.type, parts.map((r) => of(r)[c]!));
  const removed = new Uint8Array(numRows);
  let at = 0;
  for (const r of parts) { removed.set(r.removed.subarray(0, r.numRows), at); at += r.numRows; }
  const rows: DeltaRows = {
    numRows,
    keys: keySchema.fields.map((_, c) => column(c, (r) => r.keys)),
    values: valueSchema.fields.map((_, c) => column(c, (r) => r.values)),
    removed,
  };
  return encodeDelta(version, rows, keySchema, valueSchema, extra);
}

const MAGIC = 0x44535053; // 'SPSD' little-endian
const SHARED_FORMAT = 1; // the last format with SPSD sections

function isFormat1(file: Uint8Array): boolean {
  return file.length >= 4 && new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(0, true) === MAGIC;
}

function sectionOf(file: Uint8Array, path: string, version: number, p: number, numPartitions: number): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 12 || view.getUint32(0, true) !== MAGIC) {
    throw checkpointCorrupt(path, version, 'it is not a shared state delta file (bad magic bytes; truncated or overwritten?)');
  }
  const format = view.getUint32(4, true);
  if (format > SHARED_FORMAT) throw checkpointTooNew(path, version, format, SHARED_FORMAT);
  if (format < 1) throw checkpointCorrupt(path, version, `its format number is ${format}`);
  const count = view.getUint32(8, true);
  if (count !== numPartitions) {
    throw checkpointCorrupt(path, version, `it holds ${count} partitions but the operator has ${numPartitions}`);
  }
  if (file.length < 12 + 8 * count) throw checkpointCorrupt(path, version, 'its partition table is cut short (truncated file?)');
  const off = view.getUint32(12 + 8 * p, true);
  const len = view.getUint32(16 + 8 * p, true);
  if (off + len > file.length) throw checkpointCorrupt(path, version, `partition ${p}'s section runs past the end of the file (truncated file?)`);
  return file.subarray(off, off + len);
}
