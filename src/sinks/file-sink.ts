import { mkdirSync, statSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { randomUUID } from 'node:crypto';
import { takeBatch, type RecordBatch } from '../core/batch.js';
import { AnalysisException, SpateError, didYouMean } from '../core/errors.js';
import { StructType } from '../core/types.js';
import { getValue } from '../core/vector.js';
import { syncDir, tempPathFor } from '../checkpoint/atomic-file.js';
import { SourceOptions } from '../io/options.js';
import { escapePartitionValue, partitionDirValue } from '../io/partitions.js';
import { encodeCsv, encodeJson, encodeText } from '../io/text-formats-write.js';
import { encodeParquet } from '../io/parquet-write.js';
import type { FileFormat } from '../io/read.js';
import { FileSinkLog, sinkFileStatus, type SinkFileStatus } from './file-sink-log.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

/** The formats the file sink writes. */
export const FILE_SINK_FORMATS: readonly FileFormat[] = ['parquet', 'json', 'csv', 'text'];

/** File name endings, as io's batch writer names them. */
const EXT: Record<FileFormat, string> = { csv: '.csv', json: '.json', text: '.txt', parquet: '.snappy.parquet' };

/** How one batch schema is split and encoded; fixed for the query, so computed once. */
interface WritePlan {
  readonly key: string;
  readonly schema: StructType;
  readonly partIdx: readonly number[];
  readonly dataIdx: readonly number[];
  readonly encode: (b: RecordBatch) => string | Uint8Array;
}

/**
 * Spark's streaming file sink (parquet, json, csv, text), append mode only.
 * Each batch writes its part files (under `key=value/` directories for
 * `partitionBy`), then commits by adding `_spark_metadata/<batchId>` listing
 * exactly those files. A batch whose id is at or below the latest logged one
 * was already committed and is skipped, so a replay after a crash writes
 * nothing twice; files of a batch that crashed before its entry stay on disk
 * as orphans, and readers of the directory skip them because they read
 * through the log (see io's listing).
 */
export class FileSink implements StreamSink {
  readonly description: string;
  readonly path: string;
  private readonly log: FileSinkLog;
  private readonly options: SourceOptions;
  private plan: WritePlan | undefined;
  /** The newest committed batch id (-1: none), read from the log on the first batch. */
  private latestBatchId: number | undefined;

  constructor(
    readonly format: FileFormat,
    path: string,
    options: Readonly<Record<string, string>>,
    private readonly ctx: { timeZone: string; partitionBy: readonly string[]; outputMode: OutputMode },
  ) {
    checkAppend(format, ctx.outputMode);
    this.path = path;
    this.options = new SourceOptions(options);
    this.description = `FileSink[${path}]`;
    let st;
    try { st = statSync(path); } catch { st = undefined; }
    if (st && !st.isDirectory()) {
      throw new SpateError('PATH_NOT_DIRECTORY', `File sink path ${path} is a file; the ${format} sink writes into a directory. Choose a directory path.`);
    }
    // Created at start, as Spark does, so a reader of the directory sees the
    // log (and so no files) even before the first batch commits.
    mkdirSync(nodePath.join(path, '_spark_metadata'), { recursive: true });
    this.log = new FileSinkLog(nodePath.join(path, '_spark_metadata'));
  }

  async addBatch(batchId: number, data: RecordBatch, outputMode: OutputMode): Promise<void> {
    checkAppend(this.format, outputMode);
    if (this.latestBatchId === undefined) {
      // Ids only, read once: one query writes a directory, so later commits are ours.
      const ids = await this.log.listBatchIds();
      this.latestBatchId = ids.length === 0 ? -1 : ids[ids.length - 1]!;
    }
    if (batchId <= this.latestBatchId) return;
    const plan = this.planFor(data.schema);
    const written: string[] = [];
    try {
      const files = await this.writeParts(plan, data, written);
      if (!(await this.log.add(batchId, files))) {
        throw new SpateError('FILE_SINK_RACE',
          `Batch ${batchId} of ${this.description} was committed by another writer while this one wrote it; run one query per output directory.`);
      }
      this.latestBatchId = batchId;
    } catch (e) {
      // Best effort: the files are orphans anyway (unlisted), but need not take space.
      await Promise.all(written.map((f) => unlink(f).catch(() => undefined)));
      throw e;
    }
  }

  /** The schema split and encoder for `schema`, validated on the first batch (the sink learns the schema then). */
  private planFor(schema: StructType): WritePlan {
    // Batches of one query share a schema, though not necessarily the same object.
    const key = JSON.stringify(schema.fields.map((f) => [f.name, f.dataType]));
    if (this.plan && this.plan.key === key) return this.plan;
    const names = schema.fields.map((f) => f.name);
    const partIdx = this.ctx.partitionBy.map((p) => {
      const i = names.findIndex((n) => n.toLowerCase() === p.toLowerCase());
      if (i < 0) {
        throw new AnalysisException('COLUMN_NOT_FOUND',
          `Partition column '${p}' of ${this.description} not found in the query's output (${names.join(', ')}).${didYouMean(p, names)}`);
      }
      return i;
    });
    if (partIdx.length > 0 && partIdx.length === names.length) {
      throw new AnalysisException('ALL_PARTITION_COLUMNS',
        `Cannot use all columns (${names.join(', ')}) for partitionBy in ${this.description}; leave at least one data column.`);
    }
    const dataIdx = names.map((_, i) => i).filter((i) => !partIdx.includes(i));
    const dataSchema = StructType(dataIdx.map((i) => schema.fields[i]!));
    const o = this.options;
    const tz = this.ctx.timeZone;
    const encodeAll = ((): ((b: readonly RecordBatch[]) => string | Uint8Array) => {
      switch (this.format) {
        case 'csv': return (b) => encodeCsv(dataSchema, b, o, tz);
        case 'json': return (b) => encodeJson(dataSchema, b, o, tz);
        case 'text': return (b) => encodeText(dataSchema, b, o);
        case 'parquet': return (b) => encodeParquet(dataSchema, b);
      }
    })();
    encodeAll([]); // the format rejects a schema it cannot write (text: one string column) before any file exists
    const project = (b: RecordBatch): RecordBatch => ({ schema: dataSchema, columns: dataIdx.map((i) => b.columns[i]!), numRows: b.numRows });
    this.plan = { key, schema, partIdx, dataIdx, encode: (b) => encodeAll([project(b)]) };
    return this.plan;
  }

  /** Writes the batch's part files; returns their log entries. `written` collects paths as they appear, for cleanup. */
  private async writeParts(plan: WritePlan, data: RecordBatch, written: string[]): Promise<SinkFileStatus[]> {
    if (data.numRows === 0) return []; // an empty batch commits an empty entry and writes no file
    const job = randomUUID();
    const statuses: SinkFileStatus[] = [];
    const dirs = new Set<string>();
    let part = 0;
    const writePart = async (dir: string, rows: RecordBatch): Promise<void> => {
      if (!dirs.has(dir)) { await mkdir(dir, { recursive: true }); dirs.add(dir); }
      const file = nodePath.resolve(dir, `part-${String(part++).padStart(5, '0')}-${job}.c000${EXT[this.format]}`);
      // A hidden temp name until complete, so even a reader bypassing the log never sees half a file.
      const tmp = tempPathFor(file);
      try {
        const fh = await open(tmp, 'w');
        try {
          await fh.writeFile(plan.encode(rows));
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, file);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
      written.push(file);
      const st = await stat(file);
      statuses.push(sinkFileStatus(file, st.size, st.mtimeMs));
    };
    if (plan.partIdx.length === 0) {
      await writePart(this.path, data);
    } else {
      for (const [dir, rows] of this.partitionGroups(plan, data)) {
        await writePart(nodePath.join(this.path, ...dir.split('/')), takeBatch(data, Int32Array.from(rows)));
      }
    }
    // The entry is only a commit if the renames above survive a power loss.
    for (const d of dirs) await syncDir(d);
    return statuses;
  }

  /** Row indexes by partition directory (`k=v/k2=v2`), in order of first appearance. */
  private partitionGroups(plan: WritePlan, data: RecordBatch): Map<string, number[]> {
    const groups = new Map<string, number[]>();
    const fields = plan.schema.fields;
    for (let i = 0; i < data.numRows; i++) {
      let dir = '';
      for (let k = 0; k < plan.partIdx.length; k++) {
        const c = plan.partIdx[k]!;
        const f = fields[c]!;
        dir += `${k > 0 ? '/' : ''}${escapePartitionValue(f.name)}=${partitionDirValue(f.dataType, getValue(data.columns[c]!, i), this.ctx.timeZone)}`;
      }
      let rows = groups.get(dir);
      if (!rows) { rows = []; groups.set(dir, rows); }
      rows.push(i);
    }
    return groups;
  }
}

/** Spark's file sink only appends: a complete or update result cannot be added to files already written. */
function checkAppend(format: FileFormat, mode: OutputMode): void {
  if (mode === 'append') return;
  const shown = mode === 'complete' ? 'Complete' : 'Update';
  throw new AnalysisException('UNSUPPORTED_OUTPUT_MODE',
    `Data source ${format} does not support ${shown} output mode: the file sink can only append. ` +
    "Use outputMode('append') (aggregations then need withWatermark(...)), or write each batch yourself with foreachBatch.");
}
