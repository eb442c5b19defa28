// Every connector's crash-test fixtures; crash.test.ts pairs each source with each sink.
import type { CrashFixtures, CrashSink, CrashSource } from './fixture.js';
import { FIXTURES as files } from './fixtures/files.js';
import { FIXTURES as kafka } from './fixtures/kafka.js';
import { FIXTURES as redis } from './fixtures/redis.js';
import { FIXTURES as nats } from './fixtures/nats.js';
import { FIXTURES as rabbitmq } from './fixtures/rabbitmq.js';
import { FIXTURES as jdbc } from './fixtures/jdbc.js';
import { FIXTURES as postgresCdc } from './fixtures/postgres-cdc.js';

const all: readonly CrashFixtures[] = [files, kafka, redis, nats, rabbitmq, jdbc, postgresCdc];
export const CRASH_SOURCES: readonly CrashSource[] = all.flatMap((f) => f.sources);
export const CRASH_SINKS: readonly CrashSink[] = all.flatMap((f) => f.sinks);
