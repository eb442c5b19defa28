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
let server, port = 0;
const sockets = new Set();
async function up(target) {
  if (server) return port;
  server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
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
  try { parentPort.postMessage({ id: m.id, port: m.op === 'up' ? await up(m.target) : (await down(), port) }); }
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

  private call(op: 'up' | 'down'): Promise<number> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const on = (m: { id: number; port?: number; error?: string }): void => {
        if (m.id !== id) return;
        this.worker.off('message', on);
        if (m.error !== undefined) reject(new Error(m.error));
        else resolve(m.port!);
      };
      this.worker.on('message', on);
      this.worker.postMessage({ id, op, target: this.targetPort });
    });
  }

  async up(): Promise<this> {
    this.port = await this.call('up');
    return this;
  }

  async down(): Promise<void> {
    await this.call('down');
  }

  async close(): Promise<void> {
    await this.down();
    await this.worker.terminate();
  }
}
