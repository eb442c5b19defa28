import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('postgres-cdc')`: PostgreSQL change data capture. (Being built: see issue 12.) */
export const POSTGRES_CDC_SOURCE: SourceProvider = notBuiltSource('postgres-cdc', 'PostgreSQL change data capture');
