import { SpateError } from '../core/errors.js';

/**
 * Settings spate reads, with Spark's names. Defaults are Spark's except where
 * noted: the session time zone is UTC (Spark uses the JVM's zone) and
 * shuffle partitions default to 8 (Spark: 200), since they only size the
 * streaming state store here.
 */
export const CONF_DEFAULTS: Readonly<Record<string, string>> = {
  'spark.app.name': 'spate',
  'spark.master': 'local[*]',
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.shuffle.partitions': '8',
  'spark.sql.caseSensitive': 'false',
  'spark.sql.codegen.wholeStage': 'true',
  'spark.sql.autoBroadcastJoinThreshold': '10485760',
  'spark.sql.retainGroupColumns': 'true',
};

/** Descriptions for the README and `spark.conf` errors. */
export const CONF_DOCS: Readonly<Record<string, string>> = {
  'spark.sql.session.timeZone': 'Time zone for date/time functions and for printing timestamps (IANA id or UTC).',
  'spark.sql.shuffle.partitions': 'Number of state partitions of streaming stateful operators; fixed for the life of a checkpoint.',
  'spark.sql.caseSensitive': 'Only false is supported: column names resolve case-insensitively.',
  'spark.sql.codegen.wholeStage': 'Compile filter/project pipelines to JavaScript (true) or interpret them row by row (false, for debugging).',
  'spark.sql.autoBroadcastJoinThreshold': 'Accepted for compatibility; spate always builds the join hash table on the smaller side.',
};

/** `spark.conf`: get and set runtime settings. */
export class RuntimeConfig {
  private readonly values = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  set(key: string, value: string | number | boolean): void {
    const v = String(value);
    if (key === 'spark.sql.caseSensitive' && v.toLowerCase() !== 'false') {
      throw new SpateError('UNSUPPORTED_CONF', `spark.sql.caseSensitive=${v} is not supported: spate resolves column names case-insensitively.`);
    }
    if (key === 'spark.sql.shuffle.partitions' && !(Number.isInteger(Number(v)) && Number(v) > 0)) {
      throw new SpateError('INVALID_CONF', `spark.sql.shuffle.partitions must be a positive integer, got "${v}".`);
    }
    this.values.set(key, v);
  }

  /** The value, else `defaultValue`, else spate's default; throws for an unknown key with no default. */
  get(key: string, defaultValue?: string): string {
    const v = this.values.get(key) ?? defaultValue ?? CONF_DEFAULTS[key];
    if (v === undefined) throw new SpateError('CONF_NOT_FOUND', `No value for configuration '${key}'; set it with spark.conf.set('${key}', value).`);
    return v;
  }

  getOption(key: string): string | undefined {
    return this.values.get(key) ?? CONF_DEFAULTS[key];
  }

  unset(key: string): void {
    this.values.delete(key);
  }

  /** Every explicitly set value, plus the defaults. */
  getAll(): Record<string, string> {
    return { ...CONF_DEFAULTS, ...Object.fromEntries(this.values) };
  }

  isModifiable(key: string): boolean {
    return key.startsWith('spark.sql.');
  }
}
