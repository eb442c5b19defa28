import { parseDataTypeAt } from '../core/ddl.js';
import { BooleanType, IntegerType, NullType, StringType } from '../core/types.js';
import { alias, call, column, literal, type Expr } from '../plan/expr.js';
import { numberLiteral, stringLiteral, typedLiteral, TYPED_LITERAL_WORDS } from './literals.js';
import { TokenStream } from './token-stream.js';
import type { Token } from './lexer.js';

/**
 * Spark SQL expressions (`F.expr`, `selectExpr`, `filter('amount > 100')`)
 * → unresolved `Expr` trees. Recursive descent, one method per precedence
 * level of Spark's grammar (SqlBaseParser.g4), loosest first:
 * OR < AND < NOT < predicates (IS NULL, IN, BETWEEN, LIKE) < comparison
 * < `|` < `^` < `&` < `+ - ||` < `* / % div` < unary `- + ~` < postfix `[k]` `.f`.
 * Operators become calls by spate's internal names (exec/functions/operators.ts).
 */

/** Words that end an expression or belong to a construct; never read as a column name or an implicit alias. */
const RESERVED = new Set([
  'AND', 'OR', 'NOT', 'IS', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'AS', 'CASE', 'WHEN', 'THEN',
  'ELSE', 'END', 'FROM', 'WHERE', 'SELECT', 'GROUP', 'ORDER', 'BY', 'HAVING', 'LIMIT', 'JOIN', 'ON', 'UNION',
  'DISTINCT', 'ESCAPE', 'OVER', 'FILTER', 'DIV',
]);
/** Reserved words that are also function names when a `(` follows (`like(a, b)`, `filter(xs, f)`). */
const FUNCTION_WORDS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'FILTER']);
/** Keywords Spark accepts without parentheses as zero-argument functions. */
const NILADIC = new Set(['CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_USER']);

const COMPARISON: Readonly<Record<string, string>> = {
  '=': 'eq', '==': 'eq', '!=': 'neq', '<>': 'neq', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '<=>': 'eqNullSafe',
};

export class ExpressionParser {
  private readonly ts: TokenStream;

  constructor(text: string) {
    this.ts = new TokenStream(text);
  }

  /** The whole text as one expression with an optional alias (`x + 1 AS y`, `x y`). */
  parseNamed(): Expr {
    if (this.ts.atEnd()) throw this.ts.errorAt(this.ts.peek(), 'Empty expression; write a SQL expression such as "amount > 100"');
    if (this.ts.isWord('SELECT')) throw this.ts.error(this.ts.peek(), 'this takes one expression, not a query; use session.sql(...) for queries');
    const e = this.namedExpression();
    if (!this.ts.atEnd()) throw this.ts.error(this.ts.peek());
    return e;
  }

  private namedExpression(): Expr {
    const e = this.expression();
    if (this.ts.acceptWord('AS')) {
      if (this.ts.acceptOp('(')) {
        const names = [this.identifier('as an alias')];
        while (this.ts.acceptOp(',')) names.push(this.identifier('as an alias'));
        this.ts.expectOp(')', 'to close the alias list');
        return alias(e, ...names);
      }
      return alias(e, this.identifier('after AS'));
    }
    const t = this.ts.peek();
    if (t.kind === 'quoted' || (t.kind === 'word' && !RESERVED.has(t.text.toUpperCase()))) {
      this.ts.next();
      return alias(e, t.value);
    }
    return e;
  }

  private identifier(context: string): string {
    const t = this.ts.peek();
    if (t.kind === 'quoted' || (t.kind === 'word' && !/^\d/.test(t.text))) {
      this.ts.next();
      return t.value;
    }
    throw this.ts.error(t, `expected a name ${context}`);
  }

  expression(): Expr {
    return this.or();
  }

  private or(): Expr {
    let left = this.and();
    while (this.ts.acceptWord('OR')) left = call('or', [left, this.and()]);
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.ts.acceptWord('AND')) left = call('and', [left, this.not()]);
    return left;
  }

  private not(): Expr {
    if (this.ts.acceptWord('NOT') || this.ts.acceptOp('!')) return call('not', [this.not()]);
    return this.predicated();
  }

  /** A value followed by at most one predicate (Spark does not chain them). */
  private predicated(): Expr {
    const value = this.comparison();
    const ts = this.ts;
    if (ts.isWord('IS')) {
      const isTok = ts.next();
      const negated = ts.acceptWord('NOT');
      const wrap = (e: Expr): Expr => (negated ? call('not', [e]) : e);
      if (ts.acceptWord('NULL') || ts.acceptWord('UNKNOWN')) return call(negated ? 'isnotnull' : 'isnull', [value]);
      if (ts.acceptWord('TRUE')) return wrap(call('eqNullSafe', [value, literal(true, BooleanType)]));
      if (ts.acceptWord('FALSE')) return wrap(call('eqNullSafe', [value, literal(false, BooleanType)]));
      if (ts.acceptWord('DISTINCT')) {
        ts.expectWord('FROM', 'in IS [NOT] DISTINCT FROM');
        const other = this.comparison();
        const same = call('eqNullSafe', [value, other]);
        return negated ? same : call('not', [same]);
      }
      throw ts.error(ts.peek(), `expected NULL, TRUE, FALSE or DISTINCT FROM after ${isTok.text}${negated ? ' NOT' : ''}`);
    }
    let negated = false;
    if (ts.isWord('NOT') && ['IN', 'BETWEEN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP'].some((w) => ts.isWord(w, 1))) {
      ts.next();
      negated = true;
    }
    const wrap = (e: Expr): Expr => (negated ? call('not', [e]) : e);
    if (ts.acceptWord('IN')) {
      ts.expectOp('(', 'after IN');
      if (ts.isWord('SELECT')) throw ts.errorAt(ts.peek(), 'IN (SELECT ...) subqueries are not supported; join with the other DataFrame instead');
      const list = [this.expression()];
      while (ts.acceptOp(',')) list.push(this.expression());
      ts.expectOp(')', 'to close the IN list');
      return wrap(call('in', [value, ...list]));
    }
    if (ts.acceptWord('BETWEEN')) {
      const lower = this.comparison();
      ts.expectWord('AND', 'in BETWEEN ... AND ...');
      const upper = this.comparison();
      return wrap(call('and', [call('ge', [value, lower]), call('le', [value, upper])]));
    }
    if (ts.isWord('LIKE') || ts.isWord('ILIKE')) {
      const name = ts.next().text.toLowerCase();
      if (ts.isWord('ANY') || ts.isWord('SOME') || ts.isWord('ALL')) {
        throw ts.errorAt(ts.peek(), `${name.toUpperCase()} ${ts.peek().text.toUpperCase()} (...) is not supported; combine single ${name.toUpperCase()}s with OR / AND`);
      }
      const args = [value, this.comparison()];
      if (ts.acceptWord('ESCAPE')) {
        const esc = ts.next();
        if (esc.kind !== 'string' || esc.value.length !== 1) throw ts.error(esc, 'ESCAPE needs a one-character string, e.g. ESCAPE \'/\'');
        args.push(stringLiteral(esc.value));
      }
      return wrap(call(name, args));
    }
    if (ts.acceptWord('RLIKE') || ts.acceptWord('REGEXP')) return wrap(call('rlike', [value, this.comparison()]));
    return value;
  }

  private comparison(): Expr {
    let left = this.bitOr();
    for (;;) {
      const t = this.ts.peek();
      const name = t.kind === 'op' ? COMPARISON[t.text] : undefined;
      if (name === undefined) return left;
      this.ts.next();
      left = call(name, [left, this.bitOr()]);
    }
  }

  private bitOr(): Expr {
    let left = this.bitXor();
    while (this.ts.acceptOp('|')) left = call('|', [left, this.bitXor()]);
    return left;
  }

  private bitXor(): Expr {
    let left = this.bitAnd();
    while (this.ts.acceptOp('^')) left = call('^', [left, this.bitAnd()]);
    return left;
  }

  private bitAnd(): Expr {
    let left = this.additive();
    while (this.ts.acceptOp('&')) left = call('&', [left, this.additive()]);
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      if (this.ts.acceptOp('+')) left = call('add', [left, this.multiplicative()]);
      else if (this.ts.acceptOp('-')) left = call('subtract', [left, this.multiplicative()]);
      else if (this.ts.acceptOp('||')) left = call('concat', [left, this.multiplicative()]);
      else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      if (this.ts.acceptOp('*')) left = call('multiply', [left, this.unary()]);
      else if (this.ts.acceptOp('/')) left = call('divide', [left, this.unary()]);
      else if (this.ts.acceptOp('%')) left = call('mod', [left, this.unary()]);
      else if (this.ts.acceptWord('DIV')) left = call('div', [left, this.unary()]);
      else return left;
    }
  }

  private unary(): Expr {
    const ts = this.ts;
    if (ts.acceptOp('-')) {
      // Spark's grammar folds a minus into a number literal: `-2147483648` is an INT, and the column is named `-1`.
      if (ts.peek().kind === 'number') return this.postfix(this.number(ts.next(), true));
      return call('negative', [this.unary()]);
    }
    if (ts.acceptOp('+')) return this.unary();
    if (ts.acceptOp('~')) return call('~', [this.unary()]);
    return this.postfix(this.primary());
  }

  /** `[key]` subscripts and `.field` accesses after a value. */
  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.ts.acceptOp('[')) {
        const key = this.expression();
        this.ts.expectOp(']', 'to close the subscript');
        e = { kind: 'extract', child: e, key };
      } else if (this.ts.isOp('.') && (this.ts.peek(1).kind === 'word' || this.ts.peek(1).kind === 'quoted')) {
        this.ts.next();
        e = { kind: 'extract', child: e, key: literal(this.ts.next().value, StringType) };
      } else {
        return e;
      }
    }
  }

  private number(t: Token, negate: boolean): Expr {
    const lit = numberLiteral(t.text, negate);
    if (typeof lit === 'string') throw this.ts.errorAt(t, lit);
    return lit;
  }

  private primary(): Expr {
    const ts = this.ts;
    const t = ts.peek();
    switch (t.kind) {
      case 'number':
        ts.next();
        return this.number(t, false);
      case 'string': {
        // Adjacent string literals concatenate, as in Spark: 'it''s' is "its".
        let s = ts.next().value;
        while (ts.peek().kind === 'string') s += ts.next().value;
        return stringLiteral(s);
      }
      case 'quoted':
        return this.nameOrCall();
      case 'op':
        if (ts.acceptOp('*')) return { kind: 'star' };
        if (ts.isOp('(')) return this.parenthesized();
        throw ts.error(t);
      case 'word':
        return this.wordPrimary(t);
      case 'eof':
        throw ts.error(t, 'the expression is incomplete');
    }
  }

  private parenthesized(): Expr {
    const ts = this.ts;
    ts.expectOp('(', '');
    const first = this.expression();
    if (ts.acceptOp(',')) {
      const items = [first, this.expression()];
      while (ts.acceptOp(',')) items.push(this.expression());
      ts.expectOp(')', 'to close the parenthesis');
      if (ts.isOp('->')) throw ts.errorAt(ts.peek(), 'Lambda functions (x -> ...) are not supported in expression strings yet');
      return call('struct', items);
    }
    ts.expectOp(')', 'to close the parenthesis');
    if (ts.isOp('->')) throw ts.errorAt(ts.peek(), 'Lambda functions (x -> ...) are not supported in expression strings yet');
    return first;
  }

  private wordPrimary(t: Token): Expr {
    const ts = this.ts;
    const upper = t.text.toUpperCase();
    const callFollows = ts.isOp('(', 1);
    if (!callFollows) {
      if (upper === 'TRUE' || upper === 'FALSE') { ts.next(); return literal(upper === 'TRUE', BooleanType); }
      if (upper === 'NULL') { ts.next(); return literal(null, NullType); }
      if (upper === 'CASE') return this.caseExpression();
      if (upper === 'INTERVAL') throw ts.errorAt(t, 'INTERVAL literals are not supported; use a duration string where the API takes one (e.g. window(ts, "10 minutes"))');
      if (NILADIC.has(upper)) { ts.next(); return call(upper.toLowerCase(), []); }
      const next = ts.peek(1);
      if (TYPED_LITERAL_WORDS.has(upper) && next.kind === 'string' && (upper !== 'X' || next.start === t.end)) {
        ts.next();
        ts.next();
        const lit = typedLiteral(upper, next.value);
        if (typeof lit === 'string') throw ts.errorAt(next, lit);
        return lit;
      }
    } else {
      if (upper === 'CAST' || upper === 'TRY_CAST') return this.castExpression();
      if (upper === 'EXTRACT') return this.extractExpression();
    }
    if (RESERVED.has(upper) && !(callFollows && FUNCTION_WORDS.has(upper))) throw ts.error(t);
    return this.nameOrCall();
  }

  /** `a`, `a.b.c`, `` `a.b`.c ``, `a.*`, or a call `f(...)`. */
  private nameOrCall(): Expr {
    const ts = this.ts;
    const parts = [ts.next()];
    while (ts.isOp('.') && (ts.peek(1).kind === 'word' || ts.peek(1).kind === 'quoted')) {
      ts.next();
      parts.push(ts.next());
    }
    if (ts.isOp('.') && ts.isOp('*', 1)) {
      ts.next();
      ts.next();
      return { kind: 'star', target: joinName(parts) };
    }
    if (ts.isOp('(')) return this.functionCall(parts.map((p) => p.value).join('.').toLowerCase());
    if (ts.isOp('->')) throw ts.errorAt(ts.peek(), 'Lambda functions (x -> ...) are not supported in expression strings yet');
    return column(joinName(parts));
  }

  private functionCall(name: string): Expr {
    const ts = this.ts;
    ts.expectOp('(', `after ${name}`);
    let distinct = false;
    let args: Expr[] = [];
    const standard = this.standardCallForm(name);
    if (standard !== undefined) return standard;
    if (!ts.acceptOp(')')) {
      distinct = ts.acceptWord('DISTINCT');
      if (!distinct) ts.acceptWord('ALL');
      if (ts.isOp('*') && ts.isOp(')', 1)) {
        ts.next();
        // Spark rewrites count(*) to count(1); other functions (struct(*), concat(*)) expand the star.
        args = [name === 'count' ? literal(1, IntegerType) : { kind: 'star' }];
      } else {
        args.push(this.namedExpression());
        while (ts.acceptOp(',')) args.push(this.namedExpression());
      }
      ts.expectOp(')', `to close ${name}(...)`);
    }
    let ignoreNulls: boolean | undefined;
    if (ts.isWord('IGNORE') && ts.isWord('NULLS', 1)) { ts.next(); ts.next(); ignoreNulls = true; }
    else if (ts.isWord('RESPECT') && ts.isWord('NULLS', 1)) { ts.next(); ts.next(); ignoreNulls = false; }
    if (ts.isWord('OVER')) throw ts.errorAt(ts.peek(), `Window functions (${name}(...) OVER ...) are not supported in expression strings; use the Window API`);
    if (ts.isWord('FILTER') && ts.isOp('(', 1)) throw ts.errorAt(ts.peek(), 'Aggregate FILTER (WHERE ...) is not supported; use sum(CASE WHEN ... THEN x END) instead');
    const opts: { distinct?: boolean; ignoreNulls?: boolean } = {};
    if (distinct) opts.distinct = true;
    if (ignoreNulls !== undefined) opts.ignoreNulls = ignoreNulls;
    return call(name, args, opts);
  }

  /**
   * The SQL-standard call forms Spark's grammar has, after the `(`: `position(sub IN str)`,
   * `substring(str FROM pos [FOR len])`, `trim([BOTH | LEADING | TRAILING] [chars] FROM str)`;
   * undefined (nothing read) when the call is an ordinary one.
   */
  private standardCallForm(name: string): Expr | undefined {
    const ts = this.ts;
    if (name === 'trim' && (ts.isWord('BOTH') || ts.isWord('LEADING') || ts.isWord('TRAILING')) && !ts.isOp(')', 1) && !ts.isOp(',', 1)) {
      const side = ts.next().text.toUpperCase();
      const fn = side === 'LEADING' ? 'ltrim' : side === 'TRAILING' ? 'rtrim' : 'trim';
      const chars = ts.isWord('FROM') ? undefined : this.bitOr();
      ts.expectWord('FROM', `in trim(${side} [characters] FROM string)`);
      const src = this.expression();
      ts.expectOp(')', 'to close trim(...)');
      return call(fn, chars === undefined ? [src] : [src, chars]);
    }
    if (name !== 'trim' && name !== 'substr' && name !== 'substring' && name !== 'position') return undefined;
    if (ts.isOp(')')) return undefined;
    // The first operand is read below the predicates, so `IN` is left for the position form.
    const first = name === 'position' ? this.bitOr() : this.expression();
    if (name === 'position' && ts.acceptWord('IN')) {
      const str = this.bitOr();
      ts.expectOp(')', 'to close position(...)');
      return call('locate', [first, str]);
    }
    if (name === 'trim' && ts.acceptWord('FROM')) {
      const src = this.expression();
      ts.expectOp(')', 'to close trim(...)');
      return call('trim', [src, first]);
    }
    if (name !== 'trim' && name !== 'position' && ts.acceptWord('FROM')) {
      const args = [first, this.expression()];
      if (ts.acceptWord('FOR')) args.push(this.expression());
      ts.expectOp(')', `to close ${name}(...)`);
      return call(name, args);
    }
    const args = [first];
    while (ts.acceptOp(',')) args.push(this.namedExpression());
    ts.expectOp(')', `to close ${name}(...)`);
    return call(name, args);
  }

  private caseExpression(): Expr {
    const ts = this.ts;
    const caseTok = ts.next();
    const operand = ts.isWord('WHEN') ? undefined : this.expression();
    const branches: (readonly [Expr, Expr])[] = [];
    while (ts.acceptWord('WHEN')) {
      const cond = this.expression();
      ts.expectWord('THEN', 'after the WHEN condition');
      const value = this.expression();
      branches.push([operand === undefined ? cond : call('eq', [operand, cond]), value]);
    }
    if (branches.length === 0) throw ts.error(ts.peek(), 'CASE needs at least one WHEN ... THEN ...');
    const otherwise = ts.acceptWord('ELSE') ? this.expression() : undefined;
    if (!ts.acceptWord('END')) throw ts.error(ts.peek(), `expected END to close the CASE at position ${caseTok.start}`);
    return otherwise === undefined ? { kind: 'case', branches } : { kind: 'case', branches, otherwise };
  }

  /** `CAST(x AS type)`; TRY_CAST is the same in non-ANSI mode, where a failed cast is already null. */
  private castExpression(): Expr {
    const ts = this.ts;
    const name = ts.next().text.toUpperCase();
    ts.expectOp('(', `after ${name}`);
    const child = this.expression();
    ts.expectWord('AS', `in ${name}(x AS type)`);
    const { type, end } = parseDataTypeAt(ts.text, ts.peek().start);
    ts.skipTo(end);
    ts.expectOp(')', `to close ${name}(...)`);
    return { kind: 'cast', child, to: type };
  }

  /** `EXTRACT(YEAR FROM d)` → `extract('YEAR', d)` (Spark's date_part). */
  private extractExpression(): Expr {
    const ts = this.ts;
    ts.next();
    ts.expectOp('(', 'after EXTRACT');
    const field = this.identifier('(the field to extract, e.g. YEAR)');
    ts.expectWord('FROM', 'in EXTRACT(field FROM source)');
    const source = this.expression();
    ts.expectOp(')', 'to close EXTRACT(...)');
    return call('extract', [stringLiteral(field), source]);
  }
}

/** Joins name parts with dots, backquoting a part that holds a dot or backquote so the analyzer keeps it whole. */
function joinName(parts: readonly Token[]): string {
  return parts.map((p) => (/[.`]/.test(p.value) ? '`' + p.value.replace(/`/g, '``') + '`' : p.value)).join('.');
}
