import { notBuiltSink } from './connector.js';
import type { SinkProvider } from './connector.js';

/** `format('rabbitmq')`: RabbitMQ. (Being built: see issue 12.) */
export const RABBITMQ_SINK: SinkProvider = notBuiltSink('rabbitmq', 'RabbitMQ');
