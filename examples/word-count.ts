// The main job: word count over the bundled text files, then a filtered
// aggregation of the bundled sales CSV, printed as Spark prints them.
// Run: npm start
import { fileURLToPath } from 'node:url';
import { SparkSession, functions as F } from 'spate';

const data = (p: string) => fileURLToPath(new URL(`../data/${p}`, import.meta.url));
const spark = SparkSession.builder.appName('word-count').getOrCreate();

const lines = spark.read.text(data('words'));
const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
const wordCounts = words.groupBy('word').count();
await wordCounts.orderBy(F.desc('count'), F.asc('word')).show(10);

const sales = spark.read.option('header', true).option('inferSchema', true).csv(data('sales.csv'));
sales.printSchema();
await sales
  .filter(F.col('amount').gt(100))
  .groupBy('region')
  .agg(F.sum('amount').alias('total'), F.count('*').alias('orders'))
  .orderBy(F.desc('total'))
  .show();

spark.stop();
