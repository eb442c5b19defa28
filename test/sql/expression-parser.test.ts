import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../src/sql/index.js';
import { alias, call, column, literal, type Expr } from '../../src/plan/expr.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, NullType,
  StringType, TimestampType,
} from '../../src/core/types.js';
import { ParseException } from '../../src/core/errors.js';

const p = parseExpression;
const c = column;
const int = (n: number) => literal(n, IntegerType);
const str = (s: string) => literal(s, StringType);

test('identifiers: plain, backquoted, dotted, star', () => {
  assert.deepEqual(p('amount'), c('amount'));
  assert.deepEqual(p('`my col`'), c('my col'));
  assert.deepEqual(p('a.b.c'), c('a.b.c'));
  assert.deepEqual(p('`a.b`.c'), c('`a.b`.c'));
  assert.deepEqual(p('*'), { kind: 'star' });
  assert.deepEqual(p('t.*'), { kind: 'star', target: 't' });
});

test('number literals follow Spark typing (1.5 is double in spate)', () => {
  assert.deepEqual(p('42'), int(42));
  assert.deepEqual(p('2147483648'), literal(2147483648, LongType));
  assert.deepEqual(p('-2147483648'), int(-2147483648));
  assert.deepEqual(p('10L'), literal(10, LongType));
  assert.deepEqual(p('7S'), int(7));
  assert.deepEqual(p('1.5'), literal(1.5, DoubleType));
  assert.deepEqual(p('.5'), literal(0.5, DoubleType));
  assert.deepEqual(p('1e3'), literal(1000, DoubleType));
  assert.deepEqual(p('2D'), literal(2, DoubleType));
  assert.deepEqual(p('1.5F'), literal(1.5, FloatType));
  assert.deepEqual(p('1.5BD'), literal(1.5, DecimalType(2, 1)));
  assert.deepEqual(p('0.05BD'), literal(0.05, DecimalType(2, 2)));
  assert.deepEqual(p('-1.5'), literal(-1.5, DoubleType));
});

test('string, boolean, null and typed literals', () => {
  assert.deepEqual(p("'abc'"), str('abc'));
  assert.deepEqual(p('"abc"'), str('abc'));
  assert.deepEqual(p("'a\\tb\\'c\\u0041'"), str("a\tb'cA"));
  assert.deepEqual(p("'it''s'"), str('its'));
  assert.deepEqual(p("'50\\%'"), str('50\\%'));
  assert.deepEqual(p('true'), literal(true, BooleanType));
  assert.deepEqual(p('FALSE'), literal(false, BooleanType));
  assert.deepEqual(p('null'), literal(null, NullType));
  assert.deepEqual(p("DATE '2024-01-01'"), literal(19723, DateType));
  // A timestamp literal is read in the session time zone, so it stays text until analysis (Spark's semantics).
  assert.deepEqual(p("TIMESTAMP '2024-01-01 10:00:00'"), { kind: 'cast', child: str('2024-01-01 10:00:00'), to: TimestampType });
  assert.deepEqual(p("X'0a1B'"), literal(new Uint8Array([10, 27]), BinaryType));
});

test('arithmetic precedence and associativity', () => {
  assert.deepEqual(p('a + b * c'), call('add', [c('a'), call('multiply', [c('b'), c('c')])]));
  assert.deepEqual(p('a - b - c'), call('subtract', [call('subtract', [c('a'), c('b')]), c('c')]));
  assert.deepEqual(p('(a + b) % 2'), call('mod', [call('add', [c('a'), c('b')]), int(2)]));
  assert.deepEqual(p('a / b div c'), call('div', [call('divide', [c('a'), c('b')]), c('c')]));
  assert.deepEqual(p('-a * b'), call('multiply', [call('negative', [c('a')]), c('b')]));
  assert.deepEqual(p("a || 'x' || b"), call('concat', [call('concat', [c('a'), str('x')]), c('b')]));
  assert.deepEqual(p('a + 1 > b * 2'), call('gt', [call('add', [c('a'), int(1)]), call('multiply', [c('b'), int(2)])]));
});

test('comparison operators', () => {
  const ops: [string, string][] = [['=', 'eq'], ['==', 'eq'], ['!=', 'neq'], ['<>', 'neq'], ['<', 'lt'], ['<=', 'le'],
    ['>', 'gt'], ['>=', 'ge'], ['<=>', 'eqNullSafe']];
  for (const [op, name] of ops) assert.deepEqual(p(`a ${op} 1`), call(name, [c('a'), int(1)]), op);
});

test('boolean logic: NOT binds tighter than AND, AND tighter than OR', () => {
  assert.deepEqual(p('a OR b AND c'), call('or', [c('a'), call('and', [c('b'), c('c')])]));
  assert.deepEqual(p('NOT a AND b'), call('and', [call('not', [c('a')]), c('b')]));
  assert.deepEqual(p('NOT a = 1'), call('not', [call('eq', [c('a'), int(1)])]));
  assert.deepEqual(p('!a'), call('not', [c('a')]));
  assert.deepEqual(p('amount > 100 and not (flag or x is null)'),
    call('and', [call('gt', [c('amount'), int(100)]), call('not', [call('or', [c('flag'), call('isnull', [c('x')])])])]));
});

test('predicates: IS NULL, IN, BETWEEN, LIKE, RLIKE, DISTINCT FROM', () => {
  assert.deepEqual(p('a IS NULL'), call('isnull', [c('a')]));
  assert.deepEqual(p('a is not null'), call('isnotnull', [c('a')]));
  assert.deepEqual(p("a IN (1, 2, 'x')"), call('in', [c('a'), int(1), int(2), str('x')]));
  assert.deepEqual(p('a NOT IN (1)'), call('not', [call('in', [c('a'), int(1)])]));
  const between = call('and', [call('ge', [c('a'), int(1)]), call('le', [c('a'), call('add', [c('b'), int(1)])])]);
  assert.deepEqual(p('a BETWEEN 1 AND b + 1'), between);
  assert.deepEqual(p('a NOT BETWEEN 1 AND b + 1'), call('not', [between]));
  assert.deepEqual(p('a BETWEEN 1 AND 2 AND c'), call('and', [call('and', [call('ge', [c('a'), int(1)]), call('le', [c('a'), int(2)])]), c('c')]));
  assert.deepEqual(p("name LIKE 'a%'"), call('like', [c('name'), str('a%')]));
  assert.deepEqual(p("name NOT LIKE 'a/%' ESCAPE '/'"), call('not', [call('like', [c('name'), str('a/%'), str('/')])]));
  assert.deepEqual(p("name ILIKE 'A%'"), call('ilike', [c('name'), str('A%')]));
  assert.deepEqual(p("name RLIKE '^a'"), call('rlike', [c('name'), str('^a')]));
  assert.deepEqual(p('a IS NOT DISTINCT FROM b'), call('eqNullSafe', [c('a'), c('b')]));
  assert.deepEqual(p('a IS DISTINCT FROM b'), call('not', [call('eqNullSafe', [c('a'), c('b')])]));
  assert.deepEqual(p('a = 1 IS NULL'), call('isnull', [call('eq', [c('a'), int(1)])]));
});

test('CASE, CAST and function calls', () => {
  assert.deepEqual(p("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"), {
    kind: 'case',
    branches: [[call('gt', [c('a'), int(1)]), str('big')], [call('gt', [c('a'), int(0)]), str('small')]],
    otherwise: str('none'),
  });
  assert.deepEqual(p("case x when 1 then 'one' end"), { kind: 'case', branches: [[call('eq', [c('x'), int(1)]), str('one')]] });
  assert.deepEqual(p('CAST(a AS bigint)'), { kind: 'cast', child: c('a'), to: LongType });
  assert.deepEqual(p('cast(a as array<int>) + 1'), call('add', [{ kind: 'cast', child: c('a'), to: ArrayType(IntegerType) }, int(1)]));
  assert.deepEqual(p('Upper(name)'), call('upper', [c('name')]));
  assert.deepEqual(p('coalesce(a, b, 0)'), call('coalesce', [c('a'), c('b'), int(0)]));
  assert.deepEqual(p('now()'), call('now', []));
  assert.deepEqual(p('count(*)'), call('count', [int(1)]));
  assert.deepEqual(p('count(DISTINCT x)'), call('count', [c('x')], { distinct: true }));
  assert.deepEqual(p('first(x) IGNORE NULLS'), call('first', [c('x')], { ignoreNulls: true }));
  assert.deepEqual(p('struct(a AS x, b)'), call('struct', [alias(c('a'), 'x'), c('b')]));
  assert.deepEqual(p('current_date'), call('current_date', []));
  assert.deepEqual(p('EXTRACT(YEAR FROM d)'), call('extract', [str('YEAR'), c('d')]));
});

test('subscripts and field access', () => {
  const extract = (child: Expr, key: Expr): Expr => ({ kind: 'extract', child, key });
  assert.deepEqual(p('a[0]'), extract(c('a'), int(0)));
  assert.deepEqual(p("m['key']"), extract(c('m'), str('key')));
  assert.deepEqual(p('a[0].b'), extract(extract(c('a'), int(0)), str('b')));
  assert.deepEqual(p('f(x).y'), extract(call('f', [c('x')]), str('y')));
});

test('aliases: AS, implicit, multi-name', () => {
  assert.deepEqual(p('amount * 2 AS doubled'), alias(call('multiply', [c('amount'), int(2)]), 'doubled'));
  assert.deepEqual(p('amount total'), alias(c('amount'), 'total'));
  assert.deepEqual(p('a AS `my name`'), alias(c('a'), 'my name'));
  assert.deepEqual(p('posexplode(xs) AS (pos, x)'), alias(call('posexplode', [c('xs')]), 'pos', 'x'));
});

test('comments and whitespace are ignored', () => {
  assert.deepEqual(p('a /* note */ +\n 1 -- trailing'), call('add', [c('a'), int(1)]));
});

test('errors quote the text with a caret at the offending token', () => {
  const check = (text: string, pattern: RegExp, caretLine: string) => {
    assert.throws(() => p(text), (e: unknown) => {
      assert.ok(e instanceof ParseException, String(e));
      assert.match(e.message, pattern);
      assert.ok(e.message.endsWith(`== SQL ==\n${text}\n${caretLine}`), e.message);
      return true;
    }, text);
  };
  check('amount FROM t', /Syntax error at or near 'FROM' \(line 1, position 7\)/, '-------^^^');
  check('a +', /Syntax error at or near end of input/, '---^^^');
  check('(a + 1', /expected '\)'/, '------^^^');
  check('f(a,)', /Syntax error at or near '\)'/, '----^^^');
  check("a IN 'x'", /expected '\(' after IN/, '-----^^^');
  check('CASE a END', /CASE needs at least one WHEN/, '-------^^^');
  check('cast(a as intt)', /Unsupported data type "INTT"/, '----------^^^');
  check("DATE '2024-13-01'", /typed literal DATE is invalid/, '-----^^^');
  check("'abc", /Unclosed string literal/, '^^^');
  check('a # b', /unexpected character/, '--^^^');
  check('SELECT a', /not a query/, '^^^');
  check('x -> x + 1', /Lambda functions/, '--^^^');
  check('', /Empty expression/, '^^^');
  assert.throws(() => p('a IS 5'), /expected NULL, TRUE, FALSE or DISTINCT FROM/);
  assert.throws(() => p('sum(x) OVER (PARTITION BY y)'), /Window functions/);
});
