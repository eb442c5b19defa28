import { SpateError } from '../core/errors.js';

/**
 * Error builders for unreadable checkpoints. A checkpoint that cannot be
 * read must stop the query with the file and the problem named; starting
 * over silently would re-emit or lose output.
 */

const FIX = 'Repair or restore the file, or start the query with a new checkpointLocation (its progress and state start over).';

/** `file` (for batch or version `id`, when known) exists but cannot be read: `what` says why. */
export function checkpointCorrupt(file: string, id: number | undefined, what: string, cause?: unknown): SpateError {
  const at = id === undefined ? '' : ` (batch ${id})`;
  return new SpateError('CHECKPOINT_CORRUPT', `Checkpoint file ${file}${at} is corrupt: ${what}. ${FIX}`, cause === undefined ? undefined : { cause });
}

/** Files a checkpoint needs are missing: `what` names them. */
export function checkpointMissing(where: string, what: string): SpateError {
  return new SpateError('CHECKPOINT_CORRUPT',
    `Checkpoint ${where} is incomplete: ${what}. Restore the missing files, or start the query with a new checkpointLocation (its progress and state start over).`);
}

/** `file` was written by a newer spate (log version `found`); this one reads up to `max`. */
export function checkpointTooNew(file: string, id: number | undefined, found: number, max: number): SpateError {
  const at = id === undefined ? '' : ` (batch ${id})`;
  return new SpateError('CHECKPOINT_INCOMPATIBLE',
    `Checkpoint file ${file}${at} was written by a newer version (v${found}); this version reads up to v${max}. ` +
    'Run the query with the newer spate, or start it with a new checkpointLocation.');
}

/** Parses JSON text from a checkpoint file, turning a syntax error into a corrupt-file error. */
export function parseCheckpointJson(text: string, file: string, id: number | undefined, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw checkpointCorrupt(file, id, `${what} is not valid JSON (${JSON.stringify(shown)})`, e);
  }
}

/** Lists ids in `[from, to]` for a message, eliding the middle of long runs. */
export function describeIds(ids: readonly number[]): string {
  if (ids.length <= 10) return ids.join(', ');
  return `${ids.slice(0, 5).join(', ')}, … (${ids.length - 10} more), ${ids.slice(-5).join(', ')}`;
}
