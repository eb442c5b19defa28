// The `types` namespace of the public API, like pyspark.sql.types.
export {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType,
  MapType, NullType, StringType, StructField, StructType, TimestampType, simpleString, typeName,
} from './types.js';
export type { DataType } from './types.js';
export { parseDataType, parseSchema, toDDL } from './ddl.js';
