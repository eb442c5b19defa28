/**
 * Resolves where reads start and end (Spark's KafkaOffsetReader): the
 * topic-partitions a strategy names right now, their earliest / latest
 * offsets, offsets by timestamp, and the per-partition ranges of a batch with
 * Spark's data-loss checks (a partition gone, an offset that went back, a new
 * partition that does not start at 0).
 */
import { SpateError } from '../core/errors.js';
import type { KafkaReader } from '../clients/kafka.js';
import type { KafkaSourceOptions, KafkaStrategy, OffsetRangeLimit } from './kafka-options.js';
import { EARLIEST, LATEST, entries, offsetOf, setOffset, tpName, type PartitionOffsets } from './kafka-offsets.js';
import { reportDataLoss, type OffsetRange } from './kafka-read.js';
import { sourceWarning } from './source-options.js';

/** The strategy's topic-partitions as the cluster has them now (missing topics are left out). */
export async function currentPartitions(reader: KafkaReader, strategy: KafkaStrategy, warned: Set<string>): Promise<Map<string, number[]>> {
  if (strategy.kind === 'subscribePattern') {
    const all = await reader.allTopics();
    return new Map([...all].filter(([t, ps]) => strategy.pattern.test(t) && ps.length > 0));
  }
  const wanted = strategy.kind === 'subscribe' ? strategy.topics : [...strategy.partitions.keys()];
  const found = await reader.partitionsOf(wanted);
  for (const t of wanted) {
    if (!found.has(t) && !warned.has(t)) {
      warned.add(t);
      sourceWarning(`Kafka source: topic '${t}' does not exist (yet) at ${reader.settings.brokers.join(',')}; its partitions are read once it does.`);
    }
  }
  if (strategy.kind === 'subscribe') return found;
  const out = new Map<string, number[]>();
  for (const [t, parts] of strategy.partitions) {
    const have = found.get(t);
    if (have === undefined) continue;
    const ok = parts.filter((p) => have.includes(p));
    if (ok.length > 0) out.set(t, ok);
  }
  return out;
}

/** ListOffsets at one end for the given partitions. */
export async function endOffsets(reader: KafkaReader, parts: ReadonlyMap<string, readonly number[]>, which: 'earliest' | 'latest'): Promise<PartitionOffsets> {
  return reader.offsets(parts, which);
}

/**
 * The offsets a start or end limit stands for now (Spark's fetchEarliestOffsets,
 * fetchLatestOffsets, fetchSpecificOffsets, fetchSpecificTimestampBasedOffsets).
 */
export async function resolveLimit(reader: KafkaReader, opts: KafkaSourceOptions, limit: OffsetRangeLimit, isStart: boolean, warned: Set<string>): Promise<PartitionOffsets> {
  if (limit.kind === 'specific') return resolveSpecific(reader, opts, limit.offsets, isStart);
  const parts = limit.kind === 'timestamps' ? partitionsOfTimestamps(limit.timestamps) : await currentPartitions(reader, opts.strategy, warned);
  if (limit.kind === 'earliest' || limit.kind === 'latest') return endOffsets(reader, parts, limit.kind);
  const out: PartitionOffsets = new Map();
  const latest = await endOffsets(reader, parts, 'latest');
  const byTs = new Map<number, Map<string, number[]>>();
  for (const [t, ps] of parts) {
    for (const p of ps) {
      const ts = limit.kind === 'globalTimestamp' ? limit.timestampMs : offsetOf(limit.timestamps, t, p)!;
      let m = byTs.get(ts);
      if (m === undefined) { m = new Map(); byTs.set(ts, m); }
      const l = m.get(t) ?? [];
      l.push(p);
      m.set(t, l);
    }
  }
  for (const [ts, req] of byTs) {
    const got = await reader.offsets(req, { timestampMs: ts });
    for (const [t, ps] of req) {
      for (const p of ps) {
        const off = offsetOf(got, t, p) ?? -1;
        if (off >= 0) { setOffset(out, t, p, off); continue; }
        // No record at or after the timestamp.
        if (!isStart || opts.onNoMatchingTimestamp === 'latest') { setOffset(out, t, p, offsetOf(latest, t, p) ?? 0); continue; }
        throw new SpateError('KAFKA_NO_OFFSET_FOR_TIMESTAMP',
          `No offset matched from request of topic-partition ${tpName(t, p)} and timestamp ${ts}. ` +
          "Set the option 'startingOffsetsByTimestampStrategy' to 'latest' to start such partitions from the latest offset.");
      }
    }
  }
  return out;
}

function partitionsOfTimestamps(ts: PartitionOffsets): Map<string, number[]> {
  return new Map([...ts].map(([t, m]) => [t, [...m.keys()]]));
}

async function resolveSpecific(reader: KafkaReader, opts: KafkaSourceOptions, given: PartitionOffsets, isStart: boolean): Promise<PartitionOffsets> {
  // Spark asserts the specified partitions are the assigned ones (for assign) or a superset check for subscribe.
  const assigned = await currentPartitions(reader, opts.strategy, new Set());
  const names = (m: ReadonlyMap<string, readonly number[]>): string[] => [...m].flatMap(([t, ps]) => ps.map((p) => tpName(t, p))).sort();
  const specified = names(new Map([...given].map(([t, m]) => [t, [...m.keys()]])));
  const have = names(assigned);
  if (opts.strategy.kind === 'assign' && specified.join() !== names(opts.strategy.partitions).join()) {
    throw new SpateError('INVALID_OPTION',
      `If ${isStart ? 'startingOffsets' : 'endingOffsets'} contains specific offsets, you must specify all TopicPartitions. Use -1 for latest, -2 for earliest. ` +
      `Specified: ${specified.join(', ')} Assigned: ${names(opts.strategy.partitions).join(', ')}`);
  }
  const missing = specified.filter((x) => !have.includes(x));
  if (missing.length > 0) {
    throw new SpateError('KAFKA_UNKNOWN_PARTITION',
      `${isStart ? 'startingOffsets' : 'endingOffsets'} names ${missing.join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist at ${reader.settings.brokers.join(',')}. ` +
      `Partitions there: ${have.length > 0 ? have.join(', ') : 'none'}.`);
  }
  const parts = new Map([...given].map(([t, m]) => [t, [...m.keys()]]));
  const earliest = await endOffsets(reader, parts, 'earliest');
  const latest = await endOffsets(reader, parts, 'latest');
  const out: PartitionOffsets = new Map();
  for (const [t, p, off] of entries(given)) {
    const e = offsetOf(earliest, t, p) ?? 0;
    const l = offsetOf(latest, t, p) ?? 0;
    if (off === EARLIEST) setOffset(out, t, p, e);
    else if (off === LATEST) setOffset(out, t, p, l);
    else {
      if (off < e) reportDataLoss(opts.failOnDataLoss, `${isStart ? 'startingOffsets' : 'endingOffsets'} for ${tpName(t, p)} was ${off} but the earliest offset is ${e}`);
      setOffset(out, t, p, off < e ? e : off);
    }
  }
  return out;
}

/**
 * The ranges of a batch from `start` to `end` (Spark's
 * getOffsetRangesFromResolvedOffsets): new partitions start at their earliest
 * offset; a partition in start but not in end is gone; an end before its
 * start means the offset was reset. Each of those follows failOnDataLoss.
 */
export async function batchRanges(reader: KafkaReader, start: PartitionOffsets, end: PartitionOffsets, failOnDataLoss: boolean): Promise<OffsetRange[]> {
  const newParts = new Map<string, number[]>();
  for (const [t, p] of entries(end)) {
    if (offsetOf(start, t, p) === undefined) {
      const l = newParts.get(t) ?? [];
      l.push(p);
      newParts.set(t, l);
    }
  }
  const newStarts = newParts.size > 0 ? await endOffsets(reader, newParts, 'earliest') : new Map<string, Map<number, number>>();
  for (const [t, ps] of newParts) {
    for (const p of ps) {
      const e = offsetOf(newStarts, t, p);
      if (e === undefined) reportDataLoss(failOnDataLoss, `Cannot find earliest offsets of ${tpName(t, p)}. Some data may have been missed`);
      else if (e !== 0) reportDataLoss(failOnDataLoss, `Added partition ${tpName(t, p)} starts from ${e} instead of 0. Some data may have been missed`);
    }
  }
  const gone = [...entries(start)].filter(([t, p]) => offsetOf(end, t, p) === undefined).map(([t, p]) => tpName(t, p));
  if (gone.length > 0) reportDataLoss(failOnDataLoss, `${gone.join(', ')} are gone`);
  const ranges: OffsetRange[] = [];
  for (const [t, p, until] of entries(end)) {
    const from = offsetOf(start, t, p) ?? offsetOf(newStarts, t, p);
    if (from === undefined) continue;
    if (until < from) {
      reportDataLoss(failOnDataLoss, `Partition ${tpName(t, p)}'s offset was changed from ${from} to ${until}, some data may have been missed`);
      continue;
    }
    ranges.push({ topic: t, partition: p, from, until });
  }
  return ranges;
}
