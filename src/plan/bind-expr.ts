import { AnalysisException } from '../core/errors.js';
import {
  BooleanType, IntegerType, StructField, StructType, simpleString, widerType, type DataType,
} from '../core/types.js';
import { boundDisplay, isFoldable, type Bound } from '../expressions/bound.js';
import { callScalar, castTo } from '../expressions/functions/index.js';
import type { FunctionContext } from '../expressions/functions/function.js';
import { evalConstant } from '../expressions/interpret.js';
import { isAggregateName } from '../expressions/aggregate/registry.js';
import { resolveColumn, splitName, type Attr } from './attributes.js';
import type { Expr } from './expr.js';
import { GENERATORS } from './generators.js';

/** Prefix of the internal column names that refer to an input column by position (see positionalColumn). */
export const POSITIONAL = '\u0000#';

/** An expression naming input column `i` by position, unambiguous even among duplicate names (used to expand `*`). */
export function positionalColumn(i: number, name: string): Expr {
  return { kind: 'alias', child: { kind: 'column', name: `${POSITIONAL}${i}` }, names: [name] };
}

/** True for expressions made by positionalColumn. */
export function isPositional(e: Expr): boolean {
  return e.kind === 'alias' && e.child.kind === 'column' && e.child.name.startsWith(POSITIONAL);
}

/** What names in an expression resolve against. */
export interface BindScope {
  readonly attrs: readonly Attr[];
  /** The operation being analysed, for error messages: "select(...)", "filter(...)". */
  readonly where: string;
  readonly ctx: FunctionContext;
  /** Replaces a sub-expression before normal binding (aggregate outputs use it to map aggregates and keys to slots). */
  readonly override?: (e: Expr) => Bound | undefined;
}

/** Resolves and types an expression against the scope's input columns; constant sub-expressions are folded. */
export function bindExpr(e: Expr, scope: BindScope): Bound {
  const o = scope.override?.(e);
  if (o) return o;
  switch (e.kind) {
    case 'column': {
      if (e.name.startsWith(POSITIONAL)) {
        const i = Number(e.name.slice(POSITIONAL.length));
        const a = scope.attrs[i]!;
        return { kind: 'ref', index: i, type: a.type, nullable: a.nullable, name: a.name };
      }
      const m = resolveColumn(e.name, scope.attrs, e.planId, scope.where);
      const a = scope.attrs[m.index]!;
      let b: Bound = { kind: 'ref', index: m.index, type: a.type, nullable: a.nullable, name: a.name };
      for (const f of m.fields) b = extractField(b, f, scope.where);
      return b;
    }
    case 'literal':
      return { kind: 'lit', value: e.value, type: e.type, nullable: e.value === null };
    case 'alias':
      return bindExpr(e.child, scope);
    case 'cast':
      return fold(castTo(bindExpr(e.child, scope), e.to, true, scope.ctx.timeZone));
    case 'case':
      return bindCase(e.branches, e.otherwise, scope);
    case 'extract':
      return bindExtract(bindExpr(e.child, scope), e.key, scope);
    case 'star':
      throw new AnalysisException('INVALID_STAR', `'*' can only be used directly in select(...) or as count('*'), not inside ${scope.where}.`);
    case 'sortOrder':
      throw new AnalysisException('INVALID_SORT_ORDER', `asc()/desc() only make sense in orderBy(...)/sort(...), not in ${scope.where}.`);
    case 'call': {
      const lname = e.name.toLowerCase();
      if (isAggregateName(lname)) {
        throw new AnalysisException('AGGREGATE_NOT_ALLOWED',
          `Aggregate function ${e.name}() cannot be used in ${scope.where}; aggregate with groupBy(...).agg(${e.name}(...)) or select only aggregates for a global aggregation.`);
      }
      if (GENERATORS.has(lname)) {
        throw new AnalysisException('GENERATOR_NOT_ALLOWED',
          `${e.name}() can only be used as a top-level expression of select(...) or withColumn(...), not in ${scope.where}.`);
      }
      if (lname === 'window' || lname === 'session_window') {
        throw new AnalysisException('WINDOW_NOT_ALLOWED', `${lname}(...) can only be used in groupBy(...) or as a top-level select(...) expression, not in ${scope.where}.`);
      }
      const args = e.args.map((a) => bindExpr(a, scope));
      if (lname === 'struct') return bindStruct(e.args, args);
      if (lname === 'window_time') return bindWindowTime(args);
      return fold(callScalar(e.name, args, scope.ctx));
    }
  }
}

/** Replaces a constant call by its value (keeping the call's display for naming). */
function fold(b: Bound): Bound {
  if (b.kind === 'call' && isFoldable(b)) {
    const value = evalConstant(b);
    return { kind: 'call', name: 'constant', args: [], type: b.type, nullable: value === null, impl: () => value, nullSafe: true, display: b.display };
  }
  return b;
}

function bindCase(branches: readonly (readonly [Expr, Expr])[], otherwise: Expr | undefined, scope: BindScope): Bound {
  const conds = branches.map(([w]) => bindExpr(w, scope));
  const values = branches.map(([, t]) => bindExpr(t, scope));
  const other = otherwise === undefined ? null : bindExpr(otherwise, scope);
  conds.forEach((c) => {
    if (c.type.kind !== 'boolean' && c.type.kind !== 'null') {
      throw new AnalysisException('DATATYPE_MISMATCH', `when() condition ${boundDisplay(c)} in ${scope.where} has type ${simpleString(c.type)}; it must be boolean.`);
    }
  });
  let t: DataType | undefined = values[0]!.type;
  for (const v of [...values.slice(1), ...(other ? [other] : [])]) {
    const w: DataType | undefined = t && widerType(t, v.type);
    if (!w) {
      throw new AnalysisException('DATATYPE_MISMATCH',
        `when()/otherwise() values in ${scope.where} have incompatible types ${simpleString(t!)} and ${simpleString(v.type)}; cast them to one type.`);
    }
    t = w;
  }
  const type = t!.kind === 'null' ? t! : t!;
  return {
    kind: 'case',
    branches: conds.map((c, i) => [castTo(c, BooleanType), castTo(values[i]!, type, false, scope.ctx.timeZone)] as const),
    otherwise: other && castTo(other, type, false, scope.ctx.timeZone),
    type,
    nullable: other === null || other.nullable || values.some((v) => v.nullable),
  };
}

/** Field `name` of a struct value. */
function extractField(b: Bound, name: string, where: string): Bound {
  if (b.type.kind !== 'struct') {
    throw new AnalysisException('INVALID_EXTRACT_BASE',
      `Cannot take field '${name}' of ${boundDisplay(b)} in ${where}: it has type ${simpleString(b.type)}, not a struct.`);
  }
  const idx = b.type.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  if (idx < 0) {
    throw new AnalysisException('FIELD_NOT_FOUND',
      `No field '${name}' in struct ${boundDisplay(b)} in ${where}. Fields: ${b.type.fields.map((f) => f.name).join(', ')}.`);
  }
  const f = b.type.fields[idx]!;
  return { kind: 'call', name: 'getfield', args: [b], type: f.dataType, nullable: b.nullable || f.nullable, impl: (s: unknown[]) => s[idx], nullSafe: false, display: f.name };
}

function bindExtract(child: Bound, keyExpr: Expr, scope: BindScope): Bound {
  const key = bindExpr(keyExpr, scope);
  const keyText = boundDisplay(key);
  switch (child.type.kind) {
    case 'struct': {
      if (!isFoldable(key) || key.type.kind !== 'string') {
        throw new AnalysisException('INVALID_EXTRACT_FIELD', `A struct field name must be a string constant; got ${keyText} in ${scope.where}.`);
      }
      return extractField(child, evalConstant(key) as string, scope.where);
    }
    case 'array': {
      const et = child.type.elementType;
      return {
        kind: 'call', name: 'getitem', args: [child, castTo(key, IntegerType)], type: et, nullable: true,
        impl: (a: unknown[], i: number) => (i >= 0 && i < a.length ? a[i] : null), nullSafe: false,
        display: `${boundDisplay(child)}[${keyText}]`,
      };
    }
    case 'map': {
      const mt = child.type;
      return {
        kind: 'call', name: 'getitem', args: [child, castTo(key, mt.keyType, false, scope.ctx.timeZone)], type: mt.valueType, nullable: true,
        impl: (m: Map<unknown, unknown>, k: unknown) => m.get(k) ?? null, nullSafe: false,
        display: `${boundDisplay(child)}[${keyText}]`,
      };
    }
    default:
      throw new AnalysisException('INVALID_EXTRACT_BASE',
        `getItem/getField needs an array, map or struct, but ${boundDisplay(child)} in ${scope.where} has type ${simpleString(child.type)}.`);
  }
}

/** window_time(window): the window's end minus one microsecond, the latest time inside it (Spark 3.4+). */
function bindWindowTime(args: readonly Bound[]): Bound {
  const w = args[0];
  const t = w?.type;
  if (args.length !== 1 || !w || t?.kind !== 'struct' || t.fields.length !== 2 || t.fields[1]!.name !== 'end' || t.fields[1]!.dataType.kind !== 'timestamp') {
    throw new AnalysisException('DATATYPE_MISMATCH', 'window_time() takes one argument: the window column made by window(...) or session_window(...).');
  }
  return {
    kind: 'call', name: 'window_time', args: [w], type: { kind: 'timestamp' }, nullable: w.nullable, nullSafe: false,
    impl: (v: unknown[]) => (v[1] as number) - 1, display: `window_time(${boundDisplay(w)})`,
  };
}

function bindStruct(exprs: readonly Expr[], args: readonly Bound[]): Bound {
  // Spark's CreateStruct: a column or an alias gives its name, any other expression is col1, col2, ...
  const fields = args.map((a, i) => {
    const e = exprs[i]!;
    return StructField(e.kind === 'alias' || e.kind === 'column' ? exprName(e, a) : `col${i + 1}`, a.type, a.nullable);
  });
  return {
    kind: 'call', name: 'struct', args, type: StructType(fields), nullable: false, nullSafe: true,
    impl: (...vals: unknown[]) => vals,
    display: `struct(${args.map(boundDisplay).join(', ')})`,
  };
}

/** The output column name Spark gives an expression: its alias, a column's (last) name, or the expression text. */
export function exprName(e: Expr, b: Bound, fallback?: string): string {
  if (e.kind === 'alias') return e.names[0]!;
  if (e.kind === 'column') {
    // A column keeps the name it has in the input, however the reference spelled it (Spark resolves
    // `select('NAME')` to the attribute `name`).
    if (b.kind === 'ref' && b.name !== '') return b.name;
    const parts = splitName(e.name);
    return parts[parts.length - 1]!;
  }
  const d = boundDisplay(b);
  return d === '' && fallback ? fallback : d;
}
