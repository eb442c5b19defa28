/**
 * A private Kafka-protocol server per test file: librdkafka's mock cluster
 * (test/support/kafka-mock.c, compiled once per machine with `cc ... -lrdkafka`
 * into a cache directory keyed by the source's hash). It is not Apache
 * Kafka: no CreateTopics/DeleteTopics/CreatePartitions/DeleteRecords or SASL
 * APIs, transactions are accepted but write no markers (read_committed sees
 * everything), a Fetch returns one produce batch per partition, and a
 * partition keeps at most 5 MB or 100000 produce batches (older ones are
 * dropped: the log start moves, which the data-loss tests use).
 *
 * The crash-test harness starts one with startKafkaMock() and sets
 * SPATE_KAFKA_BOOTSTRAP; fixtures in the same process reach it with
 * runningKafkaMock(bootstrap) to create topics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'kafka-mock.c');

/** A running mock cluster. */
export interface KafkaMock {
  /** bootstrap.servers, e.g. `127.0.0.1:40123` (one entry per broker). */
  readonly bootstrap: string;
  /** Creates a topic with `partitions` partitions (the mock has no CreateTopics API). */
  createTopic(name: string, partitions: number): Promise<void>;
  /** Makes Metadata answer `code` for the topic (3: UNKNOWN_TOPIC_OR_PARTITION, as if deleted; 0: back to normal). */
  setTopicError(name: string, code: number): Promise<void>;
  /** Cuts every connection to broker `id` (-1: all) and refuses new ones; its data stays. */
  brokerDown(id?: number): Promise<void>;
  /** Lets broker `id` (-1: all) accept connections again. */
  brokerUp(id?: number): Promise<void>;
  /** Ends the process (its data is gone). */
  stop(): Promise<void>;
}

/** Path of the compiled mock (compiles it on first use on this machine). */
export function kafkaMockBinary(): string {
  const src = readFileSync(SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'spate-kafka-mock');
  const bin = join(dir, `kafka-mock-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = spawnSync('cc', ['-O2', '-o', tmp, SOURCE, '-lrdkafka'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`compiling ${SOURCE} failed (needs cc and librdkafka-dev: bash scripts/services.sh installs it): ${r.error?.message ?? ''}${r.stderr ?? ''}`);
  }
  renameSync(tmp, bin); // atomic: a concurrent compile by another test file just replaces it with the same binary
  return bin;
}

/**
 * `false` when the mock can run here (compiling it on first use); otherwise
 * the skip reason. As needService: throws under CI=true, so a machine without
 * cc or librdkafka-dev fails CI instead of skipping the Kafka tests.
 */
export function needKafkaMock(): false | string {
  try {
    kafkaMockBinary();
    return false;
  } catch (e) {
    const reason = `needs the Kafka mock cluster: ${(e as Error).message.split('\n')[0]}`;
    if (process.env.CI === 'true') throw new Error(`CI=true and the Kafka mock cannot run: ${reason}`);
    console.log(`# SKIP ${reason}`);
    return reason;
  }
}

const running = new Map<string, KafkaMock>();

/** The mock started in this process whose bootstrap is `bootstrap` (for crash-test fixtures), or undefined. */
export function runningKafkaMock(bootstrap: string | undefined): KafkaMock | undefined {
  return bootstrap === undefined ? undefined : running.get(bootstrap);
}

/** Starts a mock cluster with `brokers` brokers; it exits by itself when this process dies (stdin EOF). */
export async function startKafkaMock(opts: { brokers?: number; timeoutMs?: number } = {}): Promise<KafkaMock> {
  const child: ChildProcess = spawn(kafkaMockBinary(), [String(opts.brokers ?? 1)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => { err += d; });
  child.stdout!.on('data', (d: string) => {
    out += d;
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line); else lines.push(line);
    }
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
    for (const w of waiting.splice(0)) w('ERR kafka-mock exited');
  });
  // Not keeping the test process alive: the pipes are unref'd, stop() ends the child.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();

  const timeoutMs = opts.timeoutMs ?? 10_000;
  const nextLine = (): Promise<string> => {
    const l = lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (exited) return Promise.resolve('ERR kafka-mock exited');
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`kafka-mock did not answer within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
      waiting.push((line) => { clearTimeout(t); resolve(line); });
    });
  };
  const first = await nextLine();
  if (!first.startsWith('BOOTSTRAP ')) throw new Error(`kafka-mock did not start: ${first} ${err}`);
  const bootstrap = first.slice('BOOTSTRAP '.length).trim();

  // Commands are answered in order; one at a time keeps answers matched to their commands.
  let queue: Promise<unknown> = Promise.resolve();
  const command = (cmd: string): Promise<void> => {
    const run = queue.then(async () => {
      if (exited) throw new Error(`kafka-mock has exited; cannot run '${cmd}'`);
      child.stdin!.write(`${cmd}\n`);
      const answer = await nextLine();
      if (answer !== 'OK') throw new Error(`kafka-mock '${cmd}': ${answer}`);
    });
    queue = run.catch(() => undefined);
    return run;
  };
  const mock: KafkaMock = {
    bootstrap,
    createTopic: (name, partitions) => {
      if (!/^[A-Za-z0-9._-]+$/.test(name)) return Promise.reject(new Error(`invalid topic name ${JSON.stringify(name)}`));
      return command(`create ${name} ${partitions}`);
    },
    setTopicError: (name, code) => command(`error ${name} ${code}`),
    brokerDown: (id = -1) => command(`down ${id}`),
    brokerUp: (id = -1) => command(`up ${id}`),
    stop: async () => {
      running.delete(bootstrap);
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin!.end('quit\n');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(t);
    },
  };
  running.set(bootstrap, mock);
  return mock;
}

/** A message for produce(): strings or bytes; `partition` picks one (else kafkajs's default partitioner). */
export interface TestMessage {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly partition?: number;
  readonly headers?: Record<string, string | Buffer>;
  readonly timestamp?: number;
}

/**
 * Produces `messages` to `topic` with a plain kafkajs producer (independent
 * of spate's sink, so source tests do not test spate with itself), in
 * requests of `chunk` messages: the mock stores each request's records of a
 * partition as one batch, and a Fetch returns one batch.
 */
export async function produce(bootstrap: string, topic: string, messages: readonly TestMessage[], chunk = 5000): Promise<void> {
  const { Kafka, logLevel, Partitioners } = (await import('kafkajs')).default;
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      const part = messages.slice(i, i + chunk).map((m) => ({
        key: m.key ?? null, value: m.value, ...(m.partition !== undefined ? { partition: m.partition } : {}),
        ...(m.headers !== undefined ? { headers: m.headers } : {}), ...(m.timestamp !== undefined ? { timestamp: String(m.timestamp) } : {}),
      }));
      await producer.send({ topic, messages: part, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}
