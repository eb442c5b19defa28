import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('kafka')`: Kafka. (Being built: see issue 12.) */
export const KAFKA_SOURCE: SourceProvider = notBuiltSource('kafka', 'Kafka');
