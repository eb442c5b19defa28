/**
 * The exactly-once kafka sink's record of committed batches: each batch's
 * transaction also writes one marker record (key = the transactional id,
 * value = `{"queryId":...,"batchId":N}`) to the marker topic, so the marker
 * is visible exactly when the batch's data is (read_committed). After a
 * restart the sink reads the newest marker of its transactional id and skips
 * every batch at or below it.
 */
import type { OutMessage, KafkaReader } from '../clients/kafka.js';

/** Offsets read per step when scanning a marker partition backwards. */
const SCAN_STEP = 1000;

/** The marker record of batch `batchId`. */
export function markerMessage(transactionalId: string, queryId: string, batchId: number, partitions: number): OutMessage {
  return {
    key: Buffer.from(transactionalId, 'utf8'),
    value: Buffer.from(JSON.stringify({ queryId, batchId }), 'utf8'),
    partition: partitionFor(transactionalId, partitions),
  };
}

/** A stable partition for a transactional id (its markers stay together; reads scan every partition anyway). */
export function partitionFor(id: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return partitions <= 1 ? 0 : Math.abs(h) % partitions;
}

/**
 * The highest batch id whose marker for `transactionalId` is in the marker
 * topic (read_committed), or -1 when there is none (or no marker topic yet).
 * Scans each partition from its end backwards until it finds one.
 */
export async function lastCommittedBatch(reader: KafkaReader, markerTopic: string, transactionalId: string, fetchMaxBytes: number): Promise<number> {
  const parts = (await reader.partitionsOf([markerTopic])).get(markerTopic);
  if (parts === undefined) return -1;
  const req = new Map([[markerTopic, parts]]);
  const [earliest, latest] = await Promise.all([reader.offsets(req, 'earliest'), reader.offsets(req, 'latest')]);
  let best = -1;
  const key = Buffer.from(transactionalId, 'utf8');
  for (const p of parts) {
    const lo = earliest.get(markerTopic)?.get(p) ?? 0;
    let hi = latest.get(markerTopic)?.get(p) ?? 0;
    while (hi > lo) {
      const from = Math.max(lo, hi - SCAN_STEP);
      let found = -1;
      let offset = from;
      while (offset < hi) {
        const f = await reader.fetch(markerTopic, p, offset, fetchMaxBytes);
        if (f.outOfRange || f.nextOffset <= offset) break;
        for (const m of f.messages) {
          if (+m.offset >= hi) break;
          if (m.key !== null && key.equals(m.key) && m.value !== null) {
            const id = batchIdOf(m.value);
            if (id !== undefined && id > found) found = id;
          }
        }
        offset = f.nextOffset;
      }
      if (found >= 0) { best = Math.max(best, found); break; }
      hi = from;
    }
  }
  return best;
}

function batchIdOf(value: Buffer): number | undefined {
  try {
    const v = JSON.parse(value.toString('utf8')) as { batchId?: unknown };
    return typeof v.batchId === 'number' && Number.isSafeInteger(v.batchId) ? v.batchId : undefined;
  } catch {
    return undefined;
  }
}
