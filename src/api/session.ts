import { batchFromRows, type RecordBatch } from '../core/batch.js';
import { parseSchema } from '../core/ddl.js';
import { AnalysisException, SpateError } from '../core/errors.js';
import { toInternal } from '../core/row.js';
import { LongType, NullType, StringType, StructField, StructType, widerType, type DataType } from '../core/types.js';
import type { ExecOptions } from '../exec/execute.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import { microsFromDate } from '../core/datetime.js';
import { fromArrowTable } from '../io/arrow.js';
import { analyze, type Analyzed } from '../plan/analyzer.js';
import { optimize } from '../plan/optimizer.js';
import type { PhysicalPlan } from '../physical/physical.js';
import { node, type LogicalPlan } from '../plan/logical.js';
import { RuntimeConfig } from './conf.js';
import { excludedRules, SETTINGS } from './settings.js';
import { DataFrame } from './dataframe.js';
import { inferType } from './literal.js';
import { DataFrameReader } from './reader.js';
import { DataStreamReader } from './stream-reader.js';
import { StreamingQueryManager } from '../stream/query-manager.js';
import { memoryTables } from '../sinks/index.js';
import * as arrow from 'apache-arrow';

let active: SparkSession | undefined;

/** Builds or returns the active session: SparkSession.builder.appName('x').config(k, v).getOrCreate(). */
export class Builder {
  private readonly settings: Record<string, string> = {};

  appName(name: string): this { return this.config('spark.app.name', name); }
  /** Accepted for compatibility ('local[*]'); spate runs in this process. */
  master(master: string): this { return this.config('spark.master', master); }
  config(key: string | Record<string, string | number | boolean>, value?: string | number | boolean): this {
    if (typeof key === 'string') {
      if (value === undefined) throw new SpateError('INVALID_CONF', `config('${key}') needs a value.`);
      this.settings[key] = String(value);
    } else for (const [k, v] of Object.entries(key)) this.settings[k] = String(v);
    return this;
  }
  /** The active session (with these settings applied), or a new one. */
  getOrCreate(): SparkSession {
    if (active && !active.stopped) {
      for (const [k, v] of Object.entries(this.settings)) active.conf.set(k, v);
      return active;
    }
    active = new SparkSession(new RuntimeConfig(this.settings));
    return active;
  }
}

/**
 * The entry point, as Spark's SparkSession: reads data, creates DataFrames
 * from rows or Arrow tables, and holds the runtime configuration.
 */
export class SparkSession {
  /** A new builder; `SparkSession.builder.getOrCreate()` as in PySpark. */
  static get builder(): Builder {
    return new Builder();
  }
  /** The session returned by the last getOrCreate(), if still running. */
  static getActiveSession(): SparkSession | undefined {
    return active && !active.stopped ? active : undefined;
  }

  readonly conf: RuntimeConfig;
  /** @internal */
  stopped = false;
  readonly version = '3.5.0-spate';

  /** @internal Use SparkSession.builder. */
  constructor(conf: RuntimeConfig) {
    this.conf = conf;
  }

  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /** Reads streams: spark.readStream.format('socket').option('port', 9999).load(). */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }

  /** The session's streaming queries and listeners. */
  readonly streams = new StreamingQueryManager();

  /** The rows a memory sink named `name` (writeStream.queryName(name)) holds now. */
  table(name: string): DataFrame {
    const sink = memoryTables.get(name);
    if (!sink) {
      throw new AnalysisException('TABLE_OR_VIEW_NOT_FOUND',
        `Table '${name}' not found. Tables come from memory sinks: writeStream.format('memory').queryName('${name}').start(). Known: ${[...memoryTables.keys()].join(', ') || '(none)'}.`);
    }
    const rows = sink.allRows();
    return this.fromBatches(rows.schema, [rows]);
  }

  /**
   * A DataFrame from rows (plain objects or arrays) with an optional schema
   * (a StructType, a DDL string, or a list of column names), or from an
   * Apache Arrow table. Without a schema, types are inferred from the values.
   */
  createDataFrame(data: readonly unknown[] | arrow.Table, schema?: StructType | string | readonly string[]): DataFrame {
    if (data instanceof arrow.Table) {
      const { schema: s, batches } = fromArrowTable(data);
      return this.fromBatches(s, batches);
    }
    const rows = data as readonly unknown[];
    let st: StructType;
    if (schema === undefined || Array.isArray(schema)) st = inferRowSchema(rows, schema as readonly string[] | undefined);
    else st = typeof schema === 'string' ? parseSchema(schema) : (schema as StructType);
    const internal = rows.map((r, i) => rowValues(st, r, i));
    return this.fromBatches(st, [batchFromRows(st, internal)]);
  }

  /** @internal A DataFrame over a logical plan (analysed at once). */
  fromPlan(plan: LogicalPlan): DataFrame {
    const df = new DataFrame(this, plan);
    df.analyze();
    return df;
  }

  /** @internal A DataFrame over batches already in memory. */
  fromBatches(schema: StructType, batches: readonly RecordBatch[]): DataFrame {
    const df = new DataFrame(this, node({ kind: 'localRelation', schema, batches }));
    df.analyze();
    return df;
  }

  /** A DataFrame with one long column `id` from start (inclusive) to end (exclusive). */
  range(start: number, end?: number, step = 1): DataFrame {
    const [lo, hi] = end === undefined ? [0, start] : [start, end];
    if (step === 0) throw new SpateError('INVALID_ARGUMENT', 'range(): step must not be 0.');
    const n = Math.max(0, Math.ceil((hi - lo) / step));
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = lo + i * step;
    const schema = StructType([StructField('id', LongType, false)]);
    return this.fromBatches(schema, [{ schema, columns: [{ type: LongType, length: n, values, validity: null }], numRows: n }]);
  }

  /** Ends the session; the next getOrCreate() makes a new one. */
  stop(): void {
    this.stopped = true;
    if (active === this) active = undefined;
  }

  /** @internal */
  analyze(plan: LogicalPlan): Analyzed {
    return analyze(plan, this.functionContext());
  }
  /** @internal The optimized plan (spark.sql.optimizer.excludedRules leaves rules out). */
  optimize(plan: PhysicalPlan): PhysicalPlan {
    return optimize(plan, excludedRules(this.conf.value(SETTINGS.optimizerExcludedRules) ?? ''));
  }
  /** @internal */
  functionContext(): FunctionContext {
    return { timeZone: this.timeZone(), nowMicros: microsFromDate(new Date()) };
  }
  /** @internal */
  execOptions(): ExecOptions {
    return { codegen: this.conf.value(SETTINGS.codegenWholeStage), timeZone: this.timeZone() };
  }
  /** @internal */
  timeZone(): string {
    return this.conf.value(SETTINGS.sessionTimeZone);
  }
}

function inferRowSchema(rows: readonly unknown[], names: readonly string[] | undefined): StructType {
  const order: string[] = names ? [...names] : [];
  const types = new Map<string, DataType>();
  for (const r of rows) {
    if (Array.isArray(r)) {
      r.forEach((v, i) => {
        const name = names?.[i] ?? `_${i + 1}`;
        if (!order.includes(name)) order.push(name);
        types.set(name, widerType(types.get(name) ?? NullType, inferType(v)) ?? StringType);
      });
    } else if (r !== null && typeof r === 'object') {
      for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
        if (!order.includes(k)) order.push(k);
        types.set(k, widerType(types.get(k) ?? NullType, inferType(v)) ?? StringType);
      }
    } else {
      throw new SpateError('INVALID_ROW', `createDataFrame(): each row must be an object or an array, got ${r === null ? 'null' : typeof r}. Pass a schema for other shapes.`);
    }
  }
  return StructType(order.map((n) => {
    const t = types.get(n) ?? NullType;
    return StructField(n, t.kind === 'null' ? StringType : t, true);
  }));
}

function rowValues(schema: StructType, r: unknown, i: number): unknown[] {
  if (Array.isArray(r)) {
    if (r.length !== schema.fields.length) {
      throw new SpateError('INVALID_ROW', `createDataFrame(): row ${i} has ${r.length} values but the schema has ${schema.fields.length} columns (${schema.fields.map((f) => f.name).join(', ')}).`);
    }
    return schema.fields.map((f, c) => toInternal(f.dataType, r[c], f.name));
  }
  if (r !== null && typeof r === 'object') {
    const o = r as Record<string, unknown>;
    return schema.fields.map((f) => toInternal(f.dataType, o[f.name], f.name));
  }
  throw new SpateError('INVALID_ROW', `createDataFrame(): row ${i} must be an object or an array.`);
}

