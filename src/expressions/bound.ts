import { formatDate } from '../core/datetime.js';
import type { DataType } from '../core/types.js';

/**
 * A resolved, typed expression over the columns of one input batch. The
 * analyzer (plan/) builds these from user expressions; the compiler and the
 * interpreter (exec/) evaluate them. Values are internal values (see core/row.ts).
 */
export type Bound =
  | BoundRef
  | BoundLiteral
  | BoundCall
  | BoundCase;

/** Column `index` of the input batch. */
export interface BoundRef {
  readonly kind: 'ref';
  readonly index: number;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly name: string;
}

export interface BoundLiteral {
  readonly kind: 'lit';
  readonly value: unknown;
  readonly type: DataType;
  readonly nullable: boolean;
}

/**
 * A call of a scalar function's implementation. Unless `nullSafe`, the result
 * is null when any argument is null and `impl` only sees non-null values.
 * `inline`, when present, gives the same result as a JS expression over the
 * argument locals, for the compiler to splice into the loop (it never embeds
 * user text: literals and tables go in through `constant`, which returns the
 * name of a constant holding the value).
 */
export interface BoundCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Bound[];
  readonly type: DataType;
  readonly nullable: boolean;
  readonly impl: (...args: any[]) => unknown;
  readonly nullSafe: boolean;
  readonly inline?: (args: readonly string[], constant: (value: unknown) => string) => string;
  /**
   * With `inline`: a JS condition, over the result local and the argument locals, that is true where
   * the result is null (for calls that give null on non-null input, e.g. a lookup that finds no row).
   */
  readonly nullWhen?: (value: string, args: readonly string[], constant: (value: unknown) => string) => string;
  /** Short form for explain(), e.g. `(a + 1)` or `upper(name)`. */
  readonly display: string;
}

/** CASE WHEN ... THEN ... ELSE ... END, evaluated lazily branch by branch. */
export interface BoundCase {
  readonly kind: 'case';
  readonly branches: readonly (readonly [Bound, Bound])[];
  readonly otherwise: Bound | null;
  readonly type: DataType;
  readonly nullable: boolean;
}

export function boundDisplay(e: Bound): string {
  switch (e.kind) {
    case 'ref': return e.name;
    case 'lit':
      if (e.value === null) return 'NULL';
      if (e.type.kind === 'date') return `DATE '${formatDate(e.value as number)}'`;
      return typeof e.value === 'string' ? e.value : String(e.value);
    case 'call': return e.display;
    case 'case':
      return `CASE ${e.branches.map(([w, t]) => `WHEN ${boundDisplay(w)} THEN ${boundDisplay(t)}`).join(' ')}` +
        `${e.otherwise ? ` ELSE ${boundDisplay(e.otherwise)}` : ''} END`;
  }
}

export function isFoldable(e: Bound): boolean {
  switch (e.kind) {
    case 'lit': return true;
    case 'ref': return false;
    case 'call': return e.args.every(isFoldable) && !NON_DETERMINISTIC.has(e.name);
    case 'case': return e.branches.every(([w, t]) => isFoldable(w) && isFoldable(t)) && (e.otherwise === null || isFoldable(e.otherwise));
  }
}

/** Calls that must not be folded to a constant at analysis time. */
export const NON_DETERMINISTIC = new Set(['rand', 'randn', 'uuid', 'monotonically_increasing_id', 'spark_partition_id']);

/** `e` with every column reference i replaced by env[i] (to read an expression through a projection below it). */
export function substituteRefs(e: Bound, env: readonly Bound[]): Bound {
  switch (e.kind) {
    case 'ref': return env[e.index]!;
    case 'lit': return e;
    case 'call': return { ...e, args: e.args.map((a) => substituteRefs(a, env)) };
    case 'case': return {
      ...e,
      branches: e.branches.map(([w, t]) => [substituteRefs(w, env), substituteRefs(t, env)] as const),
      otherwise: e.otherwise === null ? null : substituteRefs(e.otherwise, env),
    };
  }
}

/** True when the expression reads input column `index`. */
export function refersTo(b: Bound, index: number): boolean {
  switch (b.kind) {
    case 'ref': return b.index === index;
    case 'lit': return false;
    case 'call': return b.args.some((a) => refersTo(a, index));
    case 'case': return b.branches.some(([w, t]) => refersTo(w, index) || refersTo(t, index)) || (b.otherwise !== null && refersTo(b.otherwise, index));
  }
}
