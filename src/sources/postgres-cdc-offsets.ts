import { SpateError } from '../core/errors.js';
import type { Offset } from './source.js';

/**
 * PostgreSQL log sequence numbers (LSNs) and the postgres-cdc source's
 * offset. An LSN is a 64-bit byte position in the write-ahead log, written by
 * PostgreSQL as two hex halves, `16/B374D848`; here it is a bigint, so
 * comparisons are exact over the whole range.
 *
 * The offset in the checkpoint is `{"lsn":"0/16B3748"}`: the end LSN of the
 * commit record of the last transaction the batch holds. A batch (start, end]
 * holds exactly the transactions whose commit ends after start.lsn and at or
 * before end.lsn — whole transactions, in commit order.
 */

const LSN_RE = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** The LSN of `text` (`0/16B3748`), or undefined when it is not one. */
export function parseLsn(text: string): bigint | undefined {
  const m = LSN_RE.exec(text.trim());
  if (m === null) return undefined;
  return (BigInt(`0x${m[1]!}`) << 32n) | BigInt(`0x${m[2]!}`);
}

/** `lsn` as PostgreSQL prints it (upper-case hex halves without leading zeros), so offsets compare as text too. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** The LSN stored big-endian at `buf[pos..pos+8)` (pgoutput's Int64 positions). */
export function readLsn(buf: Uint8Array, pos: number): bigint {
  const hi = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
  const lo = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The offset of a batch ending at `lsn`. */
export function cdcOffset(lsn: bigint): Offset {
  return { lsn: formatLsn(lsn) };
}

/** The LSN of an offset read back from the offsets log; anything else means a foreign or corrupt checkpoint. */
export function offsetLsn(source: string, offset: Offset, what = 'offset'): bigint {
  const text = typeof offset === 'object' && offset !== null && !Array.isArray(offset) ? offset.lsn : undefined;
  const lsn = typeof text === 'string' ? parseLsn(text) : undefined;
  if (lsn === undefined) {
    throw new SpateError('INVALID_OFFSET',
      `${source}: the ${what} ${JSON.stringify(offset)} is not a postgres-cdc offset ({"lsn":"<hex>/<hex>"}). ` +
      'The checkpoint was written by a different source; use a new checkpointLocation for a changed query.');
  }
  return lsn;
}

/** The number of WAL bytes from `from` to `to` (0 when `to` is not after `from`), as a decimal string for metrics. */
export function lsnDistance(from: bigint, to: bigint): string {
  return to > from ? (to - from).toString() : '0';
}
