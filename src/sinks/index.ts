/** The sinks layer's public door: the StreamSink contract, the built-in sinks and `createSink`. */
import { AnalysisException, SpateError, didYouMean } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import type { FileFormat } from '../io/read.js';
import { fileWriteOptions } from '../io/index.js';
import type { KnownOptions } from '../core/known-options.js';
import { ConsoleSink, type ConsoleOut } from './console-sink.js';
import { FileSink, FILE_SINK_FORMATS } from './file-sink.js';
import { MemorySink, memoryTables } from './memory-sink.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';
import { CONNECTOR_SINKS } from './connectors.js';

export type { SinkQueryInfo, StreamSink } from './sink.js';
export { ConsoleSink, consoleBatchText, type ConsoleOut } from './console-sink.js';
export { MemorySink, memoryTables } from './memory-sink.js';
export { FileSink, FILE_SINK_FORMATS } from './file-sink.js';
export { FileSinkLog, sinkFileStatus, type SinkFileStatus } from './file-sink-log.js';
export { ForeachSink, type ForeachWriter } from './foreach-sink.js';
export { ForeachBatchSink, type ForeachBatchFunction } from './foreach-batch-sink.js';
export { CONNECTOR_SINKS } from './connectors.js';
export type { SinkProvider, BatchSaveMode, BatchWriteContext, ConnectorSinkContext } from './connector.js';

/** What `createSink` needs to know about the query besides the format and options. */
export interface SinkContext {
  readonly queryName?: string;
  readonly timeZone: string;
  readonly partitionBy: readonly string[];
  readonly outputMode: OutputMode;
  /** The query's output schema, when known (the memory sink reads as an empty table with it before the first batch). */
  readonly schema?: StructType;
  /** Where the console sink prints (default process.stdout). */
  readonly out?: ConsoleOut;
}

const FORMATS = ['console', 'memory', 'noop', ...FILE_SINK_FORMATS, ...[...CONNECTOR_SINKS.values()].filter((c) => c.create).map((c) => c.format)];

/**
 * The sink for `writeStream.format(format)`: `console`, `memory` (needs a
 * query name; registered in `memoryTables`), `noop`, or the file sink for
 * parquet/json/csv/text (needs option `path`). `foreach` and `foreachBatch`
 * sinks are made directly from their callbacks (ForeachSink, ForeachBatchSink).
 */
export function createSink(format: string, options: Readonly<Record<string, string>>, ctx: SinkContext): StreamSink {
  const f = format.toLowerCase();
  if (ctx.partitionBy.length > 0 && !(FILE_SINK_FORMATS as readonly string[]).includes(f)) {
    throw new AnalysisException('PARTITION_BY_UNSUPPORTED',
      `partitionBy(${ctx.partitionBy.join(', ')}) applies to file sinks only, not '${format}'; remove it or write to parquet/json/csv/text.`);
  }
  switch (f) {
    case 'console':
      return new ConsoleSink(options, { timeZone: ctx.timeZone, ...(ctx.out ? { out: ctx.out } : {}) });
    case 'memory': {
      if (ctx.queryName === undefined || ctx.queryName === '') {
        throw new AnalysisException('MEMORY_SINK_NEEDS_NAME',
          "queryName must be specified for memory sink: add .queryName('name') before start(); the rows are then readable with spark.table('name').");
      }
      const sink = new MemorySink({ queryName: ctx.queryName, ...(ctx.schema ? { schema: ctx.schema } : {}) });
      memoryTables.set(ctx.queryName, sink);
      return sink;
    }
    case 'noop':
      return NOOP_SINK;
    case 'foreach': case 'foreachbatch':
      throw new AnalysisException('FOREACH_NEEDS_CALLBACK',
        `format('${format}') needs a callback: use writeStream.${f === 'foreach' ? 'foreach(writer)' : 'foreachBatch((df, batchId) => ...)'} instead.`);
    default: {
      if ((FILE_SINK_FORMATS as readonly string[]).includes(f)) {
        const path = pathOption(options);
        if (path === undefined || path === '') {
          throw new SpateError('PATH_NOT_SPECIFIED',
            `'path' is not specified for the ${f} sink: pass it with writeStream.option('path', dir) or start(dir).`);
        }
        return new FileSink(f as FileFormat, path, options, ctx);
      }
      const connector = CONNECTOR_SINKS.get(f);
      if (connector?.create !== undefined) {
        if (ctx.schema === undefined) throw new SpateError('INTERNAL', `The ${f} sink needs the query's output schema.`);
        return connector.create({ options, schema: ctx.schema, outputMode: ctx.outputMode, timeZone: ctx.timeZone, ...(ctx.queryName !== undefined ? { queryName: ctx.queryName } : {}) });
      }
      throw new AnalysisException('UNKNOWN_SINK_FORMAT',
        `Data source '${format}' is not a streaming sink. Known formats: ${FORMATS.join(', ')}.${didYouMean(format, FORMATS)}`);
    }
  }
}

/** Options are case-insensitive, as in Spark. */
function pathOption(options: Readonly<Record<string, string>>): string | undefined {
  for (const [k, v] of Object.entries(options)) if (k.toLowerCase() === 'path') return v;
  return undefined;
}

/** Spark's `noop` sink: runs the query and discards its output (for benchmarks). */
const NOOP_SINK: StreamSink = {
  description: 'NoopSink',
  async addBatch() { /* output discarded on purpose */ },
};

const BUILT_IN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  console: ['numRows', 'truncate'],
  memory: [],
  noop: [],
  foreach: [],
  foreachbatch: [],
};

/**
 * The options `writeStream.format(format)` knows besides `checkpointLocation`
 * (every streaming sink's), for checking the user's; undefined for a format
 * whose options are not declared, which are left alone.
 */
export function sinkKnownOptions(format: string): KnownOptions | undefined {
  const f = format.toLowerCase();
  const own = BUILT_IN_OPTIONS[f];
  if (own !== undefined) return { names: own };
  if ((FILE_SINK_FORMATS as readonly string[]).includes(f)) return fileWriteOptions(f as FileFormat);
  const c = CONNECTOR_SINKS.get(f);
  return c?.knownOptions !== undefined ? { names: c.knownOptions } : undefined;
}
