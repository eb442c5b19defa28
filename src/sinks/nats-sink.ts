import { notBuiltSink } from './connector.js';
import type { SinkProvider } from './connector.js';

/** `format('nats')`: NATS JetStream. (Being built: see issue 12.) */
export const NATS_SINK: SinkProvider = notBuiltSink('nats', 'NATS JetStream');
