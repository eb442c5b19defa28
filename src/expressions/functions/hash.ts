import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { BinaryType, IntegerType, LongType, StringType, isNumeric, type DataType } from '../../core/types.js';
import { argTypeError, coerceArg, simpleFunction } from './checks.js';
import type { ScalarFunction } from './function.js';
import { hashValue } from '../../core/murmur3.js';
import { register } from './registry.js';

/**
 * Hash and encoding functions: hash (Spark's Murmur3, seed 42), md5, sha1,
 * sha2, crc32, base64/unbase64, hex/unhex. Digests take binary; strings are
 * implicitly cast to their UTF-8 bytes, as in Spark.
 */

const SEED = 42;

const hash: ScalarFunction = {
  name: 'hash', minArgs: 0, maxArgs: Infinity,
  resolve(args) {
    const types: DataType[] = args.map((a) => a.type);
    return {
      type: IntegerType, nullable: false, nullSafe: true,
      impl: (...vs: unknown[]) => {
        let h = SEED;
        for (let i = 0; i < vs.length; i++) h = hashValue(types[i]!, vs[i], h);
        return h;
      },
    };
  },
};

function digest(name: string, algo: string): ScalarFunction {
  return simpleFunction(name, [BinaryType], StringType, (b: Uint8Array) => createHash(algo).update(b).digest('hex'));
}

/** sha2(x, bits): 224/256/384/512 (0 means 256); null for any other bit length. */
const sha2: ScalarFunction = {
  name: 'sha2', minArgs: 2, maxArgs: 2,
  resolve(args) {
    return {
      type: StringType, nullable: true, argTypes: [coerceArg('sha2', 0, args[0]!, BinaryType), coerceArg('sha2', 1, args[1]!, IntegerType)],
      impl: (b: Uint8Array, bits: number) => {
        const n = bits === 0 ? 256 : bits;
        return n === 224 || n === 256 || n === 384 || n === 512 ? createHash(`sha${n}`).update(b).digest('hex') : null;
      },
    };
  },
};

const crc32 = simpleFunction('crc32', [BinaryType], LongType, (b: Uint8Array) => zlibCrc32(b));
const base64 = simpleFunction('base64', [BinaryType], StringType, (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64'));
const unbase64 = simpleFunction('unbase64', [StringType], BinaryType, (s: string) => new Uint8Array(Buffer.from(s, 'base64')));

/** hex(x): numbers as upper-case two's-complement 64-bit hex (hex(-1) is 16 F's); strings and binary byte by byte. */
const hex: ScalarFunction = {
  name: 'hex', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = args[0]!.type;
    // Numbers go through bigint (Spark's implicit cast picks the first accepted type, bigint), so hex(1.5) is '1'.
    if (isNumeric(t)) {
      return { type: StringType, argTypes: [LongType], impl: (n: number) => BigInt.asUintN(64, BigInt(n)).toString(16).toUpperCase() };
    }
    if (t.kind === 'binary') return { type: StringType, impl: (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase() };
    if (t.kind === 'string' || t.kind === 'null') return { type: StringType, argTypes: [StringType], impl: (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase() };
    throw argTypeError('hex', 0, args[0]!, 'bigint, binary or string');
  },
};

/** unhex(s): an odd length gets a leading 0; any non-hex character gives null. */
const unhex = simpleFunction('unhex', [StringType], BinaryType, (s: string) => {
  const t = s.length % 2 === 1 ? '0' + s : s;
  return /^[0-9a-fA-F]*$/.test(t) ? new Uint8Array(Buffer.from(t, 'hex')) : null;
}, { nullable: true });

register(hash, digest('md5', 'md5'), digest('sha1', 'sha1'), sha2, crc32, base64, unbase64, hex, unhex);
