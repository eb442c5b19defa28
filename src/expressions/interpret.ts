import type { RecordBatch } from '../core/batch.js';
import { getValue, vectorFromValues, type Vector } from '../core/vector.js';
import type { Bound } from './bound.js';

/**
 * The reference evaluator: walks the expression tree for one row at a time.
 * Slow by design and kept simple; the compiled path (compile.ts) must agree
 * with it, and tests compare the two.
 */
export function evalRow(e: Bound, cols: readonly Vector[], row: number): unknown {
  switch (e.kind) {
    case 'ref': return getValue(cols[e.index]!, row);
    case 'lit': return e.value;
    case 'case': {
      for (const [w, t] of e.branches) if (evalRow(w, cols, row) === true) return evalRow(t, cols, row);
      return e.otherwise === null ? null : evalRow(e.otherwise, cols, row);
    }
    case 'call': {
      const args = new Array<unknown>(e.args.length);
      for (let i = 0; i < e.args.length; i++) {
        const v = evalRow(e.args[i]!, cols, row);
        if (v === null && !e.nullSafe) return null;
        args[i] = v;
      }
      const r = e.impl(...args);
      return r === undefined ? null : r;
    }
  }
}

/** Evaluates an expression without input columns (a constant). */
export function evalConstant(e: Bound): unknown {
  return evalRow(e, [], 0);
}

/** Evaluates `e` over every row of `batch` into a new vector. */
export function evalVector(e: Bound, batch: RecordBatch): Vector {
  const out = new Array<unknown>(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) out[i] = evalRow(e, batch.columns, i);
  return vectorFromValues(e.type, out);
}
