/**
 * Every registered scalar function has at least one row in the function-case tables, or is listed here
 * with the reason it has none. The list can only shrink: a listed function that gains a row fails too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalarNames } from '../../../src/expressions/functions/index.js';
import { parseExpression } from '../../../src/sql/index.js';
import type { Expr } from '../../../src/plan/expr.js';
import { callNames } from '../function-cases.js';
import { TABLES } from './tables/index.js';

/** Registered functions without a row: name → why. */
const WITHOUT_ROWS: ReadonlyMap<string, string> = new Map<string, string>([
  // None today. A function whose answer cannot be a row (say, random) is listed here with the reason.
]);

/** Names a row reaches: its calls, and extract_value for `x[i]` / `x.f` (an ExtractExpr, not a call). */
function reached(e: Expr, out: Set<string>): void {
  callNames(e, out);
  const walk = (x: Expr): void => {
    if (x.kind === 'extract') { out.add('extract_value'); walk(x.child); walk(x.key); }
    else if (x.kind === 'call') x.args.forEach(walk);
    else if (x.kind === 'alias' || x.kind === 'cast' || x.kind === 'sortOrder') walk(x.child);
    else if (x.kind === 'case') { x.branches.forEach(([w, t]) => { walk(w); walk(t); }); if (x.otherwise) walk(x.otherwise); }
  };
  walk(e);
}

test('every registered scalar function has a row in the function-case tables (or a listed reason)', () => {
  const covered = new Set<string>();
  for (const t of TABLES) for (const s of t.sources) for (const [sql] of s.rows) {
    try { reached(parseExpression(sql), covered); } catch { /* a row expected not to parse reaches nothing */ }
  }
  const names = scalarNames();
  const missing = names.filter((n) => !covered.has(n) && !WITHOUT_ROWS.has(n)).sort();
  assert.deepEqual(missing, [], `functions without a row: ${missing.join(', ')}; add rows (with Spark's answers) or list them with a reason`);
  const stale = [...WITHOUT_ROWS.keys()].filter((n) => covered.has(n) || !names.includes(n));
  assert.deepEqual(stale, [], 'listed as without rows but now covered (or no longer registered): remove them from WITHOUT_ROWS');
});
