/**
 * YSB-like: keep views, map ad → campaign through the 1,000-row static
 * table, count per campaign per 10 s tumbling window, watermark 10 s.
 * spate runs it as one streaming query (stream-static join, windowed
 * aggregation, append mode, checkpointing on) in micro-batches of 100k and
 * 1M events; peers run the same query in one pass or over all the data.
 */
import * as aq from 'arquero';
import { filter, map, Subject } from 'rxjs';
import { INTEGER, BIGINT, VARCHAR } from '@duckdb/node-api';
import { functions as F, type DataFrame } from '../../src/index.js';
import type { RecordBatch } from '../../src/core/batch.js';
import type { Harness, Workload, WorkloadInfo } from '../lib/harness.js';
import { ADS, T0_US, WINDOW_US, makeYsb, ysbDigest, type YsbData } from '../data/ysb.js';
import { batches, schema, sizeLabel, spark, sliceBatch } from '../lib/spate-env.js';
import { runStream, tableRows } from '../lib/spate-stream.js';
import { DUCK_THREADS, duck, loadTable, rows, setThreads } from '../peers/duck.js';
import { polars } from '../peers/polars.js';

const NAME = 'ysb';
const EVENTS = schema('ad_id INT, event_type STRING, event_time TIMESTAMP');
const CAMPAIGN_SCHEMA = schema('ad_id INT, campaign_id INT');
const W0 = Math.floor(T0_US / WINDOW_US) - 1; // window index base, so keys stay small integers

function campaignsDF(d: YsbData): DataFrame {
  const ads = Int32Array.from({ length: ADS }, (_, i) => i);
  return spark.fromBatches(CAMPAIGN_SCHEMA, [sliceBatch(CAMPAIGN_SCHEMA, [ads, d.campaignOf], 0, ADS)]);
}

const query = (campaigns: DataFrame) => (events: DataFrame): DataFrame =>
  events.withWatermark('event_time', '10 seconds')
    .filter(F.col('event_type').eq('view'))
    .join(campaigns, 'ad_id')
    .groupBy(F.window(F.col('event_time'), '10 seconds'), F.col('campaign_id'))
    .count();

/** The event batches spate is fed, built before timing (as the peers get their arrays ready-made). */
export function spateInput(d: YsbData, batchSize: number, n = d.n): RecordBatch[] {
  return batches(EVENTS, [d.adId, d.eventType, d.eventTime], n, batchSize);
}

export async function spateRun(d: YsbData, input: readonly RecordBatch[]): Promise<{ check: string; batchMs: number[] }> {
  const r = await runStream(EVENTS, input, query(campaignsDF(d)), { mode: 'append', format: 'memory' });
  const out = await tableRows(r.table!);
  return { check: ysbDigest(out.map((row) => [row[1] as number, (row[0] as { start: Date }).start.getTime() * 1000, Number(row[2])])), batchMs: r.batchMs };
}

/** Hand-written loop: numeric group key (window index × 128 + campaign) in a Map. */
function handLoop(d: YsbData, n = d.n): string {
  const counts = new Map<number, number>();
  const { adId, eventType, eventTime, campaignOf } = d;
  for (let i = 0; i < n; i++) {
    if (eventType[i] === 'view') {
      const key = (Math.floor(eventTime[i]! / WINDOW_US) - W0) * 128 + campaignOf[adId[i]!]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return ysbDigest([...counts].map(([k, c]) => [k % 128, (Math.floor(k / 128) + W0) * WINDOW_US, c] as const));
}

/** RxJS: one emission per event (its index into the columns), filter → map to group key → count. */
function rx(d: YsbData, n = d.n): string {
  const counts = new Map<number, number>();
  const { adId, eventType, eventTime, campaignOf } = d;
  const input = new Subject<number>();
  input.pipe(
    filter((i) => eventType[i] === 'view'),
    map((i) => (Math.floor(eventTime[i]! / WINDOW_US) - W0) * 128 + campaignOf[adId[i]!]!),
  ).subscribe((key) => { counts.set(key, (counts.get(key) ?? 0) + 1); });
  for (let i = 0; i < n; i++) input.next(i);
  input.complete();
  return ysbDigest([...counts].map(([k, c]) => [k % 128, (Math.floor(k / 128) + W0) * WINDOW_US, c] as const));
}

const SQL = `SELECT c.campaign_id, (e.event_time // ${WINDOW_US}) * ${WINDOW_US} AS w, count(*) AS n
  FROM ysb_events e JOIN ysb_campaigns c ON e.ad_id = c.ad_id WHERE e.event_type = 'view' GROUP BY ALL`;

export const ysb: Workload = {
  name: NAME,
  async run(h: Harness, quick: boolean): Promise<WorkloadInfo[]> {
    const n = quick ? 300_000 : 5_000_000;
    const warm = Math.min(n, 200_000);
    const log = (m: string) => process.stderr.write(`${m}\n`);
    log(`ysb: generating ${n.toLocaleString()} events ...`);
    const d = makeYsb(n);
    const sizes = quick ? [50_000, 300_000] : [100_000, 1_000_000];
    for (const size of sizes) {
      const input = spateInput(d, size);
      const warmInput = spateInput(d, size, warm);
      await h.measure(NAME, n, {
        system: `spate (${sizeLabel(size)}-event batches)`, mode: 'micro-batches',
        warmup: () => spateRun(d, warmInput), run: () => spateRun(d, input),
      });
    }
    await h.measure(NAME, n, { system: 'hand loop', mode: 'one pass', warmup: () => handLoop(d, warm), run: () => ({ check: handLoop(d) }) });
    await h.measure(NAME, n, { system: 'rxjs', mode: 'one pass', warmup: () => rx(d, warm), run: () => ({ check: rx(d) }) });

    const events = aq.table({ ad_id: d.adId, event_type: d.eventType, event_time: d.eventTime });
    const camps = aq.table({ ad_id: Int32Array.from({ length: ADS }, (_, i) => i), campaign_id: d.campaignOf });
    const arq = (t: aq.ColumnTable): string => {
      const r = t.filter((x: { event_type: string }) => x.event_type === 'view')
        .lookup(camps, 'ad_id', 'campaign_id')
        .derive({ w: `d => op.floor(d.event_time / ${WINDOW_US}) * ${WINDOW_US}` })
        .groupby('campaign_id', 'w').count();
      const c = r.array('campaign_id') as ArrayLike<number>;
      const w = r.array('w') as ArrayLike<number>;
      const k = r.array('count') as ArrayLike<number>;
      return ysbDigest(Array.from({ length: r.numRows() }, (_, i) => [c[i]!, w[i]!, k[i]!] as const));
    };
    await h.measure(NAME, n, { system: 'arquero', mode: 'batch over all data', warmup: () => arq(events.slice(0, warm)), run: () => ({ check: arq(events) }) });

    log('ysb: loading DuckDB ...');
    const con = await duck();
    await loadTable(con, 'ysb_events', n, [
      { name: 'ad_id', sqlType: 'INTEGER', type: INTEGER, slice: (lo, hi) => Array.from(d.adId.subarray(lo, hi)) },
      { name: 'event_type', sqlType: 'VARCHAR', type: VARCHAR, slice: (lo, hi) => d.eventType.slice(lo, hi) },
      { name: 'event_time', sqlType: 'BIGINT', type: BIGINT, slice: (lo, hi) => Array.from(d.eventTime.subarray(lo, hi), (x) => BigInt(x)) },
    ]);
    await loadTable(con, 'ysb_campaigns', ADS, [
      { name: 'ad_id', sqlType: 'INTEGER', type: INTEGER, slice: (lo, hi) => Array.from({ length: hi - lo }, (_, i) => lo + i) },
      { name: 'campaign_id', sqlType: 'INTEGER', type: INTEGER, slice: (lo, hi) => Array.from(d.campaignOf.subarray(lo, hi)) },
    ]);
    const duckRun = async (): Promise<string> => ysbDigest((await rows(con, SQL)).map((r) => [r[0] as number, r[1] as number, r[2] as number] as const));
    for (const t of DUCK_THREADS) {
      await setThreads(con, t.threads);
      await h.measure(NAME, n, { system: t.label, mode: 'batch over all data', warmup: duckRun, run: async () => ({ check: await duckRun() }) });
    }
    await con.run('DROP TABLE ysb_events');

    const { pl, why } = await polars();
    if (!pl) h.skip(NAME, 'polars', 'batch over all data', why!);
    else {
      const ev = pl.DataFrame({ ad_id: d.adId, event_type: d.eventType, event_time: d.eventTime });
      const cp = pl.DataFrame({ ad_id: Int32Array.from({ length: ADS }, (_, i) => i), campaign_id: d.campaignOf });
      const plRun = (df: typeof ev): string => {
        const r = df.filter(pl.col('event_type').eq(pl.lit('view')))
          .join(cp, { on: 'ad_id' })
          .withColumns(pl.col('event_time').div(WINDOW_US).floor().mul(WINDOW_US).alias('w'))
          .groupBy(['campaign_id', 'w']).agg(pl.len().alias('n'));
        const c = r.getColumn('campaign_id').toArray() as number[];
        const w = r.getColumn('w').toArray() as number[];
        const k = r.getColumn('n').toArray() as number[];
        return ysbDigest(c.map((x, i) => [x, w[i]!, Number(k[i])] as const));
      };
      await h.measure(NAME, n, { system: 'polars', mode: 'batch over all data', warmup: () => plRun(ev.head(warm)), run: () => ({ check: plRun(ev) }) });
    }
    return [{
      workload: NAME, reference: `spate (${sizeLabel(sizes[1]!)}-event batches)`, events: n,
      note: `events: all ad events (1/3 are views). spate: one streaming query (MemoryStream → withWatermark → filter → stream-static join → 10 s window count), append mode, memory sink, checkpointing on; timed from start() through the no-data batch that emits the last windows to stop().`,
    }];
  },
};
