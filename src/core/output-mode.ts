/**
 * How a streaming query writes its result (Spark's OutputMode): only new rows,
 * the rows that changed, or the whole result every batch. The planner checks a
 * query against it, the stateful operators emit by it and the sinks receive it.
 */
export type OutputMode = 'append' | 'update' | 'complete';
