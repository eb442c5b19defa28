import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringType } from '../../../src/core/types.js';
import { errorCode, int, nul, run, runColumns, str } from './support.js';

test('regexp_replace replaces every match; $n refers to groups; \\$ is a literal dollar', () => {
  assert.equal(run('regexp_replace', str('100-200'), str('(\\d+)'), str('num')), 'num-num');
  assert.equal(run('regexp_replace', str('2024-01-05'), str('(\\d+)-(\\d+)-(\\d+)'), str('$3/$2/$1')), '05/01/2024');
  assert.equal(run('regexp_replace', str('a.b'), str('\\.'), str('\\$')), 'a$b');
  assert.equal(run('regexp_replace', str('abc'), str('(?i)B'), str('x')), 'axc');
  assert.equal(run('regexp_replace', str('aaa'), str('a'), str('b'), int(2)), 'abb');
  assert.equal(run('regexp_replace', nul(), str('a'), str('b')), null);
  assert.equal(errorCode(() => run('regexp_replace', str('a'), str('('), str('b'))), 'INVALID_REGEX');
});

test('regexp_extract: group idx of the first match, empty string when nothing matches', () => {
  assert.equal(run('regexp_extract', str('100-200'), str('(\\d+)-(\\d+)'), int(1)), '100');
  assert.equal(run('regexp_extract', str('100-200'), str('(\\d+)-(\\d+)'), int(2)), '200');
  assert.equal(run('regexp_extract', str('100-200'), str('(\\d+)-(\\d+)'), int(0)), '100-200');
  assert.equal(run('regexp_extract', str('100-200'), str('(\\d+)-(\\d+)')), '100');
  assert.equal(run('regexp_extract', str('foo'), str('(\\d+)'), int(1)), '');
  assert.equal(run('regexp_extract', str('a'), str('(a)|(b)'), int(2)), '');
  assert.equal(errorCode(() => run('regexp_extract', str('1'), str('(\\d)'), int(3))), 'INVALID_PARAMETER_VALUE');
  assert.deepEqual(run('regexp_extract_all', str('100-200, 300-400'), str('(\\d+)-(\\d+)'), int(1)), ['100', '300']);
  assert.deepEqual(run('regexp_extract_all', str('x'), str('(\\d+)')), []);
  assert.equal(run('regexp_extract', str('foo'), str('(\\d)'), int(3)), '');
  assert.equal(run('regexp_count', str('Steven Jones and Stephen Smith are the best players'), str('Ste(v|ph)en')), 2);
  assert.equal(run('regexp_count', str('abcdefghijklmnopqrstuvwxyz'), str('[a-z]{3}')), 8);
  assert.equal(run('regexp_substr', str('Steven Jones and Stephen Smith'), str('Ste(v|ph)en')), 'Steven');
  assert.equal(run('regexp_substr', str('Steven Jones'), str('Jeck')), null);
  assert.equal(run('regexp_instr', str('user@spark.apache.org'), str('@[^.]*')), 5);
  assert.equal(run('regexp_instr', str('abc'), str('z')), 0);
});

test('rlike finds the pattern anywhere (Java Matcher.find)', () => {
  assert.equal(run('rlike', str('Spark'), str('ar')), true);
  assert.equal(run('rlike', str('Spark'), str('^ar')), false);
  assert.equal(run('rlike', str('%SystemDrive%\\Users\\John'), str('%SystemDrive%\\\\Users.*')), true);
  assert.equal(run('rlike', str('SPARK'), str('(?i)spark')), true);
  assert.equal(run('rlike', nul(), str('a')), null);
  assert.deepEqual(runColumns('rlike', [StringType, StringType], [['abc', 'abc', 'abc'], ['b', '^b', 'c$']]), [true, false, true]);
});

test('like: % and _ wildcards, backslash escape, whole-string match', () => {
  assert.equal(run('like', str('Spark'), str('_park')), true);
  assert.equal(run('like', str('Spark'), str('S%')), true);
  assert.equal(run('like', str('Spark'), str('park')), false);
  assert.equal(run('like', str('a_b'), str('a\\_b')), true);
  assert.equal(run('like', str('axb'), str('a\\_b')), false);
  assert.equal(run('like', str('50%'), str('50\\%')), true);
  assert.equal(run('like', str('a\\b'), str('a\\\\b')), true);
  assert.equal(run('like', str('a\nb'), str('a%b')), true);
  assert.equal(run('like', str('a.b'), str('a.b')), true);
  assert.equal(run('like', str('axb'), str('a.b')), false);
  assert.equal(run('like', str('😀'), str('_')), true);
  assert.equal(run('like', str('a_b'), str('a/_b'), str('/')), true);
  assert.equal(run('like', str(''), str('%')), true);
  assert.equal(errorCode(() => run('like', str('abc'), str('a\\bc'))), 'INVALID_LIKE_PATTERN');
  assert.equal(run('ilike', str('SPARK'), str('sp%')), true);
  assert.deepEqual(runColumns('like', [StringType, StringType], [['abc', 'abc'], ['a%', 'b%']]), [true, false]);
});
