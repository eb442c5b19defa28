import { SparkSession, functions as F } from '../../src/index.js';
const spark = SparkSession.builder.getOrCreate();
const df = spark.createDataFrame([[0, null, 2.5], [3, 7, null]], 'i INT, l BIGINT, d DOUBLE');
const c = F.col;
for (const [name, e] of [['i+1', c('i').plus(1)], ['i*l', c('i').multiply(c('l'))], ['i/2', c('i').divide(2)], ['i%3', c('i').mod(3)], ['-i', c('i').negate()], ['i/(i-i)', c('i').divide(c('i').minus(c('i')))], ['i%0', c('i').mod(0)], ['l/i', c('l').divide(c('i'))], ['d*2.5', c('d').multiply(2.5)]] as const) {
  try { console.log(name, JSON.stringify(await df.select(e).collectArrays())); } catch (err) { console.log(name, 'ERR', (err as Error).message); }
}
