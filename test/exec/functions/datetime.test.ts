import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateType, TimestampType } from '../../../src/core/types.js';
import { callScalar } from '../../../src/expressions/functions/bind.js';
import { UTC, bool, date, days, dbl, errorCode, int, lit, long, micros, nul, run, runTz, str, ts, typeOf } from './support.js';

const LA = 'America/Los_Angeles';

test('date_format with Spark patterns', () => {
  const t = ts('2016-04-08 10:30:15.123456');
  assert.equal(run('date_format', t, str('yyyy-MM-dd HH:mm:ss.SSS')), '2016-04-08 10:30:15.123');
  assert.equal(run('date_format', t, str('yyyy-MM-dd HH:mm:ss.SSSSSS')), '2016-04-08 10:30:15.123456');
  assert.equal(run('date_format', t, str('EEE, MMM d, yyyy')), 'Fri, Apr 8, 2016');
  assert.equal(run('date_format', t, str('EEEE MMMM yy')), 'Friday April 16');
  assert.equal(run('date_format', t, str('hh:mm a')), '10:30 AM');
  assert.equal(run('date_format', ts('2016-04-08 22:05:00'), str('h:mm a')), '10:05 PM');
  assert.equal(run('date_format', ts('2016-04-08 00:05:00'), str('hh:mm a')), '12:05 AM');
  assert.equal(run('date_format', t, str("yyyy-MM-dd'T'HH:mm:ssXXX")), '2016-04-08T10:30:15Z');
  assert.equal(run('date_format', t, str("D Q 'o''clock'")), "99 2 o'clock");
  assert.equal(run('date_format', date('2016-04-08'), str('yyyy/MM/dd')), '2016/04/08');
  assert.equal(run('date_format', str('2016-04-08 10:30:15'), str('HH')), '10');
  assert.equal(run('date_format', nul(), str('yyyy')), null);
  assert.equal(errorCode(() => run('date_format', t, str('yyyy-MM-ddTHH'))), 'INVALID_DATETIME_PATTERN');
});

test('date_format in a session time zone, across daylight saving', () => {
  assert.equal(runTz(LA, 'date_format', ts('2016-04-08 10:30:00'), str('yyyy-MM-dd HH:mm XXX')), '2016-04-08 03:30 -07:00');
  assert.equal(runTz(LA, 'date_format', ts('2016-01-08 10:30:00'), str('yyyy-MM-dd HH:mm XXX')), '2016-01-08 02:30 -08:00');
  assert.equal(runTz(LA, 'date_format', ts('2016-01-08 10:30:00'), str('z')), 'PST');
  assert.equal(runTz('Asia/Kolkata', 'date_format', ts('2016-01-08 10:00:00'), str('HH:mm Z')), '15:30 +0530');
  assert.equal(runTz('+08:00', 'date_format', ts('2016-01-08 20:00:00'), str('yyyy-MM-dd HH')), '2016-01-09 04');
  assert.equal(errorCode(() => runTz('Mars/Base', 'date_format', ts('2016-01-08 20:00:00'), str('yyyy'))), 'INVALID_TIME_ZONE');
});

test('to_timestamp: cast form and pattern form; bad input gives null', () => {
  assert.equal(run('to_timestamp', str('2016-12-31 00:12:00')), micros('2016-12-31 00:12:00'));
  assert.equal(run('to_timestamp', str('2016-12-31'), str('yyyy-MM-dd')), micros('2016-12-31 00:00:00'));
  assert.equal(run('to_timestamp', str('12/31/2016 11:59 PM'), str('MM/dd/yyyy hh:mm a')), micros('2016-12-31 23:59:00'));
  assert.equal(run('to_timestamp', str('2020-01-01 10:00:00.5'), str('yyyy-MM-dd HH:mm:ss.SSS')), micros('2020-01-01 10:00:00.5'));
  assert.equal(run('to_timestamp', str('20240229'), str('yyyyMMdd')), micros('2024-02-29 00:00:00'));
  assert.equal(run('to_timestamp', str('20230229'), str('yyyyMMdd')), null);
  assert.equal(run('to_timestamp', str('2016-13-01'), str('yyyy-MM-dd')), null);
  assert.equal(run('to_timestamp', str('2016-12-31 extra'), str('yyyy-MM-dd')), null);
  assert.equal(run('to_timestamp', str('bad')), null);
  assert.equal(run('to_timestamp', str('31 Dec 2016'), str('dd MMM yyyy')), micros('2016-12-31 00:00:00'));
  assert.equal(run('to_timestamp', str('2016-12-31T10:00:00+02:00'), str("yyyy-MM-dd'T'HH:mm:ssXXX")), micros('2016-12-31 08:00:00'));
  assert.equal(run('to_timestamp', date('2016-12-31')), micros('2016-12-31 00:00:00'));
  assert.deepEqual(typeOf('to_timestamp', str('x')), TimestampType);
});

test('to_timestamp reads local times in the session zone; DST gaps move forward', () => {
  assert.equal(runTz(LA, 'to_timestamp', str('2016-07-01 00:00:00')), micros('2016-07-01 07:00:00'));
  assert.equal(runTz(LA, 'to_timestamp', str('2016-07-01 00:00:00Z')), micros('2016-07-01 00:00:00'));
  assert.equal(runTz(LA, 'to_timestamp', str('2016-12-01'), str('yyyy-MM-dd')), micros('2016-12-01 08:00:00'));
  assert.equal(runTz(LA, 'to_timestamp', str('2024-03-10 02:30:00')), micros('2024-03-10 10:30:00'));
  assert.equal(runTz(LA, 'to_timestamp', str('2024-11-03 01:30:00')), micros('2024-11-03 08:30:00'));
});

test('to_date', () => {
  assert.equal(run('to_date', str('2016-12-31')), days('2016-12-31'));
  assert.equal(run('to_date', str('2016-12-31 10:00:00')), days('2016-12-31'));
  assert.equal(run('to_date', str('12/31/2016'), str('MM/dd/yyyy')), days('2016-12-31'));
  assert.equal(run('to_date', str('2016-02-30')), null);
  assert.equal(runTz('Asia/Tokyo', 'to_date', ts('2016-12-31 23:30:00')), days('2017-01-01'));
  assert.deepEqual(typeOf('to_date', str('x')), DateType);
});

test('unix_timestamp and from_unixtime', () => {
  assert.equal(run('unix_timestamp', str('2016-04-08'), str('yyyy-MM-dd')), 1460073600);
  assert.equal(run('unix_timestamp', str('2016-04-08 00:00:01')), 1460073601);
  assert.equal(run('unix_timestamp', ts('1969-12-31 23:59:59.5')), -1);
  assert.equal(run('unix_timestamp'), Math.floor(UTC.nowMicros / 1e6));
  assert.equal(run('unix_timestamp', str('nope')), null);
  assert.equal(run('from_unixtime', int(0), str('yyyy-MM-dd HH:mm:ss')), '1970-01-01 00:00:00');
  assert.equal(run('from_unixtime', long(1460073600)), '2016-04-08 00:00:00');
  assert.equal(runTz(LA, 'from_unixtime', int(0)), '1969-12-31 16:00:00');
});

test('date parts', () => {
  const d = date('2016-04-08');
  assert.equal(run('year', d), 2016);
  assert.equal(run('month', d), 4);
  assert.equal(run('dayofmonth', d), 8);
  assert.equal(run('day', d), 8);
  assert.equal(run('dayofweek', date('2009-07-30')), 5);
  assert.equal(run('dayofweek', date('2016-04-10')), 1);
  assert.equal(run('weekday', date('2016-04-10')), 6);
  assert.equal(run('dayofyear', date('2016-04-09')), 100);
  assert.equal(run('dayofyear', date('2024-12-31')), 366);
  assert.equal(run('weekofyear', date('2008-02-20')), 8);
  assert.equal(run('weekofyear', date('2021-01-01')), 53);
  assert.equal(run('weekofyear', date('2024-12-30')), 1);
  assert.equal(run('quarter', date('2016-08-31')), 3);
  assert.equal(run('year', str('2016-04-08 10:00:00')), 2016);
  assert.equal(run('year', ts('1969-12-31 23:00:00')), 1969);
  assert.equal(run('month', str('garbage')), null);
  assert.equal(run('hour', ts('2009-07-30 12:58:59')), 12);
  assert.equal(run('minute', ts('2009-07-30 12:58:59')), 58);
  assert.equal(run('second', str('2009-07-30 12:58:59')), 59);
  assert.equal(runTz(LA, 'hour', ts('2009-07-30 12:58:59')), 5);
  assert.equal(runTz(LA, 'dayofmonth', ts('2009-07-30 01:00:00')), 29);
});

test('date arithmetic: date_add, date_sub, datediff, add_months, months_between', () => {
  assert.equal(run('date_add', date('2016-07-30'), int(1)), days('2016-07-31'));
  assert.equal(run('date_add', str('2016-02-28'), int(1)), days('2016-02-29'));
  assert.equal(run('date_sub', date('2016-07-30'), int(1)), days('2016-07-29'));
  assert.equal(run('datediff', date('2009-07-31'), date('2009-07-30')), 1);
  assert.equal(run('datediff', str('2009-07-30'), str('2009-07-31 23:00:00')), -1);
  assert.equal(run('add_months', date('2016-08-31'), int(1)), days('2016-09-30'));
  assert.equal(run('add_months', date('2024-01-31'), int(1)), days('2024-02-29'));
  assert.equal(run('add_months', date('2016-08-31'), int(-6)), days('2016-02-29'));
  assert.equal(run('add_months', date('2016-02-29'), int(12)), days('2017-02-28'));
  assert.equal(run('months_between', ts('1997-02-28 10:30:00'), date('1996-10-30')), 3.94959677);
  assert.equal(run('months_between', ts('1997-02-28 10:30:00'), date('1996-10-30'), bool(false)), 3.9495967741935485);
  assert.equal(run('months_between', date('2024-03-31'), date('2024-02-29')), 1);
  assert.equal(run('months_between', date('2024-01-15'), date('2024-03-15')), -2);
  assert.equal(run('last_day', date('2009-01-12')), days('2009-01-31'));
  assert.equal(run('last_day', date('2024-02-10')), days('2024-02-29'));
  assert.equal(run('last_day', date('2023-02-10')), days('2023-02-28'));
  assert.equal(run('next_day', date('2015-01-14'), str('TU')), days('2015-01-20'));
  assert.equal(run('next_day', date('2015-01-14'), str('wednesday')), days('2015-01-21'));
  assert.equal(run('next_day', date('2015-01-14'), str('xx')), null);
});

test('date_trunc and trunc', () => {
  const t = ts('2015-03-05 09:32:05.359');
  assert.equal(run('date_trunc', str('YEAR'), t), micros('2015-01-01 00:00:00'));
  assert.equal(run('date_trunc', str('MM'), t), micros('2015-03-01 00:00:00'));
  assert.equal(run('date_trunc', str('DD'), t), micros('2015-03-05 00:00:00'));
  assert.equal(run('date_trunc', str('HOUR'), t), micros('2015-03-05 09:00:00'));
  assert.equal(run('date_trunc', str('minute'), t), micros('2015-03-05 09:32:00'));
  assert.equal(run('date_trunc', str('MILLISECOND'), t), micros('2015-03-05 09:32:05.359'));
  assert.equal(run('date_trunc', str('WEEK'), t), micros('2015-03-02 00:00:00'));
  assert.equal(run('date_trunc', str('QUARTER'), t), micros('2015-01-01 00:00:00'));
  assert.equal(run('date_trunc', str('fortnight'), t), null);
  assert.equal(runTz(LA, 'date_trunc', str('DAY'), ts('2015-03-05 03:00:00')), micros('2015-03-04 08:00:00'));
  assert.equal(run('trunc', date('2019-08-04'), str('week')), days('2019-07-29'));
  assert.equal(run('trunc', date('2019-08-04'), str('quarter')), days('2019-07-01'));
  assert.equal(run('trunc', date('2019-08-04'), str('MM')), days('2019-08-01'));
  assert.equal(run('trunc', date('2019-08-04'), str('year')), days('2019-01-01'));
  assert.equal(run('trunc', date('2019-08-04'), str('day')), null);
});

test('epoch conversions', () => {
  assert.equal(run('timestamp_seconds', int(1230219000)), micros('2008-12-25 15:30:00'));
  assert.equal(run('timestamp_seconds', dbl(1230219000.123)), 1230219000123000);
  assert.equal(run('timestamp_seconds', dbl(NaN)), null);
  assert.equal(run('timestamp_millis', long(1230219000123)), 1230219000123000);
  assert.equal(run('timestamp_micros', long(1230219000123123)), 1230219000123123);
  assert.equal(run('unix_seconds', ts('2008-12-25 15:30:00.9')), 1230219000);
  assert.equal(run('unix_seconds', lit(-1, TimestampType)), -1);
  assert.equal(run('unix_millis', ts('1970-01-01 00:00:01.5')), 1500);
  assert.equal(run('unix_micros', ts('1970-01-01 00:00:01')), 1000000);
  assert.equal(run('unix_date', date('1970-01-02')), 1);
});

test('current_timestamp and current_date come from the query start time', () => {
  assert.equal(run('current_timestamp'), UTC.nowMicros);
  assert.equal(run('now'), UTC.nowMicros);
  assert.equal(run('current_date'), Math.floor(UTC.nowMicros / 86_400_000_000));
  const ctx = { timeZone: 'Asia/Tokyo', nowMicros: micros('2024-01-01 20:00:00') };
  assert.equal(callScalar('current_date', [], ctx).impl(), days('2024-01-02'));
});

test('from_utc_timestamp / to_utc_timestamp shift between UTC and a zone; make_date', () => {
  assert.equal(run('from_utc_timestamp', str('2016-08-31'), str('Asia/Seoul')), micros('2016-08-31 09:00:00'));
  assert.equal(run('to_utc_timestamp', str('2016-08-31'), str('Asia/Seoul')), micros('2016-08-30 15:00:00'));
  assert.equal(run('from_utc_timestamp', ts('2016-01-01 12:00:00'), str('America/Los_Angeles')), micros('2016-01-01 04:00:00'));
  assert.equal(run('to_utc_timestamp', ts('2016-07-01 12:00:00'), str('America/Los_Angeles')), micros('2016-07-01 19:00:00'));
  assert.equal(run('make_date', int(2013), int(7), int(15)), days('2013-07-15'));
  assert.equal(run('make_date', int(2024), int(2), int(29)), days('2024-02-29'));
  assert.equal(run('make_date', int(2023), int(2), int(29)), null);
  assert.equal(run('make_date', int(2023), int(13), int(1)), null);
});
