/**
 * Nexmark q1 (currency conversion), q2 (selection), q5 (hot items over
 * sliding windows) and q7 (highest bid per tumbling window) over one
 * generated event stream (persons, auctions, bids; see data/nexmark.ts).
 * Events/s counts every event of the stream, as Nexmark reports it.
 *
 * spate runs q1, q2 and q7 each as one streaming query; q5 needs the count
 * per (window, auction) and then the auctions with the window's maximum —
 * an aggregate joined with an aggregate of itself, which needs a
 * stream-stream join — so spate runs the windowed count as a streaming
 * query (append mode: each window is emitted once, complete) and finds the
 * maxima of each emitted batch with a batch query in foreachBatch.
 */
import { BIGINT, INTEGER } from '@duckdb/node-api';
import { functions as F, type DataFrame } from '../../src/index.js';
import type { Harness, Outcome, Workload, WorkloadInfo } from '../lib/harness.js';
import { BID, makeNexmark, T0_US, type NexmarkData } from '../data/nexmark.js';
import { batches, schema, sizeLabel, spark } from '../lib/spate-env.js';
import { runStream } from '../lib/spate-stream.js';
import { DUCK_THREADS, duck, loadTable, rows, setThreads } from '../peers/duck.js';
import { polars } from '../peers/polars.js';

const EVENTS = schema('event_type INT, auction LONG, bidder LONG, price LONG, date_time TIMESTAMP');
const HOP_US = 2_000_000;
const HOP_SIZE_US = 10_000_000;
const TUMBLE_US = 10_000_000;
const W_BASE = Math.floor(T0_US / HOP_US) - 10;

const q1Digest = (rows: number, priceSum: number): string => `${rows}r/${priceSum.toPrecision(10)}`;
const q2Digest = (rows: number, priceSum: number, auctionSum: number): string => `${rows}r/${priceSum}/${auctionSum}`;
/** q5: per window (start µs) the max count and the auctions that reach it. */
function q5Digest(hot: Iterable<readonly [number, number, number]>): string {
  const windows = new Map<number, number>();
  let rowsN = 0;
  let auctions = 0;
  for (const [ws, auction, n] of hot) {
    windows.set(ws, n);
    rowsN++;
    auctions += auction;
  }
  let sumMax = 0;
  for (const n of windows.values()) sumMax += n;
  return `${windows.size}w/${sumMax}/${rowsN}r/${auctions}`;
}
/** q7: per window (index), the highest price. */
function q7Digest(maxima: Iterable<readonly [number, number]>): string {
  const windows = new Map<number, number>();
  for (const [w, p] of maxima) windows.set(w, p);
  let sum = 0;
  for (const p of windows.values()) sum += p;
  return `${windows.size}w/${sum}`;
}

const bids = (df: DataFrame): DataFrame => df.filter(F.col('event_type').eq(BID));

interface Query {
  readonly name: string;
  readonly spateNote: string;
  readonly spate: (input: ReturnType<typeof batches>) => Promise<Outcome>;
  /** A second spate formulation, run when the engine accepts it (see q5). */
  readonly spateOneQuery?: { readonly note: string; readonly run: (input: ReturnType<typeof batches>) => Promise<Outcome> };
  readonly hand: (d: NexmarkData) => Outcome;
  /** DuckDB: the timed statement, then the digest query (untimed). */
  readonly duck: { readonly run: string; readonly check: (con: Awaited<ReturnType<typeof duck>>) => Promise<string> };
  readonly polars: (pl: NonNullable<Awaited<ReturnType<typeof polars>>['pl']>, df: unknown) => Outcome;
}

async function sumOf(table: string, exprs: string): Promise<number[]> {
  const r = await spark.table(table).agg(...exprs.split(',').map((e) => F.expr(e))).collectArrays();
  return r[0]!.map((x) => Number(x));
}

const q1: Query = {
  name: 'nexmark q1',
  spateNote: 'one streaming query: filter bids, select price * 0.908; append mode, memory sink',
  spate: async (input) => {
    const r = await runStream(EVENTS, input, (df) => bids(df).select(F.col('auction'), F.col('bidder'), F.col('price').multiply(F.lit(0.908)).alias('price'), F.col('date_time')), { mode: 'append', format: 'memory' });
    return { batchMs: r.batchMs, check: async () => { const [n, s] = await sumOf(r.table!, 'count(1),sum(price)'); return q1Digest(n!, s!); } };
  },
  hand: (d) => {
    const out = { auction: new Float64Array(d.n), bidder: new Float64Array(d.n), price: new Float64Array(d.n), dateTime: new Float64Array(d.n) };
    let k = 0;
    for (let i = 0; i < d.n; i++) {
      if (d.eventType[i] === BID) {
        out.auction[k] = d.auction[i]!; out.bidder[k] = d.bidder[i]!; out.price[k] = d.price[i]! * 0.908; out.dateTime[k] = d.dateTime[i]!;
        k++;
      }
    }
    return { check: () => { let s = 0; for (let i = 0; i < k; i++) s += out.price[i]!; return q1Digest(k, s); } };
  },
  duck: {
    run: 'CREATE OR REPLACE TEMP TABLE nx_q1 AS SELECT auction, bidder, 0.908::DOUBLE * price AS price, date_time FROM nx_events WHERE event_type = 2',
    check: async (con) => { const [r] = await rows(con, 'SELECT count(*), sum(price) FROM nx_q1'); return q1Digest(r![0] as number, r![1] as number); },
  },
  polars: (pl, df) => {
    const r = (df as ReturnType<typeof pl.DataFrame>).filter(pl.col('event_type').eq(BID))
      .select(pl.col('auction'), pl.col('bidder'), pl.col('price').mul(0.908).alias('price'), pl.col('date_time'));
    return { check: () => q1Digest(r.height, Number(r.getColumn('price').sum())) };
  },
};

const q2: Query = {
  name: 'nexmark q2',
  spateNote: 'one streaming query: filter bids with auction % 123 = 0, select auction, price; append mode, memory sink',
  spate: async (input) => {
    const r = await runStream(EVENTS, input, (df) => bids(df).filter(F.col('auction').mod(123).eq(0)).select('auction', 'price'), { mode: 'append', format: 'memory' });
    return { batchMs: r.batchMs, check: async () => { const [n, p, a] = await sumOf(r.table!, 'count(1),sum(price),sum(auction)'); return q2Digest(n!, p!, a!); } };
  },
  hand: (d) => {
    const auction = new Float64Array(d.n);
    const price = new Float64Array(d.n);
    let k = 0;
    for (let i = 0; i < d.n; i++) {
      if (d.eventType[i] === BID && d.auction[i]! % 123 === 0) { auction[k] = d.auction[i]!; price[k] = d.price[i]!; k++; }
    }
    return { check: () => { let p = 0; let a = 0; for (let i = 0; i < k; i++) { p += price[i]!; a += auction[i]!; } return q2Digest(k, p, a); } };
  },
  duck: {
    run: 'CREATE OR REPLACE TEMP TABLE nx_q2 AS SELECT auction, price FROM nx_events WHERE event_type = 2 AND auction % 123 = 0',
    check: async (con) => { const [r] = await rows(con, 'SELECT count(*), sum(price), sum(auction) FROM nx_q2'); return q2Digest(r![0] as number, r![1] as number, r![2] as number); },
  },
  polars: (pl, df) => {
    const r = (df as ReturnType<typeof pl.DataFrame>).filter(pl.col('event_type').eq(BID).and(pl.col('auction').modulo(123).eq(0))).select('auction', 'price');
    return { check: () => q2Digest(r.height, Number(r.getColumn('price').sum()), Number(r.getColumn('auction').sum())) };
  },
};

const q5: Query = {
  name: 'nexmark q5',
  spateOneQuery: {
    note: 'one streaming query, two chained aggregations in append mode: count per (window, auction), then per window max(count) and collect_list(struct(count, auction)), explode, keep the rows at the maximum',
    run: async (input) => {
      const r = await runStream(EVENTS, input, (df) => bids(df.withWatermark('date_time', '4 seconds'))
        .groupBy(F.window(F.col('date_time'), '10 seconds', '2 seconds'), F.col('auction')).count()
        .groupBy(F.col('window')).agg(F.max('count').alias('maxn'), F.collect_list(F.struct(F.col('count'), F.col('auction'))).alias('bids'))
        .select(F.col('window'), F.col('maxn'), F.explode(F.col('bids')).alias('b'))
        .filter(F.col('b.count').eq(F.col('maxn')))
        .select(F.col('window.start').alias('ws'), F.col('b.auction').alias('auction'), F.col('maxn')), { mode: 'append', format: 'memory' });
      return {
        batchMs: r.batchMs,
        check: async () => q5Digest((await spark.table(r.table!).collectArrays()).map((x) => [(x[0] as Date).getTime() * 1000, Number(x[1]), Number(x[2])] as const)),
      };
    },
  },
  spateNote: 'two steps: a streaming query counts bids per (10 s window sliding every 2 s, auction) in append mode; foreachBatch runs a batch query over each emitted batch for the windows\' maximum and the auctions reaching it (the way without chained stateful operators).',
  spate: async (input) => {
    const hot: [number, number, number][] = [];
    const r = await runStream(EVENTS, input, (df) => bids(df.withWatermark('date_time', '4 seconds'))
      .groupBy(F.window(F.col('date_time'), '10 seconds', '2 seconds'), F.col('auction')).count(), {
      mode: 'append', format: 'foreachBatch',
      foreachBatch: async (out) => {
        const c = out.select(F.col('window.start').alias('ws'), F.col('auction'), F.col('count'));
        const m = c.groupBy('ws').agg(F.max('count').alias('maxn'));
        const rowsOut = await c.join(m, 'ws').filter(F.col('count').geq(F.col('maxn'))).select('ws', 'auction', 'count').collectArrays();
        for (const x of rowsOut) hot.push([(x[0] as Date).getTime() * 1000, Number(x[1]), Number(x[2])]);
      },
    });
    return { batchMs: r.batchMs, check: () => q5Digest(hot) };
  },
  hand: (d) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < d.n; i++) {
      if (d.eventType[i] !== BID) continue;
      const w = Math.floor(d.dateTime[i]! / HOP_US) - W_BASE;
      const a = d.auction[i]!;
      for (let k = 0; k < HOP_SIZE_US / HOP_US; k++) {
        const key = (w - k) * 1_048_576 + (a - 1000);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const max = new Map<number, number>();
    for (const [key, n] of counts) { const w = Math.floor(key / 1_048_576); if (n > (max.get(w) ?? 0)) max.set(w, n); }
    const hot: [number, number, number][] = [];
    for (const [key, n] of counts) {
      const w = Math.floor(key / 1_048_576);
      if (n === max.get(w)) hot.push([(w + W_BASE) * HOP_US, key - w * 1_048_576 + 1000, n]);
    }
    return { check: () => q5Digest(hot) };
  },
  duck: {
    run: `CREATE OR REPLACE TEMP TABLE nx_q5 AS
      WITH hop AS (SELECT auction, (date_time // ${HOP_US} - k) * ${HOP_US} AS ws FROM nx_events, range(${HOP_SIZE_US / HOP_US}) r(k) WHERE event_type = 2),
      c AS (SELECT ws, auction, count(*) AS n FROM hop GROUP BY ws, auction),
      m AS (SELECT ws, max(n) AS maxn FROM c GROUP BY ws)
      SELECT c.ws, c.auction, c.n FROM c JOIN m ON c.ws = m.ws WHERE c.n >= m.maxn`,
    check: async (con) => q5Digest((await rows(con, 'SELECT ws, auction, n FROM nx_q5')) as [number, number, number][]),
  },
  polars: (pl, df) => {
    const ks = pl.DataFrame({ k: Float64Array.from({ length: HOP_SIZE_US / HOP_US }, (_, i) => i) });
    const c = (df as ReturnType<typeof pl.DataFrame>).filter(pl.col('event_type').eq(BID))
      .select(pl.col('auction'), pl.col('date_time').div(HOP_US).floor().alias('w0'))
      .join(ks, { how: 'cross' })
      .select(pl.col('auction'), pl.col('w0').sub(pl.col('k')).mul(HOP_US).alias('ws'))
      .groupBy(['ws', 'auction']).agg(pl.len().alias('n'));
    const m = c.groupBy('ws').agg(pl.col('n').max().alias('maxn'));
    const hot = c.join(m, { on: 'ws' }).filter(pl.col('n').gtEq(pl.col('maxn')));
    return {
      check: () => {
        const ws = hot.getColumn('ws').toArray() as number[];
        const a = hot.getColumn('auction').toArray() as number[];
        const n = hot.getColumn('n').toArray() as number[];
        return q5Digest(ws.map((x, i) => [x, a[i]!, Number(n[i])] as const));
      },
    };
  },
};

const q7: Query = {
  name: 'nexmark q7',
  spateNote: 'one streaming query: max(struct(price, auction, bidder)) per 10 s tumbling window, append mode (one highest bid per window; Nexmark lists every bid tied at the maximum, which needs a join of the stream with its own aggregate)',
  spate: async (input) => {
    const maxima: [number, number][] = [];
    const r = await runStream(EVENTS, input, (df) => bids(df.withWatermark('date_time', '4 seconds'))
      .groupBy(F.window(F.col('date_time'), '10 seconds')).agg(F.max(F.struct(F.col('price'), F.col('auction'), F.col('bidder'))).alias('top')), {
      mode: 'append', format: 'memory',
    });
    return {
      batchMs: r.batchMs,
      check: async () => {
        for (const x of await spark.table(r.table!).collectArrays()) {
          maxima.push([(x[0] as { start: Date }).start.getTime() * 1000 / TUMBLE_US, Number((x[1] as { price: number }).price)]);
        }
        return q7Digest(maxima);
      },
    };
  },
  hand: (d) => {
    const max = new Map<number, number>();
    for (let i = 0; i < d.n; i++) {
      if (d.eventType[i] !== BID) continue;
      const w = Math.floor(d.dateTime[i]! / TUMBLE_US);
      const p = d.price[i]!;
      if (p > (max.get(w) ?? -1)) max.set(w, p);
    }
    return { check: () => q7Digest(max) };
  },
  duck: {
    run: `CREATE OR REPLACE TEMP TABLE nx_q7 AS
      WITH b AS (SELECT auction, bidder, price, date_time, date_time // ${TUMBLE_US} AS w FROM nx_events WHERE event_type = 2),
      m AS (SELECT w, max(price) AS maxp FROM b GROUP BY w)
      SELECT b.w, b.auction, b.price, b.bidder, b.date_time FROM b JOIN m ON b.w = m.w AND b.price = m.maxp`,
    check: async (con) => q7Digest((await rows(con, 'SELECT w, price FROM nx_q7')) as [number, number][]),
  },
  polars: (pl, df) => {
    const b = (df as ReturnType<typeof pl.DataFrame>).filter(pl.col('event_type').eq(BID)).withColumns(pl.col('date_time').div(TUMBLE_US).floor().alias('w'));
    const m = b.groupBy('w').agg(pl.col('price').max().alias('maxp'));
    const top = b.join(m, { on: 'w' }).filter(pl.col('price').eq(pl.col('maxp')));
    return {
      check: () => {
        const w = top.getColumn('w').toArray() as number[];
        const p = top.getColumn('price').toArray() as number[];
        return q7Digest(w.map((x, i) => [x, p[i]!] as const));
      },
    };
  },
};

export const nexmark: Workload = {
  name: 'nexmark',
  async run(h: Harness, quick: boolean): Promise<WorkloadInfo[]> {
    const n = quick ? 200_000 : 5_000_000;
    const size = quick ? 50_000 : 1_000_000;
    const warmN = Math.min(n, 100_000);
    process.stderr.write(`nexmark: generating ${n.toLocaleString()} events ...\n`);
    const d = makeNexmark(n);
    const cols = [d.eventType, d.auction, d.bidder, d.price, d.dateTime];
    const input = batches(EVENTS, cols, n, size);
    const warm = makeNexmark(warmN);
    const warmInput = batches(EVENTS, [warm.eventType, warm.auction, warm.bidder, warm.price, warm.dateTime], warmN, size);

    const con = await duck();
    const bigints = (a: Float64Array) => (lo: number, hi: number) => Array.from(a.subarray(lo, hi), (x) => BigInt(x));
    await loadTable(con, 'nx_events', n, [
      { name: 'event_type', sqlType: 'INTEGER', type: INTEGER, slice: (lo, hi) => Array.from(d.eventType.subarray(lo, hi)) },
      { name: 'auction', sqlType: 'BIGINT', type: BIGINT, slice: bigints(d.auction) },
      { name: 'bidder', sqlType: 'BIGINT', type: BIGINT, slice: bigints(d.bidder) },
      { name: 'price', sqlType: 'BIGINT', type: BIGINT, slice: bigints(d.price) },
      { name: 'date_time', sqlType: 'BIGINT', type: BIGINT, slice: bigints(d.dateTime) },
    ]);
    const { pl, why } = await polars();
    const plDf = pl?.DataFrame({ event_type: d.eventType, auction: d.auction, bidder: d.bidder, price: d.price, date_time: d.dateTime });

    const infos: WorkloadInfo[] = [];
    for (const q of [q1, q2, q5, q7]) {
      let reference = 'spate';
      if (q.spateOneQuery) {
        // The engine runs chained aggregations in append mode: a rejection here is a regression, and fails the run.
        const one = q.spateOneQuery;
        reference = 'spate (one query)';
        await h.measure(q.name, n, { system: reference, mode: 'micro-batches', note: one.note, warmup: () => one.run(warmInput), run: () => one.run(input) });
      }
      await h.measure(q.name, n, { system: q.spateOneQuery ? 'spate (foreachBatch)' : 'spate', mode: 'micro-batches', note: q.spateNote, warmup: () => q.spate(warmInput), run: () => q.spate(input) });
      await h.measure(q.name, n, { system: 'hand loop', mode: 'one pass', warmup: () => q.hand(warm), run: () => q.hand(d) });
      for (const t of DUCK_THREADS) {
        await setThreads(con, t.threads);
        await h.measure(q.name, n, {
          system: t.label, mode: 'batch over all data',
          warmup: () => con.run(q.duck.run),
          run: async () => { await con.run(q.duck.run); return { check: () => q.duck.check(con) }; },
        });
      }
      if (!pl) h.skip(q.name, 'polars', 'batch over all data', why!);
      else await h.measure(q.name, n, { system: 'polars', mode: 'batch over all data', warmup: () => q.polars(pl, plDf!.head(warmN)), run: () => q.polars(pl, plDf) });
      await con.run(`DROP TABLE IF EXISTS nx_${q.name.split(' ')[1]}`); // the output, kept for the answer check only
      infos.push({
        workload: q.name, reference, events: n,
        note: `events: all Nexmark events (46 of 50 are bids). spate: ${sizeLabel(size)}-event micro-batches, checkpointing on. RxJS and Arquero are not run on Nexmark.`,
      });
    }
    await con.run('DROP TABLE nx_events');
    return infos;
  },
};
