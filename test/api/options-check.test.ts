/**
 * Options are checked against what each built-in format reads (issue 13):
 * a misspelled option warns once naming the closest known option, and fails
 * under spark.sql.spate.strictOptions=true; a connector can declare its
 * options (knownOptions on its provider); an unknown format's are left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, SpateError } from '../../src/index.js';
import { resetWarnings, setWarningHandler } from '../../src/core/warnings.js';
import { checkOptions } from '../../src/core/known-options.js';

const spark = SparkSession.builder.appName('options-check').getOrCreate();

async function warningsOf(fn: () => unknown | Promise<unknown>): Promise<string[]> {
  resetWarnings();
  const messages: string[] = [];
  const prev = setWarningHandler((m) => messages.push(m));
  try {
    await fn();
  } finally {
    setWarningHandler(prev);
    resetWarnings();
  }
  return messages;
}

function strict<T>(fn: () => T): T {
  spark.conf.set('spark.sql.spate.strictOptions', 'true');
  try {
    return fn();
  } finally {
    spark.conf.unset('spark.sql.spate.strictOptions');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'spate-options-'));
writeFileSync(join(dir, 'a.csv'), 'id,name\n1,ann\n');

const unknownOption = (name: string, suggestion: string) => (e: unknown): boolean => {
  assert.ok(e instanceof SpateError, String(e));
  assert.equal(e.code, 'UNKNOWN_OPTION', e.message);
  assert.match(e.message, new RegExp(`'${name}'`));
  assert.match(e.message, new RegExp(`Did you mean '${suggestion}'\\?`));
  return true;
};

test("rate: rowsPerSec warns once naming 'rowsPerSecond', and fails under strictOptions", async () => {
  const w = await warningsOf(() => {
    spark.readStream.format('rate').option('rowsPerSec', 100).load();
    spark.readStream.format('rate').option('rowsPerSec', 100).load();
  });
  assert.equal(w.length, 1, w.join('\n'));
  assert.match(w[0]!, /Unknown option 'rowsPerSec' for the rate source: it is ignored\. Did you mean 'rowsPerSecond'\?/);
  assert.throws(() => strict(() => spark.readStream.format('rate').option('rowsPerSec', 100).load()), unknownOption('rowsPerSec', 'rowsPerSecond'));
});

test('known options in any case pass quietly, as Spark option maps are case-insensitive', async () => {
  const w = await warningsOf(() => {
    spark.readStream.format('rate').option('ROWSPERSECOND', 5).option('numPartitions', 2).load();
    spark.readStream.format('rate-micro-batch').option('rowsPerBatch', 5).option('advanceMillisPerBatch', 10).load();
    spark.read.format('csv').option('Header', true).option('inferSchema', true).option('sep', ',').load(dir);
    spark.readStream.format('csv').schema('id INT, name STRING').option('maxFilesPerTrigger', 1).option('header', true).load(dir);
  });
  assert.deepEqual(w, []);
});

test('rate-micro-batch, socket and file sources: misspellings name the closest option', async () => {
  const w = await warningsOf(() => {
    spark.readStream.format('rate-micro-batch').option('rowsPerBatch', 1).option('rowPerBatch', 5).load();
    spark.readStream.format('socket').option('host', 'localhost').option('port', 9999).option('includeTimestmp', true).load();
    spark.readStream.format('csv').schema('id INT, name STRING').option('maxFilesPerTriger', 1).option('heder', true).load(dir);
  });
  assert.equal(w.length, 4, w.join('\n'));
  assert.match(w[0]!, /'rowPerBatch'.*Did you mean 'rowsPerBatch'/);
  assert.match(w[1]!, /'includeTimestmp'.*socket source.*Did you mean 'includeTimestamp'/);
  assert.match(w[2]!, /'maxFilesPerTriger'.*csv source.*Did you mean 'maxFilesPerTrigger'/);
  assert.match(w[3]!, /'heder'.*Did you mean 'header'/);
});

test('spark.read: heder and inferSchem warn; strictOptions fails at load()', async () => {
  const w = await warningsOf(() => spark.read.format('csv').option('heder', true).option('inferSchem', true).load(dir));
  assert.equal(w.length, 2, w.join('\n'));
  assert.match(w[0]!, /'heder' for spark\.read\.format\('csv'\).*Did you mean 'header'/);
  assert.match(w[1]!, /'inferSchem'.*Did you mean 'inferSchema'/);
  assert.throws(() => strict(() => spark.read.format('csv').option('inferSchem', true).load(dir)), unknownOption('inferSchem', 'inferSchema'));
  assert.throws(() => strict(() => spark.read.option('heder', true).csv(dir)), unknownOption('heder', 'header'));
});

test('writeStream console: numRow warns naming numRows; strictOptions fails at start()', async () => {
  const input = spark.readStream.format('rate').load();
  const w = await warningsOf(async () => {
    const q = input.writeStream.format('console').option('numRow', 5).start();
    await q.stop();
  });
  assert.equal(w.length, 1, w.join('\n'));
  assert.match(w[0]!, /'numRow' for the console sink.*Did you mean 'numRows'/);
  assert.throws(() => strict(() => input.writeStream.format('console').option('numRow', 5).start()), unknownOption('numRow', 'numRows'));
  // checkpointLocation is every streaming sink's option.
  const ok = await warningsOf(async () => {
    const q = input.writeStream.format('console').option('checkpointLocation', mkdtempSync(join(tmpdir(), 'spate-ckpt-'))).option('truncate', false).start();
    await q.stop();
  });
  assert.deepEqual(ok, []);
});

test("df.write: compresion warns naming 'compression'; compression itself says it has no effect", async () => {
  const df = spark.createDataFrame([[1]], 'id INT');
  const w = await warningsOf(async () => {
    await df.write.mode('overwrite').option('compresion', 'gzip').csv(join(dir, 'out1'));
    await df.write.mode('overwrite').option('compression', 'gzip').option('header', true).csv(join(dir, 'out2'));
  });
  assert.equal(w.length, 2, w.join('\n'));
  assert.match(w[0]!, /'compresion' for df\.write\.format\('csv'\).*Did you mean 'compression'/);
  assert.match(w[1]!, /'compression'.*has no effect in spate/);
  await assert.rejects(strict(() => df.write.mode('overwrite').option('compresion', 'gzip').parquet(join(dir, 'out3'))), unknownOption('compresion', 'compression'));
});

test('memory sink options are checked too: it takes only checkpointLocation', async () => {
  const input = spark.readStream.format('rate').load();
  const w = await warningsOf(async () => {
    const q = input.writeStream.format('memory').queryName('opts_mem').option('numRows', 3).start();
    await q.stop();
  });
  assert.equal(w.length, 1, w.join('\n'));
  assert.match(w[0]!, /'numRows' for the memory sink: it is ignored\. Known options: checkpointLocation\./);
});

test('checkOptions: a declared option list is the contract connectors use; no suggestion when nothing is close', async () => {
  const known = { names: ['bootstrapServers', 'topic'] };
  const w = await warningsOf(() => {
    checkOptions({ topik: 'a', zzzzzzzzzzzz: '1', TOPIC: 'b' }, known, 'the test source', false);
  });
  assert.equal(w.length, 2, w.join('\n'));
  assert.match(w[0]!, /Did you mean 'topic'/);
  assert.doesNotMatch(w[1]!, /Did you mean/);
  assert.throws(() => checkOptions({ topik: 'a' }, known, 'the test source', true), unknownOption('topik', 'topic'));
});

test('spark.sql.spate.strictOptions is a typed setting', () => {
  assert.throws(() => spark.conf.set('spark.sql.spate.strictOptions', 'yes'), (e: unknown) => e instanceof SpateError && e.code === 'INVALID_CONF');
});
