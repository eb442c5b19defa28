import { SpateError } from './errors.js';

/**
 * Typed settings: a key with its type, default, documentation and
 * validation, in the manner of Spark's ConfigEntry (`SQLConf.buildConf(key)
 * .doc(...).intConf.checkValue(...).createWithDefault(...)`). Values are kept
 * as the strings the user gave (Spark's `spark.conf.get` returns them as
 * given); `parse` turns one into its typed value or throws a SpateError
 * naming the key, what it accepts and what it got. The table of Spark's keys
 * spate reads is `api/settings.ts`; this module has no keys of its own.
 */
export interface Setting<T> {
  readonly key: string;
  /** One or two sentences for the README and the listing. */
  readonly doc: string;
  /** The default as text; undefined when the setting has none (unset until set). */
  readonly default: string | undefined;
  /** Spark's default, where spate's differs (shown in the README). */
  readonly sparkDefault?: string;
  /** What a value must be, as the error says it: "a positive integer", "'min' or 'max'". */
  readonly accepts: string;
  /** The typed value of `text`; throws INVALID_CONF (or UNSUPPORTED_CONF) naming the key. */
  parse(text: string): T;
}

/** Options shared by the constructors below. */
export interface SettingSpec {
  readonly doc: string;
  readonly sparkDefault?: string;
}

/** The error for a value `setting` does not accept. */
export function invalidSetting(key: string, accepts: string, got: string): SpateError {
  return new SpateError('INVALID_CONF', `${key} must be ${accepts}, got ${JSON.stringify(got)}.`);
}

function make<T>(key: string, dflt: string | undefined, accepts: string, spec: SettingSpec, parse: (t: string) => T | undefined): Setting<T> {
  return Object.freeze({
    key,
    doc: spec.doc,
    default: dflt,
    ...(spec.sparkDefault !== undefined ? { sparkDefault: spec.sparkDefault } : {}),
    accepts,
    parse(text: string): T {
      const v = parse(text);
      if (v === undefined) throw invalidSetting(key, accepts, text);
      return v;
    },
  });
}

/** 'true' / 'false' in any case, surrounding blanks ignored (Spark's `toBoolean` on the trimmed value). */
export function parseBoolean(text: string): boolean | undefined {
  const l = text.trim().toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

/** An integer in the safe range written in decimal (Spark's intConf), else undefined. */
export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000,
};

/** A time string as Spark's JavaUtils.timeStringAs reads it ('10', '10ms', '2s', '1min'); a bare number is in `defaultUnit`. Milliseconds. */
export function parseTimeMs(text: string, defaultUnit: 'ms' | 's'): number | undefined {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return undefined;
  const scale = TIME_UNITS_MS[m[2] === '' ? defaultUnit : m[2]!.toLowerCase()];
  return scale === undefined ? undefined : Number(m[1]) * scale;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4,
};

/** A byte size as Spark's bytesConf reads it ('10485760', '10m', '1g', and '-1' for "off"). */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(-?\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return undefined;
  const scale = BYTE_UNITS[m[2]!.toLowerCase()];
  const n = Number(m[1]) * (scale ?? NaN);
  return Number.isSafeInteger(n) && n >= -1 ? n : undefined;
}

/** A boolean setting; `only` restricts it to one value spate supports (UNSUPPORTED_CONF otherwise). */
export function booleanSetting(key: string, dflt: boolean, spec: SettingSpec & { readonly only?: boolean; readonly why?: string }): Setting<boolean> {
  const accepts = "'true' or 'false' (any case)";
  const s = make(key, String(dflt), accepts, spec, parseBoolean);
  if (spec.only === undefined) return s;
  const only = spec.only;
  return Object.freeze({
    ...s,
    accepts: `'${only}'`,
    parse(text: string): boolean {
      const v = s.parse(text);
      if (v !== only) throw new SpateError('UNSUPPORTED_CONF', `${key}=${text} is not supported: ${spec.why ?? `only ${only} is`}.`);
      return v;
    },
  });
}

/** An integer setting at least `min`. */
export function intSetting(key: string, dflt: number, min: number, spec: SettingSpec): Setting<number> {
  const accepts = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
  return make(key, String(dflt), accepts, spec, (t) => {
    const n = parseInteger(t);
    return n !== undefined && n >= min ? n : undefined;
  });
}

/** A duration setting in milliseconds; a bare number is in milliseconds (Spark's timeConf(MILLISECONDS)). */
export function timeMsSetting(key: string, dflt: string, spec: SettingSpec): Setting<number> {
  return make(key, dflt, "a duration such as '10ms', '2s' or '1min' (a bare number is in milliseconds)", spec, (t) => parseTimeMs(t, 'ms'));
}

/** A byte-size setting (Spark's bytesConf). */
export function bytesSetting(key: string, dflt: string, spec: SettingSpec): Setting<number> {
  return make(key, dflt, "a size in bytes such as '10485760', '10m' or '1g', or -1", spec, parseBytes);
}

/** One of `values`, matched case-insensitively (Spark's `.transform(_.toLowerCase).checkValues(...)`); the value is lower case. */
export function enumSetting<V extends string>(key: string, dflt: V, values: readonly V[], spec: SettingSpec): Setting<V> {
  const quoted = values.map((v) => `'${v}'`);
  const accepts = `${quoted.length === 2 ? quoted.join(' or ') : `one of ${quoted.join(', ')}`} (any case)`;
  return make(key, dflt, accepts, spec, (t) => values.find((v) => v === t.trim().toLowerCase()));
}

/** Any string; `check` returns undefined for an accepted value, else what is wrong (UNSUPPORTED or INVALID). */
export function stringSetting(key: string, dflt: string | undefined, accepts: string, spec: SettingSpec & { readonly check?: (text: string) => void }): Setting<string> {
  return make(key, dflt, accepts, spec, (t) => {
    spec.check?.(t);
    return t;
  });
}
