import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { JsonLinesLog } from '../checkpoint/json-lines-log.js';
import { errCode } from '../checkpoint/atomic-file.js';

/** One file a file-sink batch wrote, as Spark's SinkFileStatus (sizes in bytes, times in ms). */
export interface SinkFileStatus {
  /** A `file:` URI, as Spark writes Hadoop paths. */
  readonly path: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly modificationTime: number;
  readonly blockReplication: number;
  readonly blockSize: number;
  readonly action: 'add' | 'delete';
}

/** Spark's block size for the local file system (`fs.local.block.size`, 32 MiB), written for compatibility. */
const LOCAL_BLOCK_SIZE = 33_554_432;

/** The log entry for a data file just written. */
export function sinkFileStatus(absPath: string, size: number, mtimeMs: number): SinkFileStatus {
  return {
    path: pathToFileURL(absPath).href,
    size,
    isDir: false,
    modificationTime: Math.floor(mtimeMs),
    blockReplication: 1,
    blockSize: LOCAL_BLOCK_SIZE,
    action: 'add',
  };
}

/**
 * The file sink's log, `<output>/_spark_metadata/<batchId>`, in Spark's
 * FileStreamSinkLog format: `v1`, then one SinkFileStatus JSON per line. The
 * data files of a batch are written before its entry, so the entry is the
 * commit: readers (io's listing) read only listed files. Not compacted:
 * spate writes one file per batch and never the `<id>.compact` files Spark
 * writes every 10 batches (its readers accept both).
 */
export class FileSinkLog extends JsonLinesLog<SinkFileStatus> {
  /** The batch's files; an empty batch's entry is the version line alone, which the generic reader would call truncated. */
  override async get(batchId: number): Promise<SinkFileStatus[] | undefined> {
    let text: string;
    try {
      text = await readFile(this.batchFile(batchId), 'utf8');
    } catch (e) {
      if (errCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    if (text.trim() === `v${this.version}`) return [];
    return super.get(batchId);
  }

  protected readonly entryDescription = 'a file entry with "path" and "action"';

  protected toEntry(o: Record<string, unknown>): SinkFileStatus | undefined {
    return typeof o.path === 'string' && (o.action === 'add' || o.action === 'delete') ? (o as unknown as SinkFileStatus) : undefined;
  }
}
