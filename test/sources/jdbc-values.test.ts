/**
 * The value conversions of format('jdbc'): database timestamp and date
 * texts to spate's microseconds / days and back (no server needed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysFromCivil, parseDbDate, parseDbTimestamp, timestampParam, dateParam, toInternalValue } from '../../src/clients/jdbc-values.js';
import { DecimalType, IntegerType, LongType, BooleanType, StringType, ArrayType } from '../../src/core/types.js';

test('parseDbTimestamp reads PostgreSQL and MariaDB texts: offsets, fractions, BC, time of day', () => {
  const base = Date.UTC(2024, 0, 5, 10) * 1000;
  const cases: [string, number | null][] = [
    ['2024-01-05 10:00:00', base],
    ['2024-01-05 10:00:00.5', base + 500_000],
    ['2024-01-05 10:00:00.123456', base + 123_456],
    ['2024-01-05 10:00:00.1234567', base + 123_456],
    ['2024-01-05 12:00:00+02', base],
    ['2024-01-05 15:30:00+05:30', base],
    ['2024-01-05 04:00:00-06', base],
    ['2024-01-05T10:00:00Z', base],
    ['2024-01-05', Date.UTC(2024, 0, 5) * 1000],
    ['0000-00-00 00:00:00', null],
    ['infinity', null],
    ['12:34:56.5', (12 * 3600 + 34 * 60 + 56) * 1e6 + 500_000],
    ['0001-01-01 00:00:00 BC', daysFromCivil(0, 1, 1) * 86_400_000_000],
  ];
  for (const [s, want] of cases) assert.equal(parseDbTimestamp(s), want, s);
});

test('timestampParam and parseDbTimestamp round-trip any microsecond (seeded sample, years 1..9999 and before 1970)', () => {
  let a = 12345;
  const next = (): number => { a = (a * 1103515245 + 12345) % 2147483648; return a / 2147483648; };
  const lo = -62135596800000000; // 0001-01-01
  const hi = 253402300799999999; // 9999-12-31 23:59:59.999999
  for (let i = 0; i < 5000; i++) {
    const m = Math.floor(lo + next() * (hi - lo));
    assert.equal(parseDbTimestamp(timestampParam(m)), m, String(m));
  }
  assert.equal(timestampParam(Date.UTC(2024, 0, 5, 10) * 1000 + 120), '2024-01-05 10:00:00.000120');
  assert.equal(timestampParam(-1), '1969-12-31 23:59:59.999999');
});

test('dates: parseDbDate and dateParam', () => {
  assert.equal(parseDbDate('2024-02-29'), daysFromCivil(2024, 2, 29));
  assert.equal(parseDbDate('1969-12-31'), -1);
  assert.equal(parseDbDate('0000-00-00'), null);
  assert.equal(dateParam(daysFromCivil(2024, 2, 29)), '2024-02-29');
  for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [1600, 3, 1], [1, 1, 1]] as const) {
    assert.equal(daysFromCivil(y, m, d), Math.round(new Date(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00Z`).getTime() / 86_400_000));
  }
});

test('toInternalValue converts what the clients return to the column type', () => {
  assert.equal(toInternalValue(LongType, '9007199254740993'), 9007199254740992);
  assert.equal(toInternalValue(LongType, 12n), 12);
  assert.equal(toInternalValue(DecimalType(10, 2), '12.34'), 12.34);
  assert.equal(toInternalValue(IntegerType, 'x'), null);
  assert.equal(toInternalValue(BooleanType, 't'), true);
  assert.equal(toInternalValue(BooleanType, new Uint8Array([1])), true);
  assert.equal(toInternalValue(BooleanType, 0), false);
  assert.equal(toInternalValue(StringType, 42), '42');
  assert.equal(toInternalValue(StringType, new Uint8Array([104, 105])), 'hi');
  assert.deepEqual(toInternalValue(ArrayType(LongType), ['1', null, '3']), [1, null, 3]);
});
