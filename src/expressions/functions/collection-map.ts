import { AnalysisException } from '../../core/errors.js';
import { ArrayType, MapType, NullType, type DataType } from '../../core/types.js';
import { toStringFn } from '../cast.js';
import { equality } from '../compare.js';
import { argTypeError, runtimeError } from './checks.js';
import { isPlainKey } from './collection.js';
import { commonType } from './conditional.js';
import type { ArgInfo, ScalarFunction } from './function.js';
import { register, registerAlias } from './registry.js';

/**
 * Map functions. Maps are JS Maps in insertion order. Keys may not be null,
 * and a repeated key is an error, as under Spark's default
 * `spark.sql.mapKeyDedupPolicy=EXCEPTION`.
 */

/** Builds a map from parallel key/value lists, rejecting null and duplicate keys. */
function buildMap(fn: string, keyType: DataType, keys: readonly unknown[], values: readonly unknown[]): Map<unknown, unknown> {
  const plain = isPlainKey(keyType);
  const eq = plain ? null : equality(keyType);
  const show = toStringFn(keyType);
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === null || k === undefined) throw runtimeError('NULL_MAP_KEY', `${fn}(): map keys cannot be null; filter out or replace the null key (e.g. with coalesce).`);
    const dup = plain ? m.has(k) : [...m.keys()].some((x) => eq!(x, k));
    if (dup) {
      throw runtimeError('DUPLICATED_MAP_KEY',
        `${fn}(): duplicate map key ${show(k)}; keys must be unique (Spark's spark.sql.mapKeyDedupPolicy=EXCEPTION).`);
    }
    m.set(k, values[i] ?? null);
  }
  return m;
}

const createMap: ScalarFunction = {
  name: 'map', minArgs: 0, maxArgs: Infinity,
  resolve(args) {
    if (args.length % 2 !== 0) {
      throw new AnalysisException('WRONG_NUM_ARGS', `map() takes key/value pairs, but ${args.length} arguments were given; add the missing value.`);
    }
    const ks: ArgInfo[] = args.filter((_, i) => i % 2 === 0);
    const vs: ArgInfo[] = args.filter((_, i) => i % 2 === 1);
    const kt = ks.length ? commonType('map', ks) : NullType;
    const vt = vs.length ? commonType('map', vs) : NullType;
    if (kt.kind === 'map') throw argTypeError('map', 0, ks[0]!, 'a non-map key');
    return {
      type: MapType(kt, vt, vs.some((v) => v.nullable)), nullable: false, nullSafe: true,
      argTypes: args.map((_, i) => (i % 2 === 0 ? kt : vt)),
      impl: (...xs: unknown[]) => buildMap('map', kt, xs.filter((_, i) => i % 2 === 0), xs.filter((_, i) => i % 2 === 1)),
    };
  },
};

function mapArg(fn: string, a: ArgInfo): DataType & { kind: 'map' } {
  if (a.type.kind === 'map') return a.type;
  if (a.type.kind === 'null') return MapType(NullType, NullType);
  throw argTypeError(fn, 0, a, 'map');
}

const mapKeys: ScalarFunction = {
  name: 'map_keys', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = mapArg('map_keys', args[0]!);
    return { type: ArrayType(t.keyType, false), impl: (m: Map<unknown, unknown>) => [...m.keys()] };
  },
};

const mapValues: ScalarFunction = {
  name: 'map_values', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = mapArg('map_values', args[0]!);
    return { type: ArrayType(t.valueType, t.valueContainsNull), impl: (m: Map<unknown, unknown>) => [...m.values()] };
  },
};

/** map_from_arrays(keys, values): the arrays must have the same length. */
const mapFromArrays: ScalarFunction = {
  name: 'map_from_arrays', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const [k, v] = args.map((a, i) => {
      if (a.type.kind !== 'array') throw argTypeError('map_from_arrays', i, a, 'array');
      return a.type;
    }) as [DataType & { kind: 'array' }, DataType & { kind: 'array' }];
    return {
      type: MapType(k.elementType, v.elementType, v.containsNull),
      impl: (ks: unknown[], vs: unknown[]) => {
        if (ks.length !== vs.length) {
          throw runtimeError('INVALID_PARAMETER_VALUE', `map_from_arrays(): the key array has ${ks.length} elements but the value array has ${vs.length}; they must have the same length.`);
        }
        return buildMap('map_from_arrays', k.elementType, ks, vs);
      },
    };
  },
};

const mapEntries: ScalarFunction = {
  name: 'map_entries', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = mapArg('map_entries', args[0]!);
    return {
      type: ArrayType({ kind: 'struct', fields: [{ name: 'key', dataType: t.keyType, nullable: false }, { name: 'value', dataType: t.valueType, nullable: t.valueContainsNull }] }, false),
      impl: (m: Map<unknown, unknown>) => [...m].map(([a, b]) => [a, b]),
    };
  },
};

register(createMap, mapKeys, mapValues, mapFromArrays, mapEntries);
registerAlias('create_map', 'map');
