import { batchToRows, sliceBatch, type RecordBatch } from '../core/batch.js';
import { formatTimestamp } from '../core/datetime.js';
import { showString } from '../core/format/show.js';
import { SourceOptions } from '../io/options.js';
import { getZone } from '../core/time-zone.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

/** Where the console sink prints: anything with a `write(text)` (process.stdout, a test's collector). */
export interface ConsoleOut {
  write(chunk: string): unknown;
}

/**
 * The banner line Spark's ConsoleWrite prints above and below `Batch: N`.
 * Spark 3.5 prints exactly 43 dashes (`println("----…")` in ConsoleWrite.scala).
 */
const BANNER = '-'.repeat(43);

/**
 * Spark's `console` sink: per batch, the banner, `Batch: N`, the banner, then
 * `show(numRows, truncate)` of the batch, which ends with the blank line that
 * `println` of the table adds. Options: `numRows` (default 20) and
 * `truncate` ('true'/'false', default true; true cuts cells to 20 characters).
 * Timestamps print in the session time zone, as `show()` does.
 */
export class ConsoleSink implements StreamSink {
  readonly description: string;
  readonly numRows: number;
  readonly truncate: boolean;
  private readonly out: ConsoleOut;
  private readonly formatTs: (micros: number) => string;

  constructor(options: Readonly<Record<string, string>>, ctx: { timeZone: string; out?: ConsoleOut }) {
    const o = new SourceOptions(options);
    this.numRows = o.int('numRows', 20, 0);
    this.truncate = o.bool('truncate', true);
    this.out = ctx.out ?? process.stdout;
    const zone = getZone(ctx.timeZone);
    this.formatTs = (m) => formatTimestamp(m, zone.offsetMs(Math.floor(m / 1000)) / 60_000);
    this.description = `ConsoleSink[numRows=${this.numRows}, truncate=${this.truncate}]`;
  }

  /** Prints the batch; console output is for people, so a replayed batch is printed again (as in Spark). */
  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    this.out.write(consoleBatchText(batchId, data, this.numRows, this.truncate, this.formatTs));
  }
}

/** The exact text Spark's console sink prints for one batch (banner, `Batch: N`, banner, `show()` table, blank line). */
export function consoleBatchText(
  batchId: number,
  data: RecordBatch,
  numRows: number,
  truncate: boolean,
  formatTs?: (micros: number) => string,
): string {
  // Only the rows shown are converted: a complete-mode result can be large.
  const shown = batchToRows(data.numRows > numRows ? sliceBatch(data, 0, numRows) : data);
  const table = showString(data.schema, shown, numRows, truncate, false, data.numRows > numRows,
    formatTs ? { formatTimestamp: formatTs } : {});
  return `${BANNER}\nBatch: ${batchId}\n${BANNER}\n${table}\n`;
}
