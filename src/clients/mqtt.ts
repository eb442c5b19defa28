/**
 * The MQTT client shared by the `mqtt` source and sink: the only module that
 * imports `mqtt` (MQTT.js 5). Option names follow Apache Bahir's MQTT
 * structured streaming source (`brokerUrl`, `topic`, `clientId`, `QoS`,
 * `username`, `password`, `cleanSession`, `connectionTimeout`, `keepAlive`,
 * `mqttVersion`). Connecting goes through withRetry (bounded backoff, then an
 * error naming host and port); credentials are masked in every message.
 */
import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { SpateError } from '../core/errors.js';
import { SourceOptions } from '../io/options.js';
import { redactUrl } from './redact.js';
import { clientMessage, retryPolicy, withRetry, type Endpoint, type RetryPolicy } from './retry.js';

/** What an MQTT connection is made from (parsed from the connector's options). */
export interface MqttConnectOptions {
  /** The broker URL without credentials. */
  readonly url: string;
  readonly endpoint: Endpoint;
  /** Undefined: a random id per connection (no session to resume). */
  readonly clientId: string | undefined;
  readonly username?: string;
  readonly password?: string;
  readonly cleanSession: boolean;
  readonly connectionTimeoutMs: number;
  readonly keepAliveSeconds: number;
  /** 3 (3.1), 4 (3.1.1) or 5. */
  readonly mqttVersion: 3 | 4 | 5;
  readonly policy: RetryPolicy;
  readonly options: Readonly<Record<string, string>>;
}

const SCHEMES: Readonly<Record<string, number>> = { 'tcp:': 1883, 'mqtt:': 1883, 'ssl:': 8883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

/**
 * Reads `brokerUrl` (or the load() path), `clientId`, `username`,
 * `password`, `cleanSession`, `connectionTimeout` (seconds), `keepAlive`
 * (seconds), `mqttVersion` and the retry options. `who` names the connector
 * in errors; `cleanSessionDefault` is Bahir's false for the source.
 */
export function mqttConnectOptions(options: Readonly<Record<string, string>>, who: string, cleanSessionDefault: boolean): MqttConnectOptions {
  const o = new SourceOptions(options);
  const raw = (o.get('brokerUrl') ?? o.get('path'))?.trim();
  if (raw === undefined || raw === '') {
    throw new SpateError('MISSING_OPTION', `Set the MQTT broker with option('brokerUrl', 'tcp://host:1883') or load('tcp://host:1883') (${who}).`);
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `tcp://${raw}`);
  } catch {
    url = new URL('invalid://');
  }
  const dflt = SCHEMES[url.protocol];
  if (dflt === undefined || url.hostname === '') {
    throw new SpateError('INVALID_OPTION', `Option 'brokerUrl' must be a broker URL such as tcp://host:1883 (tcp, mqtt, ssl, mqtts, ws, wss), got ${JSON.stringify(redactUrl(raw))} (${who}).`);
  }
  const username = o.get('username') ?? (url.username !== '' ? decodeURIComponent(url.username) : undefined);
  const password = o.get('password') ?? (url.password !== '' ? decodeURIComponent(url.password) : undefined);
  const port = url.port === '' ? dflt : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const version = o.int('mqttVersion', 4, 3);
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new SpateError('INVALID_OPTION', `Option 'mqttVersion' must be 3 (MQTT 3.1), 4 (3.1.1) or 5, got ${JSON.stringify(o.get('mqttVersion'))} (${who}).`);
  }
  const clientId = o.get('clientId')?.trim();
  const masked = { ...options, ...(password !== undefined ? { 'mqtt.password': password } : {}) };
  const plain = `${url.protocol}//${url.host.includes(':') || url.port !== '' ? url.host : `${url.host}:${port}`}${url.pathname === '/' ? '' : url.pathname}`;
  return {
    url: plain, endpoint: { system: 'MQTT broker', host, port },
    clientId: clientId === '' ? undefined : clientId,
    ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}),
    cleanSession: o.bool('cleanSession', cleanSessionDefault),
    connectionTimeoutMs: o.int('connectionTimeout', 30, 0) * 1000,
    keepAliveSeconds: o.int('keepAlive', 60, 0),
    mqttVersion: version, policy: retryPolicy(options), options: masked,
  };
}

/** Connack codes that another try cannot fix (protocol, identifier, credentials, authorization). */
function permanent(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  if (typeof code === 'number') return [1, 2, 4, 5, 128, 129, 130, 132, 133, 134, 135, 138, 140].includes(code);
  return /not authori[sz]ed|bad user ?name or password|identifier rejected|unacceptable protocol/i.test(e instanceof Error ? e.message : '');
}

/** One received message, handed over before it is acknowledged to the broker. */
export type MqttMessageHandler = (topic: string, payload: Uint8Array, packetId: number, qos: number, dup: boolean) => void;

/**
 * An MQTT connection. `connect` retries as the policy says; later losses of
 * the connection are retried by the library every `reconnectMs` (the
 * session resumes when cleanSession is false); `downSinceMs` tells how long
 * it has been away.
 */
export class MqttConnection {
  private client: MqttClient | undefined;
  private downSince: number | undefined;
  private lastError: unknown;
  private closed = false;

  constructor(readonly opts: MqttConnectOptions) {}

  get endpoint(): Endpoint { return this.opts.endpoint; }

  /**
   * Connects. `onMessage` (source) receives every message before it is
   * acknowledged (QoS 1 PUBACK, QoS 2 PUBCOMP): it must have kept the
   * message when it returns. `subscribe` is subscribed after each connect
   * that has no session to resume.
   */
  async connect(what: string, onMessage?: MqttMessageHandler, subscribe?: { topic: string; qos: 0 | 1 | 2 }): Promise<void> {
    const o = this.opts;
    const reconnectMs = Math.max(100, o.policy.backoffMs);
    await withRetry(o.endpoint, what, async () => {
      if (this.closed) throw new SpateError('MQTT_CLIENT_CLOSED', 'The MQTT connection was closed (the query is stopping).');
      const copts: IClientOptions = {
        protocolVersion: o.mqttVersion, clean: o.cleanSession, keepalive: o.keepAliveSeconds,
        connectTimeout: o.connectionTimeoutMs === 0 ? 30_000 : o.connectionTimeoutMs,
        reconnectPeriod: 0, manualConnect: true,
        // Without one, a random id (as Bahir's generateClientId): the broker keeps no session for it to resume.
        clientId: o.clientId ?? `spate_${Math.random().toString(36).slice(2, 12)}`,
        ...(o.username !== undefined ? { username: o.username } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
      };
      const client = mqtt.connect(o.url, copts);
      if (onMessage !== undefined) {
        // Called before the library sends the acknowledgement: what the handler kept survives a crash,
        // and a message it did not get is still the broker's to deliver again.
        client.handleMessage = (packet: IPublishPacket, done: (e?: Error) => void): void => {
          try {
            onMessage(packet.topic, packet.payload as Uint8Array, packet.messageId ?? 0, packet.qos, packet.dup);
            done();
          } catch (e) {
            done(e as Error);
          }
        };
      }
      // Only this attempt's own listeners come off afterwards: the library listens to 'close' itself (to reconnect).
      let onConnect: (() => void) | undefined;
      let onError: ((e: Error) => void) | undefined;
      let onClose: (() => void) | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          onConnect = () => resolve();
          onError = reject;
          onClose = () => reject(Object.assign(new Error('connection closed before CONNACK'), { code: 'ECONNCLOSED' }));
          client.once('connect', onConnect);
          client.once('error', onError);
          client.once('close', onClose);
          client.connect();
        });
        if (subscribe !== undefined) {
          // Subscribing again to a session's subscription is harmless; under MQTT 5, rh=1 keeps the broker from
          // sending the retained messages again when the subscription already exists.
          const grants = await client.subscribeAsync(subscribe.topic, { qos: subscribe.qos, ...(o.mqttVersion === 5 ? { rh: 1 } : {}) });
          const refused = grants.find((g) => g.qos === 128 || (g.qos as number) >= 0x80);
          if (refused !== undefined) {
            throw Object.assign(new Error(`the broker refused the subscription to '${subscribe.topic}' (not authorized or invalid topic filter)`), { code: 135 });
          }
        }
      } catch (e) {
        client.removeAllListeners();
        // The library's own timers (connack timeout) may still report on this attempt: nobody listens any more.
        client.on('error', () => undefined);
        client.end(true);
        throw e;
      } finally {
        if (onConnect !== undefined) client.off('connect', onConnect);
        if (onError !== undefined) client.off('error', onError);
        if (onClose !== undefined) client.off('close', onClose);
      }
      client.on('error', (e) => { this.lastError = e; });
      client.on('close', () => { this.downSince ??= Date.now(); });
      client.on('connect', (connack: IConnackPacket) => {
        this.downSince = undefined;
        // The library resubscribes by itself only to subscriptions made while its reconnectPeriod was on (it is
        // off during the first connect, above): a reconnect that finds no session (a clean session, or a
        // broker restarted without its persistence) subscribes again here, or nothing would arrive any more.
        if (subscribe !== undefined && (o.cleanSession || o.mqttVersion < 4 || connack.sessionPresent !== true)) {
          client.subscribe(subscribe.topic, { qos: subscribe.qos, ...(o.mqttVersion === 5 ? { rh: 1 } : {}) }, (e, grants) => {
            if (e) this.lastError = e;
            else if (grants?.some((g) => (g.qos as number) >= 0x80)) this.lastError = new Error(`the broker refused the subscription to '${subscribe.topic}' again after a reconnect`);
          });
        }
      });
      client.options.reconnectPeriod = reconnectMs;
      this.client = client;
      this.downSince = undefined;
    }, { policy: o.policy, options: o.options, retryable: (e) => !permanent(e) }).catch((e: unknown) => { throw this.authHint(e); });
  }

  /** Milliseconds the connection has been lost for (0 when connected). */
  downForMs(): number {
    return this.downSince === undefined ? 0 : Date.now() - this.downSince;
  }

  /** The last error the library reported after connecting, without credentials. */
  lastErrorMessage(): string {
    return this.lastError === undefined ? 'connection lost' : clientMessage(this.lastError, this.opts.options);
  }

  /** Publishes and waits for the broker's acknowledgement (QoS 1 and 2). */
  async publish(topic: string, payload: Uint8Array, qos: 0 | 1 | 2, retain: boolean): Promise<void> {
    const c = this.client;
    if (c === undefined || !c.connected) throw Object.assign(new Error('not connected'), { code: 'ENOTCONN' });
    await c.publishAsync(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos, retain });
  }

  get connected(): boolean { return this.client?.connected === true; }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    if (c === undefined) return;
    // Gracefully first, so acknowledgements of messages already handed over reach the broker (a forced end
    // can drop them, and the broker would send those messages again); forced if that does not finish soon.
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => { timer = setTimeout(() => { c.end(true, {}, () => resolve()); }, 2000); });
    await Promise.race([c.endAsync(false).catch(() => undefined), forced]);
    clearTimeout(timer);
  }

  private authHint(e: unknown): unknown {
    if (e instanceof SpateError && e.code === 'SERVICE_UNAVAILABLE' && /bad user ?name or password|not authori[sz]ed/i.test(e.message)) {
      return new SpateError('MQTT_AUTH_FAILED',
        `MQTT broker at ${this.endpoint.host}:${this.endpoint.port} refused the connection: ${clientMessage(e.cause, this.opts.options)}. Check options 'username' and 'password' (and the broker's ACL for the topic).`);
    }
    return e;
  }
}
