/**
 * spark.read.format('jdbc')'s data: one query per partition (see
 * jdbc-partitions.ts), each on its own connection, run concurrently and
 * concatenated in partition order. A read is safe to run again, so a
 * connection that fails is retried with the connector's bounded backoff.
 */
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import { connectJdbc, withJdbcRetry, type JdbcConnection } from '../clients/jdbc-connection.js';
import { jdbcDialect } from '../clients/jdbc-dialect.js';
import { columnBuilder } from '../clients/jdbc-values.js';
import { sessionStatements, type JdbcReadOptions } from '../clients/jdbc-options.js';
import { partitionWhereClauses } from './jdbc-partitions.js';

/** At most this many partition queries run at once. */
const MAX_CONCURRENT = 8;

/** The SQL of each partition, in order. */
export function partitionQueries(o: JdbcReadOptions, schema: StructType): string[] {
  const clauses = o.partitioning === undefined ? [null] : partitionWhereClauses(o.partitioning, schema, jdbcDialect(o.target.dialect));
  return clauses.map((w) => `SELECT * FROM ${o.tableOrQuery}${w === null ? '' : ` WHERE ${w}`}`);
}

async function readPartition(c: JdbcConnection, o: JdbcReadOptions, sql: string, schema: StructType): Promise<RecordBatch> {
  for (const s of sessionStatements(o)) await c.execute(s);
  const builders = schema.fields.map((f) => columnBuilder(f.dataType));
  let rows = 0;
  const take = (chunk: readonly (readonly unknown[])[], width: number): void => {
    if (chunk.length === 0) return;
    if (width !== builders.length) {
      throw new SpateError('JDBC_SCHEMA_CHANGED',
        `${jdbcDialect(o.target.dialect).system}: ${o.what} returned ${width} columns, but the DataFrame was loaded with ${builders.length} (${schema.fields.map((f) => f.name).join(', ')}); load() it again.`);
    }
    for (let c = 0; c < builders.length; c++) builders[c]!.appendColumn(chunk, c);
    rows += chunk.length;
  };
  if (o.fetchSize > 0 && o.target.dialect === 'postgresql') {
    // A cursor keeps at most fetchsize rows in the client at a time (Spark's PostgresDialect.beforeFetch).
    await c.execute('BEGIN READ ONLY');
    try {
      await c.execute(`DECLARE spate_jdbc_cursor NO SCROLL CURSOR FOR ${sql}`);
      for (;;) {
        const r = await c.query(`FETCH ${o.fetchSize} FROM spate_jdbc_cursor`);
        take(r.rows, r.fields.length);
        if (r.rows.length < o.fetchSize) break;
      }
    } finally {
      await c.execute('COMMIT').catch(() => undefined);
    }
  } else if (o.fetchSize > 0 && c.queryChunks !== undefined) {
    await c.queryChunks(sql, o.fetchSize, take);
  } else {
    const r = await c.query(sql);
    take(r.rows, r.fields.length);
  }
  return makeBatch(schema, builders.map((b) => b.finish()), rows);
}

/** Reads every partition of the relation. */
export async function readJdbc(o: JdbcReadOptions, schema: StructType): Promise<RecordBatch[]> {
  const queries = partitionQueries(o, schema);
  const out = new Array<RecordBatch>(queries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < queries.length; i = next++) {
      const sql = queries[i]!;
      out[i] = await withJdbcRetry(o.target, `reading ${o.what}${queries.length > 1 ? ` (partition ${i} of ${queries.length})` : ''}`, async () => {
        const c = await connectJdbc(o.target);
        try {
          return await readPartition(c, o, sql, schema);
        } finally {
          await c.close();
        }
      }, { policy: o.policy, options: o.raw });
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT, queries.length) }, worker));
  return out;
}
