// The streaming sources: the public door of src/sources.
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { FileSource } from './file-source.js';
import { FILE_SOURCE_FORMATS, fileSourceSchema } from './file-source-options.js';
import { RatePerMicroBatchSource } from './rate-micro-batch.js';
import { RateSource } from './rate.js';
import { parseSocketOptions, SocketSource, SOCKET_SCHEMA, SOCKET_SCHEMA_WITH_TIMESTAMP } from './socket.js';
import { checkFixedSchema } from './source-options.js';
import { CONNECTOR_SOURCES } from './connectors.js';
import type { SourceContext, StreamSource } from './source.js';
import type { FileFormat } from '../io/read.js';
import { fileReadOptions } from '../io/index.js';
import type { KnownOptions } from '../core/known-options.js';

export type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';
export { MemoryStream } from './memory-stream.js';
export { RateSource, RATE_SCHEMA, valueAtSecond } from './rate.js';
export { RatePerMicroBatchSource, type RatePerMicroBatchOffset } from './rate-micro-batch.js';
export { SocketSource, SOCKET_SCHEMA, SOCKET_SCHEMA_WITH_TIMESTAMP } from './socket.js';
export { FileSource } from './file-source.js';
export { FileStreamSourceLog, type FileEntry } from './file-source-log.js';
export { fileSourceSchema, FILE_SOURCE_FORMATS } from './file-source-options.js';
export { setSourceWarningHandler, type WarningHandler } from './source-options.js';
export { CONNECTOR_SOURCES } from './connectors.js';
export type { SourceProvider, BatchReadContext } from './connector.js';

/** The formats createSource knows (`memory` is made by the user as a MemoryStream, not by name). */
export const SOURCE_FORMATS: readonly string[] = ['rate', 'rate-micro-batch', 'socket', ...FILE_SOURCE_FORMATS,
  ...[...CONNECTOR_SOURCES.values()].filter((c) => c.streaming).map((c) => c.format)];

function isFileFormat(f: string): f is FileFormat {
  return (FILE_SOURCE_FORMATS as readonly string[]).includes(f);
}

function unknownFormat(format: string): SpateError {
  return new SpateError('UNKNOWN_SOURCE_FORMAT',
    `Unknown streaming source format '${format}'. Known formats: ${SOURCE_FORMATS.join(', ')} (and MemoryStream for tests).`);
}

/**
 * Creates the source of `format` (case-insensitive, as Spark's short names)
 * for one query run; options come in `ctx.options`, conf values the source
 * needs (spark.sql.streaming.schemaInference) under their Spark names.
 */
export function createSource(format: string, ctx: SourceContext): StreamSource {
  const f = format.trim().toLowerCase();
  switch (f) {
    case 'rate': return new RateSource(ctx);
    case 'rate-micro-batch': return new RatePerMicroBatchSource(ctx);
    case 'socket': return new SocketSource(ctx);
    default: {
      if (isFileFormat(f)) return new FileSource(f, ctx);
      const c = streamingConnector(f, format);
      if (c.create === undefined) throw notStreaming(format);
      return c.create(ctx);
    }
  }
}

/**
 * The schema a `readStream...load()` of `format` has, known before any query
 * runs (Spark's DataSource.sourceSchema): fixed for rate and socket (a user
 * schema is refused), the user's or an inferred one for files (a schema is
 * required unless spark.sql.streaming.schemaInference is true in `options`).
 * Validates the options, so a bad option fails at load() as in Spark.
 */
export function streamSourceSchema(format: string, options: Readonly<Record<string, string>>, userSchema: StructType | undefined, timeZone: string): StructType {
  const f = format.trim().toLowerCase();
  switch (f) {
    case 'rate': case 'rate-micro-batch': {
      // Constructing validates the options; neither constructor touches the file system or the clock.
      const probe: SourceContext = { metadataPath: '', options, schema: userSchema, timeZone, now: () => 0 };
      return f === 'rate' ? new RateSource(probe).schema : new RatePerMicroBatchSource(probe).schema;
    }
    case 'socket': {
      const s = parseSocketOptions(options).includeTimestamp ? SOCKET_SCHEMA_WITH_TIMESTAMP : SOCKET_SCHEMA;
      checkFixedSchema('socket', s, userSchema);
      return s;
    }
    default:
      if (isFileFormat(f)) return fileSourceSchema(f, options, userSchema, timeZone);
      return streamingConnector(f, format).schema(options, userSchema, timeZone, true);
  }
}

function notStreaming(format: string): SpateError {
  return new SpateError('NOT_A_STREAMING_SOURCE',
    `Data source '${format}' does not support streamed reading: use spark.read.format('${format}') for a batch read.`);
}

/** The connector registered for `f`, if it can be read as a stream. */
function streamingConnector(f: string, format: string) {
  const c = CONNECTOR_SOURCES.get(f);
  if (c === undefined) throw unknownFormat(format);
  if (!c.streaming) throw notStreaming(format);
  return c;
}

/** Options of every file streaming source (FileStreamOptions), besides its format's reader options. */
const FILE_STREAM_OPTIONS = ['maxFilesPerTrigger', 'latestFirst', 'fileNameOnly', 'maxFileAge', 'cleanSource', 'sourceArchiveDir'];

const BUILT_IN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  rate: ['rowsPerSecond', 'rampUpTime', 'numPartitions'],
  'rate-micro-batch': ['rowsPerBatch', 'numPartitions', 'startTimestamp', 'advanceMillisPerBatch'],
  socket: ['host', 'port', 'includeTimestamp'],
};

/**
 * The options `readStream.format(format)` knows, for checking the user's
 * (`core/known-options.ts`); undefined for a format whose options are not
 * declared (a connector without `knownOptions`), which are left alone.
 */
export function sourceKnownOptions(format: string): KnownOptions | undefined {
  const f = format.trim().toLowerCase();
  const own = BUILT_IN_OPTIONS[f];
  if (own !== undefined) return { names: own };
  if (isFileFormat(f)) {
    const read = fileReadOptions(f);
    return { ...read, names: [...read.names, ...FILE_STREAM_OPTIONS] };
  }
  const c = CONNECTOR_SOURCES.get(f);
  return c?.knownOptions !== undefined ? { names: c.knownOptions } : undefined;
}
