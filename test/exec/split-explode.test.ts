// explode(split(s, sep)) runs on a fast path (words interned as they are cut,
// a dictionary-encoded column, grouped per distinct entry): it must give what
// String.prototype.split gives, through select, groupBy and streaming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('split-explode').getOrCreate();

const LINES = ['a b', '  a', 'b  ', '', 'ü b a', 'a--b', 'x', 'a b c d a', '--', null];

function reference(lines: readonly (string | null)[], sep: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) if (l !== null) for (const w of l.split(sep)) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

for (const sep of [' ', '--']) {
  test(`explode(split(s, '${sep}')) equals String.prototype.split, in a select and grouped`, async () => {
    const df = spark.createDataFrame(LINES.map((l) => [l]), 'line STRING');
    const words = (await df.select(F.explode(F.split(F.col('line'), sep)).alias('w')).collectArrays()).map((r) => r[0]);
    assert.deepEqual(words, LINES.flatMap((l) => (l === null ? [] : l.split(sep))));
    // With another column kept, each word still sits next to its own line.
    const pairs = await df.select(F.col('line'), F.explode(F.split(F.col('line'), sep)).alias('w')).collectArrays();
    assert.deepEqual(pairs, LINES.flatMap((l) => (l === null ? [] : l.split(sep).map((w) => [l, w]))));
    const counts = await df.select(F.explode(F.split(F.col('line'), sep)).alias('w')).groupBy('w').count().collectArrays();
    assert.deepEqual(new Map(counts.map((r) => [r[0] as string, Number(r[1])])), reference(LINES, sep));
  });
}

test('streaming word count over more distinct words than one dictionary holds', async () => {
  // 3 batches of 30,000 distinct words each (90,000 > the 65,536 an interner keeps before starting a new one), every word twice.
  const input = new MemoryStream(spark, 'line STRING');
  const batches = [0, 1, 2].map((b) => Array.from({ length: 3000 }, (_, i) => {
    const base = b * 30_000 + i * 10;
    return Array.from({ length: 10 }, (_, k) => `w${base + k} w${base + k}`).join(' ');
  }));
  const q = input.toDF().select(F.explode(F.split(F.col('line'), ' ')).alias('w')).groupBy('w').count()
    .writeStream.format('memory').queryName('split_explode_counts').outputMode('complete').start();
  try {
    for (const lines of batches) {
      input.addData(...lines);
      await q.processAllAvailable();
    }
    const [row] = await spark.table('split_explode_counts')
      .agg(F.count('*').alias('words'), F.sum('count').alias('total'), F.max('count').alias('max')).collectArrays();
    assert.deepEqual(row!.map(Number), [90_000, 180_000, 2]);
  } finally {
    await q.stop();
  }
});

test('explode(split) keeps apart words that share a hash or packed characters, and grows its output', async () => {
  // Same 32-bit FNV-1a hash: 'fzHX' and '03a4' (short words, compared by their packed characters), 'w0m65v'
  // and 'w1a23a' (compared by their characters), and so any common suffix on those (over 32 characters:
  // compared against the entry string). 'a\u0100' and 'a\u0000' pack to the same bits.
  const x = 'x'.repeat(30);
  const tricky = ['fzHX 03a4 fzHX', '03a4', 'w0m65v w1a23a w0m65v', `w0m65v${x} w1a23a${x} w0m65v${x}`, `w1a23a${x}`,
    'a\u0100 a\u0000 a\u0100', 'aaaa aaaaa aaaa aaaaa', 'ā ä ā 日本 日本', 'w1a23a', '', ' ', null];
  // Then lines of many words (more per line than the first guess at the output size), then one-word lines.
  const many = Array.from({ length: 300 }, (_, i) => Array.from({ length: 25 }, (_, k) => `v${(i * 7 + k) % 97}`).join(' '));
  const lines = [...tricky, ...many, ...many.map((l) => l.slice(0, 3))];
  const df = spark.createDataFrame(lines.map((l) => [l]), 'line STRING');
  for (const sep of [' ', ' v']) {
    const words = (await df.select(F.explode(F.split(F.col('line'), sep)).alias('w')).collectArrays()).map((r) => r[0]);
    assert.deepEqual(words, lines.flatMap((l) => (l === null ? [] : l.split(sep))));
    const pairs = await df.select(F.col('line'), F.explode(F.split(F.col('line'), sep)).alias('w')).collectArrays();
    assert.deepEqual(pairs, lines.flatMap((l) => (l === null ? [] : l.split(sep).map((w) => [l, w]))));
    const counts = await df.select(F.explode(F.split(F.col('line'), sep)).alias('w')).groupBy('w').count().collectArrays();
    assert.deepEqual(new Map(counts.map((r) => [r[0] as string, Number(r[1])])), reference(lines, sep));
  }
});
