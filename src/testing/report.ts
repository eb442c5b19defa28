import { batchToRows } from '../core/batch.js';
import { toExternal } from '../core/row.js';
import type { MemorySink } from '../sinks/index.js';
import type { StreamingQuery } from '../stream/streaming-query.js';
import type { MemoryStream } from './memory-stream.js';
import type { StreamAction } from './stream-test.js';

/** An expected or actual row: values in column order (Date for timestamps). */
export type Row = readonly unknown[];

const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => {
  if (x instanceof Map) return { map: [...x.entries()] };
  if (typeof x === 'number' && Number.isNaN(x)) return 'NaN';
  return x;
});

/** Rows equal as multisets (any order). */
export function rowsEqualAsMultiset(actual: readonly Row[], expected: readonly Row[]): boolean {
  if (actual.length !== expected.length) return false;
  const a = actual.map((r) => canon(normalize(r))).sort();
  const e = expected.map((r) => canon(normalize(r))).sort();
  return a.every((x, i) => x === e[i]);
}

/** Rows equal in order. */
export function sameRows(actual: readonly Row[], expected: readonly Row[]): boolean {
  return actual.length === expected.length && actual.every((r, i) => canon(normalize(r)) === canon(normalize(expected[i]!)));
}

/** Dates compare by time; a single value stands for a one-column row. */
function normalize(r: Row | unknown): unknown[] {
  const row = Array.isArray(r) ? r : [r];
  return row.map((v) => (v instanceof Date ? { date: v.toISOString() } : v));
}

export function describeAction(a: StreamAction): string {
  switch (a.kind) {
    case 'addData': return `AddData to ${a.stream.source.description}: ${JSON.stringify(a.rows)}`;
    case 'check': return `${a.which === 'all' ? 'CheckAnswer' : a.which === 'new' ? 'CheckNewAnswer' : 'CheckLastBatch'}: ${JSON.stringify(a.rows)}`;
    case 'stopStream': return 'StopStream';
    case 'startStream': return `StartStream${a.trigger ? ` ${JSON.stringify(a.trigger)}` : ''}`;
    case 'advanceManualClock': return `AdvanceManualClock(${a.ms})`;
    case 'expectFailure': return 'ExpectFailure';
    case 'assertOnQuery': return `AssertOnQuery(${a.message})`;
  }
}

/** Spark's StreamTest failure text: the actions with `=>` at the failing one, the error, offsets and sink contents. */
export function failureReport(actions: readonly StreamAction[], failed: number, error: unknown, streams: readonly MemoryStream[], sink: MemorySink, query: StreamingQuery | undefined): string {
  const lines: string[] = [];
  lines.push(`Stream test failed at step ${failed + 1}: ${error instanceof Error ? error.message : String(error)}`, '', '== Progress ==');
  actions.forEach((a, i) => lines.push(`${i === failed ? '=> ' : '   '}${describeAction(a)}`));
  lines.push('', '== Stream ==');
  for (const s of streams) lines.push(`${s.source.description}: latest offset ${s.currentOffset}`);
  if (query) {
    const p = query.lastProgress;
    lines.push(`query ${query.name ?? query.id}: active=${query.isActive}, last batch ${p ? p.batchId : 'none'}`);
    if (p) lines.push(`committed offsets: ${p.sources.map((x) => `${x.description}=${JSON.stringify(x.endOffset)}`).join(', ')}`);
  }
  lines.push('', '== Sink ==');
  const all = sink.allRows();
  lines.push(`batches: [${sink.batchIds().join(', ')}], ${all.numRows} row(s)`);
  for (const r of batchToRows(all)) lines.push(`  ${canon(r.map((v, i) => toExternal(all.schema.fields[i]!.dataType, v)))}`);
  return lines.join('\n');
}
