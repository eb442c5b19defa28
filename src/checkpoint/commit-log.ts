import { checkpointCorrupt, parseCheckpointJson } from './corrupt.js';
import { MetadataLog } from './metadata-log.js';

/** What a finished batch hands to the next (Spark's CommitMetadata). */
export interface CommitMetadata {
  readonly nextBatchWatermarkMs: number;
}

/**
 * The `commits/` log: batch N's file is written after its sink and state
 * are committed, so offsets N without commit N means "run N again".
 * Spark's format: `v1` then `{"nextBatchWatermarkMs":0}`.
 */
export class CommitLog extends MetadataLog<CommitMetadata> {
  constructor(path: string) {
    super(path, 1);
  }

  protected serialize(value: CommitMetadata): string {
    return JSON.stringify({ nextBatchWatermarkMs: value.nextBatchWatermarkMs });
  }

  protected deserialize(body: string, file: string, batchId: number): CommitMetadata {
    const v = parseCheckpointJson(body.trim(), file, batchId, 'the commit entry');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw checkpointCorrupt(file, batchId, 'the commit entry should be an object {"nextBatchWatermarkMs":…}');
    // Spark's older commit files have no watermark; it defaults to 0 there too.
    const w = (v as Record<string, unknown>)['nextBatchWatermarkMs'] ?? 0;
    if (typeof w !== 'number' || !Number.isFinite(w)) throw checkpointCorrupt(file, batchId, `'nextBatchWatermarkMs' should be a number, found ${JSON.stringify(w)}`);
    return { nextBatchWatermarkMs: w };
  }
}
