import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows, emptyBatch } from '../../src/core/batch.js';
import { LongType, StringType, StructField, StructType, TimestampType } from '../../src/core/types.js';
import { parseTimestamp } from '../../src/core/datetime.js';
import { ConsoleSink, createSink } from '../../src/sinks/index.js';

const wordCounts = StructType([StructField('value', StringType), StructField('count', LongType, false)]);

function capture(): { out: { write(s: string): void }; text: () => string; writes: () => number } {
  const chunks: string[] = [];
  return { out: { write: (s: string) => { chunks.push(s); } }, text: () => chunks.join(''), writes: () => chunks.length };
}

test('console sink prints Spark\'s banner and show() table for the word-count example', async () => {
  const c = capture();
  const sink = createSink('console', {}, { timeZone: 'UTC', partitionBy: [], outputMode: 'complete', out: c.out });
  await sink.addBatch(0, batchFromRows(wordCounts, [['apache', 1], ['spark', 1]]), 'complete');
  await sink.addBatch(1, batchFromRows(wordCounts, [['apache', 2], ['spark', 1], ['hadoop', 1]]), 'complete');
  assert.equal(c.text(),
    '-------------------------------------------\n' +
    'Batch: 0\n' +
    '-------------------------------------------\n' +
    '+------+-----+\n' +
    '| value|count|\n' +
    '+------+-----+\n' +
    '|apache|    1|\n' +
    '| spark|    1|\n' +
    '+------+-----+\n' +
    '\n' +
    '-------------------------------------------\n' +
    'Batch: 1\n' +
    '-------------------------------------------\n' +
    '+------+-----+\n' +
    '| value|count|\n' +
    '+------+-----+\n' +
    '|apache|    2|\n' +
    '| spark|    1|\n' +
    '|hadoop|    1|\n' +
    '+------+-----+\n' +
    '\n');
  assert.equal(c.writes(), 2, 'one write per batch, so concurrent output cannot interleave inside a batch');
});

test('console sink: numRows limits the rows and adds the "only showing" footer', async () => {
  const c = capture();
  const sink = new ConsoleSink({ numRows: '1' }, { timeZone: 'UTC', out: c.out });
  await sink.addBatch(3, batchFromRows(wordCounts, [['a', 1], ['b', null]]), 'append');
  assert.equal(c.text(),
    '-------------------------------------------\nBatch: 3\n-------------------------------------------\n' +
    '+-----+-----+\n|value|count|\n+-----+-----+\n|    a|    1|\n+-----+-----+\nonly showing top 1 row\n\n');
});

test('console sink: truncate true cuts cells to 20 characters, right-aligned; false keeps them, left-aligned', async () => {
  const long = 'abcdefghijklmnopqrstuvwxyz';
  const batch = batchFromRows(wordCounts, [[long, 1], [null, 22]]);
  const t = capture();
  await new ConsoleSink({}, { timeZone: 'UTC', out: t.out }).addBatch(0, batch, 'append');
  assert.equal(t.text().split('\n').slice(3).join('\n'),
    '+--------------------+-----+\n' +
    '|               value|count|\n' +
    '+--------------------+-----+\n' +
    '|abcdefghijklmnopq...|    1|\n' +
    '|                NULL|   22|\n' +
    '+--------------------+-----+\n\n');
  const f = capture();
  await new ConsoleSink({ truncate: 'false' }, { timeZone: 'UTC', out: f.out }).addBatch(0, batch, 'append');
  assert.equal(f.text().split('\n').slice(3).join('\n'),
    '+--------------------------+-----+\n' +
    '|value                     |count|\n' +
    '+--------------------------+-----+\n' +
    '|abcdefghijklmnopqrstuvwxyz|1    |\n' +
    '|NULL                      |22   |\n' +
    '+--------------------------+-----+\n\n');
});

test('console sink: an empty batch prints the header-only table; timestamps use the session time zone', async () => {
  const c = capture();
  const sink = new ConsoleSink({}, { timeZone: '+02:00', out: c.out });
  await sink.addBatch(0, emptyBatch(wordCounts), 'update');
  const ts = StructType([StructField('t', TimestampType)]);
  await sink.addBatch(1, batchFromRows(ts, [[parseTimestamp('2024-01-05 10:00:00')]]), 'update');
  assert.equal(c.text(),
    '-------------------------------------------\nBatch: 0\n-------------------------------------------\n' +
    '+-----+-----+\n|value|count|\n+-----+-----+\n+-----+-----+\n\n' +
    '-------------------------------------------\nBatch: 1\n-------------------------------------------\n' +
    '+-------------------+\n|                  t|\n+-------------------+\n|2024-01-05 12:00:00|\n+-------------------+\n\n');
});

test('console sink rejects a bad numRows or truncate naming the option', () => {
  assert.throws(() => new ConsoleSink({ numRows: 'ten' }, { timeZone: 'UTC' }), /Option 'numRows' must be an integer/);
  assert.throws(() => new ConsoleSink({ truncate: 'yes' }, { timeZone: 'UTC' }), /Option 'truncate' must be 'true' or 'false'/);
});
