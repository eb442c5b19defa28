import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('nats')`: NATS JetStream. (Being built: see issue 12.) */
export const NATS_SOURCE: SourceProvider = notBuiltSource('nats', 'NATS JetStream');
