// Shared fixtures for the postgres-cdc tests: an admin session on the shared server, unique tables,
// publications and slots that are dropped when the test ends (a leftover slot keeps WAL forever).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgCdcClient } from '../../src/clients/postgres-cdc.js';
import { uniqueName } from '../support/services.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

type After = { after(fn: () => Promise<void> | void): void };

const admins = new Map<number, PgCdcClient>();

/**
 * The admin session to the server on `port` (one per test file, closed by
 * closeAdmins() in the file's after(): the tests' own cleanups run after it).
 */
export function pgAdmin(_t: After, port = 5432): PgCdcClient {
  const had = admins.get(port);
  if (had !== undefined) return had;
  const c = new PgCdcClient({
    host: '127.0.0.1', port, database: 'test', user: 'postgres', password: undefined, ssl: false,
    connectTimeoutMs: 5000, queryTimeoutMs: 60_000, endpoint: { system: 'PostgreSQL', host: '127.0.0.1', port },
    retry: { retries: 2, backoffMs: 100, maxBackoffMs: 500 }, redact: {},
  });
  admins.set(port, c);
  return c;
}

/** Closes the admin sessions (call from the test file's top-level after()). */
export async function closeAdmins(): Promise<void> {
  for (const c of admins.values()) await c.close();
  admins.clear();
}

/** Runs SQL on the admin session. */
export async function sql(admin: PgCdcClient, text: string, params: unknown[] = []): Promise<unknown[][]> {
  return admin.query('test setup', text, params);
}

/** Drops the slot if it exists (waiting out a session that still holds it). */
export async function dropSlot(admin: PgCdcClient, slot: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await sql(admin, 'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      return;
    } catch (e) {
      if (!/is active/.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Names for one test: a table (in public), its publication, and a slot prefix; all dropped at the end. */
export interface CdcNames {
  readonly table: string;
  readonly publication: string;
  /** A slot name for this test (more: slot(2), slot(3)...). */
  slot(n?: number): string;
}

/**
 * Creates table `public.<unique>` with `columns` (DDL) and registers the
 * cleanup of it, its publication and every slot from `names.slot(n)`.
 * `publication` true also creates the publication (before any slot).
 */
export async function cdcTable(t: After, admin: PgCdcClient, columns: string, opts: { publication?: boolean; prefix?: string } = {}): Promise<CdcNames> {
  const table = uniqueName(opts.prefix ?? 'cdc').toLowerCase();
  const publication = `${table}_pub`;
  const slots = new Set<string>();
  const names: CdcNames = {
    table, publication,
    slot(n = 1) { const s = `${table}_s${n}`; slots.add(s); return s; },
  };
  await sql(admin, `CREATE TABLE ${table} (${columns})`);
  if (opts.publication === true) await sql(admin, `CREATE PUBLICATION ${publication} FOR TABLE ${table}`);
  t.after(async () => {
    for (const s of slots) await dropSlot(admin, s);
    await sql(admin, `DROP PUBLICATION IF EXISTS ${publication}`);
    await sql(admin, `DROP TABLE IF EXISTS ${table}`);
  });
  return names;
}

/** A temp checkpoint directory, removed when the test ends. */
export function checkpoint(t: After): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-pgcdc-ck-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The source offset of every offsets/N file of the checkpoint, by batch id. */
export function loggedOffsets(ck: string): unknown[] {
  const files = readdirSync(join(ck, 'offsets')).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
  return files.map((f) => JSON.parse(readFileSync(join(ck, 'offsets', String(f)), 'utf8').split('\n')[2]!) as unknown);
}

/** Waits until `cond` holds, polling; fails after `timeoutMs` naming `what`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
