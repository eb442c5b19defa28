/**
 * The servers the connector tests talk to, on loopback (scripts/services.sh
 * starts them). A test file awaits `needService(...)` at its top and passes
 * the result as node:test's `skip`: where a server does not answer, its
 * tests are skipped with the reason printed — except under CI=true, where a
 * missing server is a failure, never a skip.
 */
import { connect } from 'node:net';

export type ServiceName = 'postgresql' | 'mariadb' | 'redis' | 'nats' | 'rabbitmq' | 'rabbitmq-stream' | 'mosquitto';

export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = {
  postgresql: 5432, mariadb: 3306, redis: 6379, nats: 4222, rabbitmq: 5672, 'rabbitmq-stream': 5552, mosquitto: 1883,
};

/** True when something accepts a TCP connection on 127.0.0.1:`port` within `timeoutMs`. */
export function answers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * `false` when every named server answers; otherwise the skip reason.
 * Throws under CI=true, so the test file fails instead of skipping.
 */
export async function needService(...names: ServiceName[]): Promise<false | string> {
  const down: string[] = [];
  for (const n of names) if (!(await answers(SERVICE_PORTS[n]))) down.push(`${n} (127.0.0.1:${SERVICE_PORTS[n]})`);
  if (down.length === 0) return false;
  const reason = `needs ${down.join(', ')}: not answering; run 'bash scripts/services.sh' as root to start it`;
  if (process.env.CI === 'true') throw new Error(`CI=true and a server is missing: ${reason}`);
  console.log(`# SKIP ${reason}`);
  return reason;
}

/** A name unique to this test run, for topics, streams, tables and keys (tests share the servers). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}
