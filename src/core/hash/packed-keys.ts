import type { PrimitiveArray } from '../vector.js';

/**
 * Loops that pack several integral key columns into one small number per
 * row (for KeyIndex's direct table). One loop finds every column's range
 * and one packs and maps all columns, instead of a loop per column and
 * step; a third packs against a layout kept from earlier rows, checking
 * each value is inside it. Each loop is generated for its exact tuple of
 * array kinds (Int32Array, Float64Array, ...), so V8 sees one array type
 * per access. Generated once per tuple of kinds; no data enters the source.
 */

/** Writes column c's min and max to range[2c], range[2c + 1]; false when a value is a fraction, NaN or infinite. */
export type RangeLoop = (cols: readonly PrimitiveArray[], n: number, range: Float64Array) => boolean;

/**
 * For each row, packs the tuple as sum of (value_c - min_c) * stride_c, reads its id from `direct`, and
 * when the slot is still -1 asks `miss(row, packed)` for the id (which also fills the slot). Ids go to `out`.
 */
export type PackMapLoop = (cols: readonly PrimitiveArray[], n: number, mins: Float64Array, strides: Float64Array,
  direct: Int32Array, out: Int32Array, miss: (row: number, packed: number) => number) => void;

const INIT: Readonly<Record<string, readonly [string, string]>> = {
  i32: ['2147483647', '-2147483648'], u8: ['255', '0'], f64: ['Infinity', '-Infinity'], f32: ['Infinity', '-Infinity'],
};

/**
 * PackMapLoop against a layout made for earlier rows: returns false at the first row outside
 * [mins, maxs] (or, in a float column, not an integer), having mapped the rows before it.
 */
export type CheckedPackMapLoop = (cols: readonly PrimitiveArray[], n: number, mins: Float64Array, maxs: Float64Array, strides: Float64Array,
  direct: Int32Array, out: Int32Array, miss: (row: number, packed: number) => number) => boolean;

const rangeLoops = new Map<string, RangeLoop>();
const packLoops = new Map<string, PackMapLoop>();
const checkedPackLoops = new Map<string, CheckedPackMapLoop>();

function kindOf(a: PrimitiveArray): string {
  return a instanceof Int32Array ? 'i32' : a instanceof Float64Array ? 'f64' : a instanceof Float32Array ? 'f32' : 'u8';
}

/** The tuple of array kinds of `cols` ('i32,f64', say): loops and layouts are made per tuple. */
export function kindsOf(cols: readonly PrimitiveArray[]): string {
  return cols.map(kindOf).join(',');
}

/** The loop cached for `cols`' tuple of array kinds, made by `make(kinds)` the first time. */
function cached<F>(cache: Map<string, F>, cols: readonly PrimitiveArray[], make: (kinds: readonly string[]) => F): F {
  const sig = kindsOf(cols);
  let f = cache.get(sig);
  if (f === undefined) {
    f = make(sig.split(','));
    cache.set(sig, f);
  }
  return f;
}

export function rangeLoop(cols: readonly PrimitiveArray[]): RangeLoop {
  return cached(rangeLoops, cols, (kinds) => {
    const src = [
      '"use strict";',
      // Integer columns start from integer bounds, so their min and max stay small integers (no doubles).
      ...kinds.map((k, c) => `const a${c} = cols[${c}]; let lo${c} = ${INIT[k]![0]}, hi${c} = ${INIT[k]![1]};`),
      'for (let i = 0; i < n; i++) {',
      ...kinds.map((k, c) => [
        `const x${c} = a${c}[i];`,
        // Int32 and Uint8 values are integers by construction; floats are checked.
        k === 'f64' || k === 'f32' ? `if (x${c} !== Math.floor(x${c})) return false;` : '',
        `lo${c} = x${c} < lo${c} ? x${c} : lo${c}; hi${c} = x${c} > hi${c} ? x${c} : hi${c};`,
      ].join(' ')),
      '}',
      ...kinds.map((_, c) => `range[${2 * c}] = lo${c}; range[${2 * c + 1}] = hi${c};`),
      'return n > 0;',
    ].join('\n');
    const f = new Function('cols', 'n', 'range', src) as RangeLoop;
    // Run once over no rows so the stores after the loop have type feedback: V8 may optimise the function
    // while its first call is still in the loop (on-stack replacement), and code compiled without feedback
    // for those stores would deoptimise at every call.
    f(cols.map((c) => c.subarray(0, 0)), 0, new Float64Array(2 * kinds.length));
    return f;
  });
}

export function packMapLoop(cols: readonly PrimitiveArray[]): PackMapLoop {
  return cached(packLoops, cols, (kinds) => {
    const src = [
      '"use strict";',
      ...kinds.map((_, c) => `const a${c} = cols[${c}], m${c} = mins[${c}], s${c} = strides[${c}];`),
      'for (let i = 0; i < n; i++) {',
      // The packed number is below the direct table's size (an int32), so `| 0` keeps it a small integer.
      `const p = (${kinds.map((_, c) => `(a${c}[i] - m${c}) * s${c}`).join(' + ')}) | 0;`,
      'let id = direct[p];',
      'if (id === -1) id = miss(i, p);',
      'out[i] = id;',
      '}',
    ].join('\n');
    return new Function('cols', 'n', 'mins', 'strides', 'direct', 'out', 'miss', src) as PackMapLoop;
  });
}

export function checkedPackMapLoop(cols: readonly PrimitiveArray[]): CheckedPackMapLoop {
  return cached(checkedPackLoops, cols, (kinds) => {
    const src = [
      '"use strict";',
      ...kinds.map((_, c) => `const a${c} = cols[${c}], m${c} = mins[${c}], h${c} = maxs[${c}], s${c} = strides[${c}];`),
      'for (let i = 0; i < n; i++) {',
      // NaN fails the range test too.
      ...kinds.map((k, c) => `const x${c} = a${c}[i]; if (!(x${c} >= m${c} && x${c} <= h${c})${k === 'f64' || k === 'f32' ? ` || x${c} !== Math.floor(x${c})` : ''}) return false;`),
      `const p = (${kinds.map((_, c) => `(x${c} - m${c}) * s${c}`).join(' + ')}) | 0;`,
      'let id = direct[p];',
      'if (id === -1) id = miss(i, p);',
      'out[i] = id;',
      '}',
      'return true;',
    ].join('\n');
    return new Function('cols', 'n', 'mins', 'maxs', 'strides', 'direct', 'out', 'miss', src) as CheckedPackMapLoop;
  });
}
