/**
 * Kafka offsets in Spark's JSON form (KafkaSourceOffset / JsonUtils):
 * `{"clicks":{"0":42,"1":17}}` — per topic, per partition, the next offset
 * to read. That is what the kafka source writes to `offsets/N` in the
 * checkpoint, and what startingOffsets / endingOffsets accept (there -2
 * means earliest and -1 latest).
 */
import { SpateError } from '../core/errors.js';
import type { Offset } from './source.js';

/** topic → partition → offset. */
export type PartitionOffsets = Map<string, Map<number, number>>;

export const EARLIEST = -2;
export const LATEST = -1;

/** The offsets as plain JSON (topics sorted, partitions ascending), ready for the offsets log. */
export function offsetsToJson(offsets: PartitionOffsets): Offset {
  const out: Record<string, Record<string, number>> = {};
  for (const topic of [...offsets.keys()].sort()) {
    const parts = offsets.get(topic)!;
    const o: Record<string, number> = {};
    for (const p of [...parts.keys()].sort((a, b) => a - b)) o[String(p)] = parts.get(p)!;
    out[topic] = o;
  }
  return out;
}

function bad(what: string, text: string, expected: string): SpateError {
  return new SpateError('INVALID_OPTION', `Expected e.g. ${expected}, got ${text} (${what}).`);
}

/** Reads offsets JSON (`{"t":{"0":23}}`); `what` names the option or checkpoint file in errors. */
export function offsetsFromJson(value: unknown, what: string): PartitionOffsets {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  let obj: unknown = value;
  if (typeof value === 'string') {
    try { obj = JSON.parse(value); } catch { throw bad(what, text, '{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}'); }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw bad(what, text, '{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}');
  const out: PartitionOffsets = new Map();
  for (const [topic, parts] of Object.entries(obj as Record<string, unknown>)) {
    if (parts === null || typeof parts !== 'object' || Array.isArray(parts)) throw bad(what, text, '{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}');
    const m = new Map<number, number>();
    for (const [p, off] of Object.entries(parts as Record<string, unknown>)) {
      const pn = Number(p);
      if (!/^\d+$/.test(p) || typeof off !== 'number' || !Number.isSafeInteger(off)) throw bad(what, text, '{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}');
      m.set(pn, off);
    }
    out.set(topic, m);
  }
  return out;
}

/** Reads `assign`'s JSON (`{"topicA":[0,1],"topicB":[2,4]}`). */
export function partitionsFromJson(text: string): Map<string, number[]> {
  const expected = '{"topicA":[0,1],"topicB":[2,4]}';
  let obj: unknown;
  try { obj = JSON.parse(text); } catch { throw bad("option 'assign'", text, expected); }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw bad("option 'assign'", text, expected);
  const out = new Map<string, number[]>();
  for (const [topic, parts] of Object.entries(obj as Record<string, unknown>)) {
    if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'number' && Number.isSafeInteger(p) && p >= 0)) throw bad("option 'assign'", text, expected);
    out.set(topic, [...(parts as number[])].sort((a, b) => a - b));
  }
  return out;
}

/** A deep copy. */
export function copyOffsets(o: PartitionOffsets): PartitionOffsets {
  return new Map([...o].map(([t, m]) => [t, new Map(m)]));
}

/** Each (topic, partition, offset). */
export function* entries(o: PartitionOffsets): Generator<[string, number, number]> {
  for (const [t, m] of o) for (const [p, off] of m) yield [t, p, off];
}

/** The offset of topic/partition, or undefined. */
export function offsetOf(o: PartitionOffsets, topic: string, partition: number): number | undefined {
  return o.get(topic)?.get(partition);
}

/** Sets topic/partition's offset. */
export function setOffset(o: PartitionOffsets, topic: string, partition: number, offset: number): void {
  let m = o.get(topic);
  if (m === undefined) { m = new Map(); o.set(topic, m); }
  m.set(partition, offset);
}

/** `topic-partition`, as Kafka's TopicPartition prints. */
export function tpName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The (topic, partition) pairs as a map of topic → partitions. */
export function partitionsOf(o: PartitionOffsets): Map<string, number[]> {
  return new Map([...o].map(([t, m]) => [t, [...m.keys()].sort((a, b) => a - b)]));
}
