import { lazyTakeBatch, sliceBatch, type RecordBatch } from '../core/batch.js';
import type { DataType, StructType } from '../core/types.js';
import { allocValues, isTypedStorage, sliceVector, type PrimitiveArray, type Vector } from '../core/vector.js';
import { substituteRefs, type Bound } from '../expressions/bound.js';
import { constantValue, finishVector, isLogic, numberComparison, scratchVector, stageIsPure } from './compile-inline.js';

/**
 * Whole-stage code generation: a chain of filter and project stages becomes
 * one JavaScript loop over the rows of a batch, every expression inlined as
 * local variables (a value and a null flag per sub-expression), so V8 sees a
 * single monomorphic loop over typed arrays. Function implementations and
 * literal values enter through the constants array `C` (an argument), never
 * as source text, so no user string is ever spliced into generated code and
 * equal pipelines share one generated function.
 */
export type Stage =
  | { readonly kind: 'filter'; readonly condition: Bound }
  | { readonly kind: 'project'; readonly exprs: readonly Bound[] }
  | ObserveStage;

/**
 * A watermark's event-time statistics folded into the loop: the min, max, sum and count of the
 * non-null values of column `column` (of the rows reaching this stage), accumulated into
 * `acc[4j .. 4j + 3]` for the j-th observe stage, so the times need no pass of their own.
 */
export interface ObserveStage { readonly kind: 'observe'; readonly column: number; readonly watermarkId: number }

export interface CompiledPipeline {
  /** Runs the stages over one batch; the output owns fresh arrays. `acc`: the observe stages' accumulators. */
  run(batch: RecordBatch, acc?: Float64Array): RecordBatch;
  /**
   * Runs the stages over one batch into output arrays reused from call to
   * call: the result is valid only until the next call, and a plain-array
   * column may be longer than its vector's `length`. For consumers that use
   * a batch at once and keep nothing (aggregation input, join keys), where a
   * fresh output per batch would cost more than the loop itself.
   */
  runScratch(batch: RecordBatch, acc?: Float64Array, from?: number, to?: number): RecordBatch;
  /** The generated source, for explain('codegen') and debugging. */
  readonly source: string;
}

interface Slot { readonly v: string; readonly n: string }

type RunFn = (C: readonly unknown[], cols: readonly unknown[], valids: readonly (Uint8Array | null)[], from: number, n: number, outs: unknown[], outValids: (Uint8Array | null)[], nulls: Uint8Array, acc: Float64Array) => number;

const NO_ACC = new Float64Array(0);

/**
 * Compiles the stages; `schema` is the output schema (the last project's, or the input's when only filters).
 * Two loops are generated: the general one, and — on the first batch whose columns the loop reads have no
 * null — one that knows it, where null flags fold away and no validity is read or written.
 */
export function compilePipeline(input: StructType, stagesIn: readonly Stage[], schema: StructType): CompiledPipeline {
  const stages = collapseRenames(stagesIn);
  if (stages.length > 0 && stages.every((st) => st.kind === 'filter')) return compileSelection(input, stages, schema);
  const general = generateLoop(input, stages, schema, false);
  let noNulls: Loop | undefined;
  const used = general.used;
  const types = schema.fields.map((f) => f.dataType);
  const outCount = types.length;
  const scratchVals: (PrimitiveArray | unknown[] | null)[] = types.map(() => null);
  const scratchValids: (Uint8Array | null)[] = types.map(() => null);
  // Rows [from, to) of the batch (scratch runs may take a slice, so a consumer can work in cache-sized pieces).
  const runWith = (batch: RecordBatch, scratch: boolean, acc: Float64Array, from: number, to: number): RecordBatch => {
    const n = to - from;
    const cols: unknown[] = new Array<unknown>(batch.columns.length).fill(null);
    const valids: (Uint8Array | null)[] = new Array<Uint8Array | null>(batch.columns.length).fill(null);
    let anyValidity = false;
    for (const c of used) {
      const v = batch.columns[c]!;
      cols[c] = v.values;
      valids[c] = v.validity;
      if (v.validity !== null) anyValidity = true;
    }
    const loop = anyValidity ? general : (noNulls ??= generateLoop(input, stages, schema, true));
    const { passthrough, mayNull } = loop;
    const outVals: unknown[] = [];
    const outValids: (Uint8Array | null)[] = [];
    for (let c = 0; c < outCount; c++) {
      if (passthrough[c] !== null) { outVals.push(null); outValids.push(null); continue; }
      if (!scratch) {
        outVals.push(allocValues(types[c]!, n));
        outValids.push(mayNull[c] ? new Uint8Array(n) : null);
        continue;
      }
      let vals = scratchVals[c] ?? null;
      if (vals === null || vals.length < n) {
        vals = allocValues(types[c]!, Math.max(n, 1024));
        scratchVals[c] = vals;
        scratchValids[c] = null;
      }
      // The general loop's scratch validity is made on its first use (the no-null loop never writes one).
      if (mayNull[c] && (scratchValids[c] === null || scratchValids[c]!.length < vals.length)) scratchValids[c] = new Uint8Array(vals.length);
      outVals.push(vals);
      outValids.push(mayNull[c] ? scratchValids[c]! : null);
    }
    const nulls = new Uint8Array(outCount);
    if (!warmed.has(loop.fn)) {
      // Once per generated function, over no rows: the code after the loop gets type feedback before V8 can
      // optimise the function in the middle of its first long loop (see packed-keys.ts).
      loop.fn(loop.constants, cols, valids, to, to, outVals, outValids, nulls, acc);
      warmed.add(loop.fn);
    }
    const count = loop.fn(loop.constants, cols, valids, from, to, outVals, outValids, nulls, acc);
    const columns: Vector[] = [];
    for (let c = 0; c < outCount; c++) {
      const p = passthrough[c];
      if (p !== null && p !== undefined) {
        columns.push(n === batch.numRows ? batch.columns[p]! : sliceVector(batch.columns[p]!, from, to));
        continue;
      }
      const vals = outVals[c] as PrimitiveArray | unknown[];
      const valid = nulls[c] ? outValids[c]! : null;
      if (scratch) columns.push(scratchVector(types[c]!, vals, valid, count));
      else columns.push(finishVector(types[c]!, vals, valid, count, n));
    }
    return { schema, columns, numRows: count };
  };
  return {
    source: general.src,
    run: (batch, acc = NO_ACC) => runWith(batch, false, acc, 0, batch.numRows),
    runScratch: (batch, acc = NO_ACC, from = 0, to = batch.numRows) => runWith(batch, true, acc, from, to),
  };
}

/**
 * Filters alone: the loop only evaluates the condition and records the passing rows; every column is
 * taken lazily, on first read, so a column nothing downstream reads (a filtered-on string, say) is never
 * copied at all.
 */
function compileSelection(input: StructType, stages: readonly Stage[], schema: StructType): CompiledPipeline {
  const general = generateLoop(input, stages, schema, false, true);
  let noNulls: Loop | undefined;
  const run = (batch: RecordBatch): RecordBatch => {
    const n = batch.numRows;
    const cols: unknown[] = new Array<unknown>(batch.columns.length).fill(null);
    const valids: (Uint8Array | null)[] = new Array<Uint8Array | null>(batch.columns.length).fill(null);
    let anyValidity = false;
    for (const c of general.used) {
      const v = batch.columns[c]!;
      cols[c] = v.values;
      valids[c] = v.validity;
      if (v.validity !== null) anyValidity = true;
    }
    const loop = anyValidity ? general : (noNulls ??= generateLoop(input, stages, schema, true, true));
    const selected = new Int32Array(n);
    const count = loop.fn(loop.constants, cols, valids, 0, n, [selected], [], new Uint8Array(0), NO_ACC);
    if (count === n) return { schema, columns: batch.columns, numRows: n };
    return { ...lazyTakeBatch(batch, selected, count), schema };
  };
  // A slice is taken as a batch of its own (selected rows index the batch the loop ran over).
  const runScratch = (batch: RecordBatch, _acc?: Float64Array, from = 0, to = batch.numRows): RecordBatch =>
    run(from === 0 && to === batch.numRows ? batch : sliceBatch(batch, from, to));
  return { source: general.src, run, runScratch };
}

/**
 * A project of plain column references (a rename or a pruning select) followed by another project
 * is folded into it, so the second reads the input columns directly: a column that passes through
 * both stays the same vector (no copy, and its dictionary, if any, survives).
 */
function collapseRenames(stages: readonly Stage[]): readonly Stage[] {
  const out: Stage[] = [];
  for (const s of stages) {
    const prev = out[out.length - 1];
    if (s.kind === 'project' && prev?.kind === 'project' && prev.exprs.every((e) => e.kind === 'ref')) {
      out[out.length - 1] = { kind: 'project', exprs: s.exprs.map((e) => substituteRefs(e, prev.exprs)) };
    } else {
      out.push(s);
    }
  }
  return out;
}

interface Loop {
  readonly src: string;
  readonly fn: RunFn;
  /** The values the generated code reads as K0, K1, ... (function implementations, literals, tables). */
  readonly constants: readonly unknown[];
  /** Per output column: the input column passed through as is, or null when the loop writes it. */
  readonly passthrough: readonly (number | null)[];
  /** Per output column: whether the loop may write a null (it then needs a validity array). */
  readonly mayNull: readonly boolean[];
  /** Input columns the loop reads. */
  readonly used: readonly number[];
}

function generateLoop(input: StructType, stages: readonly Stage[], schema: StructType, noNulls: boolean, selection = false): Loop {
  const g = new Gen(input, noNulls);
  const hasFilter = stages.some((s) => s.kind === 'filter');
  const firstFilter = stages.findIndex((s) => s.kind === 'filter');
  const observeAfterFilter = firstFilter >= 0 && stages.slice(firstFilter).some((s) => s.kind === 'observe');
  // A data-dependent `continue` mispredicts about every other row on a selective filter; when every
  // expression is cheap and cannot throw, all rows are computed and written and `o` advances by the keep flag
  // (not when statistics must see only the rows a filter kept).
  const branchless = hasFilter && stages.every(stageIsPure) && !observeAfterFilter;
  let observes = 0;
  // Final output expressions over the last project's input env, or pass-through of the input.
  let finalExprs: readonly Bound[] | null = null;
  const body: string[] = [];
  let env: Slot[] | null = null; // null = the input batch columns
  stages.forEach((s, si) => {
    if (s.kind === 'observe') {
      const t = env === null ? g.inputSlot(s.column, body) : (env as Slot[])[s.column]!;
      const j = observes++;
      body.push(`if (!${t.n}) { const t${j} = ${t.v}; if (t${j} < tmin${j}) tmin${j} = t${j}; if (t${j} > tmax${j}) tmax${j} = t${j}; tsum${j} += t${j}; tcnt${j}++; }`);
    } else if (s.kind === 'filter') {
      const c = g.expr(s.condition, env, body);
      body.push(branchless ? `keep &= !${c.n} & ${c.v};` : `if (${c.n} || !${c.v}) continue;`);
      // Past `if (...) continue`, what the condition proved not null is known not null (a lookup's row, say).
      if (!branchless) g.refineNotNull(s.condition, env);
    } else if (si === stages.length - 1) {
      finalExprs = s.exprs;
    } else {
      env = s.exprs.map((e) => {
        const r = g.expr(e, env, body);
        const k = g.fresh();
        // A value known non-null keeps the constant flag, so later stages (and output validity) fold it away.
        if (r.n === 'false') { body.push(`const v${k} = ${r.v};`); return { v: `v${k}`, n: 'false' }; }
        body.push(`const v${k} = ${r.v}; const n${k} = ${r.n};`);
        return { v: `v${k}`, n: `n${k}` };
      });
    }
  });
  // Outputs: a pass-through input column with no filter before it is reused as is (no copy).
  const passthrough: (number | null)[] = [];
  const mayNull: boolean[] = [];
  const writes: string[] = [];
  // A selection loop writes the passing row numbers (to outs[0]) instead of columns.
  const outCount = selection ? 0 : schema.fields.length;
  if (selection) writes.push('sel[o] = i;');
  for (let c = 0; c < outCount; c++) {
    const fe = finalExprs as readonly Bound[] | null;
    const e: Bound | null = fe ? fe[c]! : null;
    mayNull.push(false);
    if (!hasFilter && env === null && e !== null && e.kind === 'ref') { passthrough.push(e.index); continue; }
    if (e === null && !hasFilter) { passthrough.push(c); continue; }
    passthrough.push(null);
    // With a filter last, outputs are the previous project's values (env), or the input columns.
    const r = e === null ? (env !== null ? (env as Slot[])[c]! : g.inputSlot(c, body)) : g.expr(e, env, body);
    const t = schema.fields[c]!.dataType;
    const store = t.kind === 'boolean' ? `(${r.v} ? 1 : 0)` : r.v;
    // Every slot is written (null slots too, and the mask both ways), so outputs need no fill and may be reused.
    const empty = isTypedStorage(t) ? '0' : 'null';
    mayNull[c] = r.n !== 'false';
    if (r.n === 'false') writes.push(`o${c}[o] = ${store};`);
    else writes.push(`if (${r.n}) { om${c}[o] = 0; nulls[${c}] = 1; o${c}[o] = ${empty}; } else { om${c}[o] = 1; o${c}[o] = ${store}; }`);
  }
  const needLoop = passthrough.some((p) => p === null) || hasFilter || observes > 0;
  const obs = Array.from({ length: observes }, (_, j) => j);
  const src = [
    '"use strict";',
    'return function run(C, cols, valids, from, n, outs, outValids, nulls, acc) {',
    ...g.constDecls,
    ...g.colDecls,
    ...obs.map((j) => `let tmin${j} = acc[${4 * j}], tmax${j} = acc[${4 * j + 1}], tsum${j} = acc[${4 * j + 2}], tcnt${j} = acc[${4 * j + 3}];`),
    ...passthrough.map((p, c) => (p === null ? `const o${c} = outs[${c}], om${c} = outValids[${c}];` : '')).filter((x) => x),
    ...(selection ? ['const sel = outs[0];'] : []),
    'let o = 0;',
    needLoop ? 'for (let i = from; i < n; i++) {' : 'for (let i = 0; i < 0; i++) {',
    ...(branchless ? ['let keep = 1;'] : []),
    ...body,
    ...writes,
    branchless ? 'o += keep;' : 'o++;',
    '}',
    ...obs.map((j) => `acc[${4 * j}] = tmin${j}; acc[${4 * j + 1}] = tmax${j}; acc[${4 * j + 2}] = tsum${j}; acc[${4 * j + 3}] = tcnt${j};`),
    needLoop ? 'return o;' : 'return n - from;',
    '};',
  ].join('\n');
  if (process.env.SPATE_DUMP_CODE) console.error(src);
  // Only the columns the loop reads are handed over, so an unread column (a join side's lazy take) is never built.
  return { src, fn: loopFunction(src), constants: g.constants, passthrough, mayNull, used: [...g.usedColumns()] };
}

/**
 * Generated functions by source text. The constants are an argument, not closed over, so every query
 * whose pipeline generates the same text (the same query started again, a restart, another run of a
 * benchmark) shares one function and the optimised code V8 made for it: a fresh closure per query would
 * start cold each time, and short queries would run mostly unoptimised.
 */
const loopFunctions = new Map<string, RunFn>();
const warmed = new WeakSet<RunFn>();
const MAX_CACHED_LOOPS = 4096;

function loopFunction(src: string): RunFn {
  let fn = loopFunctions.get(src);
  if (fn === undefined) {
    if (loopFunctions.size >= MAX_CACHED_LOOPS) loopFunctions.clear();
    fn = new Function(src)() as RunFn;
    loopFunctions.set(src, fn);
  }
  return fn;
}

/** Default value of a local of this type, so every local keeps one JS type (monomorphic). */
function defaultOf(t: DataType): string {
  if (t.kind === 'boolean') return 'false';
  return isTypedStorage(t) ? '0' : 'null';
}

class Gen {
  readonly constants: unknown[] = [];
  readonly constDecls: string[] = [];
  readonly colDecls: string[] = [];
  private readonly loaded = new Map<number, Slot>();
  private counter = 0;
  /** `noNulls`: the batch's input columns carry no validity, so every input null flag is the constant false. */
  constructor(private readonly input: StructType, private readonly noNulls = false) {}

  /** Input columns the generated loop reads. */
  usedColumns(): Iterable<number> {
    return this.loaded.keys();
  }

  fresh(): number {
    return this.counter++;
  }

  constant(value: unknown): string {
    const k = this.constants.length;
    this.constants.push(value);
    this.constDecls.push(`const K${k} = C[${k}];`);
    return `K${k}`;
  }

  /** Loads input column c for row i (once per loop body, at top level). */
  inputSlot(c: number, body: string[]): Slot {
    const got = this.loaded.get(c);
    if (got) return got;
    const f = this.input.fields[c]!;
    const load = f.dataType.kind === 'boolean' ? `c${c}[i] === 1` : `c${c}[i]`;
    if (this.noNulls) {
      this.colDecls.push(`const c${c} = cols[${c}];`);
      body.push(`const iv${c} = ${load};`);
    } else {
      this.colDecls.push(`const c${c} = cols[${c}], m${c} = valids[${c}];`);
      body.push(`const iv${c} = ${load}; const in${c} = m${c} !== null && m${c}[i] === 0;`);
    }
    const s = { v: `iv${c}`, n: this.noNulls ? 'false' : `in${c}` };
    this.loaded.set(c, s);
    return s;
  }

  /** Emits statements computing `e` into `body`; returns the locals holding its value and null flag. */
  expr(e: Bound, env: readonly Slot[] | null, body: string[]): Slot {
    switch (e.kind) {
      case 'ref': {
        if (env !== null) return env[e.index]!;
        // Loads must sit at the loop's top level; callers inside branches get pre-loaded slots.
        return this.inputSlot(e.index, this.topBody ?? body);
      }
      case 'lit':
        if (e.value === null) return { v: defaultOf(e.type), n: 'true' };
        return { v: this.constant(e.value), n: 'false' };
      case 'call': {
        const c = constantValue(e);
        if (c !== null) return c.value === null ? { v: defaultOf(e.type), n: 'true' } : { v: this.constant(c.value), n: 'false' };
        if (isLogic(e)) return this.logic(e, env, body);
        // The same call object met again over the same input (a lookup a filter and a projection both use)
        // reuses the value computed at the loop's top level instead of calling again.
        const seen = this.memo.get(env)?.get(e);
        if (seen) return seen;
        const slot = this.call(e, env, body);
        if (this.topBody === null) {
          // Fetched after the call: computing the arguments may have made this env's memo (keep their entries).
          let memo = this.memo.get(env);
          if (!memo) { memo = new Map(); this.memo.set(env, memo); }
          memo.set(e, slot);
        }
        return slot;
      }
      case 'case': return this.caseWhen(e, env, body);
    }
  }

  /**
   * After a filter has skipped the rows where `cond` is not true, the calls it tested with IS NOT NULL
   * (alone or under AND) are non-null in the rest of the loop: their memoised slots say so.
   */
  refineNotNull(cond: Bound, env: readonly Slot[] | null): void {
    if (cond.kind !== 'call') return;
    if (isLogic(cond) && cond.name === 'and') { for (const a of cond.args) this.refineNotNull(a, env); return; }
    if (cond.name !== 'isnotnull' || !cond.nullSafe || cond.args.length !== 1) return;
    const memo = this.memo.get(env);
    const seen = memo?.get(cond.args[0]!);
    if (seen && seen.n !== 'false') memo!.set(cond.args[0]!, { v: seen.v, n: 'false' });
  }

  private topBody: string[] | null = null;
  private readonly memo = new Map<readonly Slot[] | null, Map<Bound, Slot>>();

  // SQL three-valued AND / OR as straight-line boolean locals instead of a call with nullable arguments per row.
  private logic(e: Bound & { kind: 'call' }, env: readonly Slot[] | null, body: string[]): Slot {
    const [a, b] = e.args.map((x) => this.expr(x, env, body)) as [Slot, Slot];
    const k = this.fresh();
    const an = a.n;
    const bn = b.n;
    // AND is false when either side is false; OR is true when either side is true; otherwise null if either side is.
    // Bitwise operators keep it free of branches on the data.
    const decided = e.name === 'and'
      ? `((!${an} & !${a.v}) | (!${bn} & !${b.v})) !== 0`
      : `((!${an} & ${a.v}) | (!${bn} & ${b.v})) !== 0`;
    body.push(`const d${k} = ${decided}; const n${k} = (!d${k} & (${an} | ${bn})) !== 0; const v${k} = ${e.name === 'and' ? `(!d${k} & !n${k}) !== 0` : `d${k}`};`);
    return { v: `v${k}`, n: `n${k}` };
  }

  private call(e: Bound & { kind: 'call' }, env: readonly Slot[] | null, body: string[]): Slot {
    const args = e.args.map((a) => this.expr(a, env, body));
    // IS NULL / IS NOT NULL are the argument's null flag: no call (and constants when the input has no nulls).
    if (e.nullSafe && args.length === 1 && (e.name === 'isnull' || e.name === 'isnotnull')) {
      const flag = args[0]!.n;
      return { v: flag === 'false' ? String(e.name === 'isnull' ? false : true) : e.name === 'isnull' ? `(${flag})` : `(!${flag})`, n: 'false' };
    }
    const k = this.fresh();
    const d = defaultOf(e.type);
    if (e.nullSafe) {
      const f = this.constant(e.impl);
      const passed = args.map((a) => (a.n === 'false' ? a.v : `(${a.n} ? null : ${a.v})`));
      body.push(`let v${k} = ${f}(${passed.join(', ')}); let n${k} = v${k} === null || v${k} === undefined; if (n${k}) v${k} = ${d};`);
      return { v: `v${k}`, n: `n${k}` };
    }
    const nulls = args.map((a) => a.n).filter((n) => n !== 'false');
    const anyNull = nulls.length === 0 ? 'false' : nulls.join(' || ');
    const vals = args.map((a) => a.v);
    const inline = e.inline ?? numberComparison(e);
    if (inline) {
      const constant = (value: unknown): string => this.constant(value);
      const x = inline(vals, constant);
      if (e.nullWhen) {
        // A result that may be null (a lookup that finds nothing): the call's own test on its value.
        const own = e.nullWhen(`v${k}`, vals, constant);
        if (anyNull === 'false') body.push(`let v${k} = ${x}; const n${k} = ${own}; if (n${k}) v${k} = ${d};`);
        else body.push(`let v${k} = ${anyNull} ? ${d} : ${x}; const n${k} = ${anyNull} || ${own}; if (n${k}) v${k} = ${d};`);
        return { v: `v${k}`, n: `n${k}` };
      }
      if (anyNull === 'false') {
        body.push(`const v${k} = ${x};`);
        return { v: `v${k}`, n: 'false' };
      }
      body.push(`const n${k} = ${anyNull}; const v${k} = n${k} ? ${d} : ${x};`);
      return { v: `v${k}`, n: `n${k}` };
    }
    const f = this.constant(e.impl);
    body.push(`let n${k} = ${anyNull}; let v${k} = ${d};`);
    body.push(`if (!n${k}) { v${k} = ${f}(${vals.join(', ')}); if (v${k} === null || v${k} === undefined) { n${k} = true; v${k} = ${d}; } }`);
    return { v: `v${k}`, n: `n${k}` };
  }

  private caseWhen(e: Bound & { kind: 'case' }, env: readonly Slot[] | null, body: string[]): Slot {
    const k = this.fresh();
    // Input columns used anywhere in the CASE are loaded before it, outside the branches.
    const outer = this.topBody;
    this.topBody = outer ?? body;
    body.push(`let v${k} = ${defaultOf(e.type)}; let n${k} = true;`);
    const emit = (i: number, into: string[]): void => {
      if (i === e.branches.length) {
        if (e.otherwise) {
          const r = this.expr(e.otherwise, env, into);
          into.push(`v${k} = ${r.v}; n${k} = ${r.n};`);
        }
        return;
      }
      const [w, t] = e.branches[i]!;
      const c = this.expr(w, env, into);
      const thenBody: string[] = [];
      const r = this.expr(t, env, thenBody);
      thenBody.push(`v${k} = ${r.v}; n${k} = ${r.n};`);
      const elseBody: string[] = [];
      emit(i + 1, elseBody);
      into.push(`if (!${c.n} && ${c.v}) {`, ...thenBody, '} else {', ...elseBody, '}');
    };
    const inner: string[] = [];
    emit(0, inner);
    body.push('{', ...inner, '}');
    this.topBody = outer;
    return { v: `v${k}`, n: `n${k}` };
  }
}
