import type { SinkProvider } from './connector.js';
import { jdbcWriteOptions } from '../clients/jdbc-options.js';
import { JdbcStreamSink } from './jdbc-stream-sink.js';
import { writeJdbcTable } from './jdbc-batch-write.js';

/**
 * `format('jdbc')` into PostgreSQL or MariaDB (MySQL): `df.write` with
 * Spark's save modes and options (jdbc-batch-write.ts), and `writeStream`,
 * exactly-once through a commit table written in each batch's transaction
 * (jdbc-stream-sink.ts). Options are checked when the query starts.
 */
export const JDBC_SINK: SinkProvider = {
  format: 'jdbc',
  create(ctx) {
    return new JdbcStreamSink(jdbcWriteOptions(ctx.options), ctx.schema, ctx.outputMode);
  },
  async writeBatch(batches, ctx) {
    await writeJdbcTable(batches, ctx.schema, ctx.mode, ctx.options);
  },
};
