/**
 * The list of error conditions (src/core/error-conditions.ts) covers every
 * code src/ throws. The scan finds codes where they are written:
 * - `new SpateError('X'`, `new AnalysisException('X'`, any `new ...Error('X'` /
 *   `new ...Exception('X'` and `super('X'` in an error class;
 * - calls of a helper whose first parameter is `code: string`
 *   (`runtimeError('X', ...)`), found by its declaration;
 * - an UPPER_SNAKE literal on a line that names `code` (`code: 'X'`,
 *   `opts.code ?? 'X'`, `const code = auth ? 'X' : 'Y'`), except in a
 *   comparison (`e.code === 'ER_ACCESS_DENIED_ERROR'` reads a client's code).
 * And every `new SpateError(` / `new AnalysisException(` whose code is not a
 * literal must be in DYNAMIC_CODE_SITES, so a code cannot slip past the scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CONDITIONS, errorCondition } from '../../src/core/error-conditions.js';
import { AnalysisException, SparkSession, SpateError } from '../../src/index.js';

const SRC = new URL('../../src/', import.meta.url).pathname;

/**
 * Throw sites whose code is a variable: how their codes are found (one of the
 * rules above), or the codes they can throw, which must be in the list too.
 */
const DYNAMIC_CODE_SITES: ReadonlyMap<string, { readonly why: string; readonly codes?: readonly string[] }> = new Map([
  ['expressions/functions/checks.ts', { why: 'runtimeError(code, message): its callers pass literal codes (helper rule)' }],
  ['clients/retry.ts', { why: "opts.code ?? 'SERVICE_UNAVAILABLE': callers pass { code: 'X' } (code-line rule)" }],
  ['clients/sync-query.ts', { why: "const code = auth ? 'AUTHENTICATION_FAILED' : 'JDBC_QUERY_FAILED' (code-line rule)" }],
  ['clients/rabbitmq.ts', {
    why: 'explainFatal(): a table of [code, fix] by the server\'s answer',
    codes: ['RABBITMQ_STREAM_NOT_FOUND', 'RABBITMQ_AUTH_FAILED', 'RABBITMQ_ACCESS_REFUSED'],
  }],
]);

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

interface Found { readonly code: string; readonly where: string }

function scanCodes(): { found: Found[]; dynamic: string[] } {
  const files = tsFiles(SRC).map((f) => ({ rel: relative(SRC, f), text: readFileSync(f, 'utf8') }));
  const helpers = new Set<string>();
  for (const { text } of files) {
    for (const m of text.matchAll(/function\s+(\w+)\s*\(\s*code\s*:\s*string/g)) helpers.add(m[1]!);
  }
  const callee = `(?:new\\s+[A-Z]\\w*(?:Error|Exception)|\\bsuper${[...helpers].map((h) => `|\\b${h}`).join('')})\\(\\s*`;
  const callRe = new RegExp(`${callee}'([A-Z][A-Z0-9_.]*)'`, 'g');
  // new SpateError(cond ? 'A' : 'B', ...)
  const ternaryRe = new RegExp(`${callee}[^'(),;]*\\?\\s*'([A-Z][A-Z0-9_.]*)'\\s*:\\s*'([A-Z][A-Z0-9_.]*)'`, 'g');
  const found: Found[] = [];
  const dynamic: string[] = [];
  for (const { rel, text } of files) {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const where = `src/${rel}:${i + 1}`;
      if (/\bcode\b/.test(line)) {
        for (const m of line.matchAll(/(?<![=!]==\s*)'([A-Z][A-Z0-9]*_[A-Z0-9_.]+)'/g)) found.push({ code: m[1]!, where });
      }
      if (/new\s+(?:SpateError|AnalysisException)\(\s*[^'\s)]/.test(line) && !ternaryRe.test(line)) dynamic.push(rel);
      ternaryRe.lastIndex = 0;
    });
    const at = (index: number) => `src/${rel}:${text.slice(0, index).split('\n').length}`;
    for (const m of text.matchAll(callRe)) found.push({ code: m[1]!, where: at(m.index) });
    for (const m of text.matchAll(ternaryRe)) found.push({ code: m[1]!, where: at(m.index) }, { code: m[2]!, where: at(m.index) });
    for (const c of DYNAMIC_CODE_SITES.get(rel)?.codes ?? []) found.push({ code: c, where: `src/${rel} (DYNAMIC_CODE_SITES)` });
  }
  return { found, dynamic };
}

test('every error code thrown in src/ is in the list of error conditions', () => {
  const { found } = scanCodes();
  assert.ok(found.length > 200, `the scan found ${found.length} throw sites; expected the 200+ there are`);
  const missing = found.filter((f) => errorCondition(f.code) === undefined);
  assert.deepEqual(missing, [],
    `codes thrown but not in src/core/error-conditions.ts (add an entry for each, see docs/architecture.md "How to add an error code"):\n` +
    missing.map((m) => `  ${m.code}  (${m.where})`).join('\n'));
});

test('every throw site with a non-literal code is listed, with the rule that scans its codes', () => {
  const { dynamic } = scanCodes();
  const unlisted = [...new Set(dynamic)].filter((f) => !DYNAMIC_CODE_SITES.has(f));
  assert.deepEqual(unlisted, [], 'a SpateError built with a variable code: make the code a literal, or list the file here with how its codes are scanned');
});

test('the scan sees the codes it claims to: a helper call, a code option and a ternary', () => {
  const codes = new Set(scanCodes().found.map((f) => f.code));
  for (const c of ['DUPLICATED_MAP_KEY', 'SERVICE_UNAVAILABLE', 'AUTHENTICATION_FAILED', 'PARSE_ERROR', 'STREAMING_QUERY_FAILED', 'COLUMN_NOT_FOUND']) {
    assert.ok(codes.has(c), c);
  }
  assert.ok(!codes.has('ER_ACCESS_DENIED_ERROR'), 'a comparison with a client error code is not a thrown code');
});

test('entries are well formed: UPPER_SNAKE codes, five-character SQLSTATEs, Spark names', () => {
  for (const [code, c] of Object.entries(ERROR_CONDITIONS) as [string, { message: string; sqlState?: string; sparkCondition?: string }][]) {
    assert.match(code, /^[A-Z][A-Z0-9_]*$/, code);
    assert.ok(c.message.length > 10, `${code} has a message`);
    if (c.sqlState !== undefined) assert.match(c.sqlState, /^[0-9A-Z]{5}$/, `${code} SQLSTATE`);
    if (c.sparkCondition !== undefined) assert.match(c.sparkCondition, /^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)?$/, `${code} Spark condition`);
  }
});

test("errors answer Spark's SparkThrowable questions: getCondition() and getSqlState()", () => {
  const spark = SparkSession.builder.appName('error-conditions').getOrCreate();
  const df = spark.createDataFrame([[1]], 'id INT');
  assert.throws(() => df.select('idd'), (e: unknown) => {
    assert.ok(e instanceof AnalysisException);
    assert.equal(e.code, 'COLUMN_NOT_FOUND');
    assert.equal(e.getCondition(), 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
    assert.equal(e.getSqlState(), '42703');
    return true;
  });
  const own = new SpateError('MEMORY_SINK_NEEDS_NAME', 'x');
  assert.equal(own.getCondition(), 'MEMORY_SINK_NEEDS_NAME', "a condition of spate's own is its code");
  assert.equal(own.getSqlState(), undefined);
});
