import { setTimeout as sleep } from 'node:timers/promises';
import { SpateError } from '../core/errors.js';
import { SourceOptions } from '../io/options.js';
import { redactSecrets } from './redact.js';

/** Where a connector talks to, for error messages: `Redis at 127.0.0.1:6379`. */
export interface Endpoint {
  /** The system's name as users know it: `Kafka`, `Redis`, `PostgreSQL`. */
  readonly system: string;
  readonly host: string;
  readonly port: number;
}

/** How often and how long a failed call to a server is tried again. */
export interface RetryPolicy {
  /** Tries after the first one; 0 = fail at once. */
  readonly retries: number;
  /** The first pause; each next pause doubles, up to maxBackoffMs. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, backoffMs: 200, maxBackoffMs: 5000 };

/**
 * The retry options every connector accepts: `retries` (default 5),
 * `retryBackoffMs` (200) and `retryMaxBackoffMs` (5000). With the defaults a
 * server that stays away fails the query after about 6 s.
 */
export function retryPolicy(options: Readonly<Record<string, string>>): RetryPolicy {
  const o = new SourceOptions(options);
  return {
    retries: o.int('retries', DEFAULT_RETRY.retries, 0),
    backoffMs: o.int('retryBackoffMs', DEFAULT_RETRY.backoffMs, 0),
    maxBackoffMs: o.int('retryMaxBackoffMs', DEFAULT_RETRY.maxBackoffMs, 0),
  };
}

export interface RetryOptions {
  readonly policy?: RetryPolicy;
  /** False for errors that another try cannot fix (bad credentials, a missing topic): they fail at once. */
  readonly retryable?: (e: unknown) => boolean;
  /** The user's options, so any secret in them is masked in the final error. */
  readonly options?: Readonly<Record<string, string>>;
  /** Stops waiting between tries (the query is stopping). */
  readonly signal?: AbortSignal;
  /** Told of each failed try before the pause (a log line, a test's counter). */
  readonly onRetry?: (attempt: number, e: unknown, delayMs: number) => void;
  /** The error code of the final failure; default SERVICE_UNAVAILABLE. */
  readonly code?: string;
  /** Added to the final message: what the user can do. */
  readonly hint?: string;
}

/** The message of a client's error, without credentials. */
export function clientMessage(e: unknown, options: Readonly<Record<string, string>> = {}): string {
  const m = e instanceof Error ? e.message || e.name : String(e);
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? ` (${e.code})` : '';
  return redactSecrets(`${m}${code}`, options);
}

/**
 * Runs `fn`, trying again with doubling pauses when it fails; after the last
 * try throws a SpateError naming the system, host, port and `what` was being
 * done (`reading entries of stream 'clicks'`), with the client's own message.
 */
export async function withRetry<T>(endpoint: Endpoint, what: string, fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  const started = Date.now();
  let delay = policy.backoffMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (e instanceof SpateError) throw e;
      const last = attempt >= policy.retries || (opts.retryable !== undefined && !opts.retryable(e)) || opts.signal?.aborted === true;
      if (last) throw serviceError(endpoint, what, e, attempt + 1, Date.now() - started, opts);
      opts.onRetry?.(attempt + 1, e, delay);
      try { await sleep(delay, undefined, opts.signal ? { signal: opts.signal } : undefined); } catch { /* aborted: the next try reports */ }
      delay = Math.min(delay * 2, policy.maxBackoffMs);
    }
  }
}

/** The error a connector throws when a server fails it: system, host, port, what was being done, the client's message. */
export function serviceError(endpoint: Endpoint, what: string, e: unknown, tries: number, elapsedMs: number, opts: RetryOptions = {}): SpateError {
  const after = tries > 1 ? ` after ${tries} tries over ${Math.round(elapsedMs)} ms` : '';
  const hint = opts.hint ?? `Check that ${endpoint.system} is running and reachable at ${endpoint.host}:${endpoint.port}; nothing was lost, restart the query from its checkpoint once it is back.`;
  return new SpateError(opts.code ?? 'SERVICE_UNAVAILABLE',
    `${endpoint.system} at ${endpoint.host}:${endpoint.port}: ${what} failed${after}: ${clientMessage(e, opts.options)}. ${hint}`,
    { cause: redactedCause(e, opts.options) });
}

/** The client's error as a cause without credentials (Node prints causes of uncaught errors in full). */
export function redactedCause(e: unknown, options: Readonly<Record<string, string>> = {}): Error {
  const c = new Error(clientMessage(e, options));
  if (e instanceof Error) c.name = e.name;
  return c;
}
