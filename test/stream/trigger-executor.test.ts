// executeTriggers (Spark's TriggerExecutor): when the trigger body runs, on a manual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/stream/clock.js';
import { executeTriggers, type TriggerOutcome } from '../../src/stream/trigger-executor.js';
import type { Trigger } from '../../src/stream/trigger.js';

/** Runs the executor over a script of outcomes; returns the clock times the body ran at. */
async function runScript(t: Trigger, outcomes: TriggerOutcome[], clock = new ManualClock(0), onCall?: (i: number) => void): Promise<number[]> {
  const times: number[] = [];
  const abort = new AbortController();
  await executeTriggers(t, { clock, pollingDelayMs: 0, signal: abort.signal, isActive: () => times.length < outcomes.length }, async (now) => {
    times.push(now);
    onCall?.(times.length - 1);
    return outcomes[times.length - 1]!;
  });
  return times;
}

test('once: one trigger, whatever it found', async () => {
  assert.deepEqual(await runScript({ kind: 'once' }, ['idle', 'data']), [0]);
  assert.deepEqual(await runScript({ kind: 'once' }, ['data', 'data']), [0]);
});

test('availableNow: triggers until one finds nothing', async () => {
  assert.deepEqual((await runScript({ kind: 'availableNow' }, ['data', 'noData', 'data', 'idle', 'data'])).length, 4);
});

test('default trigger: back to back while active, idle ones included', async () => {
  assert.equal((await runScript({ kind: 'processingTime', intervalMs: 0 }, ['data', 'idle', 'idle', 'data'])).length, 4);
});

test('processingTime: on the multiples of the interval; a trigger that ran late skips the ones it missed', async () => {
  const clock = new ManualClock(0);
  const times: number[] = [];
  const abort = new AbortController();
  const run = executeTriggers({ kind: 'processingTime', intervalMs: 1000 }, { clock, pollingDelayMs: 0, signal: abort.signal, isActive: () => times.length < 3 }, async (now) => {
    times.push(now);
    return 'data';
  });
  const waiting = async (): Promise<void> => {
    for (let i = 0; i < 1000 && !clock.isWaiting(); i++) await new Promise((r) => setImmediate(r));
    assert.ok(clock.isWaiting());
  };
  await waiting();
  assert.deepEqual(times, [0]);
  clock.advance(999);
  await waiting();
  assert.deepEqual(times, [0], 'not before the next multiple');
  clock.advance(1);
  await waiting();
  assert.deepEqual(times, [0, 1000]);
  // The clock jumps past 2000 and 3000: one trigger at 3500, then the next at 4000.
  clock.advance(2500);
  await run;
  assert.deepEqual(times, [0, 1000, 3500]);
});

test('an abort cuts a trigger wait short', async () => {
  const clock = new ManualClock(0);
  const abort = new AbortController();
  let active = true;
  let calls = 0;
  const run = executeTriggers({ kind: 'processingTime', intervalMs: 1000 }, { clock, pollingDelayMs: 0, signal: abort.signal, isActive: () => active }, async () => { calls++; return 'idle'; });
  for (let i = 0; i < 1000 && !clock.isWaiting(); i++) await new Promise((r) => setImmediate(r));
  active = false;
  abort.abort();
  await run;
  assert.equal(calls, 1);
});
