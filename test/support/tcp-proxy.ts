/**
 * A TCP proxy on loopback in front of a shared server, for "the server goes
 * away mid-query" tests: `down()` closes the listener and cuts every
 * connection (clients see the server vanish), `up()` listens again on the
 * same port. The real server, which other test files use at the same time,
 * is never stopped.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The proxy's port (fixed by the first up(), kept by later ones). */
  port = 0;
  /** Connections accepted so far (tests use it to see a client came back). */
  accepted = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  /** Starts listening (on a free port the first time, then on the same one). */
  async up(): Promise<this> {
    if (this.server) return this;
    const server = createServer((client) => {
      this.accepted++;
      const upstream = connect({ host: this.targetHost, port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every open connection. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
