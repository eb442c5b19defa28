import { SpateError } from '../core/errors.js';
import { mqttConnectOptions, type MqttConnectOptions } from '../clients/mqtt.js';
import { intOption, sourceOptions } from './source-options.js';

/** The `mqtt` source's options, checked. */
export interface MqttSourceOptions {
  readonly connect: MqttConnectOptions;
  readonly topic: string;
  readonly qos: 0 | 1 | 2;
  /** `file`: messages are logged in the checkpoint before they are acknowledged; `memory`: held in memory only. */
  readonly persistence: 'file' | 'memory';
  readonly maxMessagesPerTrigger: number | undefined;
}

const WHO = 'mqtt source';

/** A valid MQTT topic filter: `+` a whole level, `#` the whole last level. */
export function validTopicFilter(t: string): boolean {
  if (t === '' || t.includes('\u0000')) return false;
  const levels = t.split('/');
  return levels.every((l, i) => (l.includes('#') ? l === '#' && i === levels.length - 1 : !l.includes('+') || l === '+'));
}

/** Reads the source's options (Bahir's names): brokerUrl / path, topic, clientId, QoS, persistence, cleanSession, ... */
export function parseMqttSourceOptions(options: Readonly<Record<string, string>>): MqttSourceOptions {
  const o = sourceOptions(options);
  const connect = mqttConnectOptions(options, WHO, false);
  const topic = o.get('topic')?.trim();
  if (topic === undefined || topic === '') {
    throw new SpateError('MISSING_OPTION', `Set the topic to subscribe to with option('topic', 'sensors/#') (${WHO}).`);
  }
  if (!validTopicFilter(topic)) {
    throw new SpateError('INVALID_OPTION', `Option 'topic' must be an MQTT topic filter ('+' stands for one whole level, '#' for the last ones, e.g. 'sensors/+/temperature' or 'sensors/#'), got ${JSON.stringify(topic)} (${WHO}).`);
  }
  const qos = intOption(o, WHO, 'QoS', 1, 0, '0, 1 or 2')!;
  if (qos > 2) throw new SpateError('INVALID_OPTION', `Option 'QoS' must be 0, 1 or 2, got ${JSON.stringify(o.get('QoS'))} (${WHO}).`);
  const persistence = (o.get('persistence') ?? 'file').trim().toLowerCase();
  if (persistence !== 'file' && persistence !== 'memory') {
    throw new SpateError('INVALID_OPTION', `Option 'persistence' must be 'file' (messages kept in the checkpoint until committed) or 'memory', got ${JSON.stringify(o.get('persistence'))} (${WHO}).`);
  }
  return {
    connect, topic, qos: qos as 0 | 1 | 2, persistence,
    maxMessagesPerTrigger: intOption(o, WHO, 'maxMessagesPerTrigger', undefined, 1, 'a positive integer'),
  };
}
