/**
 * A TcpProxy (test/support/tcp-proxy.ts) on its own worker thread. The
 * jdbc source takes its schema with a synchronous query (the main thread
 * blocks in Atomics.wait while a worker talks to the server), so a proxy on
 * the main thread could not forward those bytes: it would wait for itself.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createServer, connect } = require('node:net');
let server, port = 0, target = 0;
const sockets = new Set();
// A cut armed by 'arm': after that many bytes in one direction the proxy goes down (mid-query), and up again after downMs.
let armed = null;
let cuts = 0;
function count(dir, n) {
  if (armed === null || armed.dir !== dir) return;
  armed.left -= n;
  if (armed.left > 0) return;
  const downMs = armed.downMs;
  armed = null;
  cuts++;
  void down().then(() => { if (downMs >= 0) setTimeout(() => { void up(target); }, downMs); });
}
async function up(t) {
  target = t;
  if (server) return port;
  server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.on('data', (b) => { upstream.write(b); count('toServer', b.length); });
    upstream.on('data', (b) => { client.write(b); count('toClient', b.length); });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', res); });
  port = server.address().port;
  return port;
}
async function down() {
  const s = server;
  server = undefined;
  for (const x of sockets) x.destroy();
  sockets.clear();
  if (s) await new Promise((res) => s.close(res));
}
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'arm') { armed = { dir: m.dir, left: m.bytes, downMs: m.downMs }; parentPort.postMessage({ id: m.id, port }); return; }
    if (m.op === 'cuts') { parentPort.postMessage({ id: m.id, port: cuts }); return; }
    parentPort.postMessage({ id: m.id, port: m.op === 'up' ? await up(m.target) : (await down(), port) });
  }
  catch (e) { parentPort.postMessage({ id: m.id, error: String(e) }); }
});
`;

export class ThreadedTcpProxy {
  private readonly worker = new Worker(SOURCE, { eval: true, execArgv: [] });
  private seq = 0;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.worker.unref();
  }

  private call(op: 'up' | 'down' | 'arm' | 'cuts', extra: Record<string, unknown> = {}): Promise<number> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const on = (m: { id: number; port?: number; error?: string }): void => {
        if (m.id !== id) return;
        this.worker.off('message', on);
        if (m.error !== undefined) reject(new Error(m.error));
        else resolve(m.port!);
      };
      this.worker.on('message', on);
      this.worker.postMessage({ id, op, target: this.targetPort, ...extra });
    });
  }

  async up(): Promise<this> {
    this.port = await this.call('up');
    return this;
  }

  async down(): Promise<void> {
    await this.call('down');
  }

  /**
   * Cuts every connection once `bytes` more bytes have passed in `dir` (mid-query, mid-transaction);
   * the proxy listens again after `downMs` (negative: stays down until up()).
   */
  async cutAfter(bytes: number, dir: 'toServer' | 'toClient', downMs: number): Promise<void> {
    await this.call('arm', { bytes, dir, downMs });
  }

  /** How many armed cuts have happened. */
  cuts(): Promise<number> {
    return this.call('cuts');
  }

  async close(): Promise<void> {
    await this.down();
    await this.worker.terminate();
  }
}
