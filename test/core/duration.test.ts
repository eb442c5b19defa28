import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationMicros, parseDurationMs } from '../../src/core/duration.js';

test('Spark interval strings and short time strings', () => {
  assert.equal(parseDurationMs('10 seconds', 'x'), 10_000);
  assert.equal(parseDurationMs('1 hour 30 minutes', 'x'), 5_400_000);
  assert.equal(parseDurationMs('INTERVAL 5 SECONDS', 'x'), 5_000);
  assert.equal(parseDurationMs('500 milliseconds', 'x'), 500);
  assert.equal(parseDurationMs('5s', 'x'), 5_000);
  assert.equal(parseDurationMs('2h', 'x'), 7_200_000);
  assert.equal(parseDurationMicros('1 day', 'x'), 86_400_000_000);
  assert.equal(parseDurationMicros('3 microseconds', 'x'), 3);
});

test('bad durations name the argument and say how to write one', () => {
  assert.throws(() => parseDurationMs('ten seconds', 'window duration'), /window duration: cannot read "ten seconds".*'10 seconds'/);
  assert.throws(() => parseDurationMs('1 month', 'slide'), /'month' has no fixed length/);
  assert.throws(() => parseDurationMs('', 'x'), /empty/);
  assert.throws(() => parseDurationMs('5 fortnights', 'x'), /unknown unit 'fortnights'/);
});
