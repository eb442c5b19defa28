// Name resolution, output naming and type coercion, as Spark's analyzer does them (ResolveReferences,
// ResolveAliases, TypeCoercion). Expected schemas are Spark's "-- !query schema" lines for the same queries.
import { SparkSession, functions as F } from '../../src/index.js';
import { fails, runAnalyzerTable } from './analyzer-cases.js';

const spark = SparkSession.builder.appName('analyzer-resolution').getOrCreate();
const t = () => spark.createDataFrame([[1, 'a', 2.5, 10]], 'id INT, name STRING, score DOUBLE, n BIGINT');
const nested = () => spark.createDataFrame([[[1, 'x'], [1, 2]]], 's STRUCT<a: INT, b: STRING>, arr ARRAY<INT>');

runAnalyzerTable({
  name: 'analyzer: resolving columns',
  source: 'Spark ResolveReferences; sql-tests/results/columnresolution.sql.out',
  rows: [
    ['a column by name', () => t().select('name'), 'struct<name:string>'],
    ['names resolve case-insensitively and keep the input spelling', () => t().select('NAME', 'Id'), 'struct<name:string,id:int>'],
    ['* expands to every column in order', () => t().select('*'), 'struct<id:int,name:string,score:double,n:bigint>'],
    ['a struct field by dotted name is named after the field', () => nested().select('s.a'), 'struct<a:int>'],
    ['s.* expands the struct fields', () => nested().select('s.*'), 'struct<a:int,b:string>'],
    ['a DataFrame alias qualifies its columns', () => t().alias('x').select('x.id'), 'struct<id:int>'],
    ['an array element by index', () => nested().select(F.expr('arr[0]')), 'struct<arr[0]:int>'],
    ['withColumn adds at the end', () => t().withColumn('z', F.lit(1)), 'struct<id:int,name:string,score:double,n:bigint,z:int>'],
    ['withColumn replaces in place, case-insensitively', () => t().withColumn('ID', F.lit('x')), 'struct<ID:string,name:string,score:double,n:bigint>'],
    ['an unknown column suggests the closest (UNRESOLVED_COLUMN.WITH_SUGGESTION)', () => t().select('nam'), fails('COLUMN_NOT_FOUND', /'nam'.*Did you mean 'name'/)],
    ['an unknown column in a filter string', () => t().filter('scor > 1'), fails('COLUMN_NOT_FOUND', /'scor'.*Did you mean 'score'/)],
    ['an unknown struct field', () => nested().select('s.c'), fails('FIELD_NOT_FOUND')],
    ['the same name from both sides of a join is ambiguous (AMBIGUOUS_REFERENCE)', () => {
      const [a, b] = [t(), t().select('id', 'name')];
      return a.join(b, a.col('id').equalTo(b.col('id'))).select('name');
    }, fails('AMBIGUOUS_REFERENCE', /'name'/)],
    ['a join on a column name keeps one copy of it, first', () => t().join(t().select('id', F.col('name').alias('other')), 'id'), 'struct<id:int,name:string,score:double,n:bigint,other:string>'],
    ['a column named through its DataFrame resolves a join side', () => {
      const [a, b] = [t(), t().select('id', 'name')];
      return a.join(b, a.col('id').equalTo(b.col('id'))).select(b.col('name'));
    }, 'struct<name:string>'],
    ['an unknown function suggests close names (UNRESOLVED_ROUTINE)', () => t().select(F.expr('uper(name)')), fails('UNRESOLVED_ROUTINE', /upper/)],
  ],
});

runAnalyzerTable({
  name: 'analyzer: output names of expressions',
  source: "Spark's generated aliases (toPrettySQL), as in sql-tests/results/*.sql.out query schemas",
  rows: [
    ['arithmetic', () => t().select(F.expr('id + 1')), 'struct<(id + 1):int>'],
    ['nested arithmetic keeps the parentheses', () => t().select(F.expr('id * 2 + 1')), 'struct<((id * 2) + 1):int>'],
    ['a function call', () => t().select(F.expr('upper(name)')), 'struct<upper(name):string>'],
    ['a comparison', () => t().select(F.expr('id > 1')), 'struct<(id > 1):boolean>'],
    ['AND / OR', () => t().select(F.expr('id > 1 AND score < 2')), 'struct<((id > 1) AND (score < 2)):boolean>'],
    ['a string literal prints bare', () => t().select(F.expr("concat(name, 'x')")), 'struct<concat(name, x):string>'],
    ['an alias names the column', () => t().select(F.expr('id + 1 AS next')), 'struct<next:int>'],
    ['Column.alias', () => t().select(F.col('id').plus(1).alias('next')), 'struct<next:int>'],
    ['a literal alone', () => t().select(F.lit(1)), 'struct<1:int>'],
    ['CASE WHEN', () => t().select(F.expr("CASE WHEN id > 1 THEN 'a' ELSE 'b' END")), 'struct<CASE WHEN (id > 1) THEN a ELSE b END:string>'],
    ['IS NULL', () => t().select(F.expr('name IS NULL')), 'struct<(name IS NULL):boolean>'],
    ['an explicit cast', () => t().select(F.expr('CAST(id AS STRING)')), 'struct<CAST(id AS STRING):string>'],
    ['negation', () => t().select(F.expr('-id')), 'struct<(- id):int>'],
    ['a DATE literal', () => t().select(F.expr("DATE '2024-01-01'")), "struct<DATE '2024-01-01':date>"],
    ['a TIMESTAMP literal', () => t().select(F.expr("TIMESTAMP '2024-01-01 10:00:00'")), "struct<TIMESTAMP '2024-01-01 10:00:00':timestamp>"],
  ],
  known: {
    'a TIMESTAMP literal': "spate reads the literal at analysis (in the session zone) as a cast of its text, and names it so",
  },
});

runAnalyzerTable({
  name: 'analyzer: implicit type coercion',
  source: 'Spark TypeCoercion / ImplicitTypeCasts (non-ANSI); sql-tests/results/typeCoercion/native/*.sql.out',
  rows: [
    ['int + bigint is bigint', () => t().select(F.expr('id + n')), 'struct<(id + n):bigint>'],
    ['int + double is double', () => t().select(F.expr('id + score')), 'struct<(id + score):double>'],
    ['int / int is double', () => t().select(F.expr('id / id')), 'struct<(id / id):double>'],
    ['a string in arithmetic is read as double', () => t().select(F.expr("'1' + id").alias('x')), 'struct<x:double>'],
    ['concat of an int and a string is a string', () => t().select(F.expr('concat(id, name)').alias('x')), 'struct<x:string>'],
    ['CASE branches widen to the wider type', () => t().select(F.expr('CASE WHEN id > 0 THEN id ELSE n END').alias('x')), 'struct<x:bigint>'],
    ['coalesce widens', () => t().select(F.expr('coalesce(id, score)').alias('x')), 'struct<x:double>'],
    ['comparing an int with a string literal', () => t().select(F.expr("id = '1'").alias('x')), 'struct<x:boolean>'],
    ['array elements widen', () => t().select(F.expr('array(id, n)').alias('x')), 'struct<x:array<bigint>>'],
    ['a boolean in arithmetic does not coerce (DATATYPE_MISMATCH)', () => t().select(F.expr('(id > 1) + 1')), fails('DATATYPE_MISMATCH')],
    ['upper of an array does not coerce', () => nested().select(F.expr('upper(arr)')), fails('DATATYPE_MISMATCH')],
  ],
});

runAnalyzerTable({
  name: 'analyzer: nullability',
  source: 'Spark Expression.nullable (fields marked ! cannot be null)',
  rows: [
    ['a literal is not null', () => t().select(F.lit(1).alias('x')), 'struct<x:int!>'],
    ['coalesce with a non-null last argument is not null', () => t().select(F.expr("coalesce(name, 'x')").alias('x')), 'struct<x:string!>'],
    ['count is not null', () => t().groupBy('name').count(), 'struct<name:string,count:bigint!>'],
    ['IS NULL is not null', () => t().select(F.expr('name IS NULL').alias('x')), 'struct<x:boolean!>'],
    ['a nullable column stays nullable', () => t().select(F.expr('upper(name)').alias('x')), 'struct<x:string>'],
  ],
});

runAnalyzerTable({
  name: 'analyzer: DataFrame operations that rename, drop and combine columns',
  source: 'Spark Dataset (withColumnRenamed, drop, toDF, unionByName) with the analyzer resolver; DataFrameSuite, DataFrameSetOperationsSuite',
  rows: [
    ['withColumnRenamed resolves the old name case-insensitively', () => t().withColumnRenamed('ID', 'key'), 'struct<key:int,name:string,score:double,n:bigint>'],
    ['withColumnRenamed of a missing column is a no-op', () => t().withColumnRenamed('nope', 'x'), 'struct<id:int,name:string,score:double,n:bigint>'],
    ['drop of a missing column is a no-op', () => t().drop('nope'), 'struct<id:int,name:string,score:double,n:bigint>'],
    ['drop resolves case-insensitively', () => t().drop('NAME', 'Score'), 'struct<id:int,n:bigint>'],
    ['toDF renames every column in order', () => t().toDF('a', 'b', 'c', 'd'), 'struct<a:int,b:string,c:double,d:bigint>'],
    ['toDF with the wrong number of names', () => t().toDF('a'), fails('NUM_COLUMNS_MISMATCH')],
    ['selectExpr with a star and an expression', () => t().selectExpr('*', 'id + 1 AS x'), 'struct<id:int,name:string,score:double,n:bigint,x:int>'],
    ['unionByName matches columns by name, in the first input\'s order', () => t().select('id', 'name').unionByName(t().select('name', 'id')), 'struct<id:int,name:string>'],
    ['unionByName with allowMissingColumns appends the other side\'s columns', () => t().select('id', 'name').unionByName(t().select('name', 'score'), true), 'struct<id:int,name:string,score:double>'],
    ['unionByName without allowMissingColumns fails on a missing column', () => t().select('id', 'name').unionByName(t().select('name', 'score')), fails('COLUMN_NOT_FOUND', /id/)],
    ['orderBy an unknown column', () => t().orderBy('nme'), fails('COLUMN_NOT_FOUND', /Did you mean 'name'/)],
    ['groupBy a struct field names the key after the field', () => nested().groupBy('s.a').count(), 'struct<a:int,count:bigint>'],
    ['a join on a name resolves it case-insensitively on both sides', () => t().join(t().select(F.col('ID'), F.col('name').alias('m')), 'Id'), 'struct<id:int,name:string,score:double,n:bigint,m:string>'],
  ],
});
