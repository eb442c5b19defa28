import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('rabbitmq')`: RabbitMQ. (Being built: see issue 12.) */
export const RABBITMQ_SOURCE: SourceProvider = notBuiltSource('rabbitmq', 'RabbitMQ');
