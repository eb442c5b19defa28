import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDateTimePattern } from '../../src/core/datetime-formatter.js';
import { compilePattern } from '../../src/core/datetime-pattern.js';
import { SpateError } from '../../src/core/errors.js';

const codeOf = (f: () => unknown): string | undefined => {
  try { f(); } catch (e) { return e instanceof SpateError ? e.code : 'not a SpateError'; }
  return undefined;
};

test('timestamps parse and format in the session zone, with or without an offset in the text', () => {
  const p = compileDateTimePattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '+02:00');
  assert.equal(p.formatTimestamp(0), '1970-01-01T02:00:00.000+02:00');
  assert.equal(compileDateTimePattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'UTC').formatTimestamp(1_500), '1970-01-01T00:00:00.001Z');
  assert.equal(p.parseTimestamp('2020-01-05T12:00:00.000+02:00'), 1578218400000000);
  assert.equal(p.parseTimestamp('2020-01-05T10:00:00.000Z'), 1578218400000000);
  const local = compileDateTimePattern('yyyy/MM/dd HH:mm', '+02:00');
  assert.equal(local.parseTimestamp('2020/01/05 12:00'), 1578218400000000);
  // No match, an impossible date, trailing text: null, not an error.
  assert.equal(local.parseTimestamp('2020/13/05 12:00'), null);
  assert.equal(local.parseTimestamp('2020/02/30 12:00'), null);
  assert.equal(local.parseTimestamp('2020/01/05 12:00 extra'), null);
  assert.equal(local.parseTimestamp(''), null);
});

test('wall-clock times in a DST gap move forward and in an overlap take the earlier offset (java.time)', () => {
  const p = compileDateTimePattern('yyyy-MM-dd HH:mm', 'Europe/Paris');
  // 02:30 does not exist on 2021-03-28 in Paris: it is read as 03:30 CEST = 01:30 UTC.
  assert.equal(p.parseTimestamp('2021-03-28 02:30'), Date.UTC(2021, 2, 28, 1, 30) * 1000);
  // 02:30 happens twice on 2021-10-31: the first (CEST, +02:00) wins.
  assert.equal(p.parseTimestamp('2021-10-31 02:30'), Date.UTC(2021, 9, 31, 0, 30) * 1000);
  assert.equal(p.formatTimestamp(Date.UTC(2021, 2, 28, 1, 30) * 1000), '2021-03-28 03:30');
});

test('dates are the local day as written: month names case-insensitively, any offset ignored', () => {
  const days20210105 = Date.UTC(2021, 0, 5) / 86_400_000;
  assert.equal(compileDateTimePattern('dd/MM/yyyy', 'UTC', 'dateFormat').parseDate('05/01/2021'), days20210105);
  assert.equal(compileDateTimePattern('dd MMM yyyy', 'UTC', 'dateFormat').parseDate('05 jan 2021'), days20210105);
  assert.equal(compileDateTimePattern('yyyy-MM-ddXXX', 'America/New_York', 'dateFormat').parseDate('2021-01-05+05:00'), days20210105);
  assert.equal(compileDateTimePattern('dd/MM/yyyy', 'UTC', 'dateFormat').parseDate('31/02/2021'), null);
  assert.equal(compileDateTimePattern('dd/MM/yyyy', 'Asia/Tokyo', 'dateFormat').formatDate(days20210105), '05/01/2021');
  assert.equal(compileDateTimePattern('EEE, d MMMM yyyy', 'UTC', 'dateFormat').formatDate(-1), 'Wed, 31 December 1969');
});

test('a bad pattern names the option; a bad zone is an INVALID_TIME_ZONE', () => {
  assert.equal(codeOf(() => compileDateTimePattern('yyyy-MM-ddTHH', 'UTC', 'timestampFormat')), 'INVALID_OPTION');
  assert.throws(() => compileDateTimePattern("dd/MM/yyyy 'at", 'UTC', 'dateFormat'), /Option 'dateFormat'.*quote that is never closed/);
  assert.throws(() => compileDateTimePattern('yyyy]', 'UTC', 'dateFormat'), /']' without a '\['/);
  assert.equal(codeOf(() => compileDateTimePattern('yyyy', 'Mars/Olympus')), 'INVALID_TIME_ZONE');
  // The functions' own error code is unchanged; an unclosed '[' is closed at the end, as java.time does.
  assert.equal(codeOf(() => compilePattern("yyyy 'T")), 'INVALID_DATETIME_PATTERN');
  assert.equal(codeOf(() => compilePattern('yyyy[-MM')), undefined);
});
