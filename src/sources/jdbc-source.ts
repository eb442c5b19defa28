import { SpateError } from '../core/errors.js';
import type { SourceProvider } from './connector.js';
import { jdbcReadOptions } from '../clients/jdbc-options.js';
import { resolveJdbcSchema } from './jdbc-schema.js';
import { partitionQueries, readJdbc } from './jdbc-read.js';

/**
 * `spark.read.format('jdbc')`: a table or query of PostgreSQL or MariaDB
 * (MySQL) as a DataFrame, with Spark's options (`url`, `dbtable` / `query`,
 * `partitionColumn` / `lowerBound` / `upperBound` / `numPartitions`,
 * `fetchsize`, `customSchema`, `sessionInitStatement`, `queryTimeout`).
 * The schema comes from the database when load() runs; the rows are read
 * when the DataFrame is executed. Batch only, as in Spark (for a stream of
 * PostgreSQL's changes use format('postgres-cdc')).
 */
export const JDBC_SOURCE: SourceProvider = {
  format: 'jdbc',
  streaming: false,
  schema(options, userSchema) {
    if (userSchema !== undefined) {
      throw new SpateError('INVALID_OPTION', "jdbc does not allow user-specified schemas. Use the 'customSchema' option to change the types of columns.");
    }
    const o = jdbcReadOptions(options);
    const schema = resolveJdbcSchema(o);
    // Bad partitioning options fail at load(), as in Spark.
    partitionQueries(o, schema);
    return schema;
  },
  async readBatch(ctx) {
    return readJdbc(jdbcReadOptions(ctx.options), ctx.schema);
  },
};
