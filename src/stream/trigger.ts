import { SpateError } from '../core/errors.js';
import { parseDurationMs } from '../core/duration.js';

/**
 * When micro-batches run (Spark's Trigger): `processingTime` 0 is the default
 * (next batch as soon as the last ends and there is data); an interval starts
 * batches on its multiples; `once` runs one batch of everything available;
 * `availableNow` runs what is available at start, in as many batches as rate
 * limits allow, then stops.
 */
export type Trigger =
  | { readonly kind: 'processingTime'; readonly intervalMs: number }
  | { readonly kind: 'once' }
  | { readonly kind: 'availableNow' }
  | { readonly kind: 'continuous'; readonly intervalMs: number };

/** What users pass to writeStream.trigger(...). */
export type TriggerSpec =
  | { processingTime: string | number }
  | { once: true }
  | { availableNow: true }
  | { continuous: string | number };

export const DEFAULT_TRIGGER: Trigger = { kind: 'processingTime', intervalMs: 0 };

export function parseTrigger(spec: TriggerSpec): Trigger {
  const keys = Object.keys(spec);
  if (keys.length !== 1) {
    throw new SpateError('INVALID_TRIGGER', `trigger() takes exactly one of { processingTime }, { once: true }, { availableNow: true }, { continuous }, got ${JSON.stringify(spec)}.`);
  }
  if ('processingTime' in spec) return { kind: 'processingTime', intervalMs: durationArg('processingTime', spec.processingTime) };
  if ('once' in spec && spec.once === true) return { kind: 'once' };
  if ('availableNow' in spec && spec.availableNow === true) return { kind: 'availableNow' };
  if ('continuous' in spec) return { kind: 'continuous', intervalMs: durationArg('continuous', spec.continuous) };
  throw new SpateError('INVALID_TRIGGER', `Unknown trigger ${JSON.stringify(spec)}; use { processingTime: '2 seconds' }, { once: true } or { availableNow: true }.`);
}

function durationArg(name: string, v: string | number): number {
  if (typeof v === 'number') {
    if (!(v >= 0)) throw new SpateError('INVALID_TRIGGER', `trigger({ ${name} }) needs a non-negative number of milliseconds, got ${v}.`);
    return v;
  }
  return parseDurationMs(v, `trigger({ ${name} })`);
}

export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'processingTime': return `ProcessingTimeTrigger(${t.intervalMs})`;
    case 'once': return 'OneTimeTrigger';
    case 'availableNow': return 'AvailableNowTrigger';
    case 'continuous': return `ContinuousTrigger(${t.intervalMs})`;
  }
}
