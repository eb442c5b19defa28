import { SpateError } from '../../core/errors.js';
import type { DataType } from '../../core/types.js';
import type { Vector } from '../../core/vector.js';
import { KeyIndex } from '../../core/hash/key-index.js';
import type { AggregateResolution, GroupAccumulator } from '../../expressions/aggregate/aggregate-function.js';

/**
 * Hash aggregation of whole batches: a KeyIndex gives each row its group id
 * (groups in first-seen order), then each accumulator updates its typed-array
 * state for the batch in one loop. With no key columns it is a global
 * aggregation: exactly one group, even for empty input (count 0, sum null).
 */
export class HashAggregator {
  private readonly index: KeyIndex | null;
  private readonly accs: GroupAccumulator[];
  private ids = new Int32Array(0);

  constructor(keyTypes: readonly DataType[], aggs: readonly AggregateResolution[]) {
    this.index = keyTypes.length > 0 ? new KeyIndex(keyTypes) : null;
    this.accs = aggs.map((a) => a.create());
  }

  /** Number of groups so far (1 for a global aggregation). */
  get numGroups(): number { return this.index === null ? 1 : this.index.size; }

  /** Adds a batch: `keys` are the key columns, `args[j]` the (already cast) argument vectors of aggregate j. */
  add(keys: readonly Vector[], args: readonly (readonly Vector[])[], numRows: number): void {
    if (args.length !== this.accs.length) {
      throw new SpateError('INTERNAL_ERROR', `HashAggregator has ${this.accs.length} aggregate(s) but got arguments for ${args.length}.`);
    }
    // A fresh zeroed array per batch would do for the global case; reuse one instead.
    if (this.ids.length < numRows) this.ids = new Int32Array(Math.max(numRows, 1024));
    const numGroups = this.index === null ? 1 : this.index.map(keys, numRows, this.ids);
    for (let j = 0; j < this.accs.length; j++) this.accs[j]!.update(this.ids, numRows, args[j]!, numGroups);
  }

  /** The distinct keys and one result vector per aggregate, row g = group g. */
  finish(): { keys: Vector[]; results: Vector[]; numGroups: number } {
    const numGroups = this.numGroups;
    return {
      keys: this.index === null ? [] : this.index.keyVectors(),
      results: this.accs.map((a) => a.evaluate(numGroups)),
      numGroups,
    };
  }

  /** The distinct keys so far, one vector per key column, row g = group g. */
  keyVectors(): Vector[] { return this.index === null ? [] : this.index.keyVectors(); }

  /** The accumulators, for partial merge and state export. */
  accumulators(): readonly GroupAccumulator[] { return this.accs; }

  /** Approximate bytes held by keys and aggregate state. */
  memoryBytes(): number {
    let b = this.ids.byteLength + (this.index?.memoryBytes() ?? 0);
    for (const a of this.accs) b += a.memoryBytes();
    return b;
  }
}
