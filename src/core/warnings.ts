/**
 * Warnings spate gives without failing (an unknown `spark.sql.*` key, a
 * misspelled option). Spark logs these at WARN; spate writes them to stderr
 * through one replaceable handler, once per distinct warning per process, so
 * a query run every few seconds does not repeat itself.
 */

/** Receives a warning's text. */
export type WarningHandler = (message: string) => void;

let handler: WarningHandler = (message) => { console.warn(`WARN ${message}`); };
const given = new Set<string>();

/** Routes warnings to `next`; returns the previous handler so a test can restore it. */
export function setWarningHandler(next: WarningHandler): WarningHandler {
  const prev = handler;
  handler = next;
  return prev;
}

/** Warns with `message` unless a warning with the same `key` was given before in this process. */
export function warnOnce(key: string, message: string): void {
  if (given.has(key)) return;
  given.add(key);
  handler(message);
}

/** @internal Forgets which warnings were given (tests). */
export function resetWarnings(): void {
  given.clear();
}
