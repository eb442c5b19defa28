/**
 * A Nexmark event stream following the benchmark's generator model (Apache
 * Beam / Flink nexmark): events come in epochs of 50 — 1 person, 3 auctions,
 * 46 bids — with ids derived from the event id; 99% of bids go to the hot
 * auction (the first of the last 100 auctions) and 99% come from the hot
 * bidder; prices are round(10^(6u) × 100) cents; events are 100 µs apart
 * (Nexmark's default 10,000 events/s), in order.
 *
 * The stream is flattened to one table, as Flink's nexmark source is before
 * its `bid` view filters event_type = 2: (event_type, auction, bidder,
 * price, date_time), where a person row has bidder = its id, an auction row
 * auction = its id, bidder = seller, price = initial bid. The last event is
 * a person an hour later, which every query filters out and which moves
 * spate's watermark past every window.
 */
import { rng } from '../lib/data.js';

const PROPORTION = 50;
const PERSONS = 1;
const AUCTIONS = 3;
const FIRST_ID = 1000;
const HOT_RATIO = 100;
const IN_FLIGHT_AUCTIONS = 100;
const ACTIVE_PEOPLE = 1000;
const ID_LEAD = 10;
export const STEP_US = 100;
export const T0_US = 1_700_000_000_000_000;

export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;

export interface NexmarkData {
  readonly n: number;
  readonly eventType: Int32Array;
  readonly auction: Float64Array;
  readonly bidder: Float64Array;
  readonly price: Float64Array;
  /** µs since the epoch. */
  readonly dateTime: Float64Array;
}

function lastPersonId(eventId: number): number {
  const epoch = Math.floor(eventId / PROPORTION);
  const offset = Math.min(eventId % PROPORTION, PERSONS - 1);
  return epoch * PERSONS + offset;
}

function lastAuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / PROPORTION);
  let offset = eventId % PROPORTION;
  if (offset < PERSONS) { epoch--; offset = AUCTIONS - 1; } else if (offset >= PERSONS + AUCTIONS) offset = AUCTIONS - 1;
  else offset -= PERSONS;
  return epoch * AUCTIONS + offset;
}

export function makeNexmark(n: number, seed = 5): NexmarkData {
  const next = rng(seed);
  const int = (bound: number): number => Math.floor(next() * bound);
  const price = (): number => Math.round(10 ** (next() * 6) * 100);
  const nextPerson = (eventId: number): number => {
    const people = lastPersonId(eventId) + 1;
    const active = Math.min(people, ACTIVE_PEOPLE);
    return people - active + int(active + ID_LEAD);
  };
  const nextAuction = (eventId: number): number => {
    const max = lastAuctionId(eventId);
    const min = Math.max(max - IN_FLIGHT_AUCTIONS, 0);
    return min + int(max - min + 1 + ID_LEAD);
  };
  const d: NexmarkData = {
    n, eventType: new Int32Array(n), auction: new Float64Array(n), bidder: new Float64Array(n), price: new Float64Array(n), dateTime: new Float64Array(n),
  };
  for (let e = 0; e < n; e++) {
    const offset = e % PROPORTION;
    d.dateTime[e] = T0_US + e * STEP_US;
    if (offset < PERSONS) {
      d.eventType[e] = PERSON;
      d.bidder[e] = lastPersonId(e) + FIRST_ID;
    } else if (offset < PERSONS + AUCTIONS) {
      d.eventType[e] = AUCTION;
      d.auction[e] = lastAuctionId(e) + FIRST_ID;
      d.bidder[e] = (int(HOT_RATIO) > 0 ? Math.floor(lastPersonId(e) / HOT_RATIO) * HOT_RATIO : nextPerson(e)) + FIRST_ID;
      d.price[e] = price();
    } else {
      d.eventType[e] = BID;
      d.auction[e] = (int(HOT_RATIO) > 0 ? Math.floor(lastAuctionId(e) / HOT_RATIO) * HOT_RATIO : nextAuction(e)) + FIRST_ID;
      d.bidder[e] = (int(HOT_RATIO) > 0 ? Math.floor(lastPersonId(e) / HOT_RATIO) * HOT_RATIO + 1 : nextPerson(e)) + FIRST_ID;
      d.price[e] = price();
    }
  }
  d.eventType[n - 1] = PERSON;
  d.auction[n - 1] = 0;
  d.price[n - 1] = 0;
  d.dateTime[n - 1] = T0_US + n * STEP_US + 3600e6;
  return d;
}
