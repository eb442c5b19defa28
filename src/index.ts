/**
 * spate: Apache Spark's DataFrame and Structured Streaming model for Node.js.
 * Start with `SparkSession.builder.appName('app').getOrCreate()`.
 */
export { SparkSession, Builder } from './api/session.js';
export { RuntimeConfig, CONF_DEFAULTS } from './api/conf.js';
export { DataFrame } from './api/dataframe.js';
export { Column } from './api/column.js';
export { GroupedData } from './api/grouped-data.js';
export { DataFrameReader } from './api/reader.js';
export { DataFrameWriter } from './api/writer.js';
export { DataFrameNaFunctions } from './api/na-functions.js';
export * as functions from './api/functions.js';
export * as types from './core/types-public.js';
export {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType,
  MapType, NullType, StringType, StructField, StructType, TimestampType,
} from './core/types.js';
export type { DataType } from './core/types.js';
export { parseDataType, parseSchema, toDDL } from './core/ddl.js';
export type { Row } from './core/row.js';
export { SpateError, AnalysisException, ParseException } from './core/errors.js';
export { DataStreamReader } from './api/stream-reader.js';
export { DataStreamWriter } from './api/stream-writer.js';
export { StreamingQuery, StreamingQueryException, type StreamingQueryStatus } from './stream/streaming-query.js';
export { StreamingQueryManager, type StreamingQueryListener } from './stream/query-manager.js';
export type { StreamingQueryProgress, SourceProgress, StateOperatorProgress } from './stream/progress.js';
export type { TriggerSpec } from './stream/trigger.js';
export type { ForeachWriter } from './sinks/index.js';
