import { editDistance, SpateError } from '../core/errors.js';
import type { Setting } from '../core/settings.js';
import { warnOnce } from '../core/warnings.js';
import { SETTINGS_BY_KEY } from './settings.js';

/**
 * Settings spate reads, with Spark's names, and their defaults (from the
 * table in `settings.ts`). Defaults are Spark's except where noted: the
 * session time zone is UTC (Spark uses the JVM's zone) and shuffle
 * partitions default to 8 (Spark: 200), since they only size the streaming
 * state store here.
 */
export const CONF_DEFAULTS: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(
  [...SETTINGS_BY_KEY.values()].filter((s) => s.default !== undefined).map((s) => [s.key, s.default!])));

const KNOWN_KEYS = [...SETTINGS_BY_KEY.keys()];

/**
 * `spark.conf`: get and set runtime settings. A key spate knows is checked
 * when it is set (Spark's SQLConf.setConfString runs the entry's converter),
 * so `pollingDelay = 'ten'` fails at `set`, naming the key and what it
 * accepts; any other key is kept as given, and an unknown `spark.sql.*` key
 * warns once, naming the closest known key (spate does not read it).
 */
export class RuntimeConfig {
  private readonly values = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  set(key: string, value: string | number | boolean): void {
    if (typeof key !== 'string' || key === '') {
      throw new SpateError('INVALID_CONF', `spark.conf.set(key, value): the key must be a non-empty string, got ${key === '' ? "''" : typeof key}.`);
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new SpateError('INVALID_CONF', `spark.conf.set('${key}', value): the value must be a string, number or boolean, got ${value === null ? 'null' : typeof value}.`);
    }
    const v = String(value);
    const setting = SETTINGS_BY_KEY.get(key);
    if (setting) setting.parse(v);
    else if (key.startsWith('spark.sql.')) warnUnknown(key);
    this.values.set(key, v);
  }

  /** The value, else `defaultValue`, else spate's default; throws CONF_NOT_FOUND for a key with none of them. */
  get(key: string, defaultValue?: string): string {
    const v = this.values.get(key) ?? defaultValue ?? SETTINGS_BY_KEY.get(key)?.default;
    if (v === undefined) throw new SpateError('CONF_NOT_FOUND', `No value for configuration '${key}'; set it with spark.conf.set('${key}', value).`);
    return v;
  }

  getOption(key: string): string | undefined {
    return this.values.get(key) ?? SETTINGS_BY_KEY.get(key)?.default;
  }

  /** The typed value of a known setting (its value, else its default); undefined only for a setting with no default that is unset. */
  value<T>(setting: Setting<T>): T;
  value<T>(setting: Setting<T>, optional: 'optional'): T | undefined;
  value<T>(setting: Setting<T>, _optional?: 'optional'): T | undefined {
    const text = this.values.get(setting.key) ?? setting.default;
    return text === undefined ? undefined : setting.parse(text);
  }

  unset(key: string): void {
    this.values.delete(key);
  }

  /** Every setting spate knows with its current value (the default where unset and there is one), plus every other key set. */
  getAll(): Record<string, string> {
    return { ...CONF_DEFAULTS, ...Object.fromEntries(this.values) };
  }

  /** Spark's rule: runtime SQL settings (`spark.sql.*`) may change in a session; core ones (`spark.master`, ...) may not. */
  isModifiable(key: string): boolean {
    return key.startsWith('spark.sql.');
  }
}

function warnUnknown(key: string): void {
  // Keys are long and share their prefix, so only a near miss is suggested.
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 8)) + 1;
  for (const k of KNOWN_KEYS) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  warnOnce(`conf:${key}`, `Unknown setting '${key}': spate does not read it, so it has no effect.` +
    (best !== undefined ? ` Did you mean '${best}'?` : ' spark.conf.getAll() lists the settings spate reads.'));
}
