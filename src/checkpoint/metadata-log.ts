import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errCode, makeDir, writeFileAtomicIfAbsent } from './atomic-file.js';
import { checkpointCorrupt, checkpointMissing, checkpointTooNew, describeIds } from './corrupt.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const BATCH_FILE = /^\d+$/;

/** One entry of a log: a batch id and its value. */
export interface LogEntry<T> {
  readonly batchId: number;
  readonly value: T;
}

/**
 * A log of one small file per batch id (Spark's HDFSMetadataLog), named by
 * the id, each starting with a version line (`v1`). Guarantees: an entry is
 * written atomically and never overwritten (`add` of an existing id returns
 * false), so a reader sees every entry whole or not at all, and after a
 * crash the log says exactly which batches were planned. It does not guard
 * against two live writers racing past each other on ids (one query per
 * checkpoint). Files starting with `.` are temp files and ignored.
 */
export abstract class MetadataLog<T> {
  private dirReady = false;

  /** `path` is the log's directory; the log writes `version` and reads files up to `maxVersion`. */
  constructor(readonly path: string, readonly version = 1, readonly maxVersion = version) {}

  /** The file body after the version line. */
  protected abstract serialize(value: T): string;
  /** Parses a body written by `serialize` (or a compatible older version); throws checkpointCorrupt naming `file`. */
  protected abstract deserialize(body: string, file: string, batchId: number, version: number): T;

  /** The file of batch `batchId`. */
  batchFile(batchId: number): string {
    return join(this.path, String(batchId));
  }

  /** Writes batch `batchId` unless it exists; false (nothing written) when it does. */
  async add(batchId: number, value: T): Promise<boolean> {
    if (!Number.isSafeInteger(batchId) || batchId < 0) throw new RangeError(`batch id must be a non-negative integer, got ${batchId}`);
    if (!this.dirReady) { await makeDir(this.path); this.dirReady = true; }
    return writeFileAtomicIfAbsent(this.batchFile(batchId), `v${this.version}\n${this.serialize(value)}`);
  }

  /** The value of batch `batchId`, or undefined when it has no file. */
  async get(batchId: number): Promise<T | undefined> {
    const file = this.batchFile(batchId);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    return this.parseFile(bytes, file, batchId);
  }

  /** The newest entry, or undefined for an empty log. */
  async getLatest(): Promise<LogEntry<T> | undefined> {
    const ids = await this.listBatchIds();
    for (let i = ids.length - 1; i >= 0; i--) {
      const batchId = ids[i]!;
      const value = await this.get(batchId);
      if (value !== undefined) return { batchId, value };
    }
    return undefined;
  }

  /** Entries with `start <= id <= end` (either bound optional), in id order; throws if any id in between is missing. */
  async getRange(start?: number, end?: number): Promise<LogEntry<T>[]> {
    const ids = (await this.listBatchIds()).filter((id) => (start === undefined || id >= start) && (end === undefined || id <= end));
    verifyBatchIds(this.path, ids, start, end);
    const out: LogEntry<T>[] = [];
    for (const batchId of ids) {
      const value = await this.get(batchId);
      if (value === undefined) throw checkpointMissing(this.path, `batch ${batchId} disappeared while reading the log`);
      out.push({ batchId, value });
    }
    return out;
  }

  /** The batch ids with a file, ascending (empty when the directory does not exist). */
  async listBatchIds(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.path);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return [];
      throw e;
    }
    const ids: number[] = [];
    for (const n of names) if (BATCH_FILE.test(n)) ids.push(Number(n));
    return ids.sort((a, b) => a - b);
  }

  /** Deletes every batch file with id < `thresholdBatchId` (old entries no recovery needs). */
  async purge(thresholdBatchId: number): Promise<void> {
    const ids = await this.listBatchIds();
    await Promise.all(ids.filter((id) => id < thresholdBatchId).map((id) =>
      unlink(this.batchFile(id)).catch((e: unknown) => { if (errCode(e) !== 'ENOENT') throw e; })));
  }

  private parseFile(bytes: Uint8Array, file: string, batchId: number): T {
    if (bytes.length === 0) throw checkpointCorrupt(file, batchId, 'the file is empty');
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch (e) {
      throw checkpointCorrupt(file, batchId, 'the file is not UTF-8 text', e);
    }
    const nl = text.indexOf('\n');
    const versionLine = nl < 0 ? text : text.slice(0, nl);
    const version = parseVersionLine(versionLine);
    if (version === undefined) {
      const shown = versionLine.length > 20 ? `${versionLine.slice(0, 20)}…` : versionLine;
      throw checkpointCorrupt(file, batchId, `the first line should be a log version like 'v1', found ${JSON.stringify(shown)}`);
    }
    if (version > this.maxVersion) throw checkpointTooNew(file, batchId, version, this.maxVersion);
    if (nl < 0 || nl === text.length - 1) throw checkpointCorrupt(file, batchId, 'the file is truncated: it has a version line and nothing after it');
    return this.deserialize(text.slice(nl + 1), file, batchId, version);
  }
}

/** The number in a version line `vN` (N >= 1), or undefined when the line is not one. */
export function parseVersionLine(line: string): number | undefined {
  const m = /^v([1-9]\d{0,8})$/.exec(line.trim());
  return m === null ? undefined : Number(m[1]);
}

/**
 * Checks that `ids` (ascending) hold every id from `start` (or the first id)
 * to `end` (or the last id); throws naming the exact missing ids.
 */
export function verifyBatchIds(logPath: string, ids: readonly number[], start?: number, end?: number): void {
  const missing: number[] = [];
  const lo = start ?? ids[0];
  const hi = end ?? ids[ids.length - 1];
  if (lo === undefined || hi === undefined) return;
  let next = lo;
  const push = (from: number, to: number): void => {
    // Long gaps are summarised by describeIds; cap the list so a huge range cannot exhaust memory.
    for (let id = from; id <= to && missing.length < 10_000; id++) missing.push(id);
  };
  for (const id of ids) {
    if (id < lo || id > hi) continue;
    if (id > next) push(next, id - 1);
    next = id + 1;
  }
  if (next <= hi) push(next, hi);
  if (missing.length > 0) {
    throw checkpointMissing(logPath,
      `batch file(s) ${describeIds(missing)} are missing, first ${join(logPath, String(missing[0]))} (every batch from ${lo} to ${hi} is needed)`);
  }
}

/** A metadata log whose body is one JSON value. */
export class JsonMetadataLog<T> extends MetadataLog<T> {
  /** `validate` checks a parsed value: undefined when it is a T, else a message saying what is wrong. */
  constructor(path: string, private readonly validate: (v: unknown) => string | undefined, version = 1) {
    super(path, version);
  }

  protected serialize(value: T): string {
    return JSON.stringify(value);
  }

  protected deserialize(body: string, file: string, batchId: number): T {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body) as unknown;
    } catch (e) {
      throw checkpointCorrupt(file, batchId, 'the entry is not valid JSON', e);
    }
    const problem = this.validate(parsed);
    if (problem !== undefined) throw checkpointCorrupt(file, batchId, problem);
    return parsed as T;
  }
}
