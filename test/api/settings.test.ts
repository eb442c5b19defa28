/**
 * The settings table (src/api/settings.ts) and spark.conf: a known key is
 * checked where it is set, naming the key and what it accepts; an unknown
 * spark.sql.* key warns once; the README's table is the table. Cases from
 * Spark's RuntimeConfigSuite and SQLConfSuite are cited by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RuntimeConfig, SparkSession, SpateError, functions as F } from '../../src/index.js';
import { configurationTable, SETTINGS } from '../../src/api/settings.js';
import { resetWarnings, setWarningHandler } from '../../src/core/warnings.js';
import { MemoryStream, testStream, addData, checkNewAnswer } from '../../src/testing/index.js';

const fails = (code: string, ...parts: RegExp[]) => (e: unknown): boolean => {
  assert.ok(e instanceof SpateError, `expected SpateError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const p of parts) assert.match(e.message, p);
  return true;
};

function captureWarnings(): { messages: string[]; restore: () => void } {
  resetWarnings();
  const messages: string[] = [];
  const prev = setWarningHandler((m) => messages.push(m));
  return { messages, restore: () => { setWarningHandler(prev); resetWarnings(); } };
}

test('a bad value for a known key fails at set, naming the key and what it accepts', () => {
  const conf = new RuntimeConfig();
  assert.throws(() => conf.set('spark.sql.streaming.pollingDelay', 'ten'),
    fails('INVALID_CONF', /spark\.sql\.streaming\.pollingDelay/, /duration/, /"ten"/));
  assert.throws(() => conf.set('spark.sql.streaming.minBatchesToRetain', 'lots'),
    fails('INVALID_CONF', /spark\.sql\.streaming\.minBatchesToRetain/, /positive integer/, /"lots"/));
  assert.throws(() => conf.set('spark.sql.streaming.stateStore.minDeltasForSnapshot', '1.5'), fails('INVALID_CONF', /minDeltasForSnapshot/));
  assert.throws(() => conf.set('spark.sql.streaming.multipleWatermarkPolicy', 'avg'), fails('INVALID_CONF', /'min' or 'max'/, /"avg"/));
  assert.throws(() => conf.set('spark.sql.codegen.wholeStage', 'yes'), fails('INVALID_CONF', /'true' or 'false'/));
  assert.throws(() => conf.set('spark.sql.autoBroadcastJoinThreshold', 'big'), fails('INVALID_CONF', /autoBroadcastJoinThreshold/));
  // The value that failed is not kept.
  assert.equal(conf.get('spark.sql.streaming.pollingDelay'), '10ms');
});

test('SQLConfSuite "invalid conf value": a boolean key given 10 names the key and the type', () => {
  assert.throws(() => new RuntimeConfig().set('spark.sql.caseSensitive', '10'),
    fails('INVALID_CONF', /spark\.sql\.caseSensitive/, /'true' or 'false'/, /"10"/));
});

test('SQLConfSuite SPARK-24783: spark.sql.shuffle.partitions=0 and -1 fail naming the key', () => {
  const conf = new RuntimeConfig();
  assert.throws(() => conf.set('spark.sql.shuffle.partitions', 0), fails('INVALID_CONF', /spark\.sql\.shuffle\.partitions/));
  assert.throws(() => conf.set('spark.sql.shuffle.partitions', -1), fails('INVALID_CONF', /spark\.sql\.shuffle\.partitions/));
});

test('SQLConfSuite "spark.sql.session.timeZone should only accept valid zone id"', () => {
  const conf = new RuntimeConfig();
  conf.set('spark.sql.session.timeZone', 'America/Chicago');
  assert.equal(conf.get('spark.sql.session.timeZone'), 'America/Chicago');
  conf.set('spark.sql.session.timeZone', 'GMT+8:00');
  assert.equal(conf.value(SETTINGS.sessionTimeZone), 'GMT+8:00');
  assert.throws(() => conf.set('spark.sql.session.timeZone', 'Invalid TZ'), fails('INVALID_TIME_ZONE', /Invalid TZ/));
});

test('booleans are case-insensitive, as in Spark: noDataMicroBatches.enabled = False turns it off', () => {
  const conf = new RuntimeConfig();
  assert.equal(conf.value(SETTINGS.noDataMicroBatches), true);
  conf.set('spark.sql.streaming.noDataMicroBatches.enabled', 'False');
  assert.equal(conf.value(SETTINGS.noDataMicroBatches), false);
  assert.equal(conf.get('spark.sql.streaming.noDataMicroBatches.enabled'), 'False', 'get returns the value as set');
  conf.set('spark.sql.streaming.noDataMicroBatches.enabled', ' TRUE ');
  assert.equal(conf.value(SETTINGS.noDataMicroBatches), true);
  conf.set('spark.sql.codegen.wholeStage', false);
  assert.equal(conf.value(SETTINGS.codegenWholeStage), false);
});

test('typed values: durations in Spark\'s time units, policies in any case, sizes with units', () => {
  const conf = new RuntimeConfig();
  assert.equal(conf.value(SETTINGS.pollingDelay), 10);
  conf.set('spark.sql.streaming.pollingDelay', '2s');
  assert.equal(conf.value(SETTINGS.pollingDelay), 2000);
  conf.set('spark.sql.streaming.pollingDelay', 25);
  assert.equal(conf.value(SETTINGS.pollingDelay), 25);
  conf.set('spark.sql.streaming.multipleWatermarkPolicy', 'MAX');
  assert.equal(conf.value(SETTINGS.multipleWatermarkPolicy), 'max');
  conf.set('spark.sql.autoBroadcastJoinThreshold', '10m');
  assert.equal(conf.value(SETTINGS.autoBroadcastJoinThreshold), 10 * 1024 * 1024);
  conf.set('spark.sql.autoBroadcastJoinThreshold', -1);
  assert.equal(conf.value(SETTINGS.autoBroadcastJoinThreshold), -1);
  assert.equal(conf.value(SETTINGS.checkpointLocation, 'optional'), undefined);
});

test('unsupported values of supported keys fail with UNSUPPORTED_CONF', () => {
  const conf = new RuntimeConfig();
  conf.set('spark.sql.caseSensitive', 'FALSE');
  assert.throws(() => conf.set('spark.sql.caseSensitive', 'true'), fails('UNSUPPORTED_CONF', /case-insensitively/));
  assert.throws(() => conf.set('spark.sql.retainGroupColumns', 'false'), fails('UNSUPPORTED_CONF', /grouping columns/));
});

test('a bad value given to the builder fails at getOrCreate', () => {
  assert.throws(() => SparkSession.builder.config('spark.sql.streaming.minBatchesToRetain', 'lots').getOrCreate(),
    fails('INVALID_CONF', /minBatchesToRetain/));
});

test('an unknown spark.sql.* key is kept and warns once, naming the closest known key', () => {
  const w = captureWarnings();
  try {
    const conf = new RuntimeConfig();
    conf.set('spark.sql.streaming.pollingDelai', '5');
    conf.set('spark.sql.streaming.pollingDelai', '6');
    assert.equal(conf.get('spark.sql.streaming.pollingDelai'), '6');
    assert.equal(w.messages.length, 1, w.messages.join('\n'));
    assert.match(w.messages[0]!, /spark\.sql\.streaming\.pollingDelai/);
    assert.match(w.messages[0]!, /Did you mean 'spark\.sql\.streaming\.pollingDelay'\?/);
    conf.set('spark.sql.adaptive.enabled', 'true');
    assert.equal(w.messages.length, 2);
    assert.doesNotMatch(w.messages[1]!, /Did you mean/, 'a key far from every known one gets no suggestion');
    // Keys outside spark.sql.* are the user's own (Spark keeps them too): no warning.
    conf.set('my.app.setting', 'x');
    conf.set('spark.executor.memory', '2g');
    assert.equal(w.messages.length, 2);
  } finally {
    w.restore();
  }
});

test('RuntimeConfigSuite "set and get", "getOption", "unset"', () => {
  const conf = new RuntimeConfig();
  conf.set('k1', 'v1');
  conf.set('k2', 2);
  conf.set('k3', false);
  assert.equal(conf.get('k1'), 'v1');
  assert.equal(conf.get('k2'), '2');
  assert.equal(conf.get('k3'), 'false');
  assert.throws(() => conf.get('notset'), fails('CONF_NOT_FOUND', /notset/));
  assert.equal(conf.getOption('k1'), 'v1');
  assert.equal(conf.getOption('notset'), undefined);
  conf.unset('k1');
  assert.throws(() => conf.get('k1'), fails('CONF_NOT_FOUND'));
});

test('RuntimeConfigSuite "set and get a config with defaultValue"', () => {
  const conf = new RuntimeConfig();
  const key = 'spark.sql.session.timeZone';
  assert.equal(conf.get(key), 'UTC');
  assert.equal(conf.getOption(key), 'UTC');
  assert.equal(conf.get(key, 'Europe/Amsterdam'), 'Europe/Amsterdam');
  conf.set(key, 'Europe/Berlin');
  assert.equal(conf.get(key), 'Europe/Berlin');
  conf.unset(key);
  assert.equal(conf.get(key), 'UTC');
});

test('SQLConfSuite SPARK-21588: get(key, default) of an unset key is the default', () => {
  const conf = new RuntimeConfig();
  conf.set('spark.sql.shuffle.partitions', '1');
  assert.equal(conf.get('spark.sql.shuffle.partitions', '<undefined>'), '1');
  assert.equal(conf.getOption('spark.sql.nonexistent'), undefined);
  assert.equal(conf.get('spark.sql.nonexistent', '<undefined>'), '<undefined>');
});

test('RuntimeConfigSuite SPARK-24761: is a config parameter modifiable', () => {
  const conf = new RuntimeConfig();
  assert.ok(conf.isModifiable('spark.sql.streaming.checkpointLocation'));
  assert.ok(!conf.isModifiable('spark.executor.cores'));
  assert.ok(!conf.isModifiable(''));
  assert.ok(!conf.isModifiable('invalid config parameter'));
});

test('getAll lists every known setting with its value, and the keys set', () => {
  const conf = new RuntimeConfig();
  conf.set('spark.sql.streaming.pollingDelay', '1s');
  conf.set('my.key', 'v');
  const all = conf.getAll();
  for (const s of Object.values(SETTINGS)) {
    if (s.default !== undefined) assert.ok(s.key in all, `${s.key} listed`);
  }
  assert.equal(all['spark.sql.streaming.pollingDelay'], '1s');
  assert.equal(all['spark.sql.shuffle.partitions'], '8');
  assert.equal(all['my.key'], 'v');
});

test('spark.conf.set rejects a value that is not a string, number or boolean', () => {
  const conf = new RuntimeConfig();
  assert.throws(() => conf.set('spark.sql.shuffle.partitions', null as unknown as string), fails('INVALID_CONF', /string, number or boolean/));
});

test('every default in the table is a value the table accepts', () => {
  for (const s of Object.values(SETTINGS)) if (s.default !== undefined) assert.doesNotThrow(() => s.parse(s.default!), s.key);
});

test('the README configuration table is generated from the settings table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const expected = configurationTable();
  assert.ok(readme.includes(expected),
    `README.md's configuration table differs from src/api/settings.ts; replace it with:\n\n${expected}\n`);
});

test("noDataMicroBatches.enabled = 'False' reaches the query: no batch without data when the watermark moves", async () => {
  const spark = SparkSession.builder.appName('settings').getOrCreate();
  const t = (hhmm: string) => new Date(`2024-01-01T${hhmm}:00Z`);
  const run = async (enabled: string) => {
    const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
    const counts = input.toDF().withWatermark('timestamp', '10 minutes').groupBy(F.window('timestamp', '10 minutes'), 'word').count();
    spark.conf.set('spark.sql.streaming.noDataMicroBatches.enabled', enabled);
    try {
      // After 12:21 the watermark is 12:11: only a batch without data can emit [12:00, 12:10) before more data comes.
      const windowDone = [{ start: t('12:00'), end: t('12:10') }, 'dog', 1] as const;
      await testStream(counts, 'append', [
        addData(input, [t('12:07'), 'dog']),
        addData(input, [t('12:21'), 'owl']),
        enabled === 'true' ? checkNewAnswer([...windowDone]) : checkNewAnswer(),
        addData(input, [t('12:22'), 'owl']),
        enabled === 'true' ? checkNewAnswer() : checkNewAnswer([...windowDone]),
      ]);
    } finally {
      spark.conf.unset('spark.sql.streaming.noDataMicroBatches.enabled');
    }
  };
  await run('true');
  await run('False');
});
