import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { getZone } from '../core/time-zone.js';
import type { StructType } from '../core/types.js';
import { JsonMetadataLog } from '../checkpoint/metadata-log.js';
import { PgCdcClient } from '../clients/postgres-cdc.js';
import type { SourceProvider } from './connector.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';
import { sourceWarning } from './source-options.js';
import { cdcOptions, type CdcOptions } from './postgres-cdc-options.js';
import { cdcOffset, formatLsn, lsnDistance, offsetLsn, parseLsn } from './postgres-cdc-offsets.js';
import { BEFORE_COLUMN, cdcLayout, cdcSchema, isMetaColumn } from './postgres-cdc-schema.js';
import { PgoutputDecoder } from './postgres-cdc-decode.js';
import { CdcSlot, scanCommits, type PeekCommit, type SlotState } from './postgres-cdc-slot.js';
import { probeColumns } from './postgres-cdc-catalog.js';

/** Messages of one peek, and the transactions in them. */
interface PeekWindow {
  /** The start LSN the peek was made for (the window holds every transaction after it, up to `upto` or the cap). */
  readonly from: bigint;
  readonly upto: bigint;
  /** True when the server stopped at the message bound: more may follow. */
  readonly truncated: boolean;
  readonly messages: Buffer[];
  readonly commits: readonly PeekCommit[];
}

/**
 * The end of the next batch: the last of the whole transactions after
 * `from` that fit `maxChanges` (the first is taken even when it alone is
 * over), ending by `upto`. `full` when the limit stopped it.
 */
function pickEnd(commits: readonly PeekCommit[], from: bigint, upto: bigint, maxChanges: number | undefined): { last: bigint | undefined; full: boolean } {
  let changes = 0;
  let last: bigint | undefined;
  for (const c of commits) {
    if (c.commitLsn < from) continue;
    if (c.endLsn > upto) break;
    if (maxChanges !== undefined && last !== undefined && changes + c.changes > maxChanges) return { last, full: true };
    changes += c.changes;
    last = c.endLsn;
    if (maxChanges !== undefined && changes >= maxChanges) return { last, full: true };
  }
  return { last, full: false };
}

/** Where the first run of a checkpoint started, kept in `sources/<i>/0`. */
interface InitialEntry { readonly lsn: string }

/**
 * `format('postgres-cdc')`: change data capture from PostgreSQL's logical
 * replication (pgoutput) through a replication slot, read with plain SQL:
 * latestOffset peeks the slot's pending transactions, getBatch peeks them
 * again with their rows (the slot keeps everything after its confirmed
 * position, so any range the engine logged can be read again after a
 * crash), and commit(end) advances the slot to end. Offsets are
 * `{"lsn":"0/16B3748"}`, the end of the last transaction's commit record;
 * batches hold whole transactions in commit order. Exactly-once into an
 * idempotent sink; see docs/connectors/postgres-cdc.md.
 */
export class PostgresCdcSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly opts: CdcOptions;
  private readonly client: PgCdcClient;
  private readonly slot: CdcSlot;
  private readonly decoder: PgoutputDecoder;
  private readonly initLog: JsonMetadataLog<InitialEntry>;
  private ready: Promise<void> | undefined;
  private initial: bigint | undefined;
  private last: SlotState | undefined;
  private frozenEnd: bigint | undefined;
  /** The WAL position and start of the last look that found nothing new: the same again means nothing new still. */
  private idle: { readonly current: bigint; readonly from: bigint } | undefined;
  private readonly warned = new Set<string>();
  /** With failOnDataLoss false: the slot position up to which a loss was already reported (not again). */
  private lossReportedTo = -1n;
  private unchangedToast = 0;
  /**
   * The messages the last peek fetched (from the slot's confirmed position,
   * which is at or before `from`, up to `upto`): later latestOffset and
   * getBatch calls inside it need no new peek, so the server decodes each
   * change about once per few batches rather than twice per batch.
   */
  private window: PeekWindow | undefined;

  constructor(ctx: SourceContext) {
    this.opts = cdcOptions(ctx.options);
    if (ctx.schema === undefined) throw new SpateError('INVALID_SCHEMA', 'postgres-cdc: the source was created without its schema.');
    this.schema = ctx.schema;
    const layout = cdcLayout(ctx.schema);
    this.description = this.opts.description;
    const c = this.opts.connection;
    this.client = new PgCdcClient({
      host: c.host, port: c.port, database: c.database, user: c.user, password: c.password, ssl: c.ssl,
      connectTimeoutMs: c.connectTimeoutMs, queryTimeoutMs: this.opts.queryTimeoutMs,
      endpoint: this.opts.endpoint, retry: this.opts.retry, redact: this.opts.redact,
    });
    this.slot = new CdcSlot(this.client, this.opts);
    this.decoder = new PgoutputDecoder(layout, this.opts.tables, getZone(ctx.timeZone));
    this.initLog = new JsonMetadataLog<InitialEntry>(ctx.metadataPath,
      (v) => (typeof v === 'object' && v !== null && typeof (v as { lsn?: unknown }).lsn === 'string' && parseLsn((v as InitialEntry).lsn) !== undefined
        ? undefined : 'the postgres-cdc start entry must be {"lsn":"<hex>/<hex>"}'));
  }

  /** Once per run: the publication and slot exist (made on a checkpoint's first run), and the start LSN is known. */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      const entry = await this.initLog.get(0);
      // Only a new checkpoint makes the slot here: a slot missing under an old checkpoint means lost data (checkedState).
      await this.slot.prepare(entry === undefined);
      if (entry !== undefined) { this.initial = parseLsn(entry.lsn)!; return; }
      const s = await this.slot.state();
      const so = this.opts.startingOffsets;
      const lsn = so.kind === 'earliest' ? s.confirmed : so.kind === 'latest' ? s.current : so.lsn;
      if (!(await this.initLog.add(0, { lsn: formatLsn(lsn) }))) {
        const theirs = await this.initLog.get(0);
        this.initial = parseLsn(theirs!.lsn)!;
      } else {
        this.initial = lsn;
      }
    })();
    this.ready.catch(() => { this.ready = undefined; });
    return this.ready;
  }

  private async fromLsn(start: Offset | null): Promise<bigint> {
    await this.prepare();
    return start === null ? this.initial! : offsetLsn(this.description, start, 'start offset');
  }

  /**
   * The slot's state, after checking it still holds everything after `from`:
   * a dropped slot, or one advanced past `from` by someone else, lost data —
   * an error naming slot and LSNs under failOnDataLoss, else a warning (and a
   * new slot, when createSlot is on) and the query goes on from what is left.
   */
  private async checkedState(from: bigint): Promise<SlotState> {
    let s = await this.slot.state();
    const name = this.opts.slotName;
    const where = `${this.opts.endpoint.host}:${this.opts.endpoint.port}`;
    if (!s.exists) {
      this.dataLoss(`replication slot '${name}' at ${where} no longer exists (dropped?), so the changes committed after LSN ${formatLsn(from)} that the checkpoint has not read are lost`,
        'the source creates a new slot and goes on from its position');
      if (!this.opts.createSlot) throw this.slot.slotMissing();
      await this.slot.createSlot();
      s = await this.slot.state();
      this.lossReportedTo = s.confirmed;
    }
    if (s.walStatus === 'lost') {
      throw new SpateError('CDC_SLOT_INVALIDATED',
        `Replication slot '${name}' at ${where} was invalidated by the server (wal_status = lost: the WAL it needed was removed, see max_slot_wal_keep_size); ` +
        `changes after LSN ${formatLsn(s.confirmed)} are gone. Drop the slot and start the query on a new checkpoint (and re-load the tables).`);
    }
    if (s.confirmed > from && s.confirmed > this.lossReportedTo) {
      this.dataLoss(`replication slot '${name}' at ${where} is at LSN ${formatLsn(s.confirmed)}, past LSN ${formatLsn(from)} where this query's checkpoint goes on ` +
        '(another consumer advanced it, or the slot was re-created), so the changes committed in between are lost',
        `the query goes on from LSN ${formatLsn(s.confirmed)}`);
      this.lossReportedTo = s.confirmed;
    }
    this.last = s;
    return s;
  }

  private dataLoss(what: string, goingOn: string): void {
    if (this.opts.failOnDataLoss) {
      throw new SpateError('DATA_LOSS',
        `postgres-cdc: ${what}. Set option failOnDataLoss to false to go on anyway (${goingOn}), or start a new checkpoint.`);
    }
    // What an earlier peek holds no longer matches the slot.
    this.window = undefined;
    if (this.warned.has(what)) return;
    this.warned.add(what);
    sourceWarning(`postgres-cdc: ${what}; failOnDataLoss is false, so ${goingOn}.`);
  }

  defaultReadLimit(): ReadLimit {
    return this.opts.maxChangesPerTrigger === undefined ? { kind: 'all' } : { kind: 'maxRows', rows: this.opts.maxChangesPerTrigger };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    await this.prepare();
    this.frozenEnd = (await this.slot.state()).current;
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const from = await this.fromLsn(start);
    const s = await this.checkedState(from);
    const upto = this.frozenEnd ?? s.current;
    if (this.idle !== undefined && this.idle.current === s.current && this.idle.from === from) return start;
    const maxChanges = limit.kind === 'maxRows' ? limit.rows : undefined;
    // What an earlier peek fetched may already hold this batch: a full one, or all there was when nothing is new since.
    const w = this.window;
    if (w !== undefined && w.from <= from) {
      const r = pickEnd(w.commits, from, upto, maxChanges);
      if (r.full || (!w.truncated && w.upto === upto)) return this.answer(start, from, s, r.last);
    }
    // A bound on the messages the server decodes for this look (a few batches, so later batches are served from them);
    // a transaction is at least begin, one change and commit.
    let cap = maxChanges === undefined ? null : Math.max(256, maxChanges * 4);
    for (;;) {
      const messages = await this.slot.peekChanges(upto, cap);
      const truncated = cap !== null && messages.length >= cap;
      const commits = scanCommits(messages);
      const r = pickEnd(commits, from, upto, maxChanges);
      if (r.full || !truncated || cap === null) {
        this.window = { from, upto, truncated, messages, commits };
        return this.answer(start, from, s, r.last);
      }
      cap *= 4;
    }
  }

  private answer(start: Offset | null, from: bigint, s: SlotState, last: bigint | undefined): Offset | null {
    if (last === undefined) {
      this.idle = { current: s.current, from };
      return start;
    }
    this.idle = undefined;
    return cdcOffset(last);
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const from = await this.fromLsn(start);
    const to = offsetLsn(this.description, end, 'end offset');
    if (to <= from) return [];
    await this.checkedState(from);
    // The peeked window serves the range when it starts at or before `from` and holds the commit ending at `to`.
    const w = this.window;
    const messages = w !== undefined && w.from <= from && w.commits.some((c) => c.endLsn === to) ? w.messages : await this.slot.peekChanges(to);
    const r = this.decoder.decode(messages, from, to);
    this.unchangedToast += r.unchangedToast;
    if (r.lastEnd !== to) {
      this.dataLoss(`replication slot '${this.opts.slotName}' no longer holds the transaction committed at LSN ${formatLsn(to)} that batch (${formatLsn(from)}, ${formatLsn(to)}] ends with ` +
        `(it reads up to ${r.lastEnd === undefined ? 'nothing' : formatLsn(r.lastEnd)})`, 'the batch holds what the slot still has');
    }
    return r.batch === null ? [] : [r.batch];
  }

  async commit(end: Offset): Promise<void> {
    const to = offsetLsn(this.description, end, 'end offset');
    await this.prepare();
    this.prune(to);
    try {
      const confirmed = await this.slot.advance(to, this.last?.confirmed ?? 0n);
      if (this.last !== undefined && confirmed > this.last.confirmed) this.last = { ...this.last, confirmed };
    } catch (e) {
      // A dropped slot is reported by the next read (failOnDataLoss decides); the batch itself is committed.
      if (e instanceof SpateError && /does not exist/.test(e.message)) return;
      throw e;
    }
  }

  /** Drops the window's messages of transactions up to `to` (read and committed); their Relation messages were decoded already. */
  private prune(to: bigint): void {
    const w = this.window;
    if (w === undefined || to <= w.from) return;
    let cut = 0;
    let seen = 0;
    for (let i = 0; i < w.messages.length; i++) {
      if (w.messages[i]![0] !== 0x43) continue;
      if (w.commits[seen++]!.endLsn > to) break;
      cut = i + 1;
    }
    const commits = w.commits.filter((c) => c.endLsn > to);
    this.window = { ...w, from: to, messages: w.messages.slice(cut), commits };
  }

  /** The server's current WAL position (where the next change will be written). */
  reportLatestOffset(): Offset | null {
    return this.last === undefined ? null : cdcOffset(this.last.current);
  }

  /**
   * lagBytes: WAL bytes between the batch's end and the server's current
   * position; retainedWalBytes: WAL the slot keeps on the server's disk;
   * confirmedLsn: the slot's confirmed position; unchangedToastValues:
   * TOASTed values an UPDATE left out of the WAL (null in the rows) so far.
   */
  metrics(end: Offset | null): Readonly<Record<string, string>> {
    const s = this.last;
    if (s === undefined) return {};
    const endLsn = end === null ? this.initial ?? s.confirmed : offsetLsn(this.description, end);
    return {
      lagBytes: lsnDistance(endLsn, s.current),
      retainedWalBytes: lsnDistance(s.restart, s.current),
      confirmedLsn: formatLsn(s.confirmed),
      currentWalLsn: formatLsn(s.current),
      unchangedToastValues: String(this.unchangedToast),
    };
  }

  async stop(): Promise<void> {
    await this.client.close();
  }
}

/** The schema: the change columns, then the user's columns, or (without .schema(...)) the captured tables' columns from the catalog. */
function sourceSchema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
  const o = cdcOptions(options);
  if (userSchema !== undefined) return cdcSchema(userSchema, o.includeBefore);
  const columns = probeColumns(o);
  const clash = columns.fields.find((f) => isMetaColumn(f.name) || f.name.toLowerCase() === BEFORE_COLUMN);
  if (clash !== undefined) {
    throw new SpateError('INVALID_SCHEMA',
      `A captured table has a column '${clash.name}', the name of one of the postgres-cdc change columns (op, table, lsn, commitTime, before). ` +
      `Give the columns with readStream.schema(...) leaving '${clash.name}' out, or capture a view-free copy with the column renamed.`);
  }
  return cdcSchema(columns, o.includeBefore);
}

/** `format('postgres-cdc')`: PostgreSQL change data capture through a logical replication slot (pgoutput). */
export const POSTGRES_CDC_SOURCE: SourceProvider = {
  format: 'postgres-cdc',
  streaming: true,
  schema: (options, userSchema) => sourceSchema(options, userSchema),
  create: (ctx) => new PostgresCdcSource(ctx),
};
