import { notBuiltSink } from './connector.js';
import type { SinkProvider } from './connector.js';

/** `format('redis')`: Redis Streams. (Being built: see issue 12.) */
export const REDIS_SINK: SinkProvider = notBuiltSink('redis', 'Redis Streams');
