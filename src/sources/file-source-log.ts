import { JsonLinesLog } from '../checkpoint/json-lines-log.js';
import { checkpointCorrupt } from '../checkpoint/corrupt.js';

/** One file the file source took into a batch (Spark's FileEntry): a file: URI, its modification time in ms, and the log batch. */
export interface FileEntry {
  readonly path: string;
  readonly timestamp: number;
  readonly batchId: number;
}

/**
 * The file source's own log (Spark's FileStreamSourceLog) in
 * `<checkpoint>/sources/<n>/`: file `N` lists the files of log batch N, one
 * JSON FileEntry a line after the `v1` line, in Spark's layout. It is written
 * when the files are discovered, before the engine logs the offset that
 * names them, so a restart knows every file already taken and never reads
 * one twice. Spark compacts this log every 10 batches; spate does not (the
 * entries are small), so a Spark `.compact` file is not read.
 */
export class FileStreamSourceLog extends JsonLinesLog<FileEntry> {
  constructor(path: string) {
    super(path, 1);
  }

  protected readonly entryDescription = 'a file entry {"path", "timestamp", "batchId"}';

  protected override toJson(e: FileEntry): unknown {
    return { path: e.path, timestamp: e.timestamp, batchId: e.batchId };
  }

  protected toEntry(o: Record<string, unknown>): FileEntry | undefined {
    if (typeof o.path !== 'string' || typeof o.timestamp !== 'number' || typeof o.batchId !== 'number') return undefined;
    return { path: o.path, timestamp: o.timestamp, batchId: o.batchId };
  }

  /** A source batch is only logged when it found files, so an empty one is damage. */
  protected override deserialize(body: string, file: string, batchId: number): FileEntry[] {
    const out = super.deserialize(body, file, batchId);
    if (out.length === 0) throw checkpointCorrupt(file, batchId, 'it lists no files');
    return out;
  }
}
