/**
 * How spate's rabbitmq connector reaches a node: the connection options
 * shared by the source and the sink (a URI or host/port/username/password/
 * vhost), the endpoint named in errors, and the stream-port connection with
 * RabbitMQ's advertised-host rule handled. The clients themselves live in
 * rabbitmq-stream.ts (stream protocol, written here) and rabbitmq-amqp.ts
 * (AMQP 0.9.1 through amqplib, the only import of it).
 */
import { SpateError } from '../core/errors.js';
import { SourceOptions } from '../io/options.js';
import { redactUrl } from './redact.js';
import { retryPolicy, type Endpoint, type RetryPolicy } from './retry.js';
import { StreamConnection, StreamProtocolError } from './rabbitmq-stream.js';

export const RABBITMQ_STREAM_PORT = 5552;
export const RABBITMQ_AMQP_PORT = 5672;

/** The connection options of one connector instance, parsed and checked. */
export interface RabbitConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly vhost: string;
  readonly tls: boolean;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Stream port only: connect to the node a stream's metadata advertises instead of host:port. */
  readonly useAdvertisedHost: boolean;
  readonly retry: RetryPolicy;
  /** The user's options (for masking secrets in errors). */
  readonly raw: Readonly<Record<string, string>>;
}

function bad(name: string, what: string, got: string): SpateError {
  return new SpateError('INVALID_OPTION', `Option '${name}' must be ${what}, got ${JSON.stringify(redactUrl(got))} (rabbitmq connector).`);
}

function intOpt(o: SourceOptions, name: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = o.get(name);
  if (raw === undefined) return dflt;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw bad(name, `an integer from ${min} to ${max}`, raw);
  return n;
}

/**
 * Reads `uri` (`amqp://user:pass@host:5672/vhost`, `amqps://...`,
 * `rabbitmq-stream://user:pass@host:5552/vhost`) and/or `host`, `port`,
 * `username`, `password`, `vhost` (the separate options win over the URI).
 * `kind` picks the default port: 5552 for streams, 5672 for queues. An
 * `amqp://` URI given for a stream keeps its host, credentials and vhost but
 * not its port (that is the AMQP port): the stream port is `port` or 5552.
 */
export function rabbitConnectionOptions(options: Readonly<Record<string, string>>, kind: 'stream' | 'amqp'): RabbitConnectionOptions {
  const o = new SourceOptions(options);
  let host = 'localhost';
  let port: number | undefined;
  let username = 'guest';
  let password = 'guest';
  let vhost = '/';
  let tls = false;
  const uri = o.get('uri') ?? o.get('url');
  if (uri !== undefined) {
    let u: URL;
    try { u = new URL(uri.trim()); } catch {
      throw bad('uri', "a URI such as 'amqp://user:password@localhost:5672/vhost' or 'rabbitmq-stream://user:password@localhost:5552/vhost'", uri);
    }
    const scheme = u.protocol.replace(/:$/, '').toLowerCase();
    if (!['amqp', 'amqps', 'rabbitmq-stream', 'rabbitmq-stream+tls'].includes(scheme)) {
      throw bad('uri', "an amqp://, amqps:// or rabbitmq-stream:// URI", uri);
    }
    tls = scheme === 'amqps' || scheme === 'rabbitmq-stream+tls';
    if (u.hostname) host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const streamScheme = scheme.startsWith('rabbitmq-stream');
    if (u.port && (kind === 'stream') === streamScheme) port = Number(u.port);
    if (u.username) username = decodeURIComponent(u.username);
    if (u.password) password = decodeURIComponent(u.password);
    // AMQP URIs name the vhost as the path, '/' written %2F; an empty path is the default vhost.
    if (u.pathname.length > 1) vhost = decodeURIComponent(u.pathname.slice(1));
  }
  host = o.get('host')?.trim() || host;
  if (o.has('port')) port = intOpt(o, 'port', 0, 1, 65535);
  username = o.get('username') ?? o.get('user') ?? username;
  password = o.get('password') ?? password;
  vhost = o.get('vhost') ?? o.get('virtualHost') ?? vhost;
  if (o.has('tls')) tls = o.bool('tls', false);
  if (tls && kind === 'stream') {
    throw new SpateError('UNSUPPORTED_OPTION', 'TLS to the stream port is not supported by the rabbitmq connector yet; use a plain rabbitmq-stream:// connection (or a TLS-terminating proxy).');
  }
  return {
    host, port: port ?? (kind === 'stream' ? RABBITMQ_STREAM_PORT : RABBITMQ_AMQP_PORT), username, password, vhost, tls,
    connectTimeoutMs: intOpt(o, 'connectTimeoutMs', 10_000, 1),
    requestTimeoutMs: intOpt(o, 'requestTimeoutMs', 10_000, 1),
    useAdvertisedHost: o.bool('useAdvertisedHost', false),
    retry: retryPolicy(options),
    raw: options,
  };
}

/** The endpoint named in errors: `RabbitMQ at 127.0.0.1:5552`. */
export function rabbitEndpoint(c: RabbitConnectionOptions): Endpoint {
  return { system: 'RabbitMQ', host: c.host, port: c.port };
}

/** How a stream connection is found for a publisher (the leader) or a consumer (any member). */
export type StreamRole = { readonly stream: string; readonly leader: boolean } | null;

const LOAD_BALANCER_TRIES = 8;

/**
 * Opens a stream-port connection. RabbitMQ answers Metadata with each
 * node's advertised host and port (by default the node's host name and
 * 5552), which a client outside the node's network — a container, a
 * port-forward, a TCP proxy, a load balancer — cannot reach. So by default
 * spate always connects to the `host`:`port` it was given and checks the
 * node it reached (the advertised address the Open response names) is a
 * member of the stream (the leader, for publishers), connecting again up
 * to 8 times when a load balancer lands elsewhere, as the Java client's
 * address resolver does. With `useAdvertisedHost=true` it connects to the
 * advertised address instead (a cluster whose node names resolve for the
 * client, without a load balancer).
 */
export async function connectStream(c: RabbitConnectionOptions, role: StreamRole, connectionName = 'spate'): Promise<StreamConnection> {
  const params = { host: c.host, port: c.port, username: c.username, password: c.password, vhost: c.vhost,
    connectTimeoutMs: c.connectTimeoutMs, requestTimeoutMs: c.requestTimeoutMs, connectionName };
  const first = await StreamConnection.connect(params);
  if (role === null) return first;
  let md;
  try {
    [md] = await first.metadata([role.stream]);
  } catch (e) {
    first.destroy();
    throw e;
  }
  if (md === undefined || md.code !== 0x01) {
    first.destroy();
    throw new StreamProtocolError(md?.code ?? 0x02, `looking up stream '${role.stream}'`);
  }
  const members = role.leader ? (md.leader ? [md.leader] : []) : [...(md.leader ? [md.leader] : []), ...md.replicas];
  const isMember = (a: { host: string; port: number }): boolean => members.some((m) => m.host === a.host && m.port === a.port);
  if (c.useAdvertisedHost) {
    const target = members[0];
    if (target === undefined) { first.destroy(); throw new StreamProtocolError(0x06, `finding a node of stream '${role.stream}'`); }
    if (target.host === first.advertised.host && target.port === first.advertised.port) return first;
    first.destroy();
    return StreamConnection.connect({ ...params, host: target.host, port: target.port });
  }
  if (members.length === 0 || isMember(first.advertised)) return first;
  first.destroy();
  for (let i = 1; i < LOAD_BALANCER_TRIES; i++) {
    const next = await StreamConnection.connect(params);
    if (isMember(next.advertised)) return next;
    next.destroy();
  }
  throw new SpateError('RABBITMQ_NODE_NOT_REACHED',
    `RabbitMQ at ${c.host}:${c.port}: ${LOAD_BALANCER_TRIES} connections never reached a node hosting stream '${role.stream}'` +
    ` (${members.map((m) => `${m.host}:${m.port}`).join(', ')}). Connect to such a node, or set option useAdvertisedHost=true when the nodes' advertised host names resolve for this machine.`);
}

/** Fatal protocol answers get a message that says what to fix. */
export function explainRabbitError(e: unknown): unknown {
  if (!(e instanceof SpateError) || !(e.cause instanceof Error)) return e;
  const code = e.code;
  if (code !== 'RABBITMQ_UNAVAILABLE') return e;
  const m = e.message;
  const fix = m.includes('STREAM_DOES_NOT_EXIST') ? ['RABBITMQ_STREAM_NOT_FOUND', 'The stream does not exist: create it first (rabbitmq-streams add_stream, a stream client, or declare a queue with x-queue-type=stream), or fix option \'stream\'.']
    : m.includes('AUTHENTICATION_FAILURE') ? ['RABBITMQ_AUTH_FAILED', 'Check options username/password (or the credentials in uri).']
    : m.includes('VIRTUAL_HOST_ACCESS_FAILURE') ? ['RABBITMQ_ACCESS_REFUSED', 'Check option vhost, and that the user has permissions on it (rabbitmqctl set_permissions).']
    : m.includes('ACCESS_REFUSED') ? ['RABBITMQ_ACCESS_REFUSED', 'The user lacks permission for this: check rabbitmqctl list_permissions.']
    : undefined;
  if (fix === undefined) return e;
  const text = m.replace(/ Check that RabbitMQ is running.*$/, '');
  return new SpateError(fix[0]!, `${text} ${fix[1]}`, { cause: e.cause });
}
