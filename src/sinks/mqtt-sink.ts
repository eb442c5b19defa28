import { notBuiltSink } from './connector.js';
import type { SinkProvider } from './connector.js';

/** `format('mqtt')`: MQTT. (Being built: see issue 12.) */
export const MQTT_SINK: SinkProvider = notBuiltSink('mqtt', 'MQTT');
