import { SpateError } from './errors.js';

const UNIT_MICROS: Record<string, number> = {
  microsecond: 1, microseconds: 1, us: 1,
  millisecond: 1_000, milliseconds: 1_000, ms: 1_000,
  second: 1_000_000, seconds: 1_000_000, s: 1_000_000, sec: 1_000_000, secs: 1_000_000,
  minute: 60_000_000, minutes: 60_000_000, m: 60_000_000, min: 60_000_000, mins: 60_000_000,
  hour: 3_600_000_000, hours: 3_600_000_000, h: 3_600_000_000,
  day: 86_400_000_000, days: 86_400_000_000, d: 86_400_000_000,
  week: 604_800_000_000, weeks: 604_800_000_000, w: 604_800_000_000,
};

/**
 * Parses a duration in Spark's interval syntax: "10 seconds",
 * "1 hour 30 minutes", "INTERVAL 5 SECONDS", "500 milliseconds", and the
 * short forms of Spark's time strings ("5s", "2h", "100ms"). Months and
 * years are rejected: they have no fixed length. `what` names the argument
 * in the error ("window duration", "trigger({ processingTime })").
 */
export function parseDurationMicros(text: string, what: string): number {
  const bad = (why: string): never => {
    throw new SpateError('INVALID_DURATION',
      `${what}: cannot read "${text}" as a duration (${why}); write it like '10 seconds', '1 hour 30 minutes' or '500 milliseconds'.`);
  };
  let s = text.trim().toLowerCase();
  if (s.startsWith('interval')) s = s.slice('interval'.length).trim();
  if (s === '') bad('it is empty');
  const re = /([+-]?\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while (pos < s.length && (m = re.exec(s)) !== null) {
    pos = re.lastIndex;
    const unit = m[2]!;
    const micros = UNIT_MICROS[unit];
    if (micros === undefined) {
      if (unit.startsWith('month') || unit.startsWith('year')) bad(`'${unit}' has no fixed length`);
      bad(`unknown unit '${unit}'`);
    }
    total += Number(m[1]) * micros!;
  }
  if (pos !== s.length) bad(`unexpected text at "${s.slice(pos)}"`);
  if (total < 0) bad('it is negative');
  return Math.round(total);
}

/** parseDurationMicros in milliseconds. */
export function parseDurationMs(text: string, what: string): number {
  return parseDurationMicros(text, what) / 1000;
}
