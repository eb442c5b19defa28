// Helpers for the nats source and sink tests: an admin connection to the shared server, streams named per
// test, and private nats-server processes on free ports (for credentials and server-restart cases).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { killAndWait, waitForPort } from '../support/processes.js';

export const NATS_URL = 'nats://127.0.0.1:4222';

export interface NatsAdmin {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
  close(): Promise<void>;
}

/** An admin connection (to the shared server unless `port` says otherwise). */
export async function natsAdmin(port = 4222, auth: { user?: string; pass?: string } = {}): Promise<NatsAdmin> {
  const nc = await connect({ servers: `127.0.0.1:${port}`, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...auth });
  const jsm = await jetstreamManager(nc);
  return { nc, jsm, js: jetstream(nc), close: () => nc.close() };
}

/** Creates stream `name` over `<name>.>` (or `subjects`); the test deletes it when it ends. */
export async function createStream(t: { after(fn: () => Promise<void>): void }, admin: NatsAdmin, name: string, extra: Partial<StreamConfig> = {}): Promise<void> {
  await admin.jsm.streams.add({ name, subjects: [`${name}.>`], ...extra });
  t.after(async () => { await admin.jsm.streams.delete(name).catch(() => undefined); });
}

/** Publishes each value to `subject` in order, awaiting each PubAck. */
export async function publish(admin: NatsAdmin, subject: string, values: readonly string[], hdrs?: Record<string, string>): Promise<void> {
  for (const v of values) {
    let h;
    if (hdrs !== undefined) {
      h = natsHeaders();
      for (const [k, x] of Object.entries(hdrs)) h.append(k, x);
    }
    await admin.js.publish(subject, v, h !== undefined ? { headers: h } : undefined);
  }
}

/** The number of messages stored in `stream`. */
export async function streamCount(admin: NatsAdmin, stream: string): Promise<number> {
  return (await admin.jsm.streams.info(stream)).state.messages;
}

/** The data of every message stored in `stream`, in order, as text. */
export async function streamValues(admin: NatsAdmin, stream: string): Promise<string[]> {
  const info = await admin.jsm.streams.info(stream);
  const out: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await admin.jsm.streams.getMessage(stream, { seq });
    if (m !== null) out.push(m.string());
  }
  return out;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A nats-server of the test's own, with JetStream and a store directory that
 * survives stop()/start() (so its streams come back), optionally with a user
 * and password. stop() SIGKILLs it.
 */
export class PrivateNatsServer {
  private proc: ChildProcess | undefined;
  readonly dir: string;
  port = 0;

  constructor(private readonly auth: { user: string; pass: string } | undefined = undefined) {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-nats-'));
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir];
    if (this.auth !== undefined) args.push('--user', this.auth.user, '--pass', this.auth.pass);
    this.proc = spawn('/usr/sbin/nats-server', args, { stdio: 'ignore' });
    await waitForPort(this.proc, this.port, 'nats-server');
    return this;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await killAndWait(p, 'SIGKILL');
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits (bounded) until `cond` holds, polling; fails naming `what`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
