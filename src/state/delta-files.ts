import { readFile } from 'node:fs/promises';
import { errCode, writeFileAtomic } from '../checkpoint/atomic-file.js';
import { checkpointCorrupt, checkpointMissing, checkpointTooNew } from '../checkpoint/corrupt.js';
import { deleteStateFilesBelow, deltaPath, listStateDir } from './state-dir.js';

/**
 * Where a state store's delta of each version lives. A store on its own
 * keeps `<version>.delta` in its directory (OwnDeltaFiles). The partitions
 * of a streaming operator share one file per version in the operator's
 * directory (SharedDeltas): a batch then writes and fsyncs one delta file,
 * not one per partition, which is most of a small batch's commit time.
 */
export interface DeltaFiles {
  /** Versions that have a delta. */
  versions(): Promise<ReadonlySet<number>>;
  /** The path of version v's delta, for messages and file stamps. */
  pathOf(version: number): string;
  /** This store's delta bytes of `version`; throws naming the file when it is missing or damaged. */
  read(version: number): Promise<Uint8Array>;
  /** Writes this store's delta of `version`; resolves once it is durable. */
  write(version: number, bytes: Uint8Array): Promise<void>;
  /** Deletes deltas below `version` (no load this store may still do needs them). */
  deleteBelow(version: number): Promise<void>;
}

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

/** `<version>.delta` files in the store's own directory. */
export class OwnDeltaFiles implements DeltaFiles {
  constructor(private readonly dir: string) {}
  versions(): Promise<ReadonlySet<number>> { return listDeltas(this.dir); }
  pathOf(version: number): string { return deltaPath(this.dir, version); }
  read(version: number): Promise<Uint8Array> { return readDelta(this.pathOf(version), version, `state directory ${this.dir}`); }
  write(version: number, bytes: Uint8Array): Promise<void> { return writeFileAtomic(this.pathOf(version), bytes); }
  deleteBelow(version: number): Promise<void> { return deleteStateFilesBelow(this.dir, version); }
}

/**
 * One delta file per version for all partitions of an operator
 * (`state/<operator>/<version>.delta`): the magic `SPSD`, a format number,
 * the partition count, then per partition the offset and length of its
 * section (each section is a state file of its own, see state-file.ts).
 * The file is written once every partition has handed in its section.
 */
export class SharedDeltas {
  private pending = new Map<number, { sections: (Uint8Array | undefined)[]; waiting: number; done: Promise<void>; settle: (e?: unknown) => void }>();
  private files = new Map<number, Promise<Uint8Array>>();
  private requested: number[];

  constructor(private readonly dir: string, private readonly numPartitions: number) {
    this.requested = new Array<number>(numPartitions).fill(0);
  }

  /** The DeltaFiles of one partition. */
  partition(p: number): DeltaFiles {
    return {
      versions: () => listDeltas(this.dir),
      pathOf: (v) => this.pathOf(v),
      read: (v) => this.readSection(v, p),
      write: (v, bytes) => this.hand(v, p, bytes),
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

  /** Fails the writes still waiting for other partitions' sections (a commit that will not complete). */
  abandon(reason: unknown): void {
    for (const w of this.pending.values()) w.settle(reason);
    this.pending.clear();
  }

  private hand(version: number, p: number, bytes: Uint8Array): Promise<void> {
    let w = this.pending.get(version);
    if (w === undefined) {
      let settle!: (e?: unknown) => void;
      const done = new Promise<void>((resolve, reject) => { settle = (e) => (e === undefined ? resolve() : reject(e)); });
      done.catch(() => undefined); // each partition awaits it; this only keeps an early failure from being unhandled
      w = { sections: new Array<Uint8Array | undefined>(this.numPartitions), waiting: this.numPartitions, done, settle };
      this.pending.set(version, w);
    }
    if (w.sections[p] === undefined) w.waiting--;
    w.sections[p] = bytes;
    if (w.waiting === 0) {
      this.pending.delete(version);
      const entry = w;
      writeFileAtomic(this.pathOf(version), encodeShared(entry.sections as Uint8Array[]))
        .then(() => entry.settle(), (e: unknown) => entry.settle(e));
    }
    return w.done;
  }

  private async readSection(version: number, p: number): Promise<Uint8Array> {
    const path = this.pathOf(version);
    let file = this.files.get(version);
    if (file === undefined) {
      file = readDelta(path, version, `state directory ${this.dir}`);
      this.files.set(version, file);
    }
    return sectionOf(await file, path, version, p, this.numPartitions);
  }

  // Partitions snapshot at the same versions, but a crash between two snapshot writes can leave them apart:
  // a shared file goes only when no partition needs it.
  private async deleteBelow(p: number, version: number): Promise<void> {
    this.requested[p] = Math.max(this.requested[p]!, version);
    const floor = Math.min(...this.requested);
    if (floor > 0) await deleteStateFilesBelow(this.dir, floor);
  }
}

const MAGIC = 0x44535053; // 'SPSD' little-endian
const SHARED_FORMAT = 1;

function encodeShared(sections: readonly Uint8Array[]): Uint8Array {
  const head = 12 + 8 * sections.length;
  const total = head + sections.reduce((a, s) => a + s.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SHARED_FORMAT, true);
  view.setUint32(8, sections.length, true);
  let off = head;
  sections.forEach((s, i) => {
    view.setUint32(12 + 8 * i, off, true);
    view.setUint32(16 + 8 * i, s.length, true);
    out.set(s, off);
    off += s.length;
  });
  return out;
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
