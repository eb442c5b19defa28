// Helpers of the optimizer tests (test/plan/optimizer-*.test.ts): a plan as explain's tree lines, before
// and after some rules, so each case is a row of data: the DataFrame, the plan in, the plan out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, type DataFrame } from '../../src/index.js';
import { treeLines } from '../../src/exec/explain.js';
import { OPTIMIZER_RULES, optimize } from '../../src/plan/optimizer.js';
import type { PhysicalPlan } from '../../src/physical/physical.js';

export const spark = SparkSession.builder.appName('optimizer-tests').getOrCreate();

/** Spark's `testRelation = LocalRelation('a.int, 'b.int, 'c.int)`, with rows. */
export const testRelation = (): DataFrame => spark.createDataFrame([[1, 2, 3], [4, 5, 6], [7, 8, 9], [null, 1, 0]], 'a INT, b INT, c INT');

/** The analyzed plan with only `rules` run (all of them when omitted), to a fixed point. */
export function optimizedWith(df: DataFrame, rules?: readonly string[]): PhysicalPlan {
  const excluded = rules === undefined ? new Set<string>() : new Set(OPTIMIZER_RULES.map((r) => r.name).filter((n) => !rules.includes(n)));
  return optimize(df.analyze().plan, excluded);
}

/** A plan as explain() prints it, one string per line. */
export const tree = (p: PhysicalPlan): string[] => treeLines(p);

/** One case of a rule table: the query, the analyzed plan (in), the optimized plan (out), and where it comes from. */
export interface PlanCase {
  readonly name: string;
  readonly df: () => DataFrame;
  readonly rules?: readonly string[];
  readonly in: readonly string[];
  readonly out: readonly string[];
}

/** A fresh directory for files a case reads. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'spate-optimizer-'));

/** Rows as sorted JSON lines, to compare results whatever the order. */
export async function rowsOf(df: DataFrame): Promise<string[]> {
  return (await df.collect()).map((r) => JSON.stringify(r)).sort();
}

/** Runs `df` with every optimizer rule excluded (spark.sql.optimizer.excludedRules), restoring the setting after. */
export async function rowsUnoptimized(build: () => DataFrame): Promise<string[]> {
  spark.conf.set('spark.sql.optimizer.excludedRules', OPTIMIZER_RULES.map((r) => r.name).join(','));
  try { return await rowsOf(build()); } finally { spark.conf.unset('spark.sql.optimizer.excludedRules'); }
}

/** Runs each case as a test: the analyzed plan is `in`, after the rules it is `out`, and the rows are those of the unoptimized plan. */
export function runPlanCases(cases: readonly PlanCase[], norm: (lines: string[]) => string[] = (l) => l): void {
  for (const c of cases) {
    test(`${c.name}: plan in -> plan out, same rows`, async () => {
      const df = c.df();
      assert.deepEqual(norm(tree(df.analyze().plan)), c.in, 'the analyzed plan');
      assert.deepEqual(norm(tree(optimizedWith(df, c.rules))), c.out, 'after the rules');
      assert.deepEqual(await rowsOf(c.df()), await rowsUnoptimized(c.df));
    });
  }
}
