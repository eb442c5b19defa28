/**
 * The two databases the jdbc tests run every case against (a table-driven
 * loop), and small helpers: SQL run directly through the connector's own
 * clients, unique table names, cleanup.
 */
import { connectJdbc } from '../../src/clients/jdbc-connection.js';
import { parseJdbcUrl } from '../../src/clients/jdbc-url.js';
import { needService, uniqueName } from '../support/services.js';

export interface TestDialect {
  readonly name: 'PostgreSQL' | 'MariaDB';
  readonly key: 'postgresql' | 'mariadb';
  readonly skip: false | string;
  readonly port: number;
  /** The plain URL the tests use. */
  readonly url: string;
  /** A URL on another port (a TcpProxy in front of the server). */
  urlAt(port: number): string;
  /** Every accepted URL form for this server. */
  readonly urlForms: readonly string[];
  /** Quotes an identifier. */
  q(name: string): string;
  /** The i-th parameter marker. */
  p(i: number): string;
}

const pgSkip = await needService('postgresql');
const mariaSkip = await needService('mariadb');

export const DIALECTS: readonly TestDialect[] = [
  {
    name: 'PostgreSQL', key: 'postgresql', skip: pgSkip, port: 5432,
    url: 'postgres://postgres@127.0.0.1:5432/test',
    urlAt: (port) => `postgres://postgres@127.0.0.1:${port}/test`,
    urlForms: ['postgres://postgres@127.0.0.1:5432/test', 'postgresql://postgres@127.0.0.1/test', 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=any'],
    q: (n) => `"${n.replace(/"/g, '""')}"`,
    p: (i) => `$${i}`,
  },
  {
    name: 'MariaDB', key: 'mariadb', skip: mariaSkip, port: 3306,
    url: 'mariadb://root@127.0.0.1:3306/test',
    urlAt: (port) => `mariadb://root@127.0.0.1:${port}/test`,
    urlForms: ['mysql://root@127.0.0.1:3306/test', 'mariadb://root@127.0.0.1/test', 'jdbc:mysql://127.0.0.1:3306/test?user=root', 'jdbc:mariadb://127.0.0.1/test?user=root'],
    q: (n) => `\`${n.replace(/`/g, '``')}\``,
    p: () => '?',
  },
];

/** Runs statements in order on one connection; returns the last one's rows. */
export async function sql(d: TestDialect, ...statements: (string | [string, unknown[]])[]): Promise<unknown[][]> {
  const c = await connectJdbc(parseJdbcUrl(d.url));
  try {
    let rows: unknown[][] = [];
    for (const s of statements) {
      const [text, params] = typeof s === 'string' ? [s, undefined] : s;
      rows = (await c.query(text, params)).rows as unknown[][];
    }
    return rows;
  } finally {
    await c.close();
  }
}

/** A table name unique to this run (lower case: PostgreSQL folds unquoted names). */
export function tableName(prefix: string): string {
  return uniqueName(prefix).toLowerCase();
}

/** Drops tables, ignoring ones that do not exist. */
export async function dropTables(d: TestDialect, ...tables: string[]): Promise<void> {
  if (d.skip !== false) return;
  for (const t of tables) await sql(d, `DROP TABLE IF EXISTS ${t}`);
}
