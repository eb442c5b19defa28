import type { DataType } from '../../core/types.js';

/** What the analyzer knows about one argument when resolving a call. */
export interface ArgInfo {
  readonly type: DataType;
  readonly nullable: boolean;
  /** True when the argument is a constant; its internal value is then in `value`. */
  readonly foldable: boolean;
  readonly value?: unknown;
  /** The argument as the user wrote it, for error messages. */
  readonly display: string;
}

/** Session facts a function may depend on, fixed for one query. */
export interface FunctionContext {
  /** `spark.sql.session.timeZone` (an IANA zone id or 'UTC'). */
  readonly timeZone: string;
  /** Query start time in microseconds, so current_timestamp() is one value per query, as in Spark. */
  readonly nowMicros: number;
}

/**
 * A scalar function resolved for concrete argument types: the result type, the
 * types the analyzer must cast each argument to (undefined = leave as is), and
 * the implementation specialized for those types (e.g. a regex compiled once
 * from a literal pattern).
 */
export interface Resolution {
  readonly type: DataType;
  /** Defaults to: nullable if any argument is (or always, for nullSafe functions). */
  readonly nullable?: boolean;
  readonly argTypes?: readonly (DataType | undefined)[];
  readonly impl: (...args: any[]) => unknown;
  /** Null-safe functions receive nulls and decide the result themselves (coalesce, concat_ws, isnull, and/or). */
  readonly nullSafe?: boolean;
  /** Optional JS expression template over argument locals, for hot simple functions (see BoundCall.inline). */
  readonly inline?: (args: readonly string[]) => string;
  /** explain() form; defaults to `name(arg, ...)`. */
  readonly display?: string;
}

/** A scalar function under Spark's name. `resolve` throws an AnalysisException for bad arguments, naming the function. */
export interface ScalarFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  resolve(args: readonly ArgInfo[], ctx: FunctionContext): Resolution;
}
