import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { hasGlob } from '../io/glob.js';
import { listInputFiles, type InputFile } from '../io/list-files.js';
import type { SourceOptions } from '../io/options.js';
import { parsePartitionPath } from '../io/partitions.js';
import { readFile, type FileFormat } from '../io/read.js';
import { SourceFileCleaner } from './file-cleaner.js';
import { FileStreamSourceLog, type FileEntry } from './file-source-log.js';
import { fileSourceSchema, parseFileStreamOptions, sourceBaseDir, type FileStreamOptions } from './file-source-options.js';
import { sourceOptions } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** A file found by listing: its absolute path, file: URI and modification time (ms). */
interface ListedFile {
  readonly path: string;
  readonly uri: string;
  readonly timestamp: number;
}

/**
 * The files already taken (Spark's SeenFilesMap), keyed by URI or, with
 * fileNameOnly, by file name. Files older than the newest seen minus
 * maxFileAge are forgotten and, from then on, ignored when listed.
 */
class SeenFiles {
  private readonly map = new Map<string, number>();
  private latestTimestamp = 0;
  private lastPurgeTimestamp = -Infinity;

  constructor(private readonly maxAgeMs: number) {}

  add(key: string, timestamp: number): void {
    this.map.set(key, timestamp);
    if (timestamp > this.latestTimestamp) this.latestTimestamp = timestamp;
  }

  /** New: not seen, and not older than the age limit (all files pass before the first purge). */
  isNew(key: string, timestamp: number): boolean {
    return timestamp >= this.lastPurgeTimestamp && !this.map.has(key);
  }

  purge(): void {
    this.lastPurgeTimestamp = this.latestTimestamp - this.maxAgeMs;
    for (const [k, t] of this.map) if (t < this.lastPurgeTimestamp) this.map.delete(k);
  }
}

/** Reads `{ "logOffset": N }`, Spark's FileStreamSourceOffset. */
function logOffsetOf(description: string, o: Offset | null): number {
  if (o === null) return -1;
  if (typeof o === 'object' && !Array.isArray(o) && typeof o.logOffset === 'number' && Number.isSafeInteger(o.logOffset)) return o.logOffset;
  // Spark 2.x wrote a bare number.
  if (typeof o === 'number' && Number.isSafeInteger(o)) return o;
  throw new SpateError('INVALID_OFFSET',
    `${description}: the offset ${JSON.stringify(o)} is not {"logOffset": n}. The checkpoint was written by a different source; use a new checkpointLocation for a changed query.`);
}

/**
 * Spark's streaming file source (FileStreamSource) for text, csv, json and
 * parquet. Each `latestOffset` lists the path (a file, a directory or a
 * glob), takes the files not seen before (oldest first, or newest with
 * latestFirst; at most maxFilesPerTrigger under that limit), and records
 * them as the next entry of its own log under `ctx.metadataPath` before
 * reporting `{ "logOffset": N }`. `getBatch` reads exactly the files of the
 * log entries in its range, so any range replays identically and, across
 * restarts, each file is read once. Files are keyed by path (or name, with
 * fileNameOnly); a changed file with the same path is not read again.
 */
export class FileSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  readonly options: FileStreamOptions;
  private readonly o: SourceOptions;
  private readonly log: FileStreamSourceLog;
  private readonly seen: SeenFiles;
  private readonly cleaner: SourceFileCleaner | undefined;
  private readonly baseDir: string;
  private readonly partitionBase: string;
  private ready: Promise<void> | undefined;
  private logOffset = -1;
  private frozen: ListedFile[] | undefined;
  /** Entries this process wrote or read, so getBatch and commit need not re-read the log. */
  private readonly entryCache = new Map<number, FileEntry[]>();
  /** Start of the first batch this instance read: the first commit cleans from there (batches may be read ahead of commits). */
  private firstBatchStart: number | undefined;
  private lastCommitted: number | undefined;

  constructor(readonly format: FileFormat, private readonly ctx: SourceContext) {
    this.o = sourceOptions(ctx.options);
    this.options = parseFileStreamOptions(format, this.o);
    // The engine passes back the schema fixed at load() (streamSourceSchema); re-deriving it could differ if partitions appeared since.
    this.schema = ctx.schema ?? fileSourceSchema(format, ctx.options, undefined, ctx.timeZone);
    this.description = `FileStreamSource[${this.options.path}]`;
    this.log = new FileStreamSourceLog(ctx.metadataPath);
    this.seen = new SeenFiles(this.options.maxFileAgeMs);
    this.cleaner = this.options.cleanSource === 'off' ? undefined : new SourceFileCleaner(this.options.cleanSource, this.options.sourceArchiveDir);
    this.baseDir = sourceBaseDir(this.options.path);
    this.partitionBase = nodePath.resolve(this.o.get('basePath') ?? this.baseDir);
  }

  /** Restores the seen files and the log position from the source log (once). */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      const entries = await this.log.getRange();
      for (const { batchId, value } of entries) {
        for (const e of value) this.seen.add(this.key(e.path), e.timestamp);
        this.logOffset = batchId;
      }
      this.seen.purge();
    })();
    return this.ready;
  }

  defaultReadLimit(): ReadLimit {
    const n = this.options.maxFilesPerTrigger;
    return n === undefined ? { kind: 'all' } : { kind: 'maxFiles', files: n };
  }

  async latestOffset(_start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    await this.init();
    // The file source's position is its own log, not `start`: after a crash the log may already hold a batch the offsets log has not named.
    const all = this.frozen ?? (await this.listFiles());
    const fresh = all.filter((f) => this.seen.isNew(this.key(f.uri), f.timestamp));
    const taken = limit.kind === 'maxFiles' ? fresh.slice(0, limit.files) : fresh;
    for (const f of taken) this.seen.add(this.key(f.uri), f.timestamp);
    this.seen.purge();
    if (taken.length > 0) {
      const batchId = this.logOffset + 1;
      const entries = taken.map((f) => ({ path: f.uri, timestamp: f.timestamp, batchId }));
      if (!(await this.log.add(batchId, entries))) {
        throw new SpateError('CONCURRENT_QUERY',
          `${this.description}: batch ${batchId} of the source log ${this.log.batchFile(batchId)} was written by someone else. Multiple streaming queries seem to share the checkpoint ${nodePath.dirname(nodePath.dirname(this.ctx.metadataPath))}; give each query its own checkpointLocation.`);
      }
      this.entryCache.set(batchId, entries);
      this.logOffset = batchId;
    }
    return this.logOffset < 0 ? null : { logOffset: this.logOffset };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    await this.init();
    this.frozen = await this.listFiles();
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    await this.init();
    const s = logOffsetOf(this.description, start);
    const e = logOffsetOf(this.description, end);
    this.firstBatchStart ??= s;
    const out: RecordBatch[] = [];
    for (const entry of await this.entries(s + 1, e)) {
      const path = fileURLToPath(entry.path);
      const file: InputFile = { path, size: 0, mtimeMs: entry.timestamp, partitionValues: this.partitionValues(path) };
      out.push(await readFile(this.format, file, this.o, this.schema, this.ctx));
    }
    return out;
  }

  async commit(end: Offset): Promise<void> {
    const e = logOffsetOf(this.description, end);
    const from = (this.lastCommitted ?? this.firstBatchStart ?? e - 1) + 1;
    if (this.cleaner !== undefined && from <= e) {
      await this.init();
      const files = (await this.entries(from, e)).map((x) => fileURLToPath(x.path));
      await this.cleaner.clean(files);
    }
    this.lastCommitted = Math.max(e, this.lastCommitted ?? -1);
    for (const id of this.entryCache.keys()) if (id <= e) this.entryCache.delete(id);
  }

  async stop(): Promise<void> {}

  /** The file entries of log batches from..to, in order. */
  private async entries(from: number, to: number): Promise<FileEntry[]> {
    if (from > to) return [];
    const out: FileEntry[] = [];
    let missing = false;
    for (let id = from; id <= to && !missing; id++) missing = !this.entryCache.has(id);
    if (!missing) {
      for (let id = from; id <= to; id++) out.push(...this.entryCache.get(id)!);
      return out;
    }
    for (const { batchId, value } of await this.log.getRange(from, to)) {
      this.entryCache.set(batchId, value);
      out.push(...value);
    }
    return out;
  }

  private key(uri: string): string {
    if (!this.options.fileNameOnly) return uri;
    const i = uri.lastIndexOf('/');
    return i < 0 ? uri : uri.slice(i + 1);
  }

  /** Partition values from `key=value` directories between the source's base directory and the file. */
  private partitionValues(path: string): Record<string, string> {
    if (this.o.bool('recursiveFileLookup', false)) return {};
    const rel = nodePath.relative(this.partitionBase, nodePath.dirname(path)).split(nodePath.sep).join('/');
    if (rel === '' || rel.startsWith('..') || nodePath.isAbsolute(rel)) return {};
    return parsePartitionPath(rel);
  }

  /** Every file under the path now, oldest first (newest first with latestFirst), ties by path. */
  private async listFiles(): Promise<ListedFile[]> {
    let listed: InputFile[];
    try {
      listed = await listInputFiles([this.options.path], this.o);
    } catch (err) {
      // A glob that matches nothing yet is an empty stream, not an error.
      if (err instanceof SpateError && err.code === 'PATH_NOT_FOUND' && hasGlob(this.options.path)) return [];
      throw err;
    }
    const files = listed.map((f) => {
      const abs = nodePath.resolve(f.path);
      return { path: abs, uri: pathToFileURL(abs).href, timestamp: Math.floor(f.mtimeMs) };
    });
    const dir = this.options.latestFirst ? -1 : 1;
    files.sort((a, b) => (a.timestamp !== b.timestamp ? (a.timestamp - b.timestamp) * dir : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return files;
  }
}
