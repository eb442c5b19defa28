/**
 * AMQP 0.9.1 connections for the rabbitmq connector's queue source and
 * exchange/queue sink, through amqplib (pure JavaScript, the long-standing
 * Node client, promise API, publisher confirms). The only file that imports it.
 */
import { connect as amqpConnect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import type { RabbitConnectionOptions } from './rabbitmq.js';

export type { Channel, ConfirmChannel, ConsumeMessage };
export type AmqpPublishOptions = Options.Publish;

/** An AMQP connection that knows when it is gone; its errors never go unhandled. */
export class AmqpConnection {
  private lostError: Error | undefined;
  private readonly listeners: ((e: Error) => void)[] = [];

  private constructor(private readonly model: ChannelModel) {
    model.on('error', (e: Error) => this.lost(e));
    model.on('close', (e?: Error) => this.lost(e ?? new Error('the connection was closed')));
    model.on('blocked', () => { /* publishers wait for confirms; the broker's flow control shows as slow confirms */ });
  }

  /** Connects with the options' credentials and vhost, bounded by connectTimeoutMs. */
  static async connect(c: RabbitConnectionOptions, connectionName: string): Promise<AmqpConnection> {
    const model = await amqpConnect({
      protocol: c.tls ? 'amqps' : 'amqp', hostname: c.host, port: c.port, username: c.username, password: c.password,
      vhost: c.vhost, heartbeat: 30,
    }, { timeout: c.connectTimeoutMs, clientProperties: { connection_name: connectionName, product: 'spate' } });
    return new AmqpConnection(model);
  }

  get isOpen(): boolean {
    return this.lostError === undefined;
  }

  /** Called once when the connection is lost or closed. */
  onClose(l: (e: Error) => void): void {
    if (this.lostError) l(this.lostError);
    else this.listeners.push(l);
  }

  private lost(e: Error): void {
    if (this.lostError) return;
    this.lostError = e;
    for (const l of this.listeners.splice(0)) l(e);
  }

  /** A channel whose errors (e.g. 404 NOT_FOUND closing it) are reported to `onError` instead of being thrown at the emitter. */
  async channel(onError: (e: Error) => void = () => undefined): Promise<Channel> {
    const ch = await this.model.createChannel();
    ch.on('error', onError);
    return ch;
  }

  async confirmChannel(onError: (e: Error) => void = () => undefined): Promise<ConfirmChannel> {
    const ch = await this.model.createConfirmChannel();
    ch.on('error', onError);
    return ch;
  }

  /** Closes within `timeoutMs`; never throws. Unacked deliveries go back to their queues. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.lostError) return;
    this.lost(new Error('the connection was closed by spate'));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.model.close(), new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); })]);
    } catch { /* already gone */ } finally {
      clearTimeout(timer);
    }
  }
}

/** amqplib's error for a server reply code, e.g. 404 for a missing queue, 403 for access refused. */
export function amqpReplyCode(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'number') return (e as { code: number }).code;
  const m = e instanceof Error ? /\b(40[34]|406|530)\b/.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}

/** False for errors another try cannot fix: access refused, no such queue/exchange, bad arguments, bad vhost. */
export function isRetryableAmqpError(e: unknown): boolean {
  const code = amqpReplyCode(e);
  if (code === 403 || code === 404 || code === 406 || code === 530) return false;
  const m = e instanceof Error ? e.message : String(e);
  return !/ACCESS.REFUSED|NOT_FOUND|NOT_ALLOWED|PRECONDITION_FAILED/i.test(m);
}
