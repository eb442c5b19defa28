// The aggregation layer's public door.
export { HashAggregator } from './hash-aggregate.js';
export { lookupAggregate, aggregateNames, isAggregateName, registerAggregate } from './registry.js';
export type { AggregateFunction, AggregateResolution, AggregateOptions, GroupAccumulator } from './aggregate-function.js';
export { hllEstimate, hllPrecision } from './hyperloglog.js';
