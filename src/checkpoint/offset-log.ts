import type { Offset } from './offset.js';
import { checkpointCorrupt, parseCheckpointJson } from './corrupt.js';
import { MetadataLog } from './metadata-log.js';

/** Facts fixed when a batch was planned, replayed as-is on recovery (Spark's OffsetSeqMetadata). */
export interface OffsetSeqMetadata {
  readonly batchWatermarkMs: number;
  readonly batchTimestampMs: number;
  /** Confs that must not change across restarts (e.g. spark.sql.shuffle.partitions), as strings. */
  readonly conf: Readonly<Record<string, string>>;
}

/** The end offsets of one batch, one per source in query order (null: the source had no data yet). */
export interface OffsetSeq {
  readonly offsets: readonly (Offset | null)[];
  readonly metadata: OffsetSeqMetadata;
}

/**
 * The `offsets/` log: batch N's file is written before batch N runs, so a
 * restart replays exactly those offsets. Spark's format: `v1`, the metadata
 * JSON, then one line per source with its offset JSON or `-` for none.
 */
export class OffsetLog extends MetadataLog<OffsetSeq> {
  constructor(path: string) {
    super(path, 1);
  }

  protected serialize(value: OffsetSeq): string {
    const lines = [JSON.stringify({ batchWatermarkMs: value.metadata.batchWatermarkMs, batchTimestampMs: value.metadata.batchTimestampMs, conf: value.metadata.conf })];
    for (const o of value.offsets) lines.push(o === null ? '-' : JSON.stringify(o));
    return lines.join('\n');
  }

  protected deserialize(body: string, file: string, batchId: number): OffsetSeq {
    // A single trailing newline (a hand edit) is tolerated; any other empty line is damage.
    const lines = (body.endsWith('\n') ? body.slice(0, -1) : body).split('\n');
    const metadata = parseMetadata(lines[0]!, file, batchId);
    const offsets: (Offset | null)[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '-') { offsets.push(null); continue; }
      if (line.trim() === '') throw checkpointCorrupt(file, batchId, `line ${i + 2} (source ${i - 1}'s offset) is empty; it should be the offset JSON or '-'`);
      offsets.push(parseCheckpointJson(line, file, batchId, `line ${i + 2} (source ${i - 1}'s offset)`) as Offset);
    }
    return { offsets, metadata };
  }
}

function parseMetadata(line: string, file: string, batchId: number): OffsetSeqMetadata {
  const m = parseCheckpointJson(line, file, batchId, 'line 2 (the batch metadata)');
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw checkpointCorrupt(file, batchId, 'line 2 should be the batch metadata object {"batchWatermarkMs":…,"batchTimestampMs":…,"conf":{…}}');
  }
  const o = m as Record<string, unknown>;
  const num = (k: string): number => {
    const v = o[k] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw checkpointCorrupt(file, batchId, `metadata field '${k}' should be a number, found ${JSON.stringify(v)}`);
    return v;
  };
  const conf: Record<string, string> = {};
  const c = o['conf'] ?? {};
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw checkpointCorrupt(file, batchId, "metadata field 'conf' should be an object of strings");
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== 'string') throw checkpointCorrupt(file, batchId, `metadata conf '${k}' should be a string, found ${JSON.stringify(v)}`);
    conf[k] = v;
  }
  return { batchWatermarkMs: num('batchWatermarkMs'), batchTimestampMs: num('batchTimestampMs'), conf };
}
