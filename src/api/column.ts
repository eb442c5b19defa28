import { SpateError } from '../core/errors.js';
import { parseDataType } from '../core/ddl.js';
import type { DataType } from '../core/types.js';
import { call, column, type Expr } from '../plan/expr.js';
import { inferLiteral } from './literal.js';
import { describeArg, expectString } from './args.js';

/**
 * A column expression, as in Spark: built from `col('x')`, `lit(1)` and
 * functions, combined with methods (`gt`, `plus`, `and`, `alias`, ...).
 * Immutable; every method returns a new Column. Nothing is evaluated until a
 * DataFrame action runs.
 */
export class Column {
  /** The unresolved expression tree. */
  readonly expr: Expr;
  constructor(expr: Expr) {
    this.expr = expr;
  }

  // Arithmetic (Spark: +, -, *, /, %, unary -).
  plus(other: unknown): Column { return op('add', this, other); }
  minus(other: unknown): Column { return op('subtract', this, other); }
  multiply(other: unknown): Column { return op('multiply', this, other); }
  divide(other: unknown): Column { return op('divide', this, other); }
  mod(other: unknown): Column { return op('mod', this, other); }
  negate(): Column { return fromExpr(call('negative', [this.expr])); }

  // Comparison; null compared with anything is null, except eqNullSafe.
  eq(other: unknown): Column { return op('eq', this, other); }
  /** Spark's `===`. */
  equalTo(other: unknown): Column { return op('eq', this, other); }
  notEqual(other: unknown): Column { return op('neq', this, other); }
  ne(other: unknown): Column { return op('neq', this, other); }
  lt(other: unknown): Column { return op('lt', this, other); }
  leq(other: unknown): Column { return op('le', this, other); }
  le(other: unknown): Column { return op('le', this, other); }
  gt(other: unknown): Column { return op('gt', this, other); }
  geq(other: unknown): Column { return op('ge', this, other); }
  ge(other: unknown): Column { return op('ge', this, other); }
  /** Spark's `<=>`: true when both are null. */
  eqNullSafe(other: unknown): Column { return op('eqNullSafe', this, other); }

  // Boolean logic with SQL's three-valued semantics.
  and(other: unknown): Column { return op('and', this, other); }
  or(other: unknown): Column { return op('or', this, other); }
  not(): Column { return fromExpr(call('not', [this.expr])); }

  isNull(): Column { return fromExpr(call('isnull', [this.expr])); }
  isNotNull(): Column { return fromExpr(call('isnotnull', [this.expr])); }
  isNaN(): Column { return fromExpr(call('isnan', [this.expr])); }
  /** `x IN (values...)`; accepts values, Columns, or one array of them. */
  isin(...values: unknown[]): Column {
    const list = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
    return fromExpr(call('in', [this.expr, ...list.map(toExprOrLit)]));
  }
  between(lower: unknown, upper: unknown): Column { return this.geq(lower).and(this.leq(upper)); }
  like(pattern: string): Column { return fromExpr(call('like', [this.expr, litExpr(pattern)])); }
  ilike(pattern: string): Column { return fromExpr(call('ilike', [this.expr, litExpr(pattern)])); }
  rlike(pattern: string): Column { return fromExpr(call('rlike', [this.expr, litExpr(pattern)])); }
  startswith(other: unknown): Column { return op('startswith', this, other); }
  endswith(other: unknown): Column { return op('endswith', this, other); }
  contains(other: unknown): Column { return op('contains', this, other); }
  substr(pos: unknown, len: unknown): Column { return fromExpr(call('substring', [this.expr, toExprOrLit(pos), toExprOrLit(len)])); }

  /** Names the result; several names only for generators (posexplode). */
  alias(...names: string[]): Column {
    if (names.length === 0) throw new SpateError('INVALID_ALIAS', 'alias() needs at least one name.');
    for (const n of names) expectString('alias(...names)', 'each name', n, 'a column name (string)');
    return fromExpr({ kind: 'alias', child: this.expr.kind === 'alias' ? this.expr.child : this.expr, names });
  }
  /** Same as alias (Spark's `as`). */
  as(...names: string[]): Column { return this.alias(...names); }
  name(name: string): Column { return this.alias(name); }

  /** Casts with Spark's rules; takes a DataType or a type string ('int', 'decimal(10,2)', 'array<string>'). */
  cast(to: DataType | string): Column {
    return fromExpr({ kind: 'cast', child: this.expr, to: typeof to === 'string' ? parseDataType(to) : to });
  }
  astype(to: DataType | string): Column { return this.cast(to); }

  asc(): Column { return sortOrder(this, true, true); }
  asc_nulls_first(): Column { return sortOrder(this, true, true); }
  asc_nulls_last(): Column { return sortOrder(this, true, false); }
  desc(): Column { return sortOrder(this, false, false); }
  desc_nulls_first(): Column { return sortOrder(this, false, true); }
  desc_nulls_last(): Column { return sortOrder(this, false, false); }

  /** An array element by 0-based index, or a map value by key. */
  getItem(key: unknown): Column { return fromExpr({ kind: 'extract', child: this.expr, key: toExprOrLit(key) }); }
  /** A struct field by name. */
  getField(name: string): Column { return fromExpr({ kind: 'extract', child: this.expr, key: litExpr(name) }); }

  /** Adds a branch to a `when(...)` chain. */
  when(condition: Column, value: unknown): Column {
    if (this.expr.kind !== 'case' || this.expr.otherwise !== undefined) {
      throw new SpateError('INVALID_WHEN', 'when() can only follow functions.when(...) or another when(...), before otherwise().');
    }
    return fromExpr({ kind: 'case', branches: [...this.expr.branches, [condition.expr, toExprOrLit(value)]] });
  }
  /** The value when no `when` branch matched (null without it). */
  otherwise(value: unknown): Column {
    if (this.expr.kind !== 'case' || this.expr.otherwise !== undefined) {
      throw new SpateError('INVALID_WHEN', 'otherwise() can only follow when(...), once.');
    }
    return fromExpr({ kind: 'case', branches: this.expr.branches, otherwise: toExprOrLit(value) });
  }

  toString(): string {
    return `Column<'${describeExpr(this.expr)}'>`;
  }
}

function sortOrder(c: Column, ascending: boolean, nullsFirst: boolean): Column {
  const child = c.expr.kind === 'sortOrder' ? c.expr.child : c.expr;
  return fromExpr({ kind: 'sortOrder', child, ascending, nullsFirst });
}

function op(name: string, left: Column, right: unknown): Column {
  return fromExpr(call(name, [left.expr, toExprOrLit(right)]));
}

export function fromExpr(e: Expr): Column {
  return new Column(e);
}

/** A Column, or a string naming a column (as PySpark's functions accept). */
export function toColumnExpr(c: Column | string): Expr {
  if (c instanceof Column) return c.expr;
  if (typeof c === 'string') return c === '*' ? { kind: 'star' } : c.endsWith('.*') ? { kind: 'star', target: c.slice(0, -2) } : column(c);
  throw new SpateError('INVALID_ARGUMENT', `Expected a Column or a column name (string), got ${describeArg(c)}.`);
}

/** A JS value as a literal expression (a Column passes through). */
export function litExpr(v: unknown): Expr {
  if (v instanceof Column) return v.expr;
  const { value, type } = inferLiteral(v);
  return { kind: 'literal', value, type };
}

/** Columns stay expressions; any other value becomes a literal (the right side of `col.gt(5)`). */
export function toExprOrLit(v: unknown): Expr {
  return v instanceof Column ? v.expr : litExpr(v);
}

/** A short text form of an unresolved expression, for messages and toString. */
export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'column': return e.name.startsWith('\u0000#') ? '?' : e.name;
    case 'star': return e.target ? `${e.target}.*` : '*';
    case 'literal': return e.value === null ? 'NULL' : String(e.value);
    case 'alias': return `${describeExpr(e.child)} AS ${e.names.join(', ')}`;
    case 'call': return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(describeExpr).join(', ')})`;
    case 'cast': return `CAST(${describeExpr(e.child)})`;
    case 'case': return `CASE ${e.branches.map(([w, t]) => `WHEN ${describeExpr(w)} THEN ${describeExpr(t)}`).join(' ')}${e.otherwise ? ` ELSE ${describeExpr(e.otherwise)}` : ''} END`;
    case 'sortOrder': return `${describeExpr(e.child)} ${e.ascending ? 'ASC' : 'DESC'} NULLS ${e.nullsFirst ? 'FIRST' : 'LAST'}`;
    case 'extract': return `${describeExpr(e.child)}[${describeExpr(e.key)}]`;
  }
}
