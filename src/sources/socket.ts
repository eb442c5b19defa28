import { createConnection, type Socket } from 'node:net';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { StringType, StructField, StructType, TimestampType } from '../core/types.js';
import { boolOption, checkFixedSchema, intOption, longOffset, sourceOptions, sourceWarning } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** The socket source's columns: `value`. */
export const SOCKET_SCHEMA = StructType([StructField('value', StringType)]);
/** The socket source's columns with includeTimestamp: `value` and the line's arrival `timestamp`. */
export const SOCKET_SCHEMA_WITH_TIMESTAMP = StructType([StructField('value', StringType), StructField('timestamp', TimestampType)]);

/** Reads and checks the socket source's options (host, port required; includeTimestamp). */
export function parseSocketOptions(options: Readonly<Record<string, string>>): { host: string; port: number; includeTimestamp: boolean } {
  const o = sourceOptions(options);
  const host = o.get('host');
  if (host === undefined || host.trim() === '') {
    throw new SpateError('MISSING_OPTION', "Set a host to read from with option(\"host\", ...) (socket source), e.g. .option('host', 'localhost').");
  }
  if (!o.has('port')) {
    throw new SpateError('MISSING_OPTION', "Set a port to read from with option(\"port\", ...) (socket source), e.g. .option('port', 9999).");
  }
  const port = intOption(o, 'socket', 'port', undefined, 0, 'an integer port number from 0 to 65535')!;
  if (port > 65535) throw new SpateError('INVALID_OPTION', `Option 'port' must be an integer port number from 0 to 65535, got "${o.get('port')}" (socket source).`);
  return { host: host.trim(), port, includeTimestamp: boolOption(o, 'socket', 'includeTimestamp', false) };
}

/**
 * Spark's `socket` source (TextSocketMicroBatchStream): connects as a client
 * to `host`:`port` and turns each line received (\n, \r\n or \r) into a row;
 * with `includeTimestamp` each row also gets the query clock's time when the
 * line arrived. The offset is the number of lines received.
 *
 * NOT replayable, as in Spark: lines live only in this process's memory, are
 * dropped once committed, and after a restart everything received before it
 * is gone. A batch that must be re-run after a restart reads nothing (with a
 * warning), and the line count continues from the checkpoint's offset. Use
 * it for demos, never for production.
 */
export class SocketSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  readonly host: string;
  readonly port: number;
  private readonly includeTimestamp: boolean;
  private readonly socket: Socket;
  private readonly connected: Promise<void>;
  private connectError: Error | undefined;
  /** Received lines not yet committed; `lines[i]` ends at offset `base + dropped + i + 1`. */
  private lines: string[] = [];
  private times: number[] = [];
  private dropped = 0;
  /** The offset this run's first line follows (the checkpoint's offset on a restart); set on first use. */
  private base: number | undefined;
  private partial = '';
  private stopped = false;

  constructor(private readonly ctx: SourceContext) {
    const { host, port, includeTimestamp } = parseSocketOptions(ctx.options);
    this.host = host;
    this.port = port;
    this.includeTimestamp = includeTimestamp;
    this.schema = this.includeTimestamp ? SOCKET_SCHEMA_WITH_TIMESTAMP : SOCKET_SCHEMA;
    checkFixedSchema('socket', this.schema, ctx.schema);
    this.description = `TextSocketV2[host: ${this.host}, port: ${this.port}]`;
    sourceWarning('The socket source should not be used for production applications! It does not support recovery: ' +
      `lines received from ${this.host}:${this.port} before a restart are lost.`);

    this.socket = createConnection({ host: this.host, port: this.port });
    this.socket.setEncoding('utf8');
    this.connected = new Promise<void>((resolve) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', (e) => { this.connectError ??= e; resolve(); });
    });
    this.socket.on('data', (chunk: string) => this.receive(chunk));
    this.socket.on('end', () => this.flushPartial());
    this.socket.on('error', () => { /* After connecting, a broken connection just ends the input, as in Spark. */ });
  }

  /** Lines received in this run and not yet committed (for tests and status). */
  get bufferedLines(): number {
    return this.lines.length;
  }

  async latestOffset(start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    await this.ensureConnected();
    this.base ??= start === null ? 0 : longOffset(this.description, start);
    const total = this.base + this.dropped + this.lines.length;
    if (total === 0) return null;
    if (start !== null && total <= longOffset(this.description, start)) return start;
    return total;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const s = start === null ? 0 : longOffset(this.description, start, 'start offset');
    const e = longOffset(this.description, end, 'end offset');
    if (this.base === undefined) {
      // A batch planned before a restart: its lines were in the old process's memory.
      this.base = e;
      if (e > s) sourceWarning(`${this.description}: lines ${s + 1} to ${e} were received before the restart and are lost; the batch that read them is re-run empty.`);
      return [];
    }
    const first = this.base + this.dropped;
    const have = first + this.lines.length;
    if (e > have) {
      throw new SpateError('OFFSET_OUT_OF_RANGE', `${this.description}: asked for lines up to ${e}, but only ${have} were received.`);
    }
    if (s < first) sourceWarning(`${this.description}: lines ${s + 1} to ${first} are no longer held (committed or received before a restart); they are skipped.`);
    const from = Math.max(s, first) - first;
    const to = e - first;
    if (to <= from) return [];
    const n = to - from;
    const value = { type: StringType, length: n, values: this.lines.slice(from, to), validity: null };
    if (!this.includeTimestamp) return [makeBatch(this.schema, [value], n)];
    const ts = new Float64Array(n);
    for (let i = 0; i < n; i++) ts[i] = this.times[from + i]! * 1000;
    return [makeBatch(this.schema, [value, { type: TimestampType, length: n, values: ts, validity: null }], n)];
  }

  async commit(end: Offset): Promise<void> {
    if (this.base === undefined) return;
    const k = Math.min(longOffset(this.description, end, 'committed offset') - this.base - this.dropped, this.lines.length);
    if (k <= 0) return;
    this.lines.splice(0, k);
    this.times.splice(0, k);
    this.dropped += k;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.socket.destroy();
  }

  private async ensureConnected(): Promise<void> {
    await this.connected;
    if (this.connectError !== undefined) {
      throw new SpateError('SOCKET_CONNECT_FAILED',
        `The socket source could not connect to ${this.host}:${this.port}: ${this.connectError.message}. Start the server first (e.g. 'nc -lk ${this.port}') or fix options 'host' and 'port'.`,
        { cause: this.connectError });
    }
  }

  private receive(chunk: string): void {
    if (this.stopped) return;
    let text = this.partial + chunk;
    // A trailing \r may be the first half of \r\n: wait for the next chunk to decide.
    let hold = '';
    if (text.endsWith('\r')) { hold = '\r'; text = text.slice(0, -1); }
    const parts = text.split(/\r\n|\r|\n/);
    this.partial = parts.pop()! + hold;
    const now = this.ctx.now();
    for (const line of parts) {
      this.lines.push(line);
      this.times.push(now);
    }
  }

  private flushPartial(): void {
    // At end of input a last line without a newline still counts, as BufferedReader.readLine returns it.
    const endedByCr = this.partial.endsWith('\r');
    const rest = endedByCr ? this.partial.slice(0, -1) : this.partial;
    this.partial = '';
    if (this.stopped) return;
    if (rest !== '' || endedByCr) {
      this.lines.push(rest);
      this.times.push(this.ctx.now());
    }
  }
}
