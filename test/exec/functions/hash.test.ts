import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayType, DecimalType, IntegerType, StringType } from '../../../src/core/types.js';
import { arr, bin, bool, date, dbl, int, lit, long, nul, run, str, ts } from './support.js';

test('hash matches Spark (Murmur3 x86_32, seed 42)', () => {
  // SELECT hash('Spark', array(123), 2) from Spark's function docs.
  assert.equal(run('hash', str('Spark'), arr([123]), int(2)), -1321691492);
  assert.equal(run('hash', int(1)), -559580957);
  assert.equal(run('hash', nul()), 42);
  assert.equal(run('hash'), 42);
  assert.equal(run('hash', lit(null, StringType), int(1)), run('hash', int(1)));
  // hash(0.0) and hash(-0.0) agree; booleans hash as ints; dates as ints, timestamps as longs.
  assert.equal(run('hash', dbl(-0)), run('hash', dbl(0)));
  assert.equal(run('hash', bool(true)), run('hash', int(1)));
  assert.equal(run('hash', date('1970-01-02')), run('hash', int(1)));
  assert.equal(run('hash', ts('1970-01-01 00:00:00.000001')), run('hash', long(1)));
  assert.notEqual(run('hash', long(1)), run('hash', int(1)));
  assert.equal(run('hash', lit(1.5, DecimalType(5, 2))), run('hash', long(150)));
  assert.equal(typeof run('hash', str('')), 'number');
  assert.notEqual(run('hash', str('ab')), run('hash', str('ba')));
  assert.notEqual(run('hash', lit([1, 2], ArrayType(IntegerType))), run('hash', lit([2, 1], ArrayType(IntegerType))));
});

test('digests and checksums (values from Spark docs)', () => {
  assert.equal(run('md5', str('Spark')), '8cde774d6f7333752ed72cacddb05126');
  assert.equal(run('sha1', str('Spark')), '85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c');
  assert.equal(run('sha2', str('Spark'), int(256)), '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b');
  assert.equal(run('sha2', str('Spark'), int(0)), run('sha2', str('Spark'), int(256)));
  assert.equal((run('sha2', str('Spark'), int(512)) as string).length, 128);
  assert.equal(run('sha2', str('Spark'), int(100)), null);
  assert.equal(run('crc32', str('Spark')), 1557323817);
  assert.equal(run('md5', nul()), null);
  assert.equal(run('md5', bin('Spark')), '8cde774d6f7333752ed72cacddb05126');
});

test('base64, unbase64, hex, unhex', () => {
  assert.equal(run('base64', str('Spark SQL')), 'U3BhcmsgU1FM');
  assert.deepEqual(run('unbase64', str('U3BhcmsgU1FM')), new TextEncoder().encode('Spark SQL'));
  assert.equal(run('hex', int(17)), '11');
  assert.equal(run('hex', long(-1)), 'FFFFFFFFFFFFFFFF');
  assert.equal(run('hex', int(-1)), 'FFFFFFFFFFFFFFFF');
  assert.equal(run('hex', str('Spark SQL')), '537061726B2053514C');
  assert.equal(run('hex', bin([0, 255])), '00FF');
  assert.deepEqual(run('unhex', str('537061726B2053514C')), new TextEncoder().encode('Spark SQL'));
  assert.deepEqual(run('unhex', str('F')), new Uint8Array([15]));
  assert.equal(run('unhex', str('GG')), null);
  assert.equal(run('hex', dbl(1.5)), '1');
});
