import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchToRows, type RecordBatch } from '../core/batch.js';
import { toExternal } from '../core/row.js';
import type { DataFrame } from '../api/dataframe.js';
import type { OutputMode } from '../core/output-mode.js';
import { MemorySink } from '../sinks/index.js';
import { ManualClock } from '../stream/clock.js';
import type { StreamingQuery } from '../stream/streaming-query.js';
import { DEFAULT_TRIGGER, parseTrigger, type TriggerSpec } from '../stream/trigger.js';
import type { MemoryStream } from './memory-stream.js';
import { failureReport, rowsEqualAsMultiset, sameRows, type Row } from './report.js';

/** One step of a stream test (Spark's StreamTest actions). */
export type StreamAction =
  | { readonly kind: 'addData'; readonly stream: MemoryStream; readonly rows: readonly unknown[] }
  | { readonly kind: 'check'; readonly which: 'all' | 'new' | 'last'; readonly rows: readonly Row[]; readonly ordered: boolean }
  | { readonly kind: 'stopStream' }
  | { readonly kind: 'startStream'; readonly trigger?: TriggerSpec; readonly clock?: ManualClock }
  | { readonly kind: 'advanceManualClock'; readonly ms: number }
  | { readonly kind: 'expectFailure'; readonly check?: (e: Error) => void | boolean }
  | { readonly kind: 'assertOnQuery'; readonly fn: (q: StreamingQuery) => unknown; readonly message: string };

/** Adds rows (arrays in column order, bare values for one column, or objects) to a MemoryStream as one batch. */
export const addData = (stream: MemoryStream, ...rows: unknown[]): StreamAction => ({ kind: 'addData', stream, rows });
/** Processes what was added, then checks every row the sink holds (the whole table in complete mode) equals `rows`, in any order. */
export const checkAnswer = (...rows: Row[]): StreamAction => ({ kind: 'check', which: 'all', rows, ordered: false });
/** Like checkAnswer, but only the rows added to the sink since the previous check. */
export const checkNewAnswer = (...rows: Row[]): StreamAction => ({ kind: 'check', which: 'new', rows, ordered: false });
/** Like checkAnswer, but only the rows of the last batch. */
export const checkLastBatch = (...rows: Row[]): StreamAction => ({ kind: 'check', which: 'last', rows, ordered: false });
/** checkAnswer that also requires the order (for sorted complete-mode output). */
export const checkAnswerInOrder = (...rows: Row[]): StreamAction => ({ kind: 'check', which: 'all', rows, ordered: true });
/** Stops the query (the checkpoint stays). */
export const stopStream = (): StreamAction => ({ kind: 'stopStream' });
/** Starts the query again on the same checkpoint (optionally with another trigger or clock). */
export const startStream = (opts: { trigger?: TriggerSpec; clock?: ManualClock } = {}): StreamAction => ({ kind: 'startStream', ...opts });
/** Moves the manual clock forward and lets the query run what became due. */
export const advanceManualClock = (ms: number): StreamAction => ({ kind: 'advanceManualClock', ms });
/** The query must fail; `check` may inspect the error (throw or return false to reject it). */
export const expectFailure = (check?: (e: Error) => void | boolean): StreamAction => (check ? { kind: 'expectFailure', check } : { kind: 'expectFailure' });
/** Runs `fn` on the running query at once (without waiting for data); a falsy result or a throw fails the test with `message`. */
export const assertOnQuery = (fn: (q: StreamingQuery) => unknown, message = 'assertOnQuery'): StreamAction => ({ kind: 'assertOnQuery', fn, message });

export interface TestStreamOptions {
  readonly checkpointLocation?: string;
  readonly trigger?: TriggerSpec;
  /** The clock the query runs by (a ManualClock at 0 unless given). */
  readonly clock?: ManualClock;
  /** How long a check waits for the query to process added data (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * Runs a streaming DataFrame through `actions` against a memory sink (Spark's
 * testStream). The query starts at the beginning and restarts on the same
 * checkpoint at each startStream(); the sink survives restarts, as in Spark.
 * A failed step throws an Error whose message lists every action with `=>`
 * at the failing one, the sources' offsets and the sink's contents.
 */
export async function testStream(df: DataFrame, outputMode: OutputMode, actions: readonly StreamAction[], options: TestStreamOptions = {}): Promise<void> {
  const checkpoint = options.checkpointLocation ?? mkdtempSync(join(tmpdir(), 'spate-stream-test-'));
  const sink = new MemorySink({ schema: df.schema });
  let clock = options.clock ?? new ManualClock(0);
  let trigger = options.trigger;
  let query: StreamingQuery | undefined;
  let lastChecked = -1;
  const streams = new Set<MemoryStream>();
  /** Waits until the query committed everything added to each stream so far (Spark's awaitOffset), within the timeout. */
  const awaitAdded = async (q: StreamingQuery): Promise<void> => {
    for (const s of streams) {
      if (s.currentOffset < 0) continue;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(
          `timed out after ${timeoutMs} ms waiting for the query to process offset ${s.currentOffset} of ${s.source.description}` +
          (trigger && 'processingTime' in trigger ? '; with a processingTime trigger, advance the clock (advanceManualClock) so the next batch runs' : ''))), timeoutMs);
      });
      try {
        await Promise.race([q.awaitOffset(s.source, s.currentOffset), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  /**
   * With a free-running trigger, also lets the query go idle (Spark's processAllAvailable), so the
   * no-data batch a moved watermark calls for has run before a check. A processingTime trigger on
   * the manual clock runs only when the test advances the clock, so there is nothing to wait for.
   */
  const settle = async (q: StreamingQuery): Promise<void> => {
    const t = trigger ? parseTrigger(trigger) : DEFAULT_TRIGGER;
    if (t.kind !== 'processingTime' || t.intervalMs > 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for the query to go idle`)), timeoutMs);
    });
    try {
      await Promise.race([q.processAllAvailable(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const start = (): void => {
    let w = df.writeStream.outputMode(outputMode).option('checkpointLocation', checkpoint).withSink(sink).withClock(clock);
    if (trigger) w = w.trigger(trigger);
    query = w.start();
  };
  const rowsOf = (b: RecordBatch): Row[] => batchToRows(b).map((r) => r.map((v, i) => toExternal(b.schema.fields[i]!.dataType, v)));

  start();
  for (let step = 0; step < actions.length; step++) {
    const a = actions[step]!;
    try {
      switch (a.kind) {
        case 'addData':
          streams.add(a.stream);
          a.stream.addData(...a.rows);
          break;
        case 'check': {
          if (!query) throw new Error('the query is not running; add startStream() before checking');
          await awaitAdded(query);
          await settle(query);
          const got = a.which === 'all' ? sink.allRows() : a.which === 'last' ? sink.latestBatchRows() : sink.rowsSinceBatch(lastChecked);
          lastChecked = sink.latestBatchId ?? -1;
          const actual = rowsOf(got);
          const ok = a.ordered ? sameRows(actual, a.rows) : rowsEqualAsMultiset(actual, a.rows);
          if (!ok) throw new Error(`expected ${JSON.stringify(a.rows)}\n  but the sink has ${JSON.stringify(actual)}`);
          break;
        }
        case 'stopStream':
          if (query) await query.stop();
          if (query?.exception()) throw query.exception()!;
          query = undefined;
          break;
        case 'startStream':
          if (query?.isActive) throw new Error('startStream(): the query is already running; stopStream() first');
          if (a.clock) clock = a.clock;
          if (a.trigger) trigger = a.trigger;
          start();
          break;
        case 'advanceManualClock':
          clock.advance(a.ms);
          break;
        case 'expectFailure': {
          if (!query) throw new Error('expectFailure(): no query is running');
          // Only the query's own failure counts: a harness timeout on a healthy query is not one (Spark's
          // ExpectFailure waits for the query to terminate and checks its exception).
          const ended = await query.awaitTermination(timeoutMs).catch(() => true);
          const failed: Error | null = query.exception();
          if (!failed) {
            throw new Error(ended
              ? 'expected the query to fail, but it stopped without an error'
              : `expected the query to fail, but it was still running after ${timeoutMs} ms`);
          }
          if (a.check && a.check(failed) === false) throw new Error(`the query failed, but not as expected: ${failed.message}`);
          query = undefined;
          break;
        }
        case 'assertOnQuery': {
          if (!query) throw new Error(`${a.message}: no query is running`);
          if (!(await a.fn(query))) throw new Error(a.message);
          break;
        }
      }
    } catch (e) {
      if (query?.isActive) await query.stop();
      throw new Error(failureReport(actions, step, e, [...streams], sink, query), { cause: e });
    }
  }
  if (query?.isActive) await query.stop();
  if (query?.exception()) throw new Error(failureReport(actions, actions.length, query.exception(), [...streams], sink, query));
}
