/**
 * The connector crash test (crash.test.ts) runs one child process with a
 * query per (source, sink) pair, SIGKILLs it at random points and restarts
 * it, then checks every produced id is in every sink exactly once. Each
 * connector contributes fixtures in fixtures/<connector>.ts; fixtures.ts
 * collects them. Fixture methods that say "test process" run in the test,
 * the ones that say "child" run in the killed process.
 *
 * `run` is a name unique to one test run (letters, digits, `_`): fixtures
 * derive their topic / stream / table / key names from it. Connection
 * details that differ per run (the Kafka mock cluster's address) come in
 * process.env (SPATE_KAFKA_BOOTSTRAP), set by the test for the child too.
 */
import type { DataFrame, DataStreamWriter, SparkSession, StreamingQuery } from '../../../src/index.js';
import type { ServiceName } from '../../support/services.js';

export interface CrashSource {
  /** Short name used in query names and targets: `kafka`, `redis`, ... */
  readonly name: string;
  /** The servers it needs (the Kafka mock is started by the test when any fixture says 'kafka-mock'). */
  readonly needs: readonly (ServiceName | 'kafka-mock')[];
  /** Test process: creates the (empty) input for `run`; `readers` are the query keys that will read it (one per sink). */
  setup(run: string, readers: readonly string[]): Promise<void>;
  /** Test process: appends one message per id, its value the JSON text `{"id":<id>}`, in order. */
  produce(run: string, ids: readonly number[]): Promise<void>;
  /**
   * Child: the streaming DataFrame over the input with one column `id`
   * (integer), one row per message; at most `maxPerTrigger` messages a batch
   * (so a run has many batches). `reader` is this query's key from setup.
   */
  readStream(spark: SparkSession, run: string, reader: string, maxPerTrigger: number): DataFrame;
  /** Test process: drops what setup made. */
  teardown?(run: string): Promise<void>;
}

export interface CrashSink {
  readonly name: string;
  readonly needs: readonly (ServiceName | 'kafka-mock')[];
  /** Test process: creates the (empty) target for each writer key (one per source). */
  setup(run: string, writers: readonly string[]): Promise<void>;
  /**
   * Child, optional: reshapes the DataFrame (one column `id`) into the columns
   * this sink writes, e.g. `df.select(F.to_json(F.struct('id')).alias('value'))`
   * for a sink that needs a `value` column. readBack must still find the ids.
   */
  shape?(df: DataFrame): DataFrame;
  /**
   * Child: completes `w` (checkpoint and availableNow trigger already set, the
   * DataFrame has the column `id`, or shape()'s columns) with this sink's format and options
   * writing to `writer`'s target, and starts it.
   */
  start(w: DataStreamWriter, run: string, writer: string): StreamingQuery;
  /** Test process: every id the target holds, duplicates included, in any order. */
  readBack(run: string, writer: string): Promise<number[]>;
  teardown?(run: string): Promise<void>;
}

export interface CrashFixtures {
  readonly sources: readonly CrashSource[];
  readonly sinks: readonly CrashSink[];
}
