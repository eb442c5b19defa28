import { SpateError } from '../../core/errors.js';
import type { Vector } from '../../core/vector.js';
import type { JoinType } from '../../physical/physical.js';
import { JoinHashTable, PROBE_CHUNK } from './hash-table.js';
import { assembleOuter, rowsWhere } from './assemble.js';
import { PairSink, type ResidualFn } from './pair-sink.js';
import { probeLeftDirect } from './probe-left.js';

/** The join types spate executes (Spark's names; `cross` is an inner join with no equi-keys). */

/** Inputs of `joinIndices`. */
export interface JoinIndicesParams {
  /** Equi-join key columns of the left side, one per key, already cast to the types of `rightKeys`. */
  readonly leftKeys: readonly Vector[];
  readonly rightKeys: readonly Vector[];
  readonly leftRows: number;
  readonly rightRows: number;
  readonly joinType: JoinType;
  /** The non-equi part of the condition, evaluated over candidate pairs before matched/unmatched is decided. */
  readonly residual?: ResidualFn;
  /** Side to build the hash table on; by default the smaller one. */
  readonly buildSide?: 'left' | 'right';
}

/** Row index pairs of a join result; -1 marks the null-extended side of an outer join. */
export interface JoinIndicesResult {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly count: number;
}

/**
 * The pairs of row indices making up a join's result. Equi-joins hash the
 * build side (the smaller one unless `buildSide` says otherwise) and probe
 * with the other; with no keys it is a nested-loop join over all pairs.
 * Null keys never match; NaN matches NaN and -0.0 matches 0.0, as in Spark.
 *
 * Order: when the left side is probed (the usual case, a small right side),
 * inner and left-outer results follow left row order, each left row's
 * matches in right row order. left_semi / left_anti list the kept left rows
 * in left order, with `right` all -1 or empty (when there is no residual). Unmatched rows of the built side of an
 * outer join come after the matched pairs, in row order.
 */
export function joinIndices(p: JoinIndicesParams): JoinIndicesResult {
  const { leftRows, rightRows, residual } = p;
  if (p.leftKeys.length !== p.rightKeys.length) {
    throw new SpateError('JOIN_KEY_MISMATCH',
      `joinIndices got ${p.leftKeys.length} left key column(s) but ${p.rightKeys.length} right key column(s); pass one of each per equi-join key.`);
  }
  const type = p.joinType === 'cross' ? 'inner' : p.joinType;
  const keyed = p.leftKeys.length > 0;
  // With no keys the loop runs left-major, which is "probing with the left".
  const probeLeft = !keyed || (p.buildSide ?? (leftRows < rightRows ? 'left' : 'right')) === 'right';

  if (keyed && probeLeft && residual === undefined && type !== 'right' && type !== 'full') {
    return probeLeftDirect(new JoinHashTable(p.rightKeys, rightRows), p.leftKeys, leftRows, type);
  }
  if (!keyed && residual === undefined) {
    const fast = unconditional(type, leftRows, rightRows);
    if (fast !== null) return fast;
  }

  const semi = type === 'left_semi' || type === 'left_anti';
  const sink = new PairSink({
    leftRows, rightRows, residual,
    trackLeft: type === 'left' || type === 'full' || semi,
    trackRight: type === 'right' || type === 'full',
    keepPairs: !semi,
    expected: Math.max(leftRows, rightRows),
  });
  if (keyed) hashCandidates(p, probeLeft, sink);
  else nestedCandidates(leftRows, rightRows, sink);
  sink.flush();

  switch (type) {
    case 'inner': return { left: sink.out.left, right: sink.out.right, count: sink.out.count };
    case 'left_semi': return rowsWhere(sink.leftMatched!, 1, leftRows);
    case 'left_anti': return rowsWhere(sink.leftMatched!, 0, leftRows);
    default: return assembleOuter(type, probeLeft, sink, leftRows, rightRows);
  }
}

/** Feeds every key-matching pair to `sink`, in probe row order. */
function hashCandidates(p: JoinIndicesParams, probeLeft: boolean, sink: PairSink): void {
  const buildKeys = probeLeft ? p.rightKeys : p.leftKeys;
  const probeKeys = probeLeft ? p.leftKeys : p.rightKeys;
  const buildRows = probeLeft ? p.rightRows : p.leftRows;
  const probeRows = probeLeft ? p.leftRows : p.rightRows;
  const table = new JoinHashTable(buildKeys, buildRows);
  const { head, next } = table;
  const ids = new Int32Array(Math.min(PROBE_CHUNK, probeRows));
  for (let start = 0; start < probeRows; start += PROBE_CHUNK) {
    const end = Math.min(probeRows, start + PROBE_CHUNK);
    table.probe(probeKeys, start, end, ids);
    for (let k = 0; k < end - start; k++) {
      const id = ids[k]!;
      if (id < 0) continue;
      const i = start + k;
      if (probeLeft) for (let b = head[id]!; b >= 0; b = next[b]!) sink.add(i, b);
      else for (let b = head[id]!; b >= 0; b = next[b]!) sink.add(b, i);
    }
  }
}

/** Feeds every (left, right) pair to `sink`, left-major. */
function nestedCandidates(leftRows: number, rightRows: number, sink: PairSink): void {
  for (let i = 0; i < leftRows; i++) for (let j = 0; j < rightRows; j++) sink.add(i, j);
}

/** Keyless joins without a condition: every pair matches, so most types have a closed form. */
function unconditional(type: Exclude<JoinType, 'cross'>, leftRows: number, rightRows: number): JoinIndicesResult | null {
  switch (type) {
    case 'inner': {
      const count = leftRows * rightRows;
      if (count > 2 ** 31 - 1) {
        throw new SpateError('JOIN_RESULT_TOO_LARGE',
          `A cross join of ${leftRows} × ${rightRows} rows is too large; add a join condition or filter the inputs first.`);
      }
      const left = new Int32Array(count);
      const right = new Int32Array(count);
      let k = 0;
      for (let i = 0; i < leftRows; i++) {
        left.fill(i, k, k + rightRows);
        for (let j = 0; j < rightRows; j++) right[k + j] = j;
        k += rightRows;
      }
      return { left, right, count };
    }
    case 'left_semi': return rowsWhere(new Uint8Array(leftRows).fill(rightRows > 0 ? 1 : 0), 1, leftRows);
    case 'left_anti': return rowsWhere(new Uint8Array(leftRows).fill(rightRows > 0 ? 1 : 0), 0, leftRows);
    default: return null;
  }
}
