/**
 * The spate side shared by the workloads: one session, temp checkpoint
 * directories (removed at exit), and batches built straight from the
 * generators' arrays.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession } from '../../src/index.js';
import { memoryTables } from '../../src/sinks/index.js';
import { makeBatch, type RecordBatch } from '../../src/core/batch.js';
import { parseSchema } from '../../src/core/ddl.js';
import { makeVector, type PrimitiveArray } from '../../src/core/vector.js';
import type { StructType } from '../../src/core/types.js';

export const spark = SparkSession.builder.appName('bench').getOrCreate();

const root = mkdtempSync(join(tmpdir(), 'spate-bench-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A fresh directory under the benchmark's temp root. */
export function tempDir(label: string): string {
  const d = join(root, `${label}-${dirs++}`);
  return d;
}

const tables: string[] = [];

/** A new memory-sink table name, dropped by `dropTables`. */
export function tableName(prefix: string): string {
  const name = `${prefix}_${tables.length}`;
  tables.push(name);
  return name;
}

/** Forgets every memory-sink table made so far, so one run's output does not weigh on the next run's memory. */
export function dropTables(): void {
  for (const t of tables.splice(0)) memoryTables.delete(t);
}

/** Total size in bytes of the files under `dir`. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

export function schema(ddl: string): StructType {
  return parseSchema(ddl);
}

/** A batch over rows [lo, hi) of column arrays (typed arrays are viewed, not copied; no nulls). */
export function sliceBatch(s: StructType, cols: readonly (PrimitiveArray | unknown[])[], lo: number, hi: number): RecordBatch {
  const vectors = cols.map((c, i) => makeVector(s.fields[i]!.dataType, ArrayBuffer.isView(c) ? c.subarray(lo, hi) : c.slice(lo, hi), null));
  return makeBatch(s, vectors, hi - lo);
}

/** Batches of `size` rows covering [0, n). */
export function batches(s: StructType, cols: readonly (PrimitiveArray | unknown[])[], n: number, size: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let lo = 0; lo < n; lo += size) out.push(sliceBatch(s, cols, lo, Math.min(n, lo + size)));
  return out;
}

/** A short label for a batch size: 100k, 1M. */
export function sizeLabel(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}
