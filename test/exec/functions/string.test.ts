import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayType, IntegerType, StringType } from '../../../src/core/types.js';
import { arr, bin, dbl, errorCode, int, nul, run, runColumns, str, typeOf } from './support.js';

test('split: Java regex split with limit; trailing empty strings kept (Spark maps limit 0 to -1)', () => {
  assert.deepEqual(run('split', str('oneAtwoBthreeC'), str('[ABC]')), ['one', 'two', 'three', '']);
  assert.deepEqual(run('split', str('oneAtwoBthreeC'), str('[ABC]'), int(-1)), ['one', 'two', 'three', '']);
  assert.deepEqual(run('split', str('oneAtwoBthreeC'), str('[ABC]'), int(2)), ['one', 'twoBthreeC']);
  assert.deepEqual(run('split', str('a,b,,'), str(','), int(0)), ['a', 'b', '', '']);
  assert.deepEqual(run('split', str(''), str(',')), ['']);
  assert.deepEqual(run('split', str('abc'), str('')), ['a', 'b', 'c']);
  assert.deepEqual(run('split', str('abc'), str(''), int(2)), ['a', 'bc']);
  assert.deepEqual(run('split', str(',a'), str(',')), ['', 'a']);
  assert.deepEqual(run('split', str('a1b22c'), str('\\d+')), ['a', 'b', 'c']);
  assert.equal(run('split', nul(), str(',')), null);
  assert.deepEqual(typeOf('split', str('a'), str(',')), ArrayType(StringType, false));
});

test('split with a pattern column compiles each pattern', () => {
  assert.deepEqual(runColumns('split', [StringType, StringType], [['a-b', 'a.b', 'x'], ['-', '\\.', null]]), [['a', 'b'], ['a', 'b'], null]);
});

test('lower/upper, with Unicode and implicit cast of numbers', () => {
  assert.equal(run('upper', str('SparkSql')), 'SPARKSQL');
  assert.equal(run('lower', str('ÀÉÎ')), 'àéî');
  assert.equal(run('upper', str('straße')), 'STRASSE');
  assert.equal(run('upper', int(12)), '12');
  assert.equal(run('lcase', str('AB')), 'ab');
  assert.equal(errorCode(() => run('upper', arr([1]))), 'DATATYPE_MISMATCH');
});

test('trim family removes ASCII spaces only, or the given characters', () => {
  assert.equal(run('trim', str('  Spark SQL   ')), 'Spark SQL');
  assert.equal(run('trim', str('\tSpark \n')), '\tSpark \n');
  assert.equal(run('ltrim', str('  a  ')), 'a  ');
  assert.equal(run('rtrim', str('  a  ')), '  a');
  assert.equal(run('trim', str('SSparkSQLS'), str('SL')), 'parkSQ');
  assert.equal(run('trim', str('')), '');
});

test('length counts characters (code points), binary counts bytes', () => {
  assert.equal(run('length', str('Spark SQL ')), 10);
  assert.equal(run('length', str('')), 0);
  assert.equal(run('length', str('😀a')), 2);
  assert.equal(run('length', bin([1, 2, 3])), 3);
  assert.equal(run('char_length', str('héllo')), 5);
  assert.equal(run('length', nul()), null);
});

test('substring: 1-based, 0 acts as 1, negative counts from the end', () => {
  assert.equal(run('substring', str('Spark SQL'), int(5)), 'k SQL');
  assert.equal(run('substring', str('Spark SQL'), int(-3)), 'SQL');
  assert.equal(run('substring', str('Spark SQL'), int(5), int(1)), 'k');
  assert.equal(run('substring', str('Spark SQL'), int(0), int(3)), 'Spa');
  assert.equal(run('substring', str('abc'), int(-5), int(3)), 'a');
  assert.equal(run('substring', str('abc'), int(10), int(3)), '');
  assert.equal(run('substring', str('abc'), int(1), int(-1)), '');
  assert.equal(run('substr', str('😀bc'), int(2), int(1)), 'b');
  assert.deepEqual(run('substring', bin([1, 2, 3, 4]), int(2), int(2)), new Uint8Array([2, 3]));
});

test('concat: null if any argument is null; arrays concatenate', () => {
  assert.equal(run('concat', str('Spark'), str('SQL')), 'SparkSQL');
  assert.equal(run('concat', str('a'), nul()), null);
  assert.equal(run('concat', str('a'), int(1), dbl(1.5)), 'a11.5');
  assert.deepEqual(run('concat', arr([1, 2]), arr([3])), [1, 2, 3]);
  assert.equal(run('concat'), '');
});

test('concat_ws skips nulls, flattens arrays, is null only for a null separator', () => {
  assert.equal(run('concat_ws', str(' '), str('Spark'), str('SQL')), 'Spark SQL');
  assert.equal(run('concat_ws', str(','), str('a'), nul(), arr(['b', null, 'c'], StringType)), 'a,b,c');
  assert.equal(run('concat_ws', str(','), int(1), int(2)), '1,2');
  assert.equal(run('concat_ws', str(',')), '');
  assert.equal(run('concat_ws', nul(), str('a')), null);
  assert.equal(run('concat_ws', str('/'), arr([1, 2])), '1/2');
});

test('instr and locate are 1-based, 0 when absent', () => {
  assert.equal(run('instr', str('SparkSQL'), str('SQL')), 6);
  assert.equal(run('instr', str('abc'), str('z')), 0);
  assert.equal(run('instr', str('😀abc'), str('b')), 3);
  assert.equal(run('locate', str('bar'), str('foobarbar')), 4);
  assert.equal(run('locate', str('bar'), str('foobarbar'), int(5)), 7);
  assert.equal(run('locate', str('bar'), str('foobarbar'), int(0)), 0);
  assert.equal(run('locate', str('bar'), str('foobarbar'), lit0()), 0);
  assert.equal(run('locate', nul(), str('foobarbar')), null);
});

function lit0() { return { kind: 'lit' as const, value: null, type: IntegerType, nullable: true }; }

test('lpad / rpad pad or truncate to the length', () => {
  assert.equal(run('lpad', str('hi'), int(5), str('??')), '???hi');
  assert.equal(run('lpad', str('hi'), int(1), str('??')), 'h');
  assert.equal(run('rpad', str('hi'), int(5), str('??')), 'hi???');
  assert.equal(run('rpad', str('hi'), int(5)), 'hi   ');
  assert.equal(run('lpad', str('hi'), int(5), str('')), 'hi');
  assert.equal(run('lpad', str('hi'), int(-1), str('x')), '');
  assert.equal(run('lpad', str('é'), int(3), str('ü')), 'üüé');
});

test('format_string / printf: Java format subset', () => {
  assert.equal(run('format_string', str('Hello World %d %s'), int(100), str('days')), 'Hello World 100 days');
  assert.equal(run('format_string', str('%.2f'), dbl(3.14159)), '3.14');
  assert.equal(run('format_string', str('%.2f'), dbl(0.125)), '0.13');
  assert.equal(run('format_string', str('%f'), dbl(1.5)), '1.500000');
  assert.equal(run('format_string', str('[%5s][%-5s]'), str('ab'), str('cd')), '[   ab][cd   ]');
  assert.equal(run('format_string', str('%x %X %o'), int(255), int(255), int(8)), 'ff FF 10');
  assert.equal(run('format_string', str('%x'), int(-1)), 'ffffffff');
  assert.equal(run('format_string', str('100%% %s'), nul()), '100% null');
  assert.equal(run('format_string', str('%,d|%05d|%+d'), int(1234567), int(42), int(7)), '1,234,567|00042|+7');
  assert.equal(run('format_string', str('%08.3f'), dbl(-3.5)), '-003.500');
  assert.equal(run('format_string', str('%2$s %1$s'), str('a'), str('b')), 'b a');
  assert.equal(run('format_string', str('%s'), dbl(1.0)), '1.0');
  assert.equal(run('printf', str('%s=%b'), str('x'), lit1()), 'x=true');
  assert.equal(run('format_string', nul(), str('a')), null);
  assert.equal(errorCode(() => run('format_string', str('%d'), dbl(1.5))), 'ILLEGAL_FORMAT_CONVERSION');
});

function lit1() { return { kind: 'lit' as const, value: true, type: { kind: 'boolean' as const }, nullable: false }; }

test('initcap, reverse, repeat, ascii', () => {
  assert.equal(run('initcap', str('sPark sql')), 'Spark Sql');
  assert.equal(run('initcap', str('hello-world foo')), 'Hello-world Foo');
  assert.equal(run('reverse', str('Spark SQL')), 'LQS krapS');
  assert.equal(run('reverse', str('a😀b')), 'b😀a');
  assert.deepEqual(run('reverse', arr([2, 1, 4, 3])), [3, 4, 1, 2]);
  assert.equal(run('repeat', str('123'), int(2)), '123123');
  assert.equal(run('repeat', str('a'), int(-1)), '');
  assert.equal(run('ascii', str('222')), 50);
  assert.equal(run('ascii', str('')), 0);
  assert.equal(run('ascii', int(2)), 50);
});

test('startswith / endswith / contains, replace, translate, left, right', () => {
  assert.equal(run('startswith', str('Spark SQL'), str('Spark')), true);
  assert.equal(run('endswith', str('Spark SQL'), str('Spark')), false);
  assert.equal(run('contains', str('Spark SQL'), str('')), true);
  assert.equal(run('contains', nul(), str('a')), null);
  assert.equal(run('replace', str('ABCabc'), str('abc'), str('DEF')), 'ABCDEF');
  assert.equal(run('replace', str('ABCabc'), str('abc')), 'ABC');
  assert.equal(run('translate', str('AaBbCc'), str('abc'), str('123')), 'A1B2C3');
  assert.equal(run('translate', str('AaBbCc'), str('abc'), str('1')), 'A1BC');
  assert.equal(run('left', str('Spark SQL'), int(3)), 'Spa');
  assert.equal(run('right', str('Spark SQL'), int(3)), 'SQL');
  assert.equal(run('right', str('ab'), int(-1)), '');
});
