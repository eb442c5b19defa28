import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('mqtt')`: MQTT. (Being built: see issue 12.) */
export const MQTT_SOURCE: SourceProvider = notBuiltSource('mqtt', 'MQTT');
