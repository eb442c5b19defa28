import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';

import type { Offset } from '../checkpoint/offset.js';

export type { Offset };

/** How much a trigger may take: everything available, or at most N files / rows. */
export type ReadLimit =
  | { readonly kind: 'all' }
  | { readonly kind: 'maxFiles'; readonly files: number }
  | { readonly kind: 'maxRows'; readonly rows: number };

/** Facts a source is created with. */
export interface SourceContext {
  /** This source's own checkpoint directory (`<checkpoint>/sources/<index>`), for its metadata (e.g. files seen). */
  readonly metadataPath: string;
  readonly options: Readonly<Record<string, string>>;
  /** The user's schema (readStream.schema(...)), when given. */
  readonly schema: StructType | undefined;
  readonly timeZone: string;
  /** The query's clock in ms (a manual clock under test). */
  now(): number;
}

/**
 * A streaming source (Spark's Source with admission control). The engine
 * asks for the latest offset, writes it to the offsets log, then asks for
 * exactly the data between the previous batch's end and it — possibly again
 * after a restart, so a replayable source must serve any range it reported.
 * The socket source is the documented exception (not replayable).
 */
export interface StreamSource {
  readonly schema: StructType;
  /** Short name for progress reports, e.g. `MemoryStream[value]`, `RateStreamV2[rowsPerSecond=1]`. */
  readonly description: string;
  /**
   * The end offset the next batch should read up to, given where the last
   * batch ended (`start`, null before the first batch) and the trigger's
   * limit; null when the source has no data yet. Returning `start` means
   * nothing new.
   */
  latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null>;
  /** The rows after `start` (exclusive; null = from the beginning) up to `end` (inclusive). */
  getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]>;
  /** Everything up to `end` is committed: the source may forget it (and, for files, archive or delete). */
  commit(end: Offset): Promise<void>;
  /** For `trigger({ availableNow: true })`: fix the end of the data to read to what exists now. */
  prepareForTriggerAvailableNow?(): Promise<void>;
  /** The read limit this source applies by default (maxFilesPerTrigger, rowsPerBatch, ...). */
  defaultReadLimit?(): ReadLimit;
  /**
   * The newest offset the source knows of, ignoring the read limit (Spark's
   * SupportsAdmissionControl.reportLatestOffset), for progress reports; when
   * absent, progress shows the batch's end offset as latestOffset.
   */
  reportLatestOffset?(): Offset | null;
  /**
   * Source-specific metrics for the progress report after a batch that read
   * up to `end` (Spark's ReportsSourceMetrics: Kafka's offsetsBehindLatest...).
   */
  metrics?(end: Offset | null): Readonly<Record<string, string>>;
  /** Releases sockets, timers and handles. */
  stop(): Promise<void>;
}
