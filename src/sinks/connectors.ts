// The broker and database sinks, by format name. Adding a connector: its
// files under sinks/ (a SinkProvider), one line here, its tests.
import type { SinkProvider } from './connector.js';
import { KAFKA_SINK } from './kafka-sink.js';
import { REDIS_SINK } from './redis-sink.js';
import { NATS_SINK } from './nats-sink.js';
import { RABBITMQ_SINK } from './rabbitmq-sink.js';
import { MQTT_SINK } from './mqtt-sink.js';
import { JDBC_SINK } from './jdbc-sink.js';

export const CONNECTOR_SINKS: ReadonlyMap<string, SinkProvider> = new Map(
  [KAFKA_SINK, REDIS_SINK, NATS_SINK, RABBITMQ_SINK, MQTT_SINK, JDBC_SINK].map((p) => [p.format, p]),
);
