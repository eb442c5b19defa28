import type { RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { connectStream, explainRabbitError, rabbitEndpoint, type RabbitConnectionOptions } from '../clients/rabbitmq.js';
import { encodeMessage } from '../clients/rabbitmq-message.js';
import { StreamConnection, isRetryableStreamError, STREAM_CODES } from '../clients/rabbitmq-stream.js';
import { withRetry, type Endpoint } from '../clients/retry.js';
import { rowBodies, rowProps, type RabbitSinkColumns } from './rabbitmq-sink-options.js';
import type { OutputMode } from '../core/output-mode.js';
import type { SinkQueryInfo, StreamSink } from './sink.js';

/** Publishing ids are batchId * 2^32 + row + 1: increasing across batches and rows, as the broker's deduplication needs. */
const ROWS_PER_BATCH = 2n ** 32n;

/** The publishing id of row `row` (0-based) of batch `batchId`. */
export function publishingId(batchId: number, row: number): bigint {
  return BigInt(batchId) * ROWS_PER_BATCH + BigInt(row + 1);
}

const PUBLISHER_ID = 0;

interface Live {
  readonly conn: StreamConnection;
  /** The last publishing id the broker stored for the producer name. */
  last: bigint;
  waiter: { lo: bigint; hi: bigint; left: number; done: () => void; fail: (e: Error) => void } | undefined;
}

/**
 * `writeStream.format('rabbitmq').option('stream', ...)`: each row becomes a
 * message of the stream, published by a named producer (option
 * producerName, default `spate-<query id>`) with publishing id = batch id *
 * 2^32 + row + 1. The broker keeps the last publishing id per producer name
 * and stream and drops (while confirming) any message whose id is not
 * above it, so a batch the engine hands over again after a crash — whether
 * none, part or all of it reached the stream — ends up in the stream once:
 * exactly-once, for queries whose batch output is the same when re-run (as
 * Spark's idempotent sinks assume). Before publishing, the sink reads that
 * last id and sends only the rows after it.
 */
export class RabbitStreamSink implements StreamSink {
  readonly description: string;
  private readonly endpoint: Endpoint;
  private live: Live | undefined;
  private producer: string | null;

  constructor(private readonly stream: string, producerName: string | undefined, private readonly conn: RabbitConnectionOptions, private readonly cols: RabbitSinkColumns, private readonly timeZone = 'UTC') {
    this.endpoint = rabbitEndpoint(conn);
    this.producer = producerName ?? null;
    this.description = `RabbitMQStreamSink[${stream} at ${conn.host}:${conn.port}]`;
  }

  async open(query: SinkQueryInfo): Promise<void> {
    this.producer ??= `spate-${query.id}`;
  }

  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    await this.write(batchId, data);
  }

  /** Publishes the batch's rows not yet stored for this producer and waits for every confirm. */
  async write(batchId: number, data: RecordBatch): Promise<void> {
    const n = data.numRows;
    if (n === 0) return;
    if (BigInt(n) >= ROWS_PER_BATCH) throw new SpateError('BATCH_TOO_LARGE', `${this.description}: batch ${batchId} has ${n} rows; at most 2^32 - 1 fit one batch's publishing ids.`);
    const what = `writing batch ${batchId} (${n} rows) to stream '${this.stream}'`;
    await withRetry(this.endpoint, what, async () => {
      const live = await this.publisher();
      try {
        await this.send(live, batchId, data);
      } catch (e) {
        if (this.live === live && isRetryableStreamError(e)) { this.live = undefined; live.conn.destroy(); }
        throw e;
      }
    }, {
      policy: this.conn.retry, options: this.conn.raw, retryable: isRetryableStreamError, code: 'RABBITMQ_UNAVAILABLE',
      hint: `Check that RabbitMQ is running with the rabbitmq_stream plugin and reachable at ${this.endpoint.host}:${this.endpoint.port}; restart the query from its checkpoint once it is back: the batch is written again and the broker drops the rows it already has.`,
    }).catch((e: unknown) => { throw explainRabbitError(e); });
  }

  private async send(live: Live, batchId: number, data: RecordBatch): Promise<void> {
    const n = data.numRows;
    // Without a producer name (df.write without producerName) ids only need to increase on this connection.
    const base = this.producer === null ? live.last : BigInt(batchId) * ROWS_PER_BATCH;
    const lastId = base + BigInt(n);
    if (this.producer !== null && live.last >= lastId) return; // every row is in the stream already
    const skip = this.producer !== null && live.last > base ? Number(live.last - base) : 0;
    const ids: bigint[] = new Array<bigint>(n);
    const msgs: Uint8Array[] = new Array<Uint8Array>(n);
    const body = rowBodies(data, this.cols, this.timeZone);
    for (let i = skip; i < n; i++) {
      ids[i] = base + BigInt(i + 1);
      msgs[i] = encodeMessage(body(i), rowProps(data, this.cols, i));
    }
    const confirmed = new Promise<void>((done, fail) => {
      live.waiter = { lo: base + BigInt(skip + 1), hi: lastId, left: n - skip, done, fail };
    });
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, rej) => {
      // Bounded: the request timeout plus 1 ms per 100 rows for large batches.
      const ms = this.conn.requestTimeoutMs + Math.ceil((n - skip) / 100);
      timer = setTimeout(() => rej(new Error(`the broker confirmed only part of the batch within ${ms} ms`)), ms);
    });
    // Either may settle after an early exit; neither may become an unhandled rejection.
    confirmed.catch(() => undefined);
    stalled.catch(() => undefined);
    try {
      await live.conn.publish(PUBLISHER_ID, ids, msgs, skip, n);
      await Promise.race([confirmed, stalled]);
    } finally {
      clearTimeout(timer);
      live.waiter = undefined;
    }
    live.last = lastId;
  }

  private async publisher(): Promise<Live> {
    if (this.live?.conn.isOpen) return this.live;
    const conn = await connectStream(this.conn, { stream: this.stream, leader: true }, `spate ${this.description}`);
    try {
      const live: Live = { conn, last: 0n, waiter: undefined };
      conn.onClose((e) => live.waiter?.fail(e));
      await conn.declarePublisher(PUBLISHER_ID, this.stream, this.producer, {
        confirmed: (ids) => {
          const w = live.waiter;
          if (!w) return;
          for (const id of ids) if (id >= w.lo && id <= w.hi) w.left--;
          if (w.left <= 0) w.done();
        },
        failed: (id, code) => {
          const w = live.waiter;
          if (w && id >= w.lo && id <= w.hi) {
            w.fail(new SpateError('RABBITMQ_PUBLISH_FAILED', `${this.description}: the broker refused message ${id} (${STREAM_CODES[code] ?? code}).`));
          }
        },
      });
      if (this.producer !== null) live.last = await conn.queryPublisherSequence(this.producer, this.stream);
      this.live = live;
      return live;
    } catch (e) {
      conn.destroy();
      throw e;
    }
  }

  async stop(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    if (!live) return;
    try { await live.conn.deletePublisher(PUBLISHER_ID); } catch { /* closing anyway */ }
    await live.conn.close();
  }
}
