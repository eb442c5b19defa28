import { SpateError } from '../core/errors.js';
import type { PgCdcClient } from '../clients/postgres-cdc.js';
import { formatLsn, parseLsn, readLsn } from './postgres-cdc-offsets.js';
import { quoteIdent, quoteQualified, type CdcOptions } from './postgres-cdc-options.js';

/**
 * The server side of the postgres-cdc source, in plain SQL on an ordinary
 * session: the publication and the logical replication slot (pgoutput),
 * reading the slot without consuming it (pg_logical_slot_peek_binary_changes:
 * any range after the slot's confirmed position can be read again, which is
 * what makes the source replayable) and moving its confirmed position when
 * a batch is committed (pg_replication_slot_advance).
 */

/** The slot as pg_replication_slots shows it, with the server's current WAL position. */
export interface SlotState {
  /** False when no slot of that name exists in this database. */
  readonly exists: boolean;
  /** Everything before this LSN is consumed: peeks start here. */
  readonly confirmed: bigint;
  /** The oldest WAL the slot keeps (decoding starts here; the WAL after it stays on the server's disk). */
  readonly restart: bigint;
  /** pg_current_wal_lsn(): where new changes will be written. */
  readonly current: bigint;
  /** 'reserved', 'extended', 'unreserved' or 'lost' (the WAL it needs was removed). */
  readonly walStatus: string;
}

/** One entry of a light peek: a change (counted) or a commit (its start and end LSN). */
export interface PeekCommit {
  /** The commit record's start LSN (the transaction's final LSN). */
  readonly commitLsn: bigint;
  /** The commit record's end LSN (what offsets hold). */
  readonly endLsn: bigint;
  /** The change messages of the transaction (insert, update, delete, truncate). */
  readonly changes: number;
}

/** The transactions of peeked messages, with their change counts (insert, update, delete, truncate messages). */
export function scanCommits(messages: readonly Buffer[]): PeekCommit[] {
  const commits: PeekCommit[] = [];
  let changes = 0;
  for (const m of messages) {
    const tag = m[0];
    if (tag === 0x43) {
      commits.push({ commitLsn: readLsn(m, 2), endLsn: readLsn(m, 10), changes });
      changes = 0;
    } else if (tag === 0x49 || tag === 0x55 || tag === 0x44 || tag === 0x54) {
      changes++;
    }
  }
  return commits;
}

const PEEK_OPTIONS = `'proto_version', '1', 'publication_names', $2`;

export class CdcSlot {
  constructor(private readonly client: PgCdcClient, private readonly opts: CdcOptions) {}

  private get slotName(): string { return this.opts.slotName; }

  /** The slot's state; `exists` false when it is missing (dropped, or never made). */
  async state(): Promise<SlotState> {
    const rows = await this.client.query(`reading the state of replication slot '${this.slotName}'`,
      `SELECT pg_current_wal_lsn()::text, s.confirmed_flush_lsn::text, s.restart_lsn::text, s.wal_status, s.plugin, s.slot_type
         FROM (SELECT 1) AS one LEFT JOIN pg_replication_slots s ON s.slot_name = $1 AND s.database = current_database()`,
      [this.slotName]);
    const r = rows[0]!;
    const current = parseLsn(String(r[0]))!;
    if (r[1] === null && r[4] === null) return { exists: false, confirmed: 0n, restart: 0n, current, walStatus: 'missing' };
    if (r[5] !== 'logical' || r[4] !== 'pgoutput') {
      throw new SpateError('CDC_SLOT_INVALID',
        `Replication slot '${this.slotName}' at ${this.where()} is a ${String(r[5])} slot with plugin ${String(r[4])}; the postgres-cdc source needs a logical slot with plugin pgoutput. ` +
        `Use another slotName (the source creates it), or drop this one if nothing else uses it.`);
    }
    return { exists: true, confirmed: parseLsn(String(r[1]))!, restart: parseLsn(String(r[2] ?? r[1]))!, current, walStatus: String(r[3] ?? 'reserved') };
  }

  /**
   * Checks the database, then makes the publication (when missing, `tables`
   * is given and createPublication is on) and then the slot (when missing and
   * createSlot is on, and only for a new checkpoint: `fresh`). The
   * publication comes first: PostgreSQL 15 cannot decode changes written
   * before the publication existed.
   */
  async prepare(fresh: boolean): Promise<void> {
    const rows = await this.client.query('checking the database',
      `SELECT current_setting('server_encoding'), current_setting('wal_level'),
              (SELECT count(*) FROM pg_publication WHERE pubname = $1)::int`, [this.opts.publication]);
    const [encoding, walLevel, pubs] = rows[0]!;
    if (walLevel !== 'logical') {
      throw new SpateError('CDC_NOT_ENABLED',
        `PostgreSQL at ${this.where()} has wal_level = ${String(walLevel)}; change data capture needs wal_level = logical. ` +
        `Set it (ALTER SYSTEM SET wal_level = logical) and restart the server.`);
    }
    if (encoding !== 'UTF8') {
      throw new SpateError('CDC_NOT_SUPPORTED',
        `Database '${this.opts.connection.database}' at ${this.where()} is encoded in ${String(encoding)}; the postgres-cdc source reads UTF8 databases only.`);
    }
    if (pubs === 0) await this.createPublication();
    else await this.checkPublishedTables();
    if (fresh && !(await this.state()).exists) {
      if (!this.opts.createSlot) throw this.slotMissing();
      await this.createSlot();
    }
  }

  private async createPublication(): Promise<void> {
    const pub = this.opts.publication;
    if (this.opts.tables.length === 0 || !this.opts.createPublication) {
      throw new SpateError('CDC_PUBLICATION_NOT_FOUND',
        `Publication '${pub}' does not exist at ${this.where()}. Create it (CREATE PUBLICATION ${quoteIdent(pub)} FOR TABLE <tables>), ` +
        `or give option 'tables' (and leave createPublication on) to have the source create it.`);
    }
    const list = this.opts.tables.map(quoteQualified).join(', ');
    try {
      await this.client.query(`creating publication '${pub}'`,
        `CREATE PUBLICATION ${quoteIdent(pub)} FOR TABLE ${list} WITH (publish = 'insert, update, delete, truncate')`);
    } catch (e) {
      // Another query (or a concurrent start) made it first: theirs serves.
      if (!(e instanceof SpateError && /already exists/.test(e.message))) throw e;
    }
  }

  /** With `tables` given, each must be in the publication (else its changes would never arrive). */
  private async checkPublishedTables(): Promise<void> {
    if (this.opts.tables.length === 0) return;
    const rows = await this.client.query(`reading the tables of publication '${this.opts.publication}'`,
      'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1', [this.opts.publication]);
    const published = new Set(rows.map((r) => `${String(r[0])}.${String(r[1])}`));
    const missing = this.opts.tables.filter((t) => !published.has(`${t.schema}.${t.name}`));
    if (missing.length > 0) {
      const names = missing.map((t) => `${t.schema}.${t.name}`).join(', ');
      throw new SpateError('CDC_TABLE_NOT_PUBLISHED',
        `Table ${names} of option 'tables' is not in publication '${this.opts.publication}' at ${this.where()}, so its changes would never arrive. ` +
        `Add it (ALTER PUBLICATION ${quoteIdent(this.opts.publication)} ADD TABLE ${missing.map(quoteQualified).join(', ')}) or remove it from 'tables'.`);
    }
  }

  /** Creates the slot (pgoutput); a slot made meanwhile by someone else is fine. */
  async createSlot(): Promise<void> {
    try {
      await this.client.query(`creating replication slot '${this.slotName}'`,
        `SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')`, [this.slotName]);
    } catch (e) {
      if (e instanceof SpateError && /already exists/.test(e.message)) return;
      throw e;
    }
  }

  slotMissing(): SpateError {
    return new SpateError('CDC_SLOT_NOT_FOUND',
      `Replication slot '${this.slotName}' does not exist at ${this.where()}. Create it (SELECT pg_create_logical_replication_slot('${this.slotName}', 'pgoutput')) ` +
      `after the publication, or set option createSlot to true.`);
  }

  /**
   * The pgoutput messages after the slot's confirmed position up to (about)
   * `upto`, in order, at most about `maxMessages` (null = all: the server
   * stops after the transaction that reaches the bound, never inside one).
   */
  async peekChanges(upto: bigint, maxMessages: number | null = null): Promise<Buffer[]> {
    const rows = await this.peek(`reading changes from replication slot '${this.slotName}'`,
      `SELECT data FROM pg_logical_slot_peek_binary_changes($1, $3::pg_lsn, $4::int, ${PEEK_OPTIONS})`,
      [this.slotName, this.opts.publication, formatLsn(upto), maxMessages]);
    return rows.map((r) => r[0] as Buffer);
  }

  private async peek(what: string, sql: string, params: unknown[]): Promise<unknown[][]> {
    try {
      return await this.client.query(what, sql, params);
    } catch (e) {
      throw this.explain(e);
    }
  }

  /** Moves the slot's confirmed position to `lsn` (never back): the WAL before it may be recycled. */
  async advance(lsn: bigint, confirmed: bigint): Promise<bigint> {
    if (lsn <= confirmed) return confirmed;
    try {
      const rows = await this.client.query(`advancing replication slot '${this.slotName}' to ${formatLsn(lsn)}`,
        'SELECT end_lsn::text FROM pg_replication_slot_advance($1, $2::pg_lsn)', [this.slotName, formatLsn(lsn)]);
      return parseLsn(String(rows[0]![0])) ?? lsn;
    } catch (e) {
      // Already past it (another run committed meanwhile): nothing to do.
      if (e instanceof SpateError && /cannot advance replication slot to .*minimum is/.test(e.message)) return lsn;
      throw this.explain(e);
    }
  }

  /** Turns PostgreSQL's decoding errors into messages that say what to do. */
  private explain(e: unknown): unknown {
    if (!(e instanceof SpateError)) return e;
    if (/publication ".*" does not exist/.test(e.message)) {
      return new SpateError('CDC_PUBLICATION_NOT_FOUND',
        `Replication slot '${this.slotName}' at ${this.where()} holds changes from before publication '${this.opts.publication}' existed (or the publication was dropped); ` +
        `PostgreSQL cannot decode them with it. Create the publication first and then the slot (drop and re-create slot '${this.slotName}'), ` +
        `or advance the slot past the publication's creation.`, { cause: e });
    }
    if (/is active for PID/.test(e.message)) {
      return new SpateError('CDC_SLOT_IN_USE',
        `Replication slot '${this.slotName}' at ${this.where()} is in use by another session (another query or a replication client). ` +
        `Each query needs its own slot: stop the other consumer or give this query another slotName.`, { cause: e });
    }
    return e;
  }

  private where(): string {
    return `${this.opts.endpoint.host}:${this.opts.endpoint.port}`;
  }
}
