// Shared fixtures for the source tests: a context with a settable clock and a temp checkpoint directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchToRows, type RecordBatch } from '../../src/core/batch.js';
import type { StructType } from '../../src/core/types.js';
import type { SourceContext } from '../../src/sources/source.js';

/** A source context whose clock is `clock.ms`, set by the test. */
export function makeCtx(metadataPath: string, options: Record<string, string>, schema?: StructType, clock = { ms: 0 }): SourceContext & { clock: { ms: number } } {
  return { metadataPath, options, schema, timeZone: 'UTC', now: () => clock.ms, clock };
}

/** A fresh temp directory, removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'spate-src-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** All rows of the batches, in order, as internal values. */
export function rowsOf(batches: readonly RecordBatch[]): unknown[][] {
  return batches.flatMap((b) => batchToRows(b));
}
