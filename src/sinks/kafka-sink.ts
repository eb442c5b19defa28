import { notBuiltSink } from './connector.js';
import type { SinkProvider } from './connector.js';

/** `format('kafka')`: Kafka. (Being built: see issue 12.) */
export const KAFKA_SINK: SinkProvider = notBuiltSink('kafka', 'Kafka');
