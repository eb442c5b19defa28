import type { ParseException } from '../core/errors.js';
import { parseErrorAt } from '../core/ddl.js';
import { tokenize, type Token } from './lexer.js';

/** A cursor over the tokens of one SQL text, with the checks and errors the parser needs. */
export class TokenStream {
  private readonly toks: readonly Token[];
  private i = 0;

  constructor(readonly text: string) {
    this.toks = tokenize(text);
  }

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  /** True when the token k ahead is the operator `op`. */
  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === op;
  }

  /** True when the token k ahead is the unquoted word `word` (case-insensitive; `word` upper-case). */
  isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  expectOp(op: string, context: string): void {
    if (!this.acceptOp(op)) throw this.error(this.peek(), `expected '${op}' ${context}`);
  }

  expectWord(word: string, context: string): void {
    if (!this.acceptWord(word)) throw this.error(this.peek(), `expected ${word} ${context}`);
  }

  /** Moves past every token that starts before `offset` (after a sub-parser read the text up to there). */
  skipTo(offset: number): void {
    while (this.peek().kind !== 'eof' && this.peek().start < offset) this.i++;
  }

  /** "Syntax error at or near 'x'[: detail]" with the text quoted and a caret under the token. */
  error(t: Token, detail?: string): ParseException {
    const near = t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
    return parseErrorAt('SQL', this.text, t.start, `Syntax error at or near ${near}${detail ? `: ${detail}` : ''}`);
  }

  /** An error with a message of its own, placed at token `t`. */
  errorAt(t: Token, message: string): ParseException {
    return parseErrorAt('SQL', this.text, t.start, message);
  }
}
