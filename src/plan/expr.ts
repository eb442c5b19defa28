import type { DataType } from '../core/types.js';

/**
 * Unresolved expressions, as the Column API and the SQL parser build them.
 * Names are not yet bound to columns and types are not yet known; the
 * analyzer turns an Expr into a typed `Bound` (exec/bound.ts) against the
 * schema of the operator's input.
 */
export type Expr =
  | ColumnExpr
  | StarExpr
  | LiteralExpr
  | AliasExpr
  | CallExpr
  | CastExpr
  | CaseExpr
  | SortOrderExpr
  | ExtractExpr;

/**
 * A column by name. `name` may be dotted (`a.b` is field b of struct a, or
 * column b of the DataFrame aliased a) and backquoted (`` `a.b` `` is one
 * name). `planId`, set by `df.col(name)`, pins the column to that
 * DataFrame, which disambiguates the two sides of a self-join.
 */
export interface ColumnExpr { readonly kind: 'column'; readonly name: string; readonly planId?: number }

/** `*` or `alias.*` (all columns of one side, or all fields of a struct). */
export interface StarExpr { readonly kind: 'star'; readonly target?: string }

/** A constant; `value` is an internal value of `type` (see core/row.ts). */
export interface LiteralExpr { readonly kind: 'literal'; readonly value: unknown; readonly type: DataType }

/** A name for an expression's result; several names only for generators (`posexplode(...).alias('pos', 'col')`). */
export interface AliasExpr { readonly kind: 'alias'; readonly child: Expr; readonly names: readonly string[] }

/**
 * A function call by Spark's name: a scalar function, an aggregate, or a
 * generator (explode...). Operators are calls too (`add`, `eq`, `and`...).
 */
export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  /** `count(DISTINCT x)`. */
  readonly distinct?: boolean;
  /** `first(x, ignoreNulls = true)`. */
  readonly ignoreNulls?: boolean;
}

export interface CastExpr { readonly kind: 'cast'; readonly child: Expr; readonly to: DataType }

export interface CaseExpr {
  readonly kind: 'case';
  readonly branches: readonly (readonly [Expr, Expr])[];
  readonly otherwise?: Expr;
}

/** A sort key: `asc`, `desc`, `asc_nulls_last`, ... Ascending sorts put nulls first by default, descending last (Spark). */
export interface SortOrderExpr { readonly kind: 'sortOrder'; readonly child: Expr; readonly ascending: boolean; readonly nullsFirst: boolean }

/** `col.getItem(key)` / `col.getField(name)` / `col[key]`: an array element, a map value or a struct field. */
export interface ExtractExpr { readonly kind: 'extract'; readonly child: Expr; readonly key: Expr }

export const column = (name: string, planId?: number): ColumnExpr =>
  planId === undefined ? { kind: 'column', name } : { kind: 'column', name, planId };
export const literal = (value: unknown, type: DataType): LiteralExpr => ({ kind: 'literal', value, type });
export const call = (name: string, args: readonly Expr[], opts?: { distinct?: boolean; ignoreNulls?: boolean }): CallExpr =>
  ({ kind: 'call', name, args, ...opts });
export const alias = (child: Expr, ...names: string[]): AliasExpr => ({ kind: 'alias', child, names });
