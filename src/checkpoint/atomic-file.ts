import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { SpateError } from '../core/errors.js';
import { onIoThread, replaceOnIoThread, type WrittenFile } from './io-thread.js';

export type { FileStamp, WrittenFile } from './io-thread.js';

/**
 * Crash-safe file writes for checkpoints. The data goes to a temp file in
 * the target's directory (named `.<target>.<uuid>.tmp`, so log readers skip
 * it), is fsynced, then moved into place and the directory fsynced. A crash
 * at any point leaves the old file or the new one, never a torn one; at
 * worst a temp file is left behind, which readers ignore.
 *
 * The steps of a write run on the checkpoint I/O thread (io-thread.ts), so
 * they go on while the main thread computes the next batch.
 */

/** The temp path a write of `path` goes through (a dot file beside it). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
}

/** True for names of temp files left by an interrupted atomic write. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.');
}

/** Replaces `path` with `data` atomically (the old contents or the new, never a mix); resolves with its stamp and write time. */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<WrittenFile> {
  return replaceOnIoThread(path, data).catch((e: unknown) => { throw writeFailed(path, e); });
}

/**
 * Writes `path` atomically only if it does not exist yet; returns false (and
 * writes nothing) when it does. Uses link(2), which never replaces an
 * existing file, so two writers racing for the same batch id cannot both win.
 */
export function writeFileAtomicIfAbsent(path: string, data: string | Uint8Array): Promise<boolean> {
  return onIoThread('create', path, data).catch((e: unknown) => { throw writeFailed(path, e); });
}

/** fsyncs a directory so a rename or link in it survives a power loss (a no-op where the OS refuses, e.g. Windows). */
export async function syncDir(dir: string): Promise<void> {
  await onIoThread('syncDir', dir).catch((e: unknown) => { throw writeFailed(dir, e); });
}

/** Creates a checkpoint directory and its parents (on the I/O thread, in order with the writes). */
export async function makeDir(dir: string): Promise<void> {
  await onIoThread('mkdir', dir).catch((e: unknown) => { throw writeFailed(dir, e); });
}

/** The `code` of a Node fs error ('ENOENT', ...), or undefined. */
export function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function writeFailed(path: string, e: unknown): SpateError {
  const why = e instanceof Error ? e.message : String(e);
  return new SpateError('CHECKPOINT_WRITE_FAILED',
    `Could not write checkpoint file ${path}: ${why}. Check that the checkpoint location exists, is writable and has free space.`, { cause: e });
}
