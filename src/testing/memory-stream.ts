import { parseSchema } from '../core/ddl.js';
import { toInternal } from '../core/row.js';
import type { StructType } from '../core/types.js';
import type { DataFrame } from '../api/dataframe.js';
import type { SparkSession } from '../api/session.js';
import { node } from '../plan/logical.js';
import { MemoryStream as MemorySource } from '../sources/memory-stream.js';

/**
 * A stream you feed from the test (Spark's MemoryStream): `addData` appends
 * one micro-batch worth of rows; `toDF()` is the streaming DataFrame over it.
 * Rows are arrays in column order (or bare values for one column) or objects
 * keyed by column name, with ordinary JS values (Date for timestamps).
 */
export class MemoryStream {
  readonly schema: StructType;
  /** @internal The engine-side source. */
  readonly source: MemorySource;
  private df: DataFrame | undefined;

  constructor(private readonly spark: SparkSession, schema: StructType | string) {
    this.schema = typeof schema === 'string' ? parseSchema(schema) : schema;
    this.source = new MemorySource(this.schema);
  }

  /** Appends rows as one batch; returns the new offset. */
  addData(...rows: unknown[]): number {
    const fields = this.schema.fields;
    return this.source.addData(rows.map((r) => {
      const values = fields.length === 1 && !Array.isArray(r) && !(r !== null && typeof r === 'object' && fields[0]!.name in (r as object))
        ? [r]
        : Array.isArray(r) ? r : fields.map((f) => (r as Record<string, unknown>)[f.name]);
      return fields.map((f, i) => toInternal(f.dataType, values[i], f.name));
    }));
  }

  /** The streaming DataFrame reading this stream (the same one every call). */
  toDF(): DataFrame {
    if (!this.df) {
      const source = this.source;
      const plan = node({ kind: 'streamingRelation', schema: this.schema, source: { format: 'memory', options: {}, create: () => source } });
      this.df = this.spark.fromPlan(plan);
    }
    return this.df;
  }

  /** The offset of the last batch added (-1 before any). */
  get currentOffset(): number {
    return this.source.currentOffset;
  }
}
