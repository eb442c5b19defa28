/**
 * Windowed aggregation, streaming equals batch: random events in chunks
 * whose event time never falls behind the watermark (no late data), split
 * into micro-batches with random restarts. In append mode, after a final
 * event far ahead moves the watermark past every real window, the sink holds
 * exactly the batch query's windows; in complete mode it holds the batch
 * query over everything, the far event included.
 */
import { test, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SparkSession, functions as F, type DataFrame } from '../../src/index.js';
import { MemoryStream, testStream, addData, assertOnQuery, checkAnswer, stopStream, startStream, type StreamAction } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('property-windowed').getOrCreate();
const SCHEMA = 'ts TIMESTAMP, k STRING, v INT';
type Event = [Date, string, number | null];

/** Chunk i's events lie in [base_i, base_i + SPAN) with base_i non-decreasing; a delay of SPAN keeps them all on time. */
const SPAN_S = 30;
const DELAY = `${SPAN_S} seconds`;
const T0 = Date.UTC(2024, 0, 1, 12);

interface Chunk { readonly advanceS: number; readonly offsetsS: readonly number[]; readonly keys: readonly string[]; readonly values: readonly (number | null)[]; readonly restartBefore: boolean }
const chunkArb: fc.Arbitrary<Chunk> = fc.integer({ min: 1, max: 8 }).chain((n) => fc.record({
  advanceS: fc.integer({ min: 0, max: 45 }),
  offsetsS: fc.array(fc.double({ min: 0, max: SPAN_S - 0.001, noNaN: true }), { minLength: n, maxLength: n }),
  keys: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: n, maxLength: n }),
  values: fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant(null)), { minLength: n, maxLength: n }),
  restartBefore: fc.boolean(),
}));

function eventsOf(chunks: readonly Chunk[]): Event[][] {
  let base = T0;
  return chunks.map((c) => {
    base += c.advanceS * 1000;
    // Millisecond times: the far event and the window bounds stay exact.
    return c.offsetsS.map((o, i): Event => [new Date(base + Math.floor(o * 1000)), c.keys[i]!, c.values[i]!]);
  });
}

const SHAPES: Record<string, (df: DataFrame) => DataFrame> = {
  'tumbling 10 s by key': (df) => df.groupBy(F.window('ts', '10 seconds'), 'k')
    .agg(F.count('*').alias('n'), F.sum('v').alias('s'), F.min('v').alias('lo'), F.max('v').alias('hi')),
  'sliding 20 s every 5 s': (df) => df.groupBy(F.window('ts', '20 seconds', '5 seconds')).agg(F.count('v').alias('n'), F.approx_count_distinct('k').alias('ks'), F.avg('v').alias('m')),
  'tumbling 15 s starting at 4 s, by key': (df) => df.groupBy('k', F.window('ts', '15 seconds', '15 seconds', '4 seconds')).agg(F.sum('v').alias('s')),
};

const settle = assertOnQuery(async (q) => { await q.processAllAvailable(); return true; }, 'process the chunk');

const root = mkdtempSync(join(tmpdir(), 'spate-prop-windowed-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

async function run(mode: 'append' | 'complete', shape: (df: DataFrame) => DataFrame, chunks: readonly Chunk[]): Promise<void> {
  const batches = eventsOf(chunks);
  const real = batches.flat();
  const lastBase = Math.max(...real.map((e) => e[0].getTime()));
  const far: Event = [new Date(lastBase + 3_600_000), 'z', 1];
  const input = new MemoryStream(spark, SCHEMA);
  const actions: StreamAction[] = [];
  batches.forEach((rows, i) => {
    if (chunks[i]!.restartBefore) actions.push(stopStream());
    actions.push(addData(input, ...rows));
    if (chunks[i]!.restartBefore) actions.push(startStream());
    // Each chunk is its own micro-batch, followed by the no-data batch its watermark calls for.
    actions.push(settle);
  });
  actions.push(addData(input, far));
  const expectedInput = mode === 'append' ? real : [...real, far];
  const expected = await shape(spark.createDataFrame(expectedInput, SCHEMA)).collectArrays();
  actions.push(checkAnswer(...expected));
  const df = shape(input.toDF().withWatermark('ts', DELAY));
  await testStream(df, mode, actions, { checkpointLocation: join(root, String(runs++)) });
}

for (const mode of ['append', 'complete'] as const) {
  for (const [name, shape] of Object.entries(SHAPES)) {
    test(`${mode} mode equals the batch query: ${name}`, async () => {
      await fc.assert(fc.asyncProperty(fc.array(chunkArb, { minLength: 1, maxLength: 6 }), (chunks) => run(mode, shape, chunks)), { numRuns: 8 });
    });
  }
}
