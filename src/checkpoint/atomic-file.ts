import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, writeSync } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SpateError } from '../core/errors.js';

/**
 * Crash-safe file writes for checkpoints. The data goes to a temp file in
 * the target's directory (named `.<target>.<uuid>.tmp`, so log readers skip
 * it), is fsynced, then moved into place and the directory fsynced. A crash
 * at any point leaves the old file or the new one, never a torn one; at
 * worst a temp file is left behind, which readers ignore.
 *
 * Only the fsyncs go to the thread pool. Opening, writing (into the page
 * cache), closing and renaming a small checkpoint file are quick system
 * calls, made directly: a batch writes several such files side by side, and
 * a thread-pool round trip per step cost more than the steps themselves.
 */

const fsyncAsync = promisify(fsync);

/** The temp path a write of `path` goes through (a dot file beside it). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
}

/** True for names of temp files left by an interrupted atomic write. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.');
}

/** Replaces `path` with `data` atomically (the old contents or the new, never a mix). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await moveIntoPlace(await writeTemp(path, data), path);
}

/**
 * Writes `path` atomically only if it does not exist yet; returns false (and
 * writes nothing) when it does. Uses link(2), which never replaces an
 * existing file, so two writers racing for the same batch id cannot both win.
 */
export async function writeFileAtomicIfAbsent(path: string, data: string | Uint8Array): Promise<boolean> {
  const tmp = await writeTemp(path, data);
  try {
    await link(tmp, path);
  } catch (e) {
    const code = errCode(e);
    if (code === 'EEXIST') { await discard(tmp); return false; }
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      // Filesystems without hard links: fall back to check-then-rename (still crash-safe, not race-safe).
      return renameIfAbsent(tmp, path);
    }
    await discard(tmp);
    throw writeFailed(path, e);
  }
  await discard(tmp);
  await syncDir(dirname(path));
  return true;
}

async function renameIfAbsent(tmp: string, path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    await fh.close();
    await discard(tmp);
    return false;
  } catch (e) {
    if (errCode(e) !== 'ENOENT') { await discard(tmp); throw writeFailed(path, e); }
  }
  await moveIntoPlace(tmp, path);
  return true;
}

/** Renames the synced temp file over `path` and syncs the directory; the temp file is removed if the rename fails. */
async function moveIntoPlace(tmp: string, path: string): Promise<void> {
  try {
    renameSync(tmp, path);
  } catch (e) {
    await discard(tmp);
    throw writeFailed(path, e);
  }
  await syncDir(dirname(path));
}

/** Removes a temp file, ignoring failure: a leftover temp file is harmless (readers skip dot files). */
async function discard(tmp: string): Promise<void> {
  await unlink(tmp).catch(() => undefined);
}

async function writeTemp(path: string, data: string | Uint8Array): Promise<string> {
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    await fsyncAsync(fd);
    closeSync(fd);
  } catch (e) {
    if (fd !== undefined) try { closeSync(fd); } catch { /* already failing */ }
    await discard(tmp);
    throw writeFailed(path, e);
  }
  return tmp;
}

/** fsyncs a directory so a rename or link in it survives a power loss (a no-op where the OS refuses, e.g. Windows). */
export async function syncDir(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    await fsyncAsync(fd);
  } catch (e) {
    const code = errCode(e);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw writeFailed(dir, e);
  } finally {
    if (fd !== undefined) try { closeSync(fd); } catch { /* nothing to keep */ }
  }
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
