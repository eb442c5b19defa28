// The aggregation layer's public door.
export { lookupAggregate, aggregateNames, isAggregateName, registerAggregate } from './registry.js';
export type { AggregateFunction, AggregateResolution, AggregateOptions, GroupAccumulator } from './aggregate-function.js';
export { hllEstimate, hllPrecision } from './hyperloglog.js';
