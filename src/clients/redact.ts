/**
 * Credentials never reach errors, logs or progress: every message a
 * connector builds from a client's error or from the user's options goes
 * through these first.
 */

/** `scheme://user:secret@host/...` (also `jdbc:scheme://...`) → `scheme://user:***@host/...`; also `password=...` query parameters. */
export function redactUrl(url: string): string {
  return url
    .replace(/^((?:jdbc:)?[a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@')
    .replace(/([?&](?:password|pass|pwd|secret|token|sasl\.password)=)[^&]*/gi, '$1***');
}

/**
 * Option names whose values are secrets, whatever the connector (any case, any prefix such as `kafka.`);
 * `auth` is spark-redis's name for the Redis password (`auth`, `spark.redis.auth`).
 */
const SECRET_KEY = /(password|passwd|secret|token|credential|sasl\.jaas\.config|ssl\.key|(^|\.)auth$)/i;

/** True for an option whose value must never be shown. */
export function isSecretOption(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** `text` with every secret value of `options` (and any credential in a URL) replaced by `***`. */
export function redactSecrets(text: string, options: Readonly<Record<string, string>> = {}): string {
  let out = text;
  for (const [k, v] of Object.entries(options)) {
    if (v.length >= 3 && isSecretOption(k)) out = out.split(v).join('***');
  }
  return out.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (u) => redactUrl(u));
}

/** The options as they may be shown (explain, descriptions): secret values masked. */
export function safeOptions(options: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) out[k] = isSecretOption(k) ? '***' : redactUrl(v);
  return out;
}
