import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { randomUUID } from 'node:crypto';
import { StructType } from '../core/types.js';
import { AnalysisException, SpateError, didYouMean } from '../core/errors.js';
import { takeBatch, type RecordBatch } from '../core/batch.js';
import { getValue } from '../core/vector.js';
import { toOptions, type SourceOptions } from './options.js';
import type { FileFormat } from './read.js';
import { encodeCsv, encodeJson, encodeText } from './text-formats-write.js';
import { encodeParquet } from './parquet-write.js';
import { partitionDirValue, escapePartitionValue } from './partitions.js';

/** Spark's save modes. */
export type SaveMode = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';

const EXT: Record<FileFormat, string> = { csv: '.csv', json: '.json', text: '.txt', parquet: '.snappy.parquet' };

async function exists(p: string): Promise<boolean> {
  try { await fsp.stat(p); return true; } catch { return false; }
}

/**
 * Writes batches under `path` in Spark's layout: `part-NNNNN-<uuid><ext>`
 * files, `key=value/` directories for `partitionBy` columns (which are then
 * left out of the files) and an empty `_SUCCESS` marker. Each part is written
 * under a hidden temporary name and renamed, so readers never see half a file.
 */
export async function writeFiles(
  format: FileFormat,
  path: string,
  schema: StructType,
  batches: readonly RecordBatch[],
  options: ReadonlyMap<string, string> | Record<string, string> | SourceOptions,
  mode: SaveMode,
  partitionBy: readonly string[],
  ctx: { timeZone: string } = { timeZone: 'UTC' },
): Promise<void> {
  const o = toOptions(options);
  const names = schema.fields.map((f) => f.name);
  const partIdx = partitionBy.map((p) => {
    const i = names.findIndex((n) => n.toLowerCase() === p.toLowerCase());
    if (i < 0) throw new AnalysisException('COLUMN_NOT_FOUND', `Partition column '${p}' not found in schema (${names.join(', ')}).${didYouMean(p, names)}`);
    return i;
  });
  if (partIdx.length > 0 && partIdx.length === names.length) {
    throw new AnalysisException('ALL_PARTITION_COLUMNS', `Cannot use all columns (${names.join(', ')}) for partitionBy; leave at least one data column.`);
  }
  const dataIdx = names.map((_, i) => i).filter((i) => !partIdx.includes(i));
  const dataSchema = StructType(dataIdx.map((i) => schema.fields[i]!));
  const encode = encoder(format, dataSchema, o, ctx.timeZone);
  encode([]); // validates the schema for the format before touching the file system

  if (await exists(path)) {
    switch (mode) {
      case 'error': case 'errorifexists':
        throw new SpateError('PATH_ALREADY_EXISTS',
          `Path ${path} already exists. Use mode('overwrite') to replace it or mode('append') to add to it.`);
      case 'ignore': return;
      case 'overwrite': await fsp.rm(path, { recursive: true, force: true }); break;
      case 'append': break;
    }
  }
  await fsp.mkdir(path, { recursive: true });
  const job = randomUUID();
  let part = 0;
  const writePart = async (dir: string, parts: readonly RecordBatch[]) => {
    await fsp.mkdir(dir, { recursive: true });
    const name = `part-${String(part++).padStart(5, '0')}-${job}${EXT[format]}`;
    const tmp = nodePath.join(dir, `.${name}.${randomUUID()}.tmp`);
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(encode(parts));
      await fh.sync();
    } finally { await fh.close(); }
    await fsp.rename(tmp, nodePath.join(dir, name));
  };

  const project = (b: RecordBatch): RecordBatch => ({ schema: dataSchema, columns: dataIdx.map((i) => b.columns[i]!), numRows: b.numRows });
  if (partIdx.length === 0) {
    await writePart(path, batches.map(project));
  } else {
    // Group row indexes by their partition directory, in order of first appearance.
    const groups = new Map<string, { batch: RecordBatch; rows: number[] }[]>();
    for (const b of batches) {
      const local = new Map<string, number[]>();
      for (let i = 0; i < b.numRows; i++) {
        const dir = partIdx.map((c) => {
          const f = schema.fields[c]!;
          return `${escapePartitionValue(f.name)}=${partitionDirValue(f.dataType, getValue(b.columns[c]!, i), ctx.timeZone)}`;
        }).join('/');
        let rows = local.get(dir);
        if (!rows) { rows = []; local.set(dir, rows); }
        rows.push(i);
      }
      for (const [dir, rows] of local) {
        let g = groups.get(dir);
        if (!g) { g = []; groups.set(dir, g); }
        g.push({ batch: b, rows });
      }
    }
    for (const [dir, parts] of groups) {
      await writePart(nodePath.join(path, ...dir.split('/')), parts.map((p) => project(takeBatch(p.batch, Int32Array.from(p.rows)))));
    }
  }
  await fsp.writeFile(nodePath.join(path, '_SUCCESS'), '');
}

function encoder(format: FileFormat, schema: StructType, o: SourceOptions, timeZone: string): (b: readonly RecordBatch[]) => string | Uint8Array {
  switch (format) {
    case 'csv': return (b) => encodeCsv(schema, b, o, timeZone);
    case 'json': return (b) => encodeJson(schema, b, o, timeZone);
    case 'text': return (b) => encodeText(schema, b, o);
    case 'parquet': return (b) => encodeParquet(schema, b);
  }
}
