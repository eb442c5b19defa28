import { AnalysisException } from '../../core/errors.js';
import { parseDataType, parseSchema } from '../../core/ddl.js';
import { formatDate, parseDate } from '../../core/datetime.js';
import { ArrayType, MapType, StringType, StructField, StructType, simpleString, type DataType } from '../../core/types.js';
import { formatDouble, formatFloat } from '../cast.js';
import { argTypeError, coerceArg, constValue, literalArg } from './checks.js';
import { parseTimestampIn } from './datetime.js';
import { formatMicros } from '../../core/datetime-pattern.js';
import { parseDateWithPattern, parseWithPattern } from '../../core/datetime-parse.js';
import type { ArgInfo, FunctionContext, ScalarFunction } from './function.js';
import { JsonNumber, parseJson, writeJson, type JsonValue } from './json-parse.js';
import { register } from './registry.js';
import { getZone, type Zone } from '../../core/time-zone.js';

/**
 * JSON functions: from_json, to_json, get_json_object. Follows Spark's JSON
 * defaults: PERMISSIVE parsing (a malformed record gives a struct of nulls),
 * null struct fields left out of to_json output, timestamps written as
 * `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone.
 */

/** `t` with every field, element and value nullable (Spark's `asNullable` for from_json's result). */
function asNullable(t: DataType): DataType {
  switch (t.kind) {
    case 'struct': return StructType(t.fields.map((f) => StructField(f.name, asNullable(f.dataType), true)));
    case 'array': return ArrayType(asNullable(t.elementType), true);
    case 'map': return MapType(t.keyType, asNullable(t.valueType), true);
    default: return t;
  }
}

/** The schema of from_json: a DDL field list ('a INT, b STRING') or a type ('array<int>', 'map<string,int>', 'struct<...>'). */
export function schemaFromText(text: string): DataType {
  try {
    return parseSchema(text);
  } catch (e) {
    try { return parseDataType(text); } catch { throw e; }
  }
}

type Converter = (v: JsonValue) => unknown;

function decodeBase64(s: string): Uint8Array | null {
  return /^[A-Za-z0-9+/\s]*={0,2}$/.test(s) ? new Uint8Array(Buffer.from(s, 'base64')) : null;
}

/** The options of from_json / to_json that spate reads: the date and timestamp patterns. */
interface JsonFormats { readonly timestampFormat?: string; readonly dateFormat?: string }

/** The options argument, a constant map('timestampFormat', 'dd/MM/yyyy', ...); keys case-insensitive as in Spark. */
function jsonFormats(fn: string, a: ArgInfo | undefined): JsonFormats {
  if (a === undefined) return {};
  const m = constValue(a);
  if (!(m instanceof Map)) {
    throw new AnalysisException('DATATYPE_MISMATCH', `${fn}() options must be a constant map of strings such as map('timestampFormat', 'dd/MM/yyyy'), got ${a.display}.`);
  }
  const get = (key: string): string | undefined => {
    for (const [k, v] of m) if (String(k).toLowerCase() === key.toLowerCase() && v !== null) return String(v);
    return undefined;
  };
  const timestampFormat = get('timestampFormat');
  const dateFormat = get('dateFormat');
  return { ...(timestampFormat !== undefined ? { timestampFormat } : {}), ...(dateFormat !== undefined ? { dateFormat } : {}) };
}

/**
 * Converts a parsed JSON value to the internal value of `t`; a value of the wrong shape becomes null, and
 * an array or map holding one makes the whole array or map null (Spark's parser fails the record there).
 */
function converter(t: DataType, zone: Zone, fmt: JsonFormats = {}): Converter {
  switch (t.kind) {
    case 'struct': {
      const fs = t.fields.map((f) => [f.name, converter(f.dataType, zone, fmt)] as const);
      return (v) => (v instanceof Map ? fs.map(([n, c]) => { const x = v.get(n); return x === undefined || x === null ? null : c(x); }) : null);
    }
    case 'array': {
      const el = converter(t.elementType, zone, fmt);
      return (v) => {
        if (!Array.isArray(v)) return null;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = v[i]!;
          if (x === null) { out[i] = null; continue; }
          const c = el(x);
          if (c === null) return null;
          out[i] = c;
        }
        return out;
      };
    }
    case 'map': {
      const val = converter(t.valueType, zone, fmt);
      return (v) => {
        if (!(v instanceof Map)) return null;
        const out = new Map<unknown, unknown>();
        for (const [k, x] of v) {
          const c = x === null ? null : val(x);
          if (c === null && x !== null) return null;
          out.set(k, c);
        }
        return out;
      };
    }
    case 'int': case 'long':
      return (v) => {
        if (!(v instanceof JsonNumber) || !v.isIntegral) return null;
        const n = v.value;
        return t.kind === 'int' && (n > 2147483647 || n < -2147483648) ? null : n;
      };
    case 'double': case 'float': case 'decimal':
      return (v) => {
        const n = v instanceof JsonNumber ? v.value : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : null;
        return n === null ? null : t.kind === 'float' ? Math.fround(n) : n;
      };
    case 'boolean': return (v) => (typeof v === 'boolean' ? v : null);
    // A string field takes a non-string JSON value as its JSON text, as Spark does.
    case 'string': return (v) => (typeof v === 'string' ? v : writeJson(v));
    case 'date': {
      const p = fmt.dateFormat;
      return (v) => (typeof v !== 'string' ? null : p !== undefined ? parseDateWithPattern(v, p) : parseDate(v.trim()));
    }
    case 'timestamp': {
      const p = fmt.timestampFormat;
      return (v) => (typeof v === 'string' ? (p !== undefined ? parseWithPattern(v, p, zone) : parseTimestampIn(v, zone))
        : v instanceof JsonNumber && v.isIntegral ? v.value * 1e6 : null);
    }
    case 'binary': return (v) => (typeof v === 'string' ? decodeBase64(v) : null);
    case 'null': return () => null;
  }
}

function zoneOf(ctx: FunctionContext): Zone {
  return getZone(ctx.timeZone || 'UTC');
}

const fromJson: ScalarFunction = {
  name: 'from_json', minArgs: 2, maxArgs: 3,
  resolve(args, ctx) {
    const schemaText = literalArg<unknown>('from_json', 1, args[1], 'schema string (DDL)');
    if (typeof schemaText !== 'string') throw argTypeError('from_json', 1, args[1]!, 'string');
    const t = asNullable(schemaFromText(schemaText));
    if (t.kind !== 'struct' && t.kind !== 'array' && t.kind !== 'map') {
      throw new AnalysisException('DATATYPE_MISMATCH',
        `from_json() schema '${schemaText}' is ${simpleString(t)}; it must be a struct, array or map, e.g. 'a INT, b STRING' or 'array<int>'.`);
    }
    const conv = converter(t, zoneOf(ctx), jsonFormats('from_json', args[2]));
    const allNull = t.kind === 'struct' ? t.fields.map(() => null) : null;
    // An object where an array of structs is expected is read as an array of that one struct, as in Spark.
    const wrapObject = t.kind === 'array' && t.elementType.kind === 'struct';
    return {
      type: t, nullable: true, argTypes: [coerceArg('from_json', 0, args[0]!, StringType), undefined, undefined],
      impl: (s: string) => {
        const v = parseJson(s);
        // PERMISSIVE mode: a malformed record gives a struct of nulls (Spark 3.0+), null for arrays and maps.
        if (v === undefined) return allNull && allNull.slice();
        return v === null ? null : conv(wrapObject && v instanceof Map ? [v] : v);
      },
    };
  },
};

/** A writer of internal values of `t` as JSON text. */
function writer(t: DataType, zone: Zone, fmt: JsonFormats = {}): (v: any) => string {
  switch (t.kind) {
    case 'struct': {
      const fs = t.fields.map((f) => [JSON.stringify(f.name), writer(f.dataType, zone, fmt)] as const);
      return (s: unknown[]) => {
        const parts: string[] = [];
        for (let i = 0; i < fs.length; i++) if (s[i] !== null && s[i] !== undefined) parts.push(`${fs[i]![0]}:${fs[i]![1](s[i])}`);
        return `{${parts.join(',')}}`;
      };
    }
    case 'array': {
      const el = writer(t.elementType, zone, fmt);
      return (a: unknown[]) => `[${a.map((x) => (x === null ? 'null' : el(x))).join(',')}]`;
    }
    case 'map': {
      const k = t.keyType.kind === 'string' ? (x: string) => x : keyText(t.keyType, zone);
      const val = writer(t.valueType, zone, fmt);
      return (m: Map<any, unknown>) => `{${[...m].map(([a, b]) => `${JSON.stringify(k(a))}:${b === null ? 'null' : val(b)}`).join(',')}}`;
    }
    case 'string': return (s: string) => JSON.stringify(s);
    case 'boolean': return (b: boolean) => (b ? 'true' : 'false');
    case 'int': case 'long': return (n: number) => String(n);
    case 'double': return (n: number) => (Number.isFinite(n) ? formatDouble(n) : `"${formatDouble(n)}"`);
    case 'float': return (n: number) => (Number.isFinite(n) ? formatFloat(n) : `"${formatDouble(n)}"`);
    case 'decimal': { const sc = t.scale; return (n: number) => n.toFixed(sc); }
    case 'date': {
      const p = fmt.dateFormat;
      if (p === undefined) return (d: number) => `"${formatDate(d)}"`;
      const utc = getZone('UTC');
      return (d: number) => JSON.stringify(formatMicros(d * 86_400_000_000, p, utc));
    }
    case 'timestamp': {
      const p = fmt.timestampFormat ?? "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
      return (ts: number) => JSON.stringify(formatMicros(ts, p, zone));
    }
    case 'binary': return (b: Uint8Array) => `"${Buffer.from(b).toString('base64')}"`;
    case 'null': return () => 'null';
  }
}

function keyText(t: DataType, zone: Zone): (v: any) => string {
  const w = writer(t, zone);
  return (v) => { const s = w(v); return s.startsWith('"') ? (JSON.parse(s) as string) : s; };
}

const toJson: ScalarFunction = {
  name: 'to_json', minArgs: 1, maxArgs: 2,
  resolve(args, ctx) {
    const t = args[0]!.type;
    if (t.kind !== 'struct' && t.kind !== 'map' && t.kind !== 'array') throw argTypeError('to_json', 0, args[0]!, 'struct, map or array');
    return { type: StringType, argTypes: [t, undefined], impl: writer(t, zoneOf(ctx), jsonFormats('to_json', args[1])) };
  },
};

type PathStep = { readonly key: string } | { readonly index: number } | { readonly wildcard: true };

/** Parses a get_json_object path ('$.a.b[0]', "$['a']", '$.a[*]'); null when it is not a valid path. */
export function parseJsonPath(path: string): PathStep[] | null {
  if (!path.startsWith('$')) return null;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^\.([^.[\]]+)/.exec(path.slice(i));
      if (!m) return null;
      steps.push(m[1] === '*' ? { wildcard: true } : { key: m[1]! });
      i += m[0].length;
    } else if (path[i] === '[') {
      const m = /^\[(?:(\d+)|\*|'([^']*)')\]/.exec(path.slice(i));
      if (!m) return null;
      steps.push(m[1] !== undefined ? { index: Number(m[1]) } : m[2] !== undefined ? { key: m[2] } : { wildcard: true });
      i += m[0].length;
    } else return null;
  }
  return steps;
}

function evalPath(v: JsonValue, steps: readonly PathStep[], from: number, out: JsonValue[]): void {
  if (from === steps.length) { out.push(v); return; }
  const s = steps[from]!;
  if ('key' in s) {
    if (v instanceof Map && v.has(s.key)) evalPath(v.get(s.key)!, steps, from + 1, out);
  } else if ('index' in s) {
    if (Array.isArray(v) && s.index < v.length) evalPath(v[s.index]!, steps, from + 1, out);
  } else if (Array.isArray(v)) {
    for (const x of v) evalPath(x, steps, from + 1, out);
  }
}

/** get_json_object(json, path): the value at the path as text (strings unquoted); null when absent, or on bad JSON or path. */
const getJsonObject: ScalarFunction = {
  name: 'get_json_object', minArgs: 2, maxArgs: 2,
  resolve(args) {
    const argTypes = args.map((a, i) => coerceArg('get_json_object', i, a, StringType));
    const cache = new Map<string, PathStep[] | null>();
    return {
      type: StringType, nullable: true, argTypes,
      impl: (json: string, path: string) => {
        let steps = cache.get(path);
        if (steps === undefined) { steps = parseJsonPath(path.trim()); if (cache.size < 64) cache.set(path, steps); }
        if (steps === null) return null;
        const v = parseJson(json);
        if (v === undefined) return null;
        const out: JsonValue[] = [];
        evalPath(v, steps, 0, out);
        if (out.length === 0) return null;
        const r = out.length === 1 ? out[0]! : out;
        if (r === null) return null;
        return typeof r === 'string' ? r : writeJson(r);
      },
    };
  },
};

register(fromJson, toJson, getJsonObject);
