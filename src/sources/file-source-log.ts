import { MetadataLog } from '../checkpoint/metadata-log.js';
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
export class FileStreamSourceLog extends MetadataLog<FileEntry[]> {
  constructor(path: string) {
    super(path, 1);
  }

  protected serialize(entries: FileEntry[]): string {
    return entries.map((e) => JSON.stringify({ path: e.path, timestamp: e.timestamp, batchId: e.batchId })).join('\n');
  }

  protected deserialize(body: string, file: string, batchId: number): FileEntry[] {
    const out: FileEntry[] = [];
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(line) as unknown;
      } catch (e) {
        throw checkpointCorrupt(file, batchId, `line ${i + 2} is not valid JSON`, e);
      }
      const o = v as { path?: unknown; timestamp?: unknown; batchId?: unknown } | null;
      if (o === null || typeof o !== 'object' || typeof o.path !== 'string' || typeof o.timestamp !== 'number' || typeof o.batchId !== 'number') {
        throw checkpointCorrupt(file, batchId, `line ${i + 2} is not a file entry {"path", "timestamp", "batchId"}`);
      }
      out.push({ path: o.path, timestamp: o.timestamp, batchId: o.batchId });
    }
    if (out.length === 0) throw checkpointCorrupt(file, batchId, 'it lists no files');
    return out;
  }
}
