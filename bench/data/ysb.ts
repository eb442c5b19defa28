/**
 * YSB-like data (the Yahoo Streaming Benchmark's shape): ad events with
 * ad_id, event_type (view, click, purchase) and event_time, and the static
 * ad → campaign table (1,000 ads in 100 campaigns). Seeded, so every system
 * sees the same events.
 *
 * Event time advances 10 µs per event (100k events per simulated second)
 * with up to 5 s of disorder, less than the 10 s watermark, so no event is
 * late and batch engines over all the data compute the same answer. The last
 * event is a `click` an hour later: it is filtered out by every system, and
 * moves spate's watermark past every window so append mode emits them all.
 */
import { rng } from '../lib/data.js';

export const ADS = 1000;
export const CAMPAIGNS = 100;
export const WINDOW_US = 10_000_000;
/** 2023-11-14T22:13:20Z in µs: a round start, a multiple of the window. */
export const T0_US = 1_700_000_000_000_000;
const STEP_US = 10;
const DISORDER_US = 5_000_000;
export const EVENT_TYPES = ['view', 'click', 'purchase'] as const;

export interface YsbData {
  readonly n: number;
  readonly adId: Int32Array;
  readonly eventType: string[];
  /** Microseconds since the epoch (spate's timestamp representation). */
  readonly eventTime: Float64Array;
  /** campaignOf[ad_id]: the static table as an array. */
  readonly campaignOf: Int32Array;
}

export function makeYsb(n: number, seed = 11): YsbData {
  const next = rng(seed);
  const campaignOf = new Int32Array(ADS);
  for (let a = 0; a < ADS; a++) campaignOf[a] = Math.floor(next() * CAMPAIGNS);
  const adId = new Int32Array(n);
  const eventType = new Array<string>(n);
  const eventTime = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    adId[i] = Math.floor(next() * ADS);
    eventType[i] = EVENT_TYPES[Math.floor(next() * 3)]!;
    eventTime[i] = T0_US + i * STEP_US - Math.floor(next() * DISORDER_US);
  }
  adId[n - 1] = 0;
  eventType[n - 1] = 'click';
  eventTime[n - 1] = T0_US + n * STEP_US + 3600e6;
  return { n, adId, eventType, eventTime, campaignOf };
}

/**
 * The answer's digest from (campaign, window start µs, count) triples:
 * groups, total count, and a position-weighted sum that changes if a count
 * lands in the wrong group.
 */
export function ysbDigest(groups: Iterable<readonly [number, number, number]>): string {
  let g = 0;
  let total = 0;
  let weighted = 0;
  for (const [campaign, startUs, count] of groups) {
    const w = Math.round((startUs - T0_US) / WINDOW_US);
    g++;
    total += count;
    weighted += count * (((campaign * 31 + w * 7) % 1009) + 1);
  }
  return `${g}g/${total}/${weighted}`;
}
