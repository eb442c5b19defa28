/**
 * spate/testing: test your streaming queries the way Spark tests its own.
 * Feed a MemoryStream, run the query against a memory sink with a manual
 * clock, and check the answer after each step:
 *
 *   const input = new MemoryStream(spark, 'value STRING');
 *   const counts = input.toDF().groupBy('value').count();
 *   await testStream(counts, 'update', [
 *     addData(input, 'a', 'b'), checkLastBatch(['a', 1], ['b', 1]),
 *     stopStream(), addData(input, 'a'), startStream(), checkLastBatch(['a', 2]),
 *   ]);
 */
export { MemoryStream } from './memory-stream.js';
export {
  testStream, addData, checkAnswer, checkAnswerInOrder, checkNewAnswer, checkLastBatch, stopStream, startStream,
  advanceManualClock, expectFailure, assertOnQuery, type StreamAction, type TestStreamOptions,
} from './stream-test.js';
export { ManualClock } from '../stream/clock.js';
export type { Row } from './report.js';
