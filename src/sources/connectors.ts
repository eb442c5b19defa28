// The broker and database sources, by format name. Adding a connector: its
// files under sources/ (a SourceProvider), one line here, its tests.
import type { SourceProvider } from './connector.js';
import { KAFKA_SOURCE } from './kafka-source.js';
import { REDIS_SOURCE } from './redis-source.js';
import { NATS_SOURCE } from './nats-source.js';
import { RABBITMQ_SOURCE } from './rabbitmq-source.js';
import { MQTT_SOURCE } from './mqtt-source.js';
import { JDBC_SOURCE } from './jdbc-source.js';
import { POSTGRES_CDC_SOURCE } from './postgres-cdc-source.js';

export const CONNECTOR_SOURCES: ReadonlyMap<string, SourceProvider> = new Map(
  [KAFKA_SOURCE, REDIS_SOURCE, NATS_SOURCE, RABBITMQ_SOURCE, MQTT_SOURCE, JDBC_SOURCE, POSTGRES_CDC_SOURCE].map((p) => [p.format, p]),
);
