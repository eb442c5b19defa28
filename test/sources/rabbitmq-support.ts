/**
 * Helpers for the rabbitmq connector tests: streams and queues named per
 * test, messages published with spate's stream client or amqplib, and a
 * bounded wait. Everything talks to the shared RabbitMQ on loopback unless a
 * port says otherwise (a private node: rabbitmq-private.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamConnection } from '../../src/clients/rabbitmq-stream.js';
import { encodeMessage } from '../../src/clients/rabbitmq-message.js';
import { AmqpConnection } from '../../src/clients/rabbitmq-amqp.js';
import { rabbitConnectionOptions } from '../../src/clients/rabbitmq.js';

export const STREAM_PORT = 5552;
export const AMQP_PORT = 5672;

/** A stream-port connection as guest. */
export function streamConnection(port = STREAM_PORT): Promise<StreamConnection> {
  return StreamConnection.connect({ host: '127.0.0.1', port, username: 'guest', password: 'guest', vhost: '/', connectTimeoutMs: 5000, requestTimeoutMs: 5000 });
}

/** Creates `stream` (with protocol arguments such as max-length-bytes). */
export async function createStream(stream: string, args: Record<string, string> = {}, port = STREAM_PORT): Promise<void> {
  const c = await streamConnection(port);
  try { await c.createStream(stream, args); } finally { await c.close(); }
}

export async function deleteStream(stream: string): Promise<void> {
  const c = await streamConnection();
  try { await c.deleteStream(stream); } catch { /* already gone */ } finally { await c.close(); }
}

/** Publishes `bodies` to `stream` and waits for every confirm. */
export async function publish(stream: string, bodies: readonly (string | Uint8Array)[], appProps?: (i: number) => Map<string, string>, port = STREAM_PORT): Promise<void> {
  const c = await streamConnection(port);
  try {
    const want = bodies.length;
    let got = 0;
    let fail: Error | undefined;
    let done!: () => void;
    const all = new Promise<void>((r) => { done = r; });
    await c.declarePublisher(0, stream, null, {
      confirmed: (ids) => { got += ids.length; if (got >= want) done(); },
      failed: (id, code) => { fail = new Error(`publish ${id} failed with ${code}`); done(); },
    });
    const msgs = bodies.map((b, i) => encodeMessage(typeof b === 'string' ? Buffer.from(b) : b, appProps?.(i)));
    await c.publish(0, msgs.map((_, i) => BigInt(i + 1)), msgs);
    if (want > 0) await withTimeout(all, 10_000, `confirms of ${want} messages to ${stream}`);
    if (fail) throw fail;
  } finally {
    await c.close();
  }
}

/** Every body in `stream`, in order (a plain consumer from the first offset to the end). */
export async function readStreamBodies(stream: string, port = STREAM_PORT): Promise<string[]> {
  const c = await streamConnection(port);
  try {
    let end = 0;
    await c.subscribe(1, stream, { type: 'last' }, 1, (ch) => { end = ch.firstOffset + ch.numRecords; });
    await c.barrier(stream);
    await c.unsubscribe(1);
    const out: string[] = [];
    if (end === 0) return out;
    const { decodeMessage } = await import('../../src/clients/rabbitmq-message.js');
    let seen = -1;
    let wake: (() => void) | undefined;
    await c.subscribe(2, stream, { type: 'first' }, 10, (ch) => {
      ch.records.forEach((r, i) => { if (ch.chunkType === 0) out.push(Buffer.from(decodeMessage(r, false).body).toString()); void i; });
      seen = ch.firstOffset + ch.numRecords - 1;
      c.credit(2, 1);
      wake?.();
    });
    const deadline = Date.now() + 10_000;
    while (seen < end - 1) {
      if (Date.now() > deadline) throw new Error(`reading ${stream}: stuck at offset ${seen} of ${end}`);
      await new Promise<void>((r) => { wake = r; setTimeout(r, 200); });
    }
    return out;
  } finally {
    await c.close();
  }
}

/** An AMQP 0.9.1 connection as guest. */
export function amqpConnection(port = AMQP_PORT): Promise<AmqpConnection> {
  return AmqpConnection.connect(rabbitConnectionOptions({ host: '127.0.0.1', port: String(port) }, 'amqp'), 'spate test');
}

/** Runs `fn` with a channel, then closes the connection. */
export async function withChannel<T>(fn: (ch: import('../../src/clients/rabbitmq-amqp.js').ConfirmChannel) => Promise<T>): Promise<T> {
  const c = await amqpConnection();
  try {
    const ch = await c.confirmChannel();
    return await fn(ch);
  } finally {
    await c.close();
  }
}

export async function deleteQueue(queue: string): Promise<void> {
  await withChannel(async (ch) => { await ch.deleteQueue(queue); }).catch(() => undefined);
}

/** Rejects with `what` if `p` has not settled within `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true (bounded). */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}
