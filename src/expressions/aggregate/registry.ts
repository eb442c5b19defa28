import type { AggregateFunction } from './aggregate-function.js';
import { AGGREGATE_ALIASES, BUILTIN_AGGREGATES } from './builtins.js';

/** Every aggregate by lower-case name, aliases included. */
const AGGREGATES = new Map<string, AggregateFunction>();
for (const f of BUILTIN_AGGREGATES) AGGREGATES.set(f.name, f);
for (const [alias, name] of AGGREGATE_ALIASES) {
  const f = AGGREGATES.get(name)!;
  AGGREGATES.set(alias, { name: alias, minArgs: f.minArgs, maxArgs: f.maxArgs, resolve: f.resolve.bind(f) });
}

/** The aggregate called `name` (case-insensitive), or undefined. */
export function lookupAggregate(name: string): AggregateFunction | undefined {
  return AGGREGATES.get(name.toLowerCase());
}

/** All aggregate names, aliases included, for "did you mean" messages. */
export function aggregateNames(): string[] {
  return [...AGGREGATES.keys()];
}

/** True when `name` (case-insensitive) is an aggregate function. */
export function isAggregateName(name: string): boolean {
  return AGGREGATES.has(name.toLowerCase());
}

/** Registers another aggregate (e.g. a user-defined one) under its lower-case name. */
export function registerAggregate(f: AggregateFunction): void {
  AGGREGATES.set(f.name.toLowerCase(), f);
}
