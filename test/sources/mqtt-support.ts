// Helpers for the mqtt source and sink tests: a plain MQTT.js client for publishing and subscribing, and a
// private mosquitto with a password file on a free port (for the credentials cases).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { answers } from '../support/services.js';
import { freePort } from './nats-support.js';

export const MQTT_URL = 'tcp://127.0.0.1:1883';

/** A plain client on the shared broker (or `port`), closed when the test ends. */
export async function mqttClient(t: { after(fn: () => Promise<void>): void }, port = 1883, auth: { username?: string; password?: string } = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, ...auth });
  t.after(async () => { await c.endAsync(true); });
  return c;
}

/** Publishes each value to `topic` in order at `qos`, awaiting each acknowledgement. */
export async function mqttPublish(c: MqttClient, topic: string, values: readonly string[], qos: 0 | 1 | 2 = 1): Promise<void> {
  for (const v of values) await c.publishAsync(topic, v, { qos });
}

/** Subscribes and collects the payloads (as text) received on `topic`, in order. */
export async function collect(c: MqttClient, topic: string, qos: 0 | 1 | 2 = 1): Promise<string[]> {
  const got: string[] = [];
  c.on('message', (tp, payload) => { if (tp === topic || topic.endsWith('#')) got.push(payload.toString()); });
  await c.subscribeAsync(topic, { qos });
  return got;
}

/** A mosquitto of the test's own on a free port, anonymous access off, one user in a password file. */
export class PrivateMosquitto {
  private proc: ChildProcess | undefined;
  private readonly dir: string;
  port = 0;

  constructor(private readonly user: string, private readonly pass: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-mosq-'));
  }

  async start(): Promise<this> {
    this.port = await freePort();
    const pw = join(this.dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', pw, this.user, this.pass]);
    // Started as root, mosquitto drops to its own user: it must still read the directory and the file.
    chmodSync(this.dir, 0o755);
    chmodSync(pw, 0o644);
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, `listener ${this.port} 127.0.0.1\nallow_anonymous false\npassword_file ${pw}\npersistence false\n`);
    this.proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await answers(this.port, 200)) return this;
      if (this.proc.exitCode !== null) break;
      await sleep(25);
    }
    throw new Error(`mosquitto on port ${this.port} did not start`);
  }

  async dispose(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p !== undefined && p.exitCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
