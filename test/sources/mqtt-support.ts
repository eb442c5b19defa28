// Helpers for the mqtt source and sink tests: a plain MQTT.js client for publishing and subscribing, and a
// private mosquitto with a password file on a free port (for the credentials cases).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort } from './nats-support.js';
import { killAndWait, waitForPort } from '../support/processes.js';

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

/**
 * A mosquitto of the test's own on a free port: with a user and password, anonymous access off and one
 * user in a password file; without, anonymous. With `persist`, its persistence database lives in the
 * test's directory, so stop() (SIGTERM: mosquitto saves its sessions and queued messages) and start()
 * again on the same port bring the sessions back, as a broker restart does.
 */
export class PrivateMosquitto {
  private proc: ChildProcess | undefined;
  private readonly dir: string;
  port = 0;

  constructor(private readonly user?: string, private readonly pass?: string, private readonly persist = false) {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-mosq-'));
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    // Started as root, mosquitto drops to its own user: it must still read the directory and the files.
    chmodSync(this.dir, this.persist ? 0o777 : 0o755);
    let conf = `listener ${this.port} 127.0.0.1\n`;
    if (this.user !== undefined) {
      const pw = join(this.dir, 'passwd');
      execFileSync('mosquitto_passwd', ['-b', '-c', pw, this.user, this.pass ?? '']);
      chmodSync(pw, 0o644);
      conf += `allow_anonymous false\npassword_file ${pw}\n`;
    } else {
      conf += 'allow_anonymous true\n';
    }
    conf += this.persist ? `persistence true\npersistence_location ${this.dir}/\n` : 'persistence false\n';
    const file = join(this.dir, 'mosquitto.conf');
    writeFileSync(file, conf);
    chmodSync(file, 0o644);
    this.proc = spawn('mosquitto', ['-c', file], { stdio: 'ignore' });
    await waitForPort(this.proc, this.port, 'mosquitto');
    return this;
  }

  /** Stops the broker: SIGTERM (it saves its database, with `persist`) and waits for it to exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await killAndWait(p, signal);
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
