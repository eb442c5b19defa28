import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('redis')`: Redis Streams. (Being built: see issue 12.) */
export const REDIS_SOURCE: SourceProvider = notBuiltSource('redis', 'Redis Streams');
