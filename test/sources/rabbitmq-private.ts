// A RabbitMQ node of the test's own (its own node name, data directory and free ports for AMQP, the
// stream protocol and Erlang distribution; the stream plugin on), for a real broker crash and restart:
// the shared node on 5672/5552 is used by other test files and is never stopped. crash() SIGKILLs the
// node's whole process group; start() boots the same node on the same data directory. A boot takes
// 10-20 s on the test machine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { answers, uniqueName } from '../support/services.js';
import { freePort } from './nats-support.js';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** Why a private node cannot be made here, or undefined when it can. */
export function privateRabbitMissing(): string | undefined {
  return existsSync(SERVER) ? undefined : `no ${SERVER}`;
}

export class PrivateRabbit {
  private proc: ChildProcess | undefined;
  private readonly dir: string;
  private readonly node = `${uniqueName('spate').replace(/[^A-Za-z0-9_]/g, '_')}@localhost`;
  private readonly as: { uid: number; gid: number } | undefined;
  amqpPort = 0;
  streamPort = 0;
  private distPort = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-rabbit-'));
    this.as = process.getuid?.() === 0
      ? { uid: Number(execFileSync('id', ['-u', 'rabbitmq']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'rabbitmq']).toString().trim()) }
      : undefined;
  }

  async start(): Promise<this> {
    if (this.amqpPort === 0) {
      this.amqpPort = await freePort();
      this.streamPort = await freePort();
      this.distPort = await freePort();
      writeFileSync(join(this.dir, 'rabbitmq.conf'), [
        `listeners.tcp.default = 127.0.0.1:${this.amqpPort}`,
        `stream.listeners.tcp.default = 127.0.0.1:${this.streamPort}`,
        'stream.advertised_host = 127.0.0.1',
        `stream.advertised_port = ${this.streamPort}`,
        'loopback_users = none',
      ].join('\n') + '\n');
      writeFileSync(join(this.dir, 'enabled_plugins'), '[rabbitmq_stream].\n');
      if (this.as !== undefined) for (const f of ['', 'rabbitmq.conf', 'enabled_plugins']) chownSync(join(this.dir, f), this.as.uid, this.as.gid);
    }
    const env = {
      ...process.env, HOME: this.dir, RABBITMQ_NODENAME: this.node, RABBITMQ_NODE_PORT: String(this.amqpPort), RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'), RABBITMQ_LOG_BASE: join(this.dir, 'log'), RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'), RABBITMQ_PID_FILE: join(this.dir, 'pid'),
    };
    // A process group of its own, so crash() takes beam and its helpers together.
    this.proc = spawn(SERVER, [], { env, cwd: this.dir, stdio: 'ignore', detached: true, ...(this.as ?? {}) });
    for (let i = 0; i < 1200; i++) {
      if (await answers(this.streamPort, 200) && await answers(this.amqpPort, 200)) return this;
      if (this.proc.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`the private RabbitMQ node ${this.node} did not start (see ${join(this.dir, 'log')})`);
  }

  /**
   * Stops the node and waits for it to exit: SIGKILL of its process group (a crash, no shutdown), or SIGTERM
   * (the orderly stop `rabbitmqctl stop` makes).
   */
  async crash(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p === undefined || p.pid === undefined || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    try { process.kill(signal === 'SIGKILL' ? -p.pid : p.pid, signal); } catch { /* gone */ }
    await exited;
    if (signal === 'SIGTERM') { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* all gone */ } }
    // The listeners close with the process; wait until the ports are free again.
    for (let i = 0; i < 100 && (await answers(this.streamPort, 100)); i++) await sleep(50);
  }

  async dispose(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
