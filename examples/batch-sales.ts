// A batch query: read the bundled sales CSV with schema inference, filter,
// aggregate and sort, printed as Spark prints it.
// Run: npx tsx examples/batch-sales.ts
import { fileURLToPath } from 'node:url';
import { SparkSession, functions as F } from 'spate';

const spark = SparkSession.builder.appName('batch-sales').getOrCreate();
const sales = spark.read.option('header', true).option('inferSchema', true)
  .csv(fileURLToPath(new URL('../data/sales.csv', import.meta.url)));
sales.printSchema();
await sales
  .filter(F.col('amount').gt(100))
  .groupBy('region')
  .agg(F.sum('amount').alias('total'), F.count('*').alias('orders'))
  .orderBy(F.desc('total'))
  .show();
spark.stop();
