/**
 * Property: for random tables (ints, longs, doubles without NaN, strings over
 * a small alphabet, booleans, dates, all with nulls), every query shape gives
 * the same rows in spate as in DuckDB. NaN ordering/grouping differs between
 * DuckDB and Spark, so NaN is covered by known-answer tests instead.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SparkSession } from '../../src/index.js';
import { canonicalSort, diffRows, normalizeRows } from './compare.js';
import { ddlOf, loadDuck, t1Rows, t2Rows, T1_COLUMNS, T2_COLUMNS, type Rows } from './tables.js';
import { FILTER_SHAPES, PROJECT_SHAPES, type Shape } from './shapes-scalar.js';
import { AGGREGATE_SHAPES, JOIN_SHAPES, SORT_SET_SHAPES } from './shapes-relational.js';

// PROPERTY_RUNS=200 for a deeper search; 25 keeps the file under a minute.
const NUM_RUNS = Number(process.env['PROPERTY_RUNS'] ?? 25);
const SHAPES: readonly Shape[] = [...FILTER_SHAPES, ...PROJECT_SHAPES, ...AGGREGATE_SHAPES, ...JOIN_SHAPES, ...SORT_SET_SHAPES];

let instance: DuckDBInstance;
let con: DuckDBConnection;
const spark = SparkSession.builder.appName('duckdb-agreement').getOrCreate();

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
  await con.run('SET threads = 1');
});
after(() => {
  con.closeSync();
  instance.closeSync();
});

async function check(shape: Shape, r1: Rows, r2: Rows): Promise<void> {
  await loadDuck(con, 't1', T1_COLUMNS, r1);
  await loadDuck(con, 't2', T2_COLUMNS, r2);
  const expected = normalizeRows((await con.runAndReadAll(shape.sql)).getRowsJS());
  const t1 = spark.createDataFrame(r1, ddlOf(T1_COLUMNS));
  const t2 = spark.createDataFrame(r2, ddlOf(T2_COLUMNS));
  const actual = normalizeRows(await shape.spate(t1, t2).collectArrays());
  const diff = shape.ordered ? diffRows(actual, expected) : diffRows(canonicalSort(actual), canonicalSort(expected));
  assert.equal(diff, null, `${shape.name}\n  ${shape.sql}\n  ${diff}`);
}

test('SQL shape list covers at least 20 distinct query shapes', () => {
  assert.ok(SHAPES.length >= 20, `only ${SHAPES.length} shapes`);
  assert.equal(new Set(SHAPES.map((s) => s.name)).size, SHAPES.length, 'shape names must be unique');
});

for (const shape of SHAPES) {
  test(`agrees with DuckDB: ${shape.name}`, async () => {
    await fc.assert(fc.asyncProperty(t1Rows(), t2Rows(), (r1, r2) => check(shape, r1, r2)), { numRuns: NUM_RUNS, includeErrorInReport: true });
  });
}
