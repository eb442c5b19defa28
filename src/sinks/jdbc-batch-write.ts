/**
 * df.write.format('jdbc').save(): Spark's JdbcRelationProvider.createRelation
 * save modes over one table —
 *   error / errorifexists: the table exists → Spark's error; else create and insert;
 *   ignore: the table exists → nothing; else create and insert;
 *   append: create when missing, insert (upsert with upsertKeys);
 *   overwrite: truncate=true → TRUNCATE and insert (the table keeps its
 *     definition); else DROP, CREATE from the DataFrame's schema, insert.
 * Inserts run in batches of `batchsize` rows inside one transaction
 * (isolationLevel; NONE = autocommit). On PostgreSQL the DDL is part of that
 * transaction too, so a failed overwrite leaves the old table as it was; on
 * MariaDB DDL commits by itself (a failed overwrite leaves the new, empty table).
 */
import { SpateError } from '../core/errors.js';
import { concatBatches, type RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import { connectJdbc, withJdbcRetry } from '../clients/jdbc-connection.js';
import { jdbcWriteOptions, sessionStatements } from '../clients/jdbc-options.js';
import type { BatchSaveMode } from './connector.js';
import {
  asJdbcClientError, checkWritable, copyable, createTableSql, customColumnTypes, describeRefusal, insertBatch, isRetryableJdbcError, jdbcDialect, keyColumns,
  matchTableColumns, quietly, refusedError, tableColumnNames, tableExists, writeColumns,
} from './jdbc-write.js';

export async function writeJdbcTable(batches: readonly RecordBatch[], schema: StructType, mode: BatchSaveMode, options: Readonly<Record<string, string>>): Promise<void> {
  const o = jdbcWriteOptions(options);
  const d = jdbcDialect(o.target.dialect);
  const cols = writeColumns(schema);
  const keys = keyColumns(o.upsertKeys, schema, cols);
  checkWritable(d, cols, keys);
  const customTypes = customColumnTypes(o, cols);
  const data = concatBatches(schema, batches);
  const what = `writing ${data.numRows} rows to table '${o.table}'`;
  let commitSent = false;
  await withJdbcRetry(o.target, what, async () => {
    if (commitSent) {
      throw new SpateError('JDBC_COMMIT_UNKNOWN',
        `${d.system} at ${o.target.host}:${o.target.port}: the connection was lost while committing the write to table '${o.table}'; it may or may not have been applied. Check the table before writing again.`);
    }
    const c = await connectJdbc(o.target);
    let inTx = false;
    try {
      for (const s of sessionStatements(o)) await c.execute(s);
      const exists = await tableExists(c, d, o.table);
      if (exists && (mode === 'error' || mode === 'errorifexists')) {
        throw new SpateError('TABLE_OR_VIEW_ALREADY_EXISTS', `Table or view '${o.table}' already exists. SaveMode: ErrorIfExists.`);
      }
      if (exists && mode === 'ignore') return;
      const begin = d.beginStatements(o.isolationLevel);
      const beginTx = async (): Promise<void> => {
        if (inTx || begin.length === 0) return;
        for (const s of begin) await c.execute(s);
        inTx = true;
      };
      if (d.transactionalDdl) await beginTx();
      let create = !exists;
      if (exists && mode === 'overwrite') {
        if (o.truncate) await c.execute(d.truncateQuery(o.table, o.cascadeTruncate));
        else {
          await c.execute(`DROP TABLE ${o.table}`);
          create = true;
        }
      }
      if (create) await c.execute(createTableSql(d, o, cols, keys));
      const tableCols = create ? cols : matchTableColumns(cols, await tableColumnNames(c, o.table), o.table);
      // Autocommit (NONE) writes batchsize rows per statement, each kept on its own: no COPY there.
      const copy = o.isolationLevel !== 'NONE' && await copyable(c, d, o.table, o.postgresCopy);
      await beginTx();
      try {
        await insertBatch(c, d, { table: o.table, columns: tableCols, keys, batchSize: o.batchSize, copy }, data);
      } catch (e) {
        const ce = asJdbcClientError(e);
        if (isRetryableJdbcError(ce)) throw e;
        if (inTx) { await quietly(() => c.execute('ROLLBACK')); inTx = false; }
        const where = await describeRefusal(c, d, o.table, ce, tableCols, data, create ? customTypes : undefined);
        throw refusedError(d, o, what, ce, where, begin.length === 0
          ? 'isolationLevel is NONE, so the rows before the refused one were written.'
          : `The transaction was rolled back: none of the ${data.numRows} rows were written.`);
      }
      if (inTx) {
        commitSent = true;
        await c.execute('COMMIT');
        inTx = false;
      }
    } finally {
      if (inTx) await quietly(() => c.execute('ROLLBACK'));
      await c.close();
    }
  }, { policy: o.policy, options: o.raw });
}
