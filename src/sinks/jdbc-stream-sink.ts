/**
 * writeStream.format('jdbc'): each micro-batch goes into a PostgreSQL or
 * MariaDB table in ONE transaction that also advances this query's row in
 * the commit table (`spate_commits`, option `commitTable`):
 *
 *   BEGIN; SELECT batch_id FROM spate_commits WHERE query_id = ? FOR UPDATE;
 *   -- batch_id >= this batch: it was applied before, ROLLBACK and skip
 *   [complete: DELETE FROM t;] INSERT ... [ON CONFLICT / ON DUPLICATE KEY UPDATE];
 *   UPDATE spate_commits SET batch_id = ? WHERE query_id = ?; COMMIT
 *
 * The row lock makes two runs of the same batch (a replay after a crash,
 * or a retry after a lost COMMIT acknowledgement) serialize: the second one
 * sees the first's batch id and writes nothing. So the sink is
 * exactly-once: every batch's rows are in the table once, or (when the
 * transaction failed) not at all. Append mode inserts (or upserts, with
 * upsertKeys); update mode upserts on `upsertKeys`; complete mode replaces
 * the table's contents.
 */
import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import { connectJdbc, withJdbcRetry, type JdbcConnection } from '../clients/jdbc-connection.js';
import { sessionStatements, type JdbcWriteOptions } from '../clients/jdbc-options.js';
import type { OutputMode } from '../core/output-mode.js';
import type { SinkQueryInfo, StreamSink } from './sink.js';
import {
  asJdbcClientError, checkWritable, copyable, createIfMissing, createTableSql, describeRefusal, insertBatch, isRetryableJdbcError, jdbcDialect,
  keyColumns, matchTableColumns, quietly, refusedError, tableColumnNames, tableExists, writeColumns, type WriteColumnSpec,
} from './jdbc-write.js';

/** What the sink did, for tests and metrics. */
export interface JdbcSinkStats {
  batchesWritten: number;
  batchesSkipped: number;
  rowsWritten: number;
}

export class JdbcStreamSink implements StreamSink {
  readonly description: string;
  readonly stats: JdbcSinkStats = { batchesWritten: 0, batchesSkipped: 0, rowsWritten: 0 };
  private readonly dialect;
  private readonly cols: WriteColumnSpec[];
  private readonly keys: string[];
  private queryId: string | undefined;
  private conn: JdbcConnection | undefined;
  private tableCols: WriteColumnSpec[] | undefined;
  /** Appends go by COPY (PostgreSQL table without rules, postgresCopy): decided with the table. */
  private copy: boolean | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly o: JdbcWriteOptions, schema: StructType, outputMode: OutputMode) {
    this.dialect = jdbcDialect(o.target.dialect);
    this.cols = writeColumns(schema);
    this.keys = keyColumns(o.upsertKeys, schema, this.cols);
    if (outputMode === 'update' && this.keys.length === 0) {
      throw new SpateError('INVALID_OPTION',
        `The jdbc sink in update mode needs option 'upsertKeys' (the columns that identify a row, e.g. the groupBy columns: .option('upsertKeys', 'window,page')), so updated rows replace the earlier ones; or use outputMode('append') / outputMode('complete').`);
    }
    checkWritable(this.dialect, this.cols, this.keys);
    this.description = `JdbcSink[${o.target.display}, ${o.table}]`;
  }

  private async connection(): Promise<JdbcConnection> {
    if (this.conn !== undefined) return this.conn;
    const c = await connectJdbc(this.o.target);
    try {
      for (const s of sessionStatements(this.o)) await c.execute(s);
    } catch (e) {
      await c.close();
      throw e;
    }
    this.conn = c;
    return c;
  }

  private async dropConnection(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    this.tableCols = undefined;
    if (c !== undefined) await c.close();
  }

  /** Creates the commit table and this query's row in it (batch -1: nothing committed yet). */
  async open(query: SinkQueryInfo): Promise<void> {
    this.queryId = query.id;
    const ct = this.o.commitTable;
    const q = this.dialect.quoteIdentifier;
    const ts = this.o.target.dialect === 'postgresql' ? 'TIMESTAMP' : 'DATETIME(6)';
    await this.run(`creating the commit table '${ct}'`, async (c) => {
      await createIfMissing(c, `CREATE TABLE IF NOT EXISTS ${ct} (${q('query_id')} VARCHAR(64) NOT NULL PRIMARY KEY, ${q('batch_id')} BIGINT NOT NULL, ` +
        `${q('target_table')} VARCHAR(512) NOT NULL, ${q('committed_at')} ${ts} NOT NULL)`);
      const ins = this.o.target.dialect === 'postgresql'
        ? `INSERT INTO ${ct} (query_id, batch_id, target_table, committed_at) VALUES ($1, -1, $2, CURRENT_TIMESTAMP) ON CONFLICT (query_id) DO NOTHING`
        : `INSERT IGNORE INTO ${ct} (query_id, batch_id, target_table, committed_at) VALUES (?, -1, ?, CURRENT_TIMESTAMP)`;
      await c.execute(ins, [query.id, this.o.table]);
    });
  }

  /** Runs `fn` on the sink's connection with bounded retries; a dead connection is replaced before the next try. */
  private async run<T>(what: string, fn: (c: JdbcConnection) => Promise<T>): Promise<T> {
    return withJdbcRetry(this.o.target, what, async () => {
      const c = await this.connection();
      try {
        return await fn(c);
      } catch (e) {
        if (!(e instanceof SpateError) && isRetryableJdbcError(asJdbcClientError(e))) await this.dropConnection();
        throw e;
      }
    }, { policy: this.o.policy, options: this.o.raw, signal: this.abort.signal });
  }

  /** The target's columns: created from the schema when missing (with a primary key on the upsert keys), else matched by name. */
  private async ensureTable(c: JdbcConnection): Promise<WriteColumnSpec[]> {
    if (this.tableCols !== undefined) return this.tableCols;
    if (!(await tableExists(c, this.dialect, this.o.table))) {
      await createIfMissing(c, createTableSql(this.dialect, this.o, this.cols, this.keys, true));
    } else if (this.keys.length > 0 && this.o.target.dialect === 'mariadb') {
      await this.checkUniqueKey(c);
    }
    this.copy = await copyable(c, this.dialect, this.o.table, this.o.postgresCopy);
    this.tableCols = matchTableColumns(this.cols, await tableColumnNames(c, this.o.table), this.o.table);
    return this.tableCols;
  }

  /** MariaDB's ON DUPLICATE KEY needs a unique key on exactly the upsert keys, or every row is simply inserted. */
  private async checkUniqueKey(c: JdbcConnection): Promise<void> {
    const r = await c.query(`SHOW INDEX FROM ${this.o.table} WHERE Non_unique = 0`);
    const byIndex = new Map<string, string[]>();
    const keyCol = r.fields.findIndex((f) => f.name.toLowerCase() === 'key_name');
    const colCol = r.fields.findIndex((f) => f.name.toLowerCase() === 'column_name');
    for (const row of r.rows) {
      const k = String(row[keyCol]);
      byIndex.set(k, [...(byIndex.get(k) ?? []), String(row[colCol]).toLowerCase()]);
    }
    const want = [...this.keys].map((k) => k.toLowerCase()).sort().join(',');
    if (![...byIndex.values()].some((cols) => [...cols].sort().join(',') === want)) {
      throw new SpateError('INVALID_OPTION',
        `Table '${this.o.table}' has no PRIMARY KEY or UNIQUE index on exactly (${this.keys.join(', ')}), which upsertKeys needs in MariaDB; ` +
        `add one (ALTER TABLE ${this.o.table} ADD UNIQUE (${this.keys.join(', ')})) or let the sink create the table.`);
    }
  }

  async addBatch(batchId: number, data: RecordBatch, outputMode: OutputMode): Promise<void> {
    if (this.queryId === undefined) throw new SpateError('SINK_NOT_OPEN', 'The jdbc sink was given a batch before open(query); it needs the query id for its commit table.');
    const queryId = this.queryId;
    const o = this.o;
    const d = this.dialect;
    const ct = o.commitTable;
    const p = (i: number): string => d.param(i);
    const what = `writing batch ${batchId} to table '${o.table}'`;
    await this.run(what, async (c) => {
      const cols = await this.ensureTable(c);
      for (const s of d.beginStatements(o.isolationLevel === 'NONE' ? 'READ_COMMITTED' : o.isolationLevel)) await c.execute(s);
      let done = false;
      try {
        const r = await c.query(`SELECT batch_id FROM ${ct} WHERE query_id = ${p(1)} FOR UPDATE`, [queryId]);
        const last = r.rows.length === 0 ? -1 : Number(r.rows[0]![0]);
        if (last >= batchId) {
          await c.execute('ROLLBACK');
          done = true;
          this.stats.batchesSkipped++;
          return;
        }
        if (outputMode === 'complete') await c.execute(`DELETE FROM ${o.table}`);
        let rows: number;
        try {
          rows = await insertBatch(c, d, { table: o.table, columns: cols, keys: this.keys, batchSize: o.batchSize, copy: this.copy === true }, data);
        } catch (e) {
          const ce = asJdbcClientError(e);
          if (isRetryableJdbcError(ce)) throw e;
          await quietly(() => c.execute('ROLLBACK'));
          done = true;
          const where = await describeRefusal(c, d, o.table, ce, cols, data);
          throw refusedError(d, o, what, ce, where,
            `The batch's transaction was rolled back: none of its ${data.numRows} rows were written. Fix the data or the table, then restart the query: it writes batch ${batchId} again.`);
        }
        if (r.rows.length === 0) {
          await c.execute(`INSERT INTO ${ct} (query_id, batch_id, target_table, committed_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, CURRENT_TIMESTAMP)`, [queryId, batchId, o.table]);
        } else {
          await c.execute(`UPDATE ${ct} SET batch_id = ${p(1)}, committed_at = CURRENT_TIMESTAMP WHERE query_id = ${p(2)}`, [batchId, queryId]);
        }
        // If the connection dies after this is sent, the retry's FOR UPDATE read tells whether it committed.
        await c.execute('COMMIT');
        done = true;
        this.stats.batchesWritten++;
        this.stats.rowsWritten += rows;
      } finally {
        if (!done) await quietly(() => c.execute('ROLLBACK'));
      }
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.dropConnection();
  }
}
