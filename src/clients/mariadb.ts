/**
 * The MariaDB (and MySQL) client of format('jdbc'): `mariadb`, the
 * MariaDB Corporation's pure-JavaScript connector, which also speaks to
 * MySQL and has a bulk protocol for batched inserts. The only file that
 * imports it (sync-query.ts requires it by path inside its worker).
 *
 * Dates and times come back as text (`dateStrings`), so microseconds are
 * kept; BIGINT as BigInt and DECIMAL as text, converted by jdbc-values.ts.
 * The session runs at time zone +00:00 (see docs/connectors/jdbc.md).
 */
import * as mariadb from 'mariadb';
import type { ConnectionConfig } from 'mariadb';
import type { JdbcConnection, JdbcResult } from './jdbc-connection.js';
import type { JdbcTarget } from './jdbc-url.js';
import type { SyncField } from './sync-query.js';

function config(t: JdbcTarget): ConnectionConfig {
  return {
    host: t.host, port: t.port, ...(t.database !== '' ? { database: t.database } : {}),
    ...(t.user !== undefined ? { user: t.user } : {}), ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.ssl === 'disable' ? {} : { ssl: t.ssl === 'require' ? { rejectUnauthorized: false } : true }),
    connectTimeout: t.connectTimeoutMs === 0 ? 10_000 : t.connectTimeoutMs,
    dateStrings: true, bigIntAsNumber: false, decimalAsNumber: false, timezone: '+00:00',
  };
}

interface Meta {
  name(): string;
  columnType: number;
  columnLength: number;
  flags: number;
  scale: number;
  collation?: { index: number };
}

function fieldsOf(meta: readonly Meta[] | undefined): SyncField[] {
  return (meta ?? []).map((m) => ({
    name: m.name(), columnType: m.columnType, columnLength: m.columnLength, flags: m.flags, scale: m.scale, collationIndex: m.collation?.index ?? 0,
  }));
}

function affectedOf(r: unknown): number {
  if (Array.isArray(r)) return r.reduce((n: number, x: unknown) => n + affectedOf(x), 0);
  if (typeof r === 'object' && r !== null && 'affectedRows' in r) return Number((r as { affectedRows: number | bigint }).affectedRows);
  return 0;
}

export async function connectMariadb(t: JdbcTarget): Promise<JdbcConnection> {
  const c = await mariadb.createConnection(config(t));
  c.on('error', () => { /* a dead connection fails its next call; never crash the process */ });
  try {
    await c.query("SET time_zone = '+00:00'");
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  return {
    target: t,
    async query(sql, params): Promise<JdbcResult> {
      const r = await c.query({ sql, rowsAsArray: true }, params as unknown[] | undefined) as unknown;
      if (Array.isArray(r)) return { fields: fieldsOf((r as unknown as { meta?: Meta[] }).meta), rows: r as unknown[][], affected: 0 };
      return { fields: [], rows: [], affected: affectedOf(r) };
    },
    async execute(sql, params): Promise<number> {
      return affectedOf(await c.query(sql, params as unknown[] | undefined));
    },
    async queryChunks(sql, size, onChunk): Promise<void> {
      // The result streams in; at most `size` rows are held before they are handed on (fetchsize).
      const stream = c.queryStream({ sql, rowsAsArray: true });
      let chunk: unknown[][] = [];
      for await (const row of stream as AsyncIterable<unknown[]>) {
        chunk.push(row);
        if (chunk.length >= size) { onChunk(chunk, row.length); chunk = []; }
      }
      if (chunk.length > 0) onChunk(chunk, chunk[0]!.length);
    },
    async executeMany(sql, rows): Promise<number> {
      if (rows.length === 0) return 0;
      return affectedOf(await c.batch(sql, rows as unknown[][]));
    },
    async close(): Promise<void> {
      await c.end().catch(() => { c.destroy(); });
    },
  };
}
