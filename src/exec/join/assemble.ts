import type { PairSink } from './pair-sink.js';

/** Result shape shared with join-indices.ts (kept local to avoid an import cycle). */
interface Pairs { readonly left: Int32Array; readonly right: Int32Array; readonly count: number }

/** The left rows whose `matched` flag equals `want`, in order, paired with -1 (semi and anti joins). */
export function rowsWhere(matched: Uint8Array, want: 0 | 1, leftRows: number): Pairs {
  const left = new Int32Array(leftRows);
  let n = 0;
  for (let i = 0; i < leftRows; i++) if ((matched[i] !== 0 ? 1 : 0) === want) left[n++] = i;
  return { left: left.subarray(0, n), right: new Int32Array(n).fill(-1), count: n };
}

/**
 * Adds the null-extended rows of an outer join to the matched pairs. The
 * probe side's unmatched rows are merged in at their place in probe order
 * (the pairs arrive probe-major); the build side's follow at the end.
 */
export function assembleOuter(
  type: 'left' | 'right' | 'full', probeLeft: boolean, sink: PairSink, leftRows: number, rightRows: number,
): Pairs {
  const pairs = sink.out;
  const extendLeft = type !== 'right'; // unmatched left rows appear
  const extendRight = type !== 'left';
  const lm = sink.leftMatched;
  const rm = sink.rightMatched;
  const unmatchedL = extendLeft ? countZeros(lm!, leftRows) : 0;
  const unmatchedR = extendRight ? countZeros(rm!, rightRows) : 0;
  const count = pairs.count + unmatchedL + unmatchedR;
  const left = new Int32Array(count);
  const right = new Int32Array(count);
  let n = 0;
  const mergeProbe = probeLeft ? extendLeft : extendRight;
  if (mergeProbe) {
    // Walk the probe rows in order: copy a row's pairs, or emit it null-extended.
    const probePairs = probeLeft ? pairs.left : pairs.right;
    const matched = probeLeft ? lm! : rm!;
    const probeRows = probeLeft ? leftRows : rightRows;
    let k = 0;
    for (let p = 0; p < probeRows; p++) {
      if (matched[p] === 0) {
        if (probeLeft) { left[n] = p; right[n++] = -1; } else { left[n] = -1; right[n++] = p; }
        continue;
      }
      while (k < pairs.count && probePairs[k] === p) {
        left[n] = pairs.left[k]!;
        right[n++] = pairs.right[k++]!;
      }
    }
  } else {
    left.set(pairs.left.subarray(0, pairs.count));
    right.set(pairs.right.subarray(0, pairs.count));
    n = pairs.count;
  }
  // The build side's unmatched rows (for a full join, the side not merged above).
  if (probeLeft ? extendRight : extendLeft) {
    const matched = probeLeft ? rm! : lm!;
    const rows = probeLeft ? rightRows : leftRows;
    for (let b = 0; b < rows; b++) {
      if (matched[b] !== 0) continue;
      if (probeLeft) { left[n] = -1; right[n++] = b; } else { left[n] = b; right[n++] = -1; }
    }
  }
  return { left, right, count: n };
}

function countZeros(flags: Uint8Array, n: number): number {
  let z = 0;
  for (let i = 0; i < n; i++) if (flags[i] === 0) z++;
  return z;
}
