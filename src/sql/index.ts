import type { Expr } from '../plan/expr.js';
import { ExpressionParser } from './expression-parser.js';

/**
 * The SQL layer's public door. For now: Spark SQL expression strings, as
 * `F.expr('...')`, `df.selectExpr('...')` and `df.filter('...')` take them.
 */

/**
 * Parses one Spark SQL expression, optionally aliased (`"amount * 2 AS doubled"`), into an
 * unresolved Expr. Throws a ParseException quoting the text with a caret at the offending token.
 */
export function parseExpression(text: string): Expr {
  return new ExpressionParser(text).parseNamed();
}

export { unescapeSqlString } from './lexer.js';
