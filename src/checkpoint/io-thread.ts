import { Worker } from 'node:worker_threads';

/**
 * The thread that writes checkpoint files. A batch's commit is a chain of
 * small writes (offsets, state delta, commit entry), each a temp file, an
 * fsync, a rename and a directory fsync. Done from the main thread, every
 * step is a system call or a thread-pool round trip whose callback waits
 * for the main thread: while the next batch computes (commits are
 * pipelined), a chain of four steps waits for four gaps in the computing.
 * Here the whole sequence of a write runs on its own thread, and the main
 * thread hears back once per file.
 *
 * The worker is plain JavaScript given as source text (it needs only
 * node:fs), so it runs the same from the TypeScript sources and from the
 * build. It is started on first use, shared by every query of the process,
 * and does not keep the process alive while idle.
 */

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const fsync = (fd) => new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
// The same temp names as atomic-file.ts's tempPathFor (readers skip dot files); this source cannot import it.
const tempPathFor = (p) => path.join(path.dirname(p), '.' + path.basename(p) + '.' + randomUUID() + '.tmp');
const discard = (tmp) => { try { fs.unlinkSync(tmp); } catch { /* a leftover temp file is harmless */ } };
const IGNORED_DIR_SYNC = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES']);

async function syncDir(dir) {
  let fd;
  try {
    fd = fs.openSync(dir, 'r');
    await fsync(fd);
  } catch (e) {
    if (!IGNORED_DIR_SYNC.has(e.code)) throw e;
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* nothing to keep */ }
  }
}

async function writeTemp(target, data) {
  const tmp = tempPathFor(target);
  let fd;
  try {
    fd = fs.openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    await fsync(fd);
    const st = fs.fstatSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    return { tmp, stamp: { path: target, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino } };
  } catch (e) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already failing */ }
    discard(tmp);
    throw e;
  }
}

async function moveIntoPlace(tmp, target) {
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    discard(tmp);
    throw e;
  }
  await syncDir(path.dirname(target));
}

const ops = {
  // Returns the file's stamp (size, mtime, inode; a rename keeps them) and the milliseconds the write took here.
  async replace({ path: target, data }) {
    const t0 = performance.now();
    const { tmp, stamp } = await writeTemp(target, data);
    await moveIntoPlace(tmp, target);
    return { stamp, ms: performance.now() - t0 };
  },
  // link(2) never replaces an existing file, so two writers racing for the same name cannot both win.
  async create({ path: target, data }) {
    const { tmp } = await writeTemp(target, data);
    try {
      fs.linkSync(tmp, target);
    } catch (e) {
      if (e.code === 'EEXIST') { discard(tmp); return false; }
      if (e.code === 'EPERM' || e.code === 'ENOTSUP' || e.code === 'EOPNOTSUPP' || e.code === 'ENOSYS') {
        // Filesystems without hard links: check, then rename (still crash-safe, not race-safe).
        if (fs.existsSync(target)) { discard(tmp); return false; }
        await moveIntoPlace(tmp, target);
        return true;
      }
      discard(tmp);
      throw e;
    }
    discard(tmp);
    await syncDir(path.dirname(target));
    return true;
  },
  async syncDir({ path: dir }) {
    await syncDir(dir);
    return true;
  },
  async mkdir({ path: dir }) {
    fs.mkdirSync(dir, { recursive: true });
    return true;
  },
};

parentPort.on('message', (m) => {
  ops[m.op](m).then(
    (value) => parentPort.postMessage({ id: m.id, ok: true, value }),
    (e) => parentPort.postMessage({ id: m.id, ok: false, code: e && e.code, message: e && e.message ? e.message : String(e) }),
  );
});
`;

type Op = 'replace' | 'create' | 'syncDir' | 'mkdir';

interface Reply { readonly id: number; readonly ok: boolean; readonly value?: unknown; readonly code?: string; readonly message?: string }

interface Pending { readonly resolve: (v: unknown) => void; readonly reject: (e: Error) => void }

/** The running thread and the requests waiting for its answer. */
interface IoThread { readonly worker: Worker; readonly pending: Map<number, Pending> }

let current: IoThread | undefined;
let nextId = 0;

function start(): IoThread {
  // No inherited flags: the source is plain CommonJS, whatever loader or --input-type the process runs with.
  const w = new Worker(WORKER_SOURCE, { eval: true, name: 'spate-checkpoint-io', execArgv: [] });
  const t: IoThread = { worker: w, pending: new Map() };
  w.unref();
  w.on('message', (r: Reply) => {
    const p = t.pending.get(r.id);
    if (p === undefined) return;
    t.pending.delete(r.id);
    if (t.pending.size === 0) w.unref();
    if (r.ok) p.resolve(r.value);
    else p.reject(Object.assign(new Error(r.message), r.code === undefined ? {} : { code: r.code }));
  });
  // A thread that dies fails what it was doing; the next request starts another.
  const fail = (e: Error): void => {
    if (current === t) current = undefined;
    for (const p of t.pending.values()) p.reject(e);
    t.pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the checkpoint I/O thread exited (code ${code})`)));
  return t;
}

/** A written file's identity, to notice it changing underneath a cache. */
export interface FileStamp { readonly path: string; readonly size: number; readonly mtimeMs: number; readonly ino: number }

/** A file written on the I/O thread: its stamp, and the milliseconds the write took there (not counting waits for the main thread). */
export interface WrittenFile { readonly stamp: FileStamp; readonly ms: number }

/** Replaces `path` atomically on the I/O thread. */
export function replaceOnIoThread(path: string, data: string | Uint8Array): Promise<WrittenFile> {
  return onIoThread('replace', path, data) as Promise<WrittenFile>;
}

/** Runs one file operation on the checkpoint I/O thread (true: done; create: false if the file existed); rejects with the system error (its `code` kept). */
export function onIoThread(op: Exclude<Op, 'replace'>, path: string, data?: string | Uint8Array): Promise<boolean>;
export function onIoThread(op: Op, path: string, data?: string | Uint8Array): Promise<unknown>;
export function onIoThread(op: Op, path: string, data?: string | Uint8Array): Promise<unknown> {
  const t = (current ??= start());
  const id = nextId++;
  if (t.pending.size === 0) t.worker.ref();
  // A view into a much larger buffer would copy all of it across: send just the bytes.
  const payload = data instanceof Uint8Array && data.byteLength * 2 < data.buffer.byteLength ? data.slice() : data;
  return new Promise<unknown>((resolve, reject) => {
    t.pending.set(id, { resolve, reject });
    t.worker.postMessage({ id, op, path, data: payload });
  });
}
