/**
 * The Kafka client of spate's kafka source and sink: the only module that
 * imports kafkajs (2.2.4, pure JavaScript, negotiates protocol versions with
 * the broker, so it talks to Apache Kafka and to librdkafka's mock cluster
 * alike).
 *
 * The source reads like Spark's executors do — no consumer group, a fetch
 * per topic-partition from an exact offset — which kafkajs's public consumer
 * (group members only) cannot do; so metadata, ListOffsets and Fetch go
 * through the Cluster object kafkajs builds for its own consumer, created
 * with the same configuration as the public client. The sink uses the public
 * producer (plain, or transactional for exactly-once).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { SpateError } from '../core/errors.js';
import { withRetry, clientMessage, retryPolicy, type Endpoint, type RetryPolicy } from './retry.js';
import { sourceWarning } from '../sources/source-options.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajs = require('kafkajs') as KafkaJsModule;
// kafkajs's consumer batch: drops records before the fetched offset, control records and aborted transactions.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaJsBatch = require('kafkajs/src/consumer/batch') as new (topic: string, fetchedOffset: string, partitionData: unknown) => { messages: RawMessage[] };
// For the source's Fetch with an undecoded record set: the request factories, the codecs (users may register more), the old message-set decoder.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaRequests = (require('kafkajs/src/protocol/requests') as { requests: { Fetch: unknown } }).requests;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaApiKeys = require('kafkajs/src/protocol/requests/apiKeys') as { Fetch: number };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaCompression = require('kafkajs/src/protocol/message/compression') as { lookupCodecByAttributes(attributes: number): { decompress(b: Buffer): Promise<Buffer> } | null };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaJsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const messageSetDecoder = require('kafkajs/src/protocol/messageSet/decoder') as (d: unknown, size: number) => Promise<RawMessage[]>;

/* ---------- the parts of kafkajs used here, typed narrowly ---------- */

interface KafkaJsModule {
  Kafka: new (config: Record<string, unknown>) => KafkaJsClient;
  logLevel: { NOTHING: number; ERROR: number; WARN: number };
  Partitioners: { DefaultPartitioner: unknown };
}
interface KafkaJsClient {
  producer(config: Record<string, unknown>): KafkaJsProducer;
}
/** A message as kafkajs decodes it. */
export interface RawMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly headers: Record<string, Buffer | Buffer[] | undefined> | undefined;
  readonly batchContext?: { readonly timestampType?: number };
}
interface KafkaJsBroker {
  fetch(req: Record<string, unknown>): Promise<{ responses: { topicName: string; partitions: FetchedPartition[] }[] }>;
  lookupRequest(apiKey: number, definition: unknown): (req: Record<string, unknown>) => ProtocolRequest;
  connectionPool: { send(r: ProtocolRequest): Promise<unknown> };
}
/** A request as kafkajs's connection sends it: the encoder, the response's decode and parse. */
interface ProtocolRequest {
  request: { apiVersion: number };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
  requestTimeout?: number;
}
interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  lastStartOffset?: string;
  abortedTransactions: unknown[];
  messages: RawMessage[];
}
interface KafkaJsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  metadata(opts?: { topics?: string[] }): Promise<{ topicMetadata: { topic: string; topicErrorCode?: number; partitionMetadata: { partitionId: number; leader: number }[] }[] }>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<KafkaJsBroker>;
  fetchTopicsOffset(topics: { topic: string; partitions: { partition: number }[]; fromBeginning?: boolean; fromTimestamp?: number }[]): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}
/** kafkajs's producer, as the sink uses it. */
export interface KafkaJsProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(b: { topicMessages: TopicMessages[]; acks?: number; timeout?: number }): Promise<unknown>;
  transaction(): Promise<KafkaJsTransaction>;
}
export interface KafkaJsTransaction {
  sendBatch(b: { topicMessages: TopicMessages[]; acks?: number; timeout?: number }): Promise<unknown>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}
/** One topic's messages in a produce request. */
export interface TopicMessages {
  readonly topic: string;
  readonly messages: OutMessage[];
}
export interface OutMessage {
  key: Buffer | null;
  value: Buffer | null;
  partition?: number;
  headers?: Record<string, Buffer | Buffer[]>;
}

/* ---------- configuration: Spark's kafka.* options to kafkajs ---------- */

/** kafka.* options (Java client names) the client understands, and what each becomes. */
export const KAFKA_OPTION_MAP: Readonly<Record<string, string>> = {
  'bootstrap.servers': 'brokers',
  'client.id': 'clientId',
  'security.protocol': 'ssl / sasl (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)',
  'sasl.mechanism': 'sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
  'sasl.jaas.config': 'sasl.username / sasl.password (username="..." password="...")',
  'sasl.username': 'sasl.username (librdkafka name)',
  'sasl.password': 'sasl.password (librdkafka name)',
  'ssl.ca.location': 'ssl.ca (PEM file)',
  'ssl.certificate.location': 'ssl.cert (PEM file)',
  'ssl.key.location': 'ssl.key (PEM file)',
  'ssl.key.password': 'ssl.passphrase',
  'ssl.endpoint.identification.algorithm': "'' turns off host name verification",
  'request.timeout.ms': 'requestTimeout',
  'socket.connection.setup.timeout.ms': 'connectionTimeout',
  'isolation.level': 'fetch isolation (read_uncommitted, read_committed)',
  'group.id': 'not used: spate reads without a consumer group (Spark warns too)',
  'acks': 'producer acks (all/-1, 1, 0)',
  'compression.type': 'producer compression (none, gzip)',
  'transactional.id': 'the transactional producer id of the exactly-once sink',
  'transaction.timeout.ms': 'transactionTimeout',
};

/** The client settings derived from the options. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly endpoint: Endpoint;
  readonly config: Record<string, unknown>;
  /** Fetch isolation: 0 read_uncommitted (Kafka's default), 1 read_committed. */
  readonly isolationLevel: 0 | 1;
  readonly acks: number;
  readonly gzip: boolean;
  readonly transactionalId: string | undefined;
  readonly transactionTimeoutMs: number | undefined;
  readonly retry: RetryPolicy;
  /** The user's options (for masking secrets in errors). */
  readonly options: Readonly<Record<string, string>>;
}

/** The kafka.* options with the prefix removed, keys lower-cased (Spark's convertToSpecifiedParams). */
export function kafkaParams(options: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(options)) if (k.toLowerCase().startsWith('kafka.')) out.set(k.slice(6).toLowerCase(), v);
  return out;
}

function invalid(name: string, what: string, got: string): SpateError {
  return new SpateError('INVALID_OPTION', `Option 'kafka.${name}' must be ${what}, got ${JSON.stringify(got)}.`);
}

/** `host:port` of the first bootstrap server, for error messages. */
function endpointOf(brokers: readonly string[]): Endpoint {
  const first = brokers[0] ?? '';
  const i = first.lastIndexOf(':');
  const host = i > 0 ? first.slice(0, i).replace(/^\[|\]$/g, '') : first;
  const port = i > 0 ? Number(first.slice(i + 1)) : 9092;
  return { system: 'Kafka', host, port: Number.isFinite(port) ? port : 9092 };
}

function jaasField(jaas: string, field: string): string | undefined {
  const m = new RegExp(`${field}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
  return m?.[1]?.replace(/\\(.)/g, '$1');
}

function pem(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpateError('INVALID_OPTION', `Option 'kafka.${name}': cannot read ${JSON.stringify(path)}: ${clientMessage(e)}.`);
  }
}

/**
 * Reads the kafka.* options (Spark passes them to the Java client; here they
 * become kafkajs settings, see KAFKA_OPTION_MAP) and spate's retry options.
 * Options the client does not understand are reported once in a warning.
 */
export function kafkaSettings(options: Readonly<Record<string, string>>, role: 'source' | 'sink'): KafkaSettings {
  const p = kafkaParams(options);
  const servers = p.get('bootstrap.servers');
  if (servers === undefined || servers.trim() === '') {
    throw new SpateError('INVALID_OPTION', `Option 'kafka.bootstrap.servers' must be specified for configuring Kafka ${role === 'source' ? 'consumer' : 'producer'}.`);
  }
  const brokers = servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const retry = retryPolicy(options);
  const config: Record<string, unknown> = {
    brokers,
    clientId: p.get('client.id') ?? 'spate',
    logLevel: kafkajs.logLevel.NOTHING,
    // spate's withRetry does the retrying (bounded, naming host:port); kafkajs tries once more at most.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 },
    connectionTimeout: 3000,
  };
  const num = (name: string, key: string): void => {
    const raw = p.get(name);
    if (raw === undefined) return;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw invalid(name, 'a positive number of milliseconds', raw);
    config[key] = n;
  };
  num('request.timeout.ms', 'requestTimeout');
  num('socket.connection.setup.timeout.ms', 'connectionTimeout');

  const protocol = (p.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw invalid('security.protocol', 'one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL', p.get('security.protocol')!);
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const ssl: Record<string, unknown> = {};
    const ca = p.get('ssl.ca.location');
    if (ca !== undefined) ssl.ca = [pem('ssl.ca.location', ca)];
    const cert = p.get('ssl.certificate.location');
    if (cert !== undefined) ssl.cert = pem('ssl.certificate.location', cert);
    const key = p.get('ssl.key.location');
    if (key !== undefined) ssl.key = pem('ssl.key.location', key);
    const pass = p.get('ssl.key.password');
    if (pass !== undefined) ssl.passphrase = pass;
    if (p.get('ssl.endpoint.identification.algorithm') === '') ssl.checkServerIdentity = () => undefined;
    config.ssl = Object.keys(ssl).length > 0 ? ssl : true;
  }
  if (protocol.startsWith('SASL_')) {
    const mech = (p.get('sasl.mechanism') ?? 'PLAIN').trim().toUpperCase();
    const mechanism = ({ PLAIN: 'plain', 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512' } as Record<string, string>)[mech];
    if (mechanism === undefined) throw invalid('sasl.mechanism', 'one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512', p.get('sasl.mechanism')!);
    const jaas = p.get('sasl.jaas.config') ?? '';
    const username = p.get('sasl.username') ?? jaasField(jaas, 'username');
    const password = p.get('sasl.password') ?? jaasField(jaas, 'password');
    if (username === undefined || password === undefined) {
      throw new SpateError('INVALID_OPTION',
        `security.protocol ${protocol} needs credentials: set 'kafka.sasl.jaas.config' to '... required username="..." password="...";' (or 'kafka.sasl.username' and 'kafka.sasl.password').`);
    }
    config.sasl = { mechanism, username, password };
  }

  const iso = (p.get('isolation.level') ?? 'read_uncommitted').trim().toLowerCase();
  if (iso !== 'read_uncommitted' && iso !== 'read_committed') throw invalid('isolation.level', "'read_uncommitted' or 'read_committed'", p.get('isolation.level')!);
  const acksRaw = (p.get('acks') ?? 'all').trim().toLowerCase();
  const acks = acksRaw === 'all' || acksRaw === '-1' ? -1 : acksRaw === '1' ? 1 : acksRaw === '0' ? 0 : NaN;
  if (Number.isNaN(acks)) throw invalid('acks', "'all', '-1', '1' or '0'", p.get('acks')!);
  const comp = (p.get('compression.type') ?? 'none').trim().toLowerCase();
  if (comp !== 'none' && comp !== 'gzip') throw invalid('compression.type', "'none' or 'gzip' (the codecs kafkajs ships)", p.get('compression.type')!);
  const txTimeout = p.get('transaction.timeout.ms');
  const transactionTimeoutMs = txTimeout === undefined ? undefined : Number(txTimeout);
  if (transactionTimeoutMs !== undefined && (!Number.isSafeInteger(transactionTimeoutMs) || transactionTimeoutMs <= 0)) throw invalid('transaction.timeout.ms', 'a positive number of milliseconds', txTimeout!);

  const unknown = [...p.keys()].filter((k) => !(k in KAFKA_OPTION_MAP));
  if (unknown.length > 0) {
    warnOnce(`Kafka ${role}: kafka.* options not understood by the client (kafkajs) are ignored: ${unknown.map((k) => `kafka.${k}`).join(', ')}. See docs/connectors/kafka.md for the options it maps.`);
  }
  return {
    brokers, endpoint: endpointOf(brokers), config, isolationLevel: iso === 'read_committed' ? 1 : 0, acks, gzip: comp === 'gzip',
    transactionalId: p.get('transactional.id'), transactionTimeoutMs, retry, options,
  };
}

const warnedAlready = new Set<string>();

/** A warning once per process (the options are read at load() and again at start()). */
export function warnOnce(message: string): void {
  if (warnedAlready.has(message)) return;
  warnedAlready.add(message);
  sourceWarning(message);
}

function isUnknownTopic(e: unknown): boolean {
  return (e as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

/** kafkajs errors another try cannot fix. */
function retryable(e: unknown): boolean {
  const name = e instanceof Error ? e.name : '';
  if (name === 'KafkaJSSASLAuthenticationError' || name === 'KafkaJSNonRetriableError' && /SASL|auth/i.test((e as Error).message)) return false;
  const type = (e as { type?: unknown }).type;
  return !(type === 'SASL_AUTHENTICATION_FAILED' || type === 'TOPIC_AUTHORIZATION_FAILED' || type === 'CLUSTER_AUTHORIZATION_FAILED' || type === 'UNSUPPORTED_SASL_MECHANISM' || type === 'ILLEGAL_SASL_STATE');
}

/** The offsets and data of one partition fetch. */
export interface FetchResult {
  readonly messages: RawMessage[];
  /** Next offset after the last message of the log (Kafka's high watermark). */
  readonly highWatermark: number;
  /** The first offset still in the log. */
  readonly logStartOffset: number;
  /** Set when the requested offset is outside the log (OFFSET_OUT_OF_RANGE). */
  readonly outOfRange: boolean;
  /** One past the last record in the response, filtered ones (control records, aborted transactions) included; -1 when it had none. */
  readonly nextOffset: number;
}

/** The broker leading `topic`/`partition` (metadata refreshed and a retriable error when none is known yet). */
async function leaderOf(c: KafkaJsCluster, topic: string, partition: number): Promise<KafkaJsBroker> {
  await c.addMultipleTargetTopics([topic]);
  const nodeId = Object.keys(c.findLeaderForPartitions(topic, [partition]))[0];
  if (nodeId === undefined) {
    await c.refreshMetadata();
    throw Object.assign(new Error(`no leader for '${topic}' partition ${partition}`), { retriable: true });
  }
  return c.findBroker({ nodeId });
}

/** An aborted transaction in a Fetch answer (read_committed): records of `producerId` from `firstOffset` on are aborted until its abort marker. */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

/** One partition's Fetch answer with its record set undecoded (the source decodes it into columns). */
export interface RecordsFetch {
  /** The record batches (magic 2) as the broker sent them: a view into the response, possibly ending in a partial batch; null when empty. */
  readonly records: Buffer | null;
  /** Instead of `records`: the messages of an old-format (magic 0/1) message set or a Fetch below v4, decoded by kafkajs (records before the fetched offset included). */
  readonly legacy: RawMessage[] | null;
  readonly abortedTransactions: readonly AbortedTransaction[];
  /** The high watermark (the last stable offset under read_committed). */
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly outOfRange: boolean;
}

/** Decompresses a record batch's records (kafkajs's codecs: gzip built in, others if registered with kafkajs). */
export function decompressRecords(attributes: number, data: Buffer): Promise<Buffer> {
  const codec = kafkaCompression.lookupCodecByAttributes(attributes);
  if (codec === null) throw new SpateError('KAFKA_FETCH', `Kafka record batch with unknown compression codec ${attributes & 7}.`);
  return codec.decompress(data);
}

/** A small reader over a Fetch response (per response and partition, not per record). */
class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  i16(): number { const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  i32(): number { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  i64(): number { const v = this.buf.readInt32BE(this.pos) * 4294967296 + this.buf.readUInt32BE(this.pos + 4); this.pos += 8; return v; }
  big(): bigint { const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
  str(): string {
    const n = this.i16();
    if (n < 0) return '';
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

/**
 * Fetch response v4..v11 with each partition's record set left as bytes
 * (kafkajs's own decoder makes several objects and Long values per record);
 * the same shape as kafkajs's answer otherwise, so its parse (partition
 * errors, OFFSET_OUT_OF_RANGE) applies unchanged.
 */
function rawFetchDecoder(version: number): (raw: Buffer) => Promise<unknown> {
  return async (raw) => {
    const c = new Cursor(raw);
    const throttle = c.i32();
    if (version >= 7) { c.i16(); c.i32(); } // error_code, session_id
    const responses: unknown[] = [];
    for (let nt = c.i32(); nt > 0; nt--) {
      const topicName = c.str();
      const partitions: unknown[] = [];
      for (let np = c.i32(); np > 0; np--) {
        const partition = c.i32();
        const errorCode = c.i16();
        const highWatermark = c.i64();
        const lastStableOffset = c.i64();
        const lastStartOffset = version >= 5 ? c.i64() : 0;
        const abortedTransactions: AbortedTransaction[] = [];
        for (let na = c.i32(); na > 0; na--) abortedTransactions.push({ producerId: c.big(), firstOffset: c.i64() });
        if (version >= 11) c.i32(); // preferred_read_replica
        const size = c.i32();
        let records: Buffer | null = null;
        if (size > 0) {
          records = raw.subarray(c.pos, Math.min(raw.length, c.pos + size));
          c.pos += size;
        }
        partitions.push({ partition, errorCode, highWatermark, lastStableOffset, lastStartOffset, abortedTransactions, records });
      }
      responses.push({ topicName, partitions });
    }
    // As kafkajs: from v8 on a throttle time asks the client to wait (KIP-219).
    return version >= 8 ? { throttleTime: 0, clientSideThrottleTime: throttle, responses } : { throttleTime: throttle, responses };
  };
}

/** Symbol-keyed private method of kafkajs's Broker that sends a request (and drops the connection on a close). */
function brokerSend(broker: KafkaJsBroker): (r: ProtocolRequest) => Promise<unknown> {
  const proto = Object.getPrototypeOf(broker) as Record<symbol, unknown>;
  const sym = Object.getOwnPropertySymbols(proto).find((x) => x.description === 'private:Broker:sendRequest');
  const f = sym === undefined ? undefined : proto[sym] as ((r: ProtocolRequest) => Promise<unknown>) | undefined;
  return f !== undefined ? (r) => f.call(broker, r) : (r) => broker.connectionPool.send(r);
}

/** Which end of a partition, or the first offset at or after a timestamp (ms). */
export type OffsetSpec = 'earliest' | 'latest' | { readonly timestampMs: number };

/**
 * A connection to a Kafka cluster for reading: metadata, ListOffsets and
 * Fetch, each retried with spate's bounded backoff (a failed try drops the
 * connections and the next one reconnects, so a broker that comes back is
 * picked up).
 */
export class KafkaReader {
  private cluster: KafkaJsCluster | undefined;
  private readonly client: KafkaJsClient & Record<symbol, unknown>;
  readonly settings: KafkaSettings;
  private readonly abort = new AbortController();

  constructor(settings: KafkaSettings) {
    this.settings = settings;
    this.client = new kafkajs.Kafka(settings.config) as KafkaJsClient & Record<symbol, unknown>;
  }

  private async connected(): Promise<KafkaJsCluster> {
    if (this.cluster !== undefined) return this.cluster;
    const sym = Object.getOwnPropertySymbols(this.client).find((s) => s.description === 'private:Kafka:createCluster');
    if (sym === undefined) throw new SpateError('KAFKA_CLIENT', 'The installed kafkajs does not expose its cluster factory (spate needs kafkajs 2.x).');
    const make = this.client[sym] as (o: Record<string, unknown>) => KafkaJsCluster;
    const cluster = make({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel: this.settings.isolationLevel });
    await cluster.connect();
    this.cluster = cluster;
    return cluster;
  }

  private async reset(): Promise<void> {
    const c = this.cluster;
    this.cluster = undefined;
    if (c !== undefined) await c.disconnect().catch(() => undefined);
  }

  /** Runs `fn` on a connected cluster with spate's retry (`retries` overrides the policy's); a failed try reconnects. */
  private run<T>(what: string, fn: (c: KafkaJsCluster) => Promise<T>, retries?: number): Promise<T> {
    const policy = retries === undefined ? this.settings.retry : { ...this.settings.retry, retries };
    return withRetry(this.settings.endpoint, what, async (attempt) => {
      if (attempt > 0) await this.reset();
      return fn(await this.connected());
    }, { policy, retryable, options: this.settings.options, signal: this.abort.signal });
  }

  /** Every topic's partition ids (metadata of all topics: for subscribePattern). */
  async allTopics(): Promise<Map<string, number[]>> {
    return this.run('listing topics', async (c) => {
      const md = await c.metadata();
      const out = new Map<string, number[]>();
      for (const t of md.topicMetadata) {
        if (t.topicErrorCode !== undefined && t.topicErrorCode !== 0) continue;
        out.set(t.topic, t.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b));
      }
      return out;
    });
  }

  /** The partition ids of `topics`; a topic that does not exist is left out (Spark's subscribe waits for it). */
  async partitionsOf(topics: readonly string[]): Promise<Map<string, number[]>> {
    if (topics.length === 0) return new Map();
    return this.run(`reading metadata of ${topics.map((t) => `'${t}'`).join(', ')}`, async (c) => {
      const out = new Map<string, number[]>();
      const add = (md: Awaited<ReturnType<KafkaJsCluster['metadata']>>): void => {
        for (const t of md.topicMetadata) {
          if ((t.topicErrorCode ?? 0) !== 0 || t.partitionMetadata.length === 0) continue;
          out.set(t.topic, t.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b));
        }
      };
      try {
        // All topics, filtered: a Metadata request naming a missing topic may create it (auto.create.topics.enable).
        add(await c.metadata());
        for (const t of [...out.keys()]) if (!topics.includes(t)) out.delete(t);
      } catch (e) {
        if (!isUnknownTopic(e)) throw e;
        // kafkajs fails the whole answer when one listed topic has an error (librdkafka's mock does this for a
        // topic marked deleted; Apache Kafka leaves deleted topics out): ask topic by topic, on fresh connections.
        for (const t of topics) {
          await this.reset();
          const fresh = await this.connected();
          try { add(await fresh.metadata({ topics: [t] })); } catch (e2) {
            if (!isUnknownTopic(e2)) throw e2;
          }
        }
        await this.reset();
      }
      return out;
    });
  }

  /** ListOffsets for each (topic, partitions): earliest, latest, or by timestamp (-1 where no record is that late). */
  async offsets(req: ReadonlyMap<string, readonly number[]>, spec: OffsetSpec): Promise<Map<string, Map<number, number>>> {
    const out = new Map<string, Map<number, number>>();
    if (req.size === 0) return out;
    const what = spec === 'earliest' ? 'listing earliest offsets' : spec === 'latest' ? 'listing latest offsets' : `listing offsets at timestamp ${spec.timestampMs}`;
    return this.run(`${what} of ${[...req.keys()].map((t) => `'${t}'`).join(', ')}`, async (c) => {
      await c.addMultipleTargetTopics([...req.keys()]);
      const res = await c.fetchTopicsOffset([...req].map(([topic, parts]) => ({
        topic,
        partitions: parts.map((partition) => ({ partition })),
        ...(spec === 'earliest' ? { fromBeginning: true } : spec === 'latest' ? { fromBeginning: false } : { fromTimestamp: spec.timestampMs }),
      })));
      for (const t of res) {
        const m = new Map<number, number>();
        for (const p of t.partitions) m.set(p.partition, Number(p.offset));
        out.set(t.topic, m);
      }
      return out;
    });
  }

  /** One Fetch of `topic`/`partition` from `offset` (at most `maxBytes`), records before `offset` and control records dropped. */
  async fetch(topic: string, partition: number, offset: number, maxBytes: number): Promise<FetchResult> {
    return this.run(`fetching '${topic}' partition ${partition} from offset ${offset}`, async (c) => {
      const broker = await leaderOf(c, topic, partition);
      let res;
      try {
        res = await broker.fetch({
          isolationLevel: this.settings.isolationLevel, maxWaitTime: 0, minBytes: 1, maxBytes,
          topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
        });
      } catch (e) {
        if ((e as { type?: string }).type === 'OFFSET_OUT_OF_RANGE') return { messages: [], highWatermark: -1, logStartOffset: -1, outOfRange: true, nextOffset: -1 };
        if ((e as { type?: string }).type === 'NOT_LEADER_FOR_PARTITION' || (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') await c.refreshMetadata().catch(() => undefined);
        throw e;
      }
      const p = res.responses[0]?.partitions[0];
      if (p === undefined) return { messages: [], highWatermark: offset, logStartOffset: 0, outOfRange: false, nextOffset: -1 };
      const batch = new KafkaJsBatch(topic, String(offset), p);
      const lastRaw = p.messages.length > 0 ? p.messages[p.messages.length - 1]! : undefined;
      return {
        nextOffset: lastRaw === undefined ? -1 : Number(lastRaw.offset) + 1,
        messages: batch.messages,
        highWatermark: Number(this.settings.isolationLevel === 1 ? p.lastStableOffset : p.highWatermark),
        logStartOffset: p.lastStartOffset === undefined ? 0 : Number(p.lastStartOffset),
        outOfRange: false,
      };
    });
  }

  /**
   * One Fetch of `topic`/`partition` from `offset` (at most `maxBytes`) with
   * the record set undecoded (see RecordsFetch); `retries` overrides the
   * retry policy (0 for a prefetch, whose failure is only a cache miss).
   */
  async fetchRecords(topic: string, partition: number, offset: number, maxBytes: number, retries?: number): Promise<RecordsFetch> {
    return this.run(`fetching '${topic}' partition ${partition} from offset ${offset}`, async (c) => {
      const broker = await leaderOf(c, topic, partition);
      const req = broker.lookupRequest(kafkaApiKeys.Fetch, kafkaRequests.Fetch)({
        replicaId: -1, isolationLevel: this.settings.isolationLevel, maxWaitTime: 0, minBytes: 1, maxBytes, rackId: '',
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
      });
      const version = req.request.apiVersion;
      if (version >= 4 && version <= 11) req.response = { decode: rawFetchDecoder(version), parse: req.response.parse };
      let res: { responses: { partitions: (FetchedPartition & { records?: Buffer | null })[] }[] };
      try {
        res = await brokerSend(broker)(req) as typeof res;
      } catch (e) {
        const type = (e as { type?: string }).type;
        if (type === 'OFFSET_OUT_OF_RANGE') return { records: null, legacy: null, abortedTransactions: [], highWatermark: -1, logStartOffset: -1, outOfRange: true };
        if (type === 'NOT_LEADER_FOR_PARTITION' || type === 'UNKNOWN_TOPIC_OR_PARTITION') await c.refreshMetadata().catch(() => undefined);
        throw e;
      }
      const p = res.responses[0]?.partitions[0];
      if (p === undefined) return { records: null, legacy: null, abortedTransactions: [], highWatermark: offset, logStartOffset: 0, outOfRange: false };
      const highWatermark = Number(this.settings.isolationLevel === 1 ? p.lastStableOffset : p.highWatermark);
      const logStartOffset = p.lastStartOffset === undefined ? 0 : Number(p.lastStartOffset);
      if (p.records === undefined) {
        // kafkajs decoded it (a Fetch below v4): its messages, control records and aborted transactions dropped.
        const batch = new KafkaJsBatch(topic, String(offset), p);
        return { records: null, legacy: batch.messages, abortedTransactions: [], highWatermark, logStartOffset, outOfRange: false };
      }
      const records = p.records;
      const aborted = p.abortedTransactions as AbortedTransaction[];
      // Magic byte at the same place in every format; 0 and 1 are the message sets of Kafka before 0.11.
      if (records !== null && records.length > 16 && records[16]! < 2) {
        const legacy = await messageSetDecoder(new KafkaJsDecoder(records), records.length);
        return { records: null, legacy, abortedTransactions: aborted, highWatermark, logStartOffset, outOfRange: false };
      }
      return { records, legacy: null, abortedTransactions: aborted, highWatermark, logStartOffset, outOfRange: false };
    }, retries);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reset();
  }
}

/** A kafkajs producer made from the settings (`transactionalId` for the exactly-once sink). */
export function kafkaProducer(settings: KafkaSettings, transactionalId?: string): KafkaJsProducer {
  const client = new kafkajs.Kafka(settings.config);
  return client.producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
    ...(transactionalId !== undefined ? { transactionalId, maxInFlightRequests: 1 } : {}),
    ...(settings.transactionTimeoutMs !== undefined ? { transactionTimeout: settings.transactionTimeoutMs } : {}),
  });
}

/** Runs a producer call with spate's bounded retry. */
export function producerCall<T>(settings: KafkaSettings, what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
  return withRetry(settings.endpoint, what, fn, { policy: settings.retry, retryable, options: settings.options });
}

/** kafkajs's gzip codec id, for sendBatch's `compression`. */
export const GZIP = 1;
