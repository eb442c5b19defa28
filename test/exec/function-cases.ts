/**
 * Function cases as data (issue 13, item 7). A table is a list of rows, each
 * a Spark SQL expression as Spark's own tests or docs write it and the
 * answer Spark prints for it (the HiveResult text of the golden files:
 * `NULL`, `[1,2]`, `{"a":1}`, `2019-01-01 00:00:00`), optionally its type.
 * Every row is run
 *
 *  1. as written (literals; the analyzer folds it), interpreter and compiled;
 *  2. with its literals lifted into input columns, over a batch
 *     [values, all nulls, values], through the interpreter
 *     (`spark.sql.codegen.wholeStage=false`) and the compiled loop, and over
 *     the values alone (the compiled loop specialised for columns without
 *     nulls); a boolean row also runs as a filter. The value rows must give
 *     Spark's answer; the null row must give the same in both paths.
 *
 * A literal the function needs constant (a format, a scale) stays a
 * literal: the fewest literals that let the call resolve are kept. The
 * session time zone is America/Los_Angeles, as in Spark's SQLQueryTestSuite
 * and its example checks.
 *
 * `known` lists rows where spate differs from Spark, with the reason; such a
 * row must still differ (when it starts to agree the test fails, so the list
 * only shrinks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession } from '../../src/index.js';
import { Column } from '../../src/api/column.js';
import { parseExpression } from '../../src/sql/index.js';
import { column, type Expr } from '../../src/plan/expr.js';
import { batchFromRows, type RecordBatch } from '../../src/core/batch.js';
import { formatDate, formatTimestamp } from '../../src/core/datetime.js';
import { formatDouble, formatFloat } from '../../src/core/format/numbers.js';
import { getZone } from '../../src/core/time-zone.js';
import { getValue } from '../../src/core/vector.js';
import { simpleString, StructField, StructType, type DataType } from '../../src/core/types.js';

/** An expected failure: spate's error code (Spark's condition differs in name more often than not). */
export interface Fails { readonly error: string }

/** How a row runs: `asWritten` (the reason) when lifting its literals into columns changes the answer (struct field names). */
export interface RowOptions { readonly asWritten?: string }

/** `[sql, Spark's printed answer or a failure, Spark's result type (simpleString)?, options?]`. */
export type Row = readonly [sql: string, out: string | Fails, type?: string, options?: RowOptions];

/** Rows taken from one Spark file (path in apache/spark, and the test or expression name when it helps). */
export interface Source { readonly source: string; readonly rows: readonly Row[] }

export interface Table {
  readonly name: string;
  readonly sources: readonly Source[];
  /** sql → why spate differs from Spark. */
  readonly known?: Readonly<Record<string, string>>;
}

export const from = (source: string, ...rows: Row[]): Source => ({ source, rows });
export const fails = (error: string): Fails => ({ error });

const TIME_ZONE = 'America/Los_Angeles';

// ---- Spark's printed form (HiveResult.toHiveString) ----

/** A value of type `t` as Spark's golden files print it; `nested` inside an array, map or struct. */
export function hiveString(t: DataType, v: unknown, nested = false, zone = TIME_ZONE): string {
  if (v === null || v === undefined) return nested ? 'null' : 'NULL';
  switch (t.kind) {
    case 'null': return nested ? 'null' : 'NULL';
    case 'boolean': return v === true || v === 1 ? 'true' : 'false';
    case 'int': case 'long': return String(v);
    case 'double': return formatDouble(v as number);
    case 'float': return formatFloat(v as number);
    case 'decimal': return (v as number).toFixed(t.scale);
    case 'string': return nested ? `"${v as string}"` : (v as string);
    case 'binary': return new TextDecoder().decode(v as Uint8Array);
    case 'date': return formatDate(v as number);
    case 'timestamp': {
      const micros = v as number;
      return formatTimestamp(micros, getZone(zone).offsetMs(Math.floor(micros / 1000)) / 60000);
    }
    case 'array': return `[${(v as unknown[]).map((x) => hiveString(t.elementType, x, true, zone)).join(',')}]`;
    case 'map': {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) parts.push(`${hiveString(t.keyType, k, true, zone)}:${hiveString(t.valueType, x, true, zone)}`);
      return `{${parts.sort().join(',')}}`;
    }
    case 'struct':
      return `{${t.fields.map((f, i) => `"${f.name}":${hiveString(f.dataType, (v as unknown[])[i], true, zone)}`).join(',')}}`;
  }
}

// ---- lifting literals into columns ----

interface Lit { readonly value: unknown; readonly type: DataType }

function literalsOf(e: Expr, out: Lit[] = []): Lit[] {
  switch (e.kind) {
    case 'literal': out.push({ value: e.value, type: e.type }); break;
    case 'alias': case 'cast': case 'sortOrder': literalsOf(e.child, out); break;
    case 'call': for (const a of e.args) literalsOf(a, out); break;
    case 'case':
      for (const [w, t] of e.branches) { literalsOf(w, out); literalsOf(t, out); }
      if (e.otherwise) literalsOf(e.otherwise, out);
      break;
    case 'extract': literalsOf(e.child, out); literalsOf(e.key, out); break;
    default: break;
  }
  return out;
}

/** `e` with the k-th literal (in literalsOf order) replaced by column `c<k>` where `lift[k]`. */
function liftLiterals(e: Expr, lift: readonly boolean[]): Expr {
  let k = 0;
  const go = (x: Expr): Expr => {
    switch (x.kind) {
      case 'literal': { const i = k++; return lift[i] ? column(`c${i}`) : x; }
      case 'alias': return { ...x, child: go(x.child) };
      case 'cast': return { ...x, child: go(x.child) };
      case 'sortOrder': return { ...x, child: go(x.child) };
      case 'call': return { ...x, args: x.args.map(go) };
      case 'case': {
        const branches = x.branches.map(([w, t]) => { const gw = go(w); return [gw, go(t)] as const; });
        return x.otherwise ? { ...x, branches, otherwise: go(x.otherwise) } : { ...x, branches };
      }
      case 'extract': { const child = go(x.child); return { ...x, child, key: go(x.key) }; }
      default: return x;
    }
  };
  return go(e);
}

/** Call names in `e` (lower case), for the coverage check. */
export function callNames(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'call': out.add(e.name.toLowerCase()); for (const a of e.args) callNames(a, out); break;
    case 'alias': case 'cast': case 'sortOrder': callNames(e.child, out); break;
    case 'case':
      for (const [w, t] of e.branches) { callNames(w, out); callNames(t, out); }
      if (e.otherwise) callNames(e.otherwise, out);
      break;
    case 'extract': callNames(e.child, out); callNames(e.key, out); break;
    default: break;
  }
  return out;
}

// ---- running rows ----

let session: SparkSession | undefined;
function spark(): SparkSession {
  session ??= SparkSession.builder.appName('function-cases').config('spark.sql.session.timeZone', TIME_ZONE).getOrCreate();
  session.conf.set('spark.sql.session.timeZone', TIME_ZONE);
  return session;
}

async function collect(df: () => { collectBatch(): Promise<RecordBatch> }, codegen: boolean): Promise<RecordBatch> {
  spark().conf.set('spark.sql.codegen.wholeStage', String(codegen));
  try {
    return await df().collectBatch();
  } finally {
    spark().conf.set('spark.sql.codegen.wholeStage', 'true');
  }
}

const code = (e: unknown): string => ((e as { code?: string }).code ?? `${(e as Error).name}: ${(e as Error).message}`);

/** One column's values as Spark prints them. */
function printed(b: RecordBatch): string[] {
  const t = b.schema.fields[0]!.dataType;
  return Array.from({ length: b.numRows }, (_, i) => hiveString(t, getValue(b.columns[0]!, i)));
}

/** The lift masks to try: every literal lifted first, then ever more kept constant; all kept is the constant run. */
function liftMasks(n: number): boolean[][] {
  if (n === 0) return [];
  if (n > 10) return [Array<boolean>(n).fill(true)];
  const masks: boolean[][] = [];
  for (let m = (1 << n) - 1; m > 0; m--) masks.push(Array.from({ length: n }, (_, i) => (m & (1 << i)) !== 0));
  const lifted = (m: boolean[]): number => m.filter(Boolean).length;
  return masks.sort((a, b) => lifted(b) - lifted(a));
}

export interface Outcome {
  /** Problems found (empty when the row agrees with Spark in every run). */
  readonly problems: string[];
  /** How many literals ran as columns (0: constant only). */
  readonly lifted: number;
}

/** Runs one row every way; the problems say what differed from Spark or between the two paths. */
export async function runRow(row: Row): Promise<Outcome> {
  const [sql, out, type, options] = row;
  const problems: string[] = [];
  const s = spark();
  let e: Expr;
  try {
    e = parseExpression(sql);
  } catch (err) {
    if (typeof out !== 'string' && code(err) === out.error) return { problems, lifted: 0 };
    return { problems: [`does not parse: ${code(err)}: ${(err as Error).message}`], lifted: 0 };
  }
  const one = s.range(1);
  const select = (frame: typeof one, x: Expr) => () => frame.select(new Column(x));

  // 1. As written.
  for (const codegen of [false, true]) {
    let got: RecordBatch;
    try {
      got = await collect(select(one, e), codegen);
    } catch (err) {
      if (typeof out === 'string') problems.push(`${codegen ? 'compiled' : 'interpreted'} constant: fails with ${code(err)}: ${(err as Error).message}`);
      else if (code(err) !== out.error) problems.push(`fails with ${code(err)}, expected ${out.error}: ${(err as Error).message}`);
      continue;
    }
    if (typeof out !== 'string') { problems.push(`gives ${printed(got)[0]}, expected failure ${out.error}`); continue; }
    const v = printed(got)[0];
    if (v !== out) problems.push(`${codegen ? 'compiled' : 'interpreted'} constant: ${JSON.stringify(v)}, Spark ${JSON.stringify(out)}`);
    const t = simpleString(got.schema.fields[0]!.dataType);
    if (type !== undefined && t !== type) problems.push(`type ${t}, Spark ${type}`);
  }
  if (typeof out !== 'string' || options?.asWritten !== undefined) return { problems, lifted: 0 };

  // 2. Literals as columns.
  const lits = literalsOf(e);
  for (const mask of liftMasks(lits.length)) {
    const lifted = liftLiterals(e, mask);
    const idx = lits.map((_, i) => i).filter((i) => mask[i]);
    const schema = StructType(idx.map((i) => StructField(`c${i}`, lits[i]!.type, true)));
    const values = idx.map((i) => lits[i]!.value);
    const nulls = idx.map(() => null);
    const frame = (rows: unknown[][]) => s.fromBatches(schema, [batchFromRows(schema, rows)]);
    const withNulls = frame([values, nulls, values]);
    try {
      withNulls.select(new Column(lifted));
    } catch {
      continue; // this literal must stay constant; keep more of them
    }
    const runs: [string, string[] | string][] = [];
    for (const codegen of [false, true]) {
      try {
        runs.push([codegen ? 'compiled' : 'interpreted', printed(await collect(select(withNulls, lifted), codegen))]);
      } catch (err) {
        runs.push([codegen ? 'compiled' : 'interpreted', `fails with ${code(err)}: ${(err as Error).message}`]);
      }
    }
    try {
      runs.push(['compiled without nulls', printed(await collect(select(frame([values]), lifted), true))]);
    } catch (err) {
      runs.push(['compiled without nulls', `fails with ${code(err)}: ${(err as Error).message}`]);
    }
    const cols = `with ${idx.map((i) => `c${i}`).join(', ')} as columns`;
    // A function that fails on a null input (a null map key) must fail alike in both paths; the values then
    // run on their own through each path.
    const [r0, r1] = [runs[0]![1], runs[1]![1]];
    if (typeof r0 === 'string' && r0 === r1) {
      runs.splice(0, 2);
      try {
        runs.unshift(['interpreted without nulls', printed(await collect(select(frame([values]), lifted), false))]);
      } catch (err) {
        runs.unshift(['interpreted without nulls', `fails with ${code(err)}: ${(err as Error).message}`]);
      }
    }
    for (const [how, r] of runs) {
      if (typeof r === 'string') { problems.push(`${how} ${cols}: ${r}`); continue; }
      const valueRows = r.length === 3 ? [r[0], r[2]] : r;
      for (const v of valueRows) if (v !== out) { problems.push(`${how} ${cols}: ${JSON.stringify(v)}, Spark ${JSON.stringify(out)}`); break; }
    }
    const [a, b] = [runs[0]![1], runs[1]![1]];
    if (typeof a !== 'string' && typeof b !== 'string' && a.length === 3 && a[1] !== b[1]) {
      problems.push(`${cols}, the null row: interpreted ${JSON.stringify(a[1])}, compiled ${JSON.stringify(b[1])}`);
    }
    // A predicate also runs as a filter (the compiled loop then selects rows, possibly branch-free).
    if (out === 'true' || out === 'false') {
      const kept: number[] = [];
      for (const codegen of [false, true]) {
        try {
          kept.push((await collect(() => withNulls.filter(new Column(lifted)), codegen)).numRows);
        } catch (err) {
          if (typeof r0 !== 'string') problems.push(`filter ${cols}: fails with ${code(err)}`);
        }
      }
      if (kept.length === 2 && kept[0] !== kept[1]) problems.push(`filter ${cols}: interpreted keeps ${kept[0]} rows, compiled ${kept[1]}`);
      const base = out === 'true' ? 2 : 0; // the two value rows; the null row may pass or not
      if (kept.length === 2 && kept[0] !== base && kept[0] !== base + 1) {
        problems.push(`filter ${cols}: keeps ${kept[0]} of [values, nulls, values], Spark's answer is ${out}`);
      }
    }
    return { problems, lifted: idx.length };
  }
  return { problems, lifted: 0 };
}

/** Registers one test per source of the table, and one for its list of known differences. */
export function runTable(table: Table): void {
  const known = new Map(Object.entries(table.known ?? {}));
  const seen = new Set<string>();
  for (const src of table.sources) {
    test(`${table.name}: ${src.source} (${src.rows.length} rows)`, async () => {
      const failures: string[] = [];
      for (const row of src.rows) {
        const { problems } = await runRow(row);
        const reason = known.get(row[0]);
        if (reason !== undefined) {
          seen.add(row[0]);
          if (problems.length === 0) failures.push(`${row[0]}: now agrees with Spark; remove it from the known differences ("${reason}")`);
          continue;
        }
        if (problems.length > 0) failures.push(`${row[0]}  →  ${problems.join('; ')}`);
      }
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
  test(`${table.name}: every known difference is a row of the table`, () => {
    const rows = new Set(table.sources.flatMap((s) => s.rows.map((r) => r[0])));
    assert.deepEqual([...known.keys()].filter((k) => !rows.has(k)), []);
  });
}
