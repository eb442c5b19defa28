/**
 * Spark's Kafka schema (key, value, topic, partition, offset, timestamp,
 * timestampType, and headers with includeHeaders), the offset ranges a read
 * is made of, and Spark's data-loss reporting. The reading itself is in
 * kafka-fetcher.ts (shared by getBatch and spark.read.format('kafka')).
 */
import { SpateError } from '../core/errors.js';
import { ArrayType, BinaryType, IntegerType, LongType, StringType, StructField, StructType, TimestampType } from '../core/types.js';
import { sourceWarning } from './source-options.js';

const HEADER = StructType([StructField('key', StringType, false), StructField('value', BinaryType, true)]);

/** Spark's KafkaRecordToRowConverter.kafkaSchema. */
export function kafkaSchema(includeHeaders: boolean): StructType {
  const fields = [
    StructField('key', BinaryType, true),
    StructField('value', BinaryType, true),
    StructField('topic', StringType, true),
    StructField('partition', IntegerType, true),
    StructField('offset', LongType, true),
    StructField('timestamp', TimestampType, true),
    StructField('timestampType', IntegerType, true),
  ];
  if (includeHeaders) fields.push(StructField('headers', ArrayType(HEADER, false), true));
  return StructType(fields);
}

/** Records [from, until) of one partition. */
export interface OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly until: number;
}

export const INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_FALSE =
  'Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been ' +
  'deleted before all the data in the topic was processed. If you want your streaming query to fail on such cases, set the source option "failOnDataLoss" to "true".';
export const INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_TRUE =
  'Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been ' +
  'deleted before all the data in the topic was processed. If you don\'t want your streaming query to fail on such cases, set the source option "failOnDataLoss" to "false".';

/** Spark's reportDataLoss: an error with failOnDataLoss (the default), else a warning. */
export function reportDataLoss(failOnDataLoss: boolean, message: string): void {
  if (failOnDataLoss) throw new SpateError('KAFKA_DATA_LOSS', `${message}. ${INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_TRUE}`);
  sourceWarning(`${message}. ${INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_FALSE}`);
}
