import { SpateError } from '../core/errors.js';
import type { Offset } from './source.js';

/**
 * The `nats` source's offset as written to `offsets/N` in the checkpoint:
 * `{"<stream>": <sequence>}`, the stream sequence of the last message the
 * batch covers (inclusive). `{"orders": 1042}` means every message of stream
 * `orders` up to sequence 1042 (that matches the subject filter) is read;
 * the next batch starts at 1043. 0 means nothing read yet.
 */
export function natsOffset(stream: string, seq: number): Offset {
  return { [stream]: seq };
}

/** The sequence in a checkpointed offset; anything else means another source's (or another stream's) checkpoint. */
export function natsOffsetSeq(description: string, stream: string, offset: Offset, what = 'offset'): number {
  const v = typeof offset === 'object' && offset !== null && !Array.isArray(offset) ? offset[stream] : undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new SpateError('INVALID_OFFSET',
    `${description}: the ${what} ${JSON.stringify(offset)} is not of the form {"${stream}": <sequence>}. The checkpoint was written by a different source or for another stream; use a new checkpointLocation for a changed query.`);
}
