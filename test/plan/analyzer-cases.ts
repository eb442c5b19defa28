/**
 * Analyzer rules as data (issue 13, item 7): a DataFrame built with the public API → what analysis makes
 * of it, as Spark's golden files print it (`struct<name:type,...>`, Spark's column names included), or the
 * error code and message it must fail with. Only public behaviour is compared (the output schema, errors at
 * the transformation or at start()), so the rows hold whatever the planner and optimizer do inside.
 *
 * `known` lists rows where spate differs from Spark, with the reason; such a row must keep differing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataFrame } from '../../src/api/dataframe.js';
import { simpleString, type StructType } from '../../src/core/types.js';

export interface Fails { readonly code: string; readonly message?: RegExp }
export const fails = (code: string, message?: RegExp): Fails => (message ? { code, message } : { code });

/** `[what (with Spark's rule or test), the plan, the analyzed output or the failure]`. */
export type AnalyzerRow = readonly [name: string, plan: () => DataFrame | Promise<unknown> | unknown, out: string | Fails];

export interface AnalyzerTable {
  readonly name: string;
  readonly source: string;
  readonly rows: readonly AnalyzerRow[];
  readonly known?: Readonly<Record<string, string>>;
}

/** A schema as Spark's golden files print it, with `!` after a field that cannot be null (where asked). */
export function printSchema(s: StructType, withNullability = false): string {
  return `struct<${s.fields.map((f) => `${f.name}:${simpleString(f.dataType)}${withNullability && !f.nullable ? '!' : ''}`).join(',')}>`;
}

async function outcome(row: AnalyzerRow): Promise<string> {
  const [, plan, out] = row;
  try {
    const r = await plan();
    if (typeof out !== 'string') return `analyzed to ${describe(r)}, expected failure ${out.code}`;
    const got = describe(r, out.includes('!'));
    return got === out ? '' : `analyzed to ${got}, Spark ${out}`;
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as Error).name;
    const msg = (e as Error).message;
    if (typeof out === 'string') return `fails with ${code}: ${msg}, Spark gives ${out}`;
    if (code !== out.code) return `fails with ${code}, expected ${out.code}: ${msg}`;
    if (out.message && !out.message.test(msg)) return `message ${JSON.stringify(msg)} does not match ${out.message}`;
    return '';
  }
}

function describe(r: unknown, withNullability = false): string {
  if (r !== null && typeof r === 'object' && 'schema' in r && 'columns' in r) return printSchema((r as DataFrame).schema, withNullability);
  return String(r);
}

export function runAnalyzerTable(table: AnalyzerTable): void {
  const known = new Map(Object.entries(table.known ?? {}));
  test(`${table.name} (${table.source}; ${table.rows.length} rows)`, async () => {
    const failures: string[] = [];
    for (const row of table.rows) {
      const problem = await outcome(row);
      const reason = known.get(row[0]);
      if (reason !== undefined) {
        if (problem === '') failures.push(`${row[0]}: now agrees with Spark; remove it from the known differences ("${reason}")`);
      } else if (problem !== '') {
        failures.push(`${row[0]}: ${problem}`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    const names = new Set(table.rows.map((r) => r[0]));
    assert.deepEqual([...known.keys()].filter((k) => !names.has(k)), [], 'known differences that are not rows of the table');
  });
}
