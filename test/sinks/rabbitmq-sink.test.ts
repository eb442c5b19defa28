/**
 * writeStream.format('rabbitmq') and df.write against the RabbitMQ on
 * loopback: a stream with broker deduplication (a replayed batch id adds
 * nothing), a queue / exchange with confirms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { batchFromRows } from '../../src/core/batch.js';
import { IntegerType, MapType, StringType, StructField, StructType } from '../../src/core/types.js';
import { RABBITMQ_SINK } from '../../src/sinks/rabbitmq-sink.js';
import { needService, uniqueName } from '../support/services.js';
import { createStream, deleteQueue, deleteStream, readStreamBodies, withChannel } from '../sources/rabbitmq-support.js';

const skip = await needService('rabbitmq', 'rabbitmq-stream');
const spark = SparkSession.builder.appName('rabbitmq-sink').getOrCreate();
const ck = (): string => mkdtempSync(join(tmpdir(), 'spate-rmq-sink-'));
const BODY = StructType([StructField('body', StringType)]);
const info = (id: string) => ({ id, runId: 'r', name: null, checkpointDir: '' });

function sinkFor(options: Record<string, string>, schema = BODY) {
  return RABBITMQ_SINK.create!({ options: { host: '127.0.0.1', ...options }, schema, outputMode: 'append', timeZone: 'UTC' });
}

test('sink options: a target is required, the body column must be string or binary', { skip }, () => {
  assert.throws(() => sinkFor({}), /Set where the rabbitmq sink writes/);
  assert.throws(() => sinkFor({ stream: 's', queue: 'q' }), /not both/);
  assert.throws(() => sinkFor({ exchange: 'x' }), /needs a routing key/);
  const intBody = StructType([StructField('body', IntegerType)]);
  assert.throws(() => sinkFor({ stream: 's' }, intBody), /body column 'body' must be string or binary, got int\. Cast it/);
});

test('without a body/value column each row is sent as the JSON object of its columns', { skip }, async (t) => {
  const s = uniqueName('rmq_sink_json');
  await createStream(s);
  t.after(() => deleteStream(s));
  const schema = StructType([StructField('id', IntegerType), StructField('name', StringType)]);
  const sink = sinkFor({ stream: s }, schema);
  await sink.open!(info('json-q'));
  await sink.addBatch(0, batchFromRows(schema, [[1, 'a'], [2, null]]), 'append');
  await sink.stop!();
  assert.deepEqual(await readStreamBodies(s), ['{"id":1,"name":"a"}', '{"id":2}']);
});

test('stream sink: a batch id handed over again adds nothing; a partly written batch is completed, not duplicated', { skip }, async (t) => {
  const s = uniqueName('rmq_sink_dedup');
  await createStream(s);
  t.after(() => deleteStream(s));
  const rows = (xs: string[]) => batchFromRows(BODY, xs.map((x) => [x]));
  const one = sinkFor({ stream: s });
  await one.open!(info('query-a'));
  await one.addBatch(0, rows(['a0', 'a1']), 'append');
  await one.addBatch(0, rows(['a0', 'a1']), 'append'); // the same batch again, same process
  await one.stop!();
  // A restart (new sink, same query id): batch 1 was cut after its first row before the crash...
  const two = sinkFor({ stream: s });
  await two.open!(info('query-a'));
  await two.addBatch(1, rows(['b0']), 'append');
  await two.stop!();
  // ...and is handed over whole after the next restart, then batch 0 once more (an old replay).
  const three = sinkFor({ stream: s });
  await three.open!(info('query-a'));
  await three.addBatch(1, rows(['b0', 'b1', 'b2']), 'append');
  await three.addBatch(0, rows(['a0', 'a1']), 'append');
  await three.addBatch(2, rows(['c0']), 'append');
  await three.stop!();
  assert.deepEqual(await readStreamBodies(s), ['a0', 'a1', 'b0', 'b1', 'b2', 'c0']);
  // Another query (another producer name) writes its own batch 0.
  const other = sinkFor({ stream: s });
  await other.open!(info('query-b'));
  await other.addBatch(0, rows(['z']), 'append');
  await other.stop!();
  assert.deepEqual((await readStreamBodies(s)).slice(-1), ['z']);
});

test('writeStream to a stream end to end, with application properties; restart continues, nothing twice', { skip }, async (t) => {
  const s = uniqueName('rmq_sink_e2e');
  await createStream(s);
  t.after(() => deleteStream(s));
  const input = new MemoryStream(spark, 'id INT');
  const checkpoint = ck();
  const start = () => input.toDF()
    .select(F.col('id').cast('string').alias('body'), F.create_map(F.lit('id'), F.col('id').cast('string')).alias('applicationProperties'))
    .writeStream.format('rabbitmq').option('host', '127.0.0.1').option('stream', s).option('checkpointLocation', checkpoint).start();
  input.addData(1, 2, 3);
  let q = start();
  await q.processAllAvailable();
  await q.stop();
  input.addData(4);
  q = start();
  try {
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  assert.deepEqual(await readStreamBodies(s), ['1', '2', '3', '4']);
  // The properties arrive as application properties, as the source reads them.
  const back = await spark.read.format('rabbitmq').option('host', '127.0.0.1').option('stream', s).option('includeProperties', 'true').load()
    .select(F.col('applicationProperties')).collectArrays();
  assert.equal((back[3]![0] as Map<string, string>).get('id'), '4');
});

test('df.write to a stream; save mode overwrite is refused', { skip }, async (t) => {
  const s = uniqueName('rmq_sink_batch');
  await createStream(s);
  t.after(() => deleteStream(s));
  const df = spark.createDataFrame([['x'], ['y']], 'value STRING');
  await df.write.format('rabbitmq').option('host', '127.0.0.1').option('stream', s).mode('append').save();
  assert.deepEqual(await readStreamBodies(s), ['x', 'y']);
  await assert.rejects(df.write.format('rabbitmq').option('stream', s).mode('overwrite').save(), /Save mode 'overwrite' is not allowed/);
});

test('queue sink: persistent messages with a message id per (query, batch, row), confirmed before addBatch returns', { skip }, async (t) => {
  const queue = uniqueName('rmq_sink_q');
  t.after(() => deleteQueue(queue));
  await withChannel(async (ch) => { await ch.assertQueue(queue, { durable: true }); });
  const sink = sinkFor({ queue });
  await sink.open!(info('q-1'));
  await sink.addBatch(7, batchFromRows(BODY, [['hello'], ['world']]), 'append');
  await sink.stop!();
  const got = await withChannel(async (ch) => {
    const out: { body: string; id: string | undefined; mode: number | undefined }[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await ch.get(queue, { noAck: true });
      if (m === false) break;
      out.push({ body: m.content.toString(), id: m.properties.messageId as string | undefined, mode: m.properties.deliveryMode as number | undefined });
    }
    return out;
  });
  assert.deepEqual(got, [{ body: 'hello', id: 'q-1:7:0', mode: 2 }, { body: 'world', id: 'q-1:7:1', mode: 2 }]);
});

test('exchange sink: routing key per row from a column, headers from a map column; unroutable messages fail the batch', { skip }, async (t) => {
  const ex = uniqueName('rmq_sink_x');
  const qa = uniqueName('rmq_sink_qa');
  t.after(async () => { await deleteQueue(qa); await withChannel(async (ch) => { await ch.deleteExchange(ex); }).catch(() => undefined); });
  await withChannel(async (ch) => {
    await ch.assertExchange(ex, 'direct', { durable: false });
    await ch.assertQueue(qa, { durable: false });
    await ch.bindQueue(qa, ex, 'a');
  });
  const schema = StructType([StructField('body', StringType), StructField('routingKey', StringType), StructField('headers', MapType(StringType, StringType))]);
  const sink = sinkFor({ exchange: ex }, schema);
  await sink.open!(info('q-2'));
  await sink.addBatch(0, batchFromRows(schema, [['to-a', 'a', new Map([['h', '1']])]]), 'append');
  await assert.rejects(sink.addBatch(1, batchFromRows(schema, [['lost', 'nowhere', null]]), 'append'), /not routed to any queue \(routing key 'nowhere'\)/);
  await sink.stop!();
  const m = await withChannel(async (ch) => ch.get(qa, { noAck: true }));
  assert.ok(m !== false);
  assert.equal(m.content.toString(), 'to-a');
  assert.equal(m.properties.headers?.h, '1');
});

test('queue sink to a missing queue: a clear error naming it', { skip }, async () => {
  const queue = uniqueName('rmq_missing');
  const sink = sinkFor({ queue, retries: '0' });
  await sink.open!(info('q-3'));
  await assert.rejects(sink.addBatch(0, batchFromRows(BODY, [['x']]), 'append'), new RegExp(`queue '${queue}' does not exist`));
  await sink.stop!();
});
