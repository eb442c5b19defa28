import type { RecordBatch } from '../core/batch.js';
import type { OutputMode } from '../sinks/sink.js';
import type { OperatorState } from './stateful/operator-state.js';

/** What one micro-batch of a streaming query executes with. */
export interface StreamExecContext {
  readonly batchId: number;
  /** This batch's rows of each streaming source, by the StreamingRelation's id. */
  readonly inputs: ReadonlyMap<number, readonly RecordBatch[]>;
  readonly outputMode: OutputMode;
  /** State of each stateful operator, loaded at this batch's version. */
  readonly operators: ReadonlyMap<number, OperatorState>;
  /** Results of static subtrees (the static side of a stream-static join), computed once per query. */
  readonly staticCache: Map<object, RecordBatch[]>;
}
