/**
 * The three batch workloads, each written for every system: a hand-written
 * JS loop over the arrays (the practical limit), spate, DuckDB SQL and
 * Arquero. Every implementation returns a digest string (group count and
 * totals) so the table shows that all systems computed the same answer.
 */
import * as aq from 'arquero';
import { functions as F, type DataFrame, type Row } from '../../src/index.js';
import { KEYS, type DimData, type FactData } from './data.js';

/** One workload in every system's terms. */
export interface Workload {
  readonly name: string;
  readonly js: (f: FactData, d: DimData) => string;
  readonly spate: (fact: DataFrame, dim: DataFrame) => DataFrame;
  readonly spateCheck: (rows: Row[]) => string;
  readonly sql: string;
  readonly duckCheck: (rows: unknown[][]) => string;
  readonly arquero: (fact: aq.ColumnTable, dim: aq.ColumnTable) => aq.ColumnTable;
  readonly arqueroCheck: (t: aq.ColumnTable) => string;
}

const num = (x: unknown): number => Number(x);
const sum = (xs: Iterable<unknown>): number => { let s = 0; for (const x of xs) s += num(x); return s; };
// Rounded so the order of floating-point addition does not show.
const digest = (groups: number, total: number): string => `${groups}/${Math.round(total)}`;

/** (a) WHERE flag AND v < 500, project s and v * 2, GROUP BY s, count. */
export const filterProjectCount: Workload = {
  name: 'filter+project+groupBy(s).count',
  js: (f) => {
    const counts = new Map<string, number>();
    const { flag, v, s } = f;
    for (let i = 0; i < f.n; i++) {
      if (flag[i] === 1 && v[i]! < 500) {
        const key = s[i]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return digest(counts.size, sum(counts.values()));
  },
  spate: (fact) => fact.filter(F.col('flag').and(F.col('v').lt(500))).select(F.col('s'), F.col('v').multiply(2).alias('v2')).groupBy('s').count(),
  spateCheck: (rows) => digest(rows.length, sum(rows.map((r) => r['count']))),
  sql: 'SELECT s, count(*) AS count FROM (SELECT s, v * 2 AS v2 FROM fact WHERE flag AND v < 500) GROUP BY s',
  duckCheck: (rows) => digest(rows.length, sum(rows.map((r) => r[1]))),
  arquero: (fact) => fact.filter('d => d.flag && d.v < 500').derive({ v2: 'd => d.v * 2' }).groupby('s').count(),
  arqueroCheck: (t) => digest(t.numRows(), sum(t.array('count') as Iterable<unknown>)),
};

/** (b) GROUP BY k: sum(v), avg(v). */
export const groupSumAvg: Workload = {
  name: 'groupBy(k).sum,avg',
  js: (f) => {
    const sums = new Float64Array(KEYS);
    const counts = new Float64Array(KEYS);
    const { k, v } = f;
    for (let i = 0; i < f.n; i++) {
      const g = k[i]!;
      sums[g]! += v[i]!;
      counts[g]! += 1;
    }
    let groups = 0;
    let total = 0;
    for (let g = 0; g < KEYS; g++) {
      if (counts[g]! > 0) { groups++; total += sums[g]! + sums[g]! / counts[g]!; }
    }
    return digest(groups, total);
  },
  spate: (fact) => fact.groupBy('k').agg(F.sum('v').alias('sv'), F.avg('v').alias('av')),
  spateCheck: (rows) => digest(rows.length, sum(rows.map((r) => num(r['sv']) + num(r['av'])))),
  sql: 'SELECT k, sum(v) AS sv, avg(v) AS av FROM fact GROUP BY k',
  duckCheck: (rows) => digest(rows.length, sum(rows.map((r) => num(r[1]) + num(r[2])))),
  arquero: (fact) => fact.groupby('k').rollup({ sv: 'd => op.sum(d.v)', av: 'd => op.mean(d.v)' }),
  arqueroCheck: (t) => {
    const sv = t.array('sv') as ArrayLike<number>;
    const av = t.array('av') as ArrayLike<number>;
    let total = 0;
    for (let i = 0; i < t.numRows(); i++) total += sv[i]! + av[i]!;
    return digest(t.numRows(), total);
  },
};

/** (c) Inner join with the 1,000-row dimension table on k, then count. */
export const joinCount: Workload = {
  name: 'join(dim 1k rows).count',
  js: (f, d) => {
    const index = new Map<number, number>();
    for (let j = 0; j < d.n; j++) index.set(d.k[j]!, j);
    const { k } = f;
    let count = 0;
    for (let i = 0; i < f.n; i++) if (index.has(k[i]!)) count++;
    return digest(1, count);
  },
  spate: (fact, dim) => fact.join(dim, 'k').agg(F.count(F.lit(1)).alias('n')),
  spateCheck: (rows) => digest(rows.length, num(rows[0]?.['n'])),
  sql: 'SELECT count(*) AS n FROM fact JOIN dim ON fact.k = dim.k',
  duckCheck: (rows) => digest(rows.length, num(rows[0]?.[0])),
  arquero: (fact, dim) => fact.join(dim, 'k').count(),
  arqueroCheck: (t) => digest(t.numRows(), num(t.get('count', 0))),
};

/** All workloads, in the order they are run and printed. */
export const WORKLOADS: readonly Workload[] = [filterProjectCount, groupSumAvg, joinCount];
