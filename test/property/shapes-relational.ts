/**
 * Query shapes over whole relations: aggregation, joins of every type, sort
 * with limit/offset, distinct/dropDuplicates and unions — spate's DataFrame
 * API next to the DuckDB SQL that means the same in Spark's semantics.
 */
import { functions as F } from '../../src/index.js';
import type { Shape } from './shapes-scalar.js';

const { col } = F;
const T1 = 't1.i, t1.l, t1.d, t1.s, t1.b, t1.dt';
const T2 = 't2.i, t2.s, t2.x, t2.z';

/** Group-by and global aggregates (avg of ints is double; empty input gives one row of nulls and 0 counts). */
export const AGGREGATE_SHAPES: readonly Shape[] = [
  {
    name: 'groupBy(s): count(*), count(col), sum, avg, min, max, countDistinct',
    spate: (t1) => t1.groupBy('s').agg(F.count(F.lit(1)), F.count('i'), F.sum('i'), F.avg('d'), F.min('l'), F.max('dt'), F.countDistinct('i'), F.sum('d')),
    sql: 'SELECT s, count(*), count(i), sum(i), avg(d), min(l), max(dt), count(DISTINCT i), sum(d) FROM t1 GROUP BY s',
  },
  {
    name: 'groupBy(s, b): sum(long), avg(int), max(double), stddev_samp, var_pop',
    spate: (t1) => t1.groupBy('s', 'b').agg(F.sum('l'), F.avg('i'), F.max('d'), F.stddev_samp('d'), F.var_pop('i')),
    sql: 'SELECT s, b, sum(l), avg(i), max(d), stddev_samp(d), var_pop(i) FROM t1 GROUP BY s, b',
  },
  {
    name: 'groupBy(b): string min/max, sorted collect_list',
    spate: (t1) => t1.groupBy('b').agg(F.min('s'), F.max('s'), F.sort_array(F.collect_list('s'))),
    // collect_list skips nulls and gives [] for an all-null group.
    sql: 'SELECT b, min(s), max(s), coalesce(list_sort(list(s) FILTER (WHERE s IS NOT NULL)), []) FROM t1 GROUP BY b',
  },
  {
    name: 'groupBy(expressions): i % 3 and year(dt)',
    spate: (t1) => t1.groupBy(col('i').mod(3).alias('m'), F.year('dt').alias('y')).agg(F.count(F.lit(1)), F.sum('d'), F.min('dt')),
    sql: 'SELECT i % 3, year(dt), count(*), sum(d), min(dt) FROM t1 GROUP BY i % 3, year(dt)',
  },
  {
    name: 'global aggregates (also over empty input)',
    spate: (t1) => t1.agg(F.count(F.lit(1)), F.count('s'), F.sum('i'), F.avg('l'), F.min('d'), F.max('s'),
      F.countDistinct('s'), F.stddev_samp('i'), F.var_pop('d'), F.sum('d'), F.max('b'), F.min('dt')),
    sql: `SELECT count(*), count(s), sum(i), avg(l), min(d), max(s), count(DISTINCT s), stddev_samp(i), var_pop(d), sum(d),
      max(b), min(dt) FROM t1`,
  },
  {
    name: 'aggregate then filter (HAVING)',
    spate: (t1) => t1.groupBy('s').agg(F.sum('i').alias('si'), F.count(F.lit(1)).alias('n')).filter(col('n').gt(1)),
    sql: 'SELECT s, sum(i), count(*) FROM t1 GROUP BY s HAVING count(*) > 1',
  },
  {
    name: 'GroupedData shortcuts: count(), sum(), avg()',
    spate: (t1) => t1.groupBy('b').count().join(t1.groupBy('b').avg('d', 'i'), 'b', 'full'),
    // Both sides have a row for every b (null included), so the full join on b is a 1:1 match except for null keys.
    sql: `SELECT coalesce(c.b, a.b), c.n, a.ad, a.ai FROM (SELECT b, count(*) AS n FROM t1 GROUP BY b) c
      FULL JOIN (SELECT b, avg(d) AS ad, avg(i) AS ai FROM t1 GROUP BY b) a ON c.b = a.b`,
  },
  {
    name: 'filter, project, then aggregate',
    spate: (t1) => t1.filter(col('d').gt(0)).select(col('s'), col('i').plus(col('l')).alias('v')).groupBy('s').agg(F.sum('v'), F.max('v')),
    sql: 'SELECT s, sum(i + l), max(i + l) FROM t1 WHERE d > 0 GROUP BY s',
  },
];

/** Joins: every type, one and two keys, nulls in keys (never match), residual conditions, USING columns. */
export const JOIN_SHAPES: readonly Shape[] = [
  ...(['inner', 'left', 'right', 'full'] as const).map((how): Shape => ({
    name: `join ${how} on t1.i = t2.i`,
    spate: (t1, t2) => t1.join(t2, t1.col('i').eq(t2.col('i')), how),
    sql: `SELECT ${T1}, ${T2} FROM t1 ${how.toUpperCase()} JOIN t2 ON t1.i = t2.i`,
  })),
  {
    name: 'join left_semi on t1.i = t2.i',
    spate: (t1, t2) => t1.join(t2, t1.col('i').eq(t2.col('i')), 'left_semi'),
    sql: 'SELECT * FROM t1 SEMI JOIN t2 ON t1.i = t2.i',
  },
  {
    name: 'join left_anti on two keys',
    spate: (t1, t2) => t1.join(t2, t1.col('i').eq(t2.col('i')).and(t1.col('s').eq(t2.col('s'))), 'left_anti'),
    sql: 'SELECT * FROM t1 ANTI JOIN t2 ON t1.i = t2.i AND t1.s = t2.s',
  },
  {
    name: 'join cross',
    spate: (t1, t2) => t1.crossJoin(t2),
    sql: `SELECT ${T1}, ${T2} FROM t1 CROSS JOIN t2`,
  },
  {
    name: 'join inner on two keys',
    spate: (t1, t2) => t1.join(t2, t1.col('i').eq(t2.col('i')).and(t1.col('s').eq(t2.col('s')))),
    sql: `SELECT ${T1}, ${T2} FROM t1 JOIN t2 ON t1.i = t2.i AND t1.s = t2.s`,
  },
  {
    name: 'join USING i (inner): the key appears once',
    spate: (t1, t2) => t1.join(t2, 'i'),
    sql: 'SELECT t1.i, t1.l, t1.d, t1.s, t1.b, t1.dt, t2.s, t2.x, t2.z FROM t1 JOIN t2 ON t1.i = t2.i',
  },
  {
    name: 'join USING i (right): the key comes from the right',
    spate: (t1, t2) => t1.join(t2, 'i', 'right'),
    sql: 'SELECT t2.i, t1.l, t1.d, t1.s, t1.b, t1.dt, t2.s, t2.x, t2.z FROM t1 RIGHT JOIN t2 ON t1.i = t2.i',
  },
  {
    name: 'join USING (i, s) left',
    spate: (t1, t2) => t1.join(t2, ['i', 's'], 'left'),
    sql: 'SELECT t1.i, t1.s, t1.l, t1.d, t1.b, t1.dt, t2.x, t2.z FROM t1 LEFT JOIN t2 ON t1.i = t2.i AND t1.s = t2.s',
  },
  {
    name: 'join USING (i, s) full: keys are coalesced',
    spate: (t1, t2) => t1.join(t2, ['i', 's'], 'full'),
    sql: `SELECT coalesce(t1.i, t2.i), coalesce(t1.s, t2.s), t1.l, t1.d, t1.b, t1.dt, t2.x, t2.z
      FROM t1 FULL JOIN t2 ON t1.i = t2.i AND t1.s = t2.s`,
  },
  ...(['inner', 'left', 'full'] as const).map((how): Shape => ({
    name: `join ${how} with a non-equi residual (t1.l > t2.x)`,
    spate: (t1, t2) => t1.join(t2, t1.col('i').eq(t2.col('i')).and(t1.col('l').gt(t2.col('x'))), how),
    sql: `SELECT ${T1}, ${T2} FROM t1 ${how.toUpperCase()} JOIN t2 ON t1.i = t2.i AND t1.l > t2.x`,
  })),
  {
    name: 'join then aggregate',
    spate: (t1, t2) => t1.join(t2, 'i').groupBy('z').agg(F.count(F.lit(1)), F.sum('l'), F.countDistinct(t1.col('s'))),
    sql: 'SELECT t2.z, count(*), sum(t1.l), count(DISTINCT t1.s) FROM t1 JOIN t2 ON t1.i = t2.i GROUP BY t2.z',
  },
];

const TIEBREAK = 'l ASC NULLS FIRST, s ASC NULLS FIRST, b ASC NULLS FIRST, dt ASC NULLS FIRST, i ASC NULLS FIRST, d ASC NULLS FIRST';
const tiebreak = () => [F.asc('l'), F.asc('s'), F.asc('b'), F.asc('dt'), F.asc('i'), F.asc('d')];

/** Sorts (compared in order; ties broken by every column), limit/offset, distinct, unions. */
export const SORT_SET_SHAPES: readonly Shape[] = [
  {
    name: 'orderBy d asc nulls last, i desc nulls first, limit 7',
    spate: (t1) => t1.orderBy(col('d').asc_nulls_last(), col('i').desc_nulls_first(), ...tiebreak()).limit(7),
    sql: `SELECT * FROM t1 ORDER BY d ASC NULLS LAST, i DESC NULLS FIRST, ${TIEBREAK} LIMIT 7`,
    ordered: true,
  },
  {
    name: 'orderBy defaults: asc = nulls first, desc = nulls last',
    spate: (t1) => t1.orderBy(F.desc('s'), F.asc('dt'), ...tiebreak()),
    sql: `SELECT * FROM t1 ORDER BY s DESC NULLS LAST, dt ASC NULLS FIRST, ${TIEBREAK}`,
    ordered: true,
  },
  {
    name: 'sort by boolean and long desc, offset 2, limit 5',
    spate: (t1) => t1.sort(col('b').desc_nulls_first(), col('l').desc(), ...tiebreak()).offset(2).limit(5),
    sql: `SELECT * FROM t1 ORDER BY b DESC NULLS FIRST, l DESC NULLS LAST, ${TIEBREAK} LIMIT 5 OFFSET 2`,
    ordered: true,
  },
  {
    name: 'distinct over all columns',
    spate: (t1) => t1.distinct(),
    sql: 'SELECT DISTINCT * FROM t1',
  },
  {
    name: 'distinct over a projection',
    spate: (t1) => t1.select('s', 'b').distinct(),
    sql: 'SELECT DISTINCT s, b FROM t1',
  },
  {
    name: 'dropDuplicates(s, b) (only the subset is compared)',
    spate: (t1) => t1.dropDuplicates(['s', 'b']).select('s', 'b'),
    sql: 'SELECT DISTINCT s, b FROM t1',
  },
  {
    name: 'union keeps duplicates (by position)',
    spate: (t1, t2) => t1.select('i', 's').union(t2.select('i', 'z')),
    sql: 'SELECT i, s FROM t1 UNION ALL SELECT i, z FROM t2',
  },
  {
    name: 'unionByName reorders columns',
    spate: (t1, t2) => t1.select('s', 'i').unionByName(t2.select('i', 's')),
    sql: 'SELECT s, i FROM t1 UNION ALL SELECT s, i FROM t2',
  },
  {
    name: 'unionByName allowMissingColumns fills nulls',
    spate: (t1, t2) => t1.select('i', 'l').unionByName(t2.select('x', 'i'), true),
    sql: 'SELECT i, l, NULL::BIGINT FROM t1 UNION ALL SELECT i, NULL, x FROM t2',
  },
  {
    name: 'union then distinct then count per key',
    spate: (t1, t2) => t1.select('i').union(t2.select('i')).distinct().groupBy(col('i').isNull()).count(),
    sql: 'SELECT i IS NULL, count(*) FROM (SELECT i FROM t1 UNION SELECT i FROM t2) GROUP BY i IS NULL',
  },
];
