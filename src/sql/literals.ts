import {
  BinaryType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, StringType, TimestampType,
  type DataType,
} from '../core/types.js';
import { parseDate } from '../core/datetime.js';
import { getZone, parseTimestampIn } from '../core/time-zone.js';
import { literal, type Expr, type LiteralExpr } from '../plan/expr.js';

/**
 * Literal values of Spark SQL text, as spate's internal values.
 *
 * Number literals follow Spark's typing, with one deliberate difference:
 * `1.5` is DECIMAL(2,1) in Spark but DOUBLE in spate (spate decimals are
 * double-backed anyway, and a double keeps `price * 1.5` fast); write `1.5BD`
 * for a decimal. `10S`/`10Y` (smallint/tinyint) are INT, spate has no
 * narrower integers.
 */

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_LIMIT = 9223372036854775807;

/**
 * The literal for number text such as `42`, `10L`, `1.5`, `1e3`, `2.5D`, `1.5F`, `1.5BD`;
 * `negate` applies a leading minus (Spark folds `-1` into the literal, so `-2147483648` is an INT).
 * Returns a string describing the problem when the value does not fit its type.
 */
export function numberLiteral(text: string, negate: boolean): LiteralExpr | string {
  const m = /^(.*?)(bd|[lsydf])?$/i.exec(text)!;
  const body = m[1]!;
  const suffix = (m[2] ?? '').toLowerCase();
  const sign = negate ? -1 : 1;
  const value = sign * Number(body);
  const isIntegral = /^\d+$/.test(body);
  switch (suffix) {
    case 'l':
      if (!isIntegral) return `'${text}' is not a valid BIGINT literal`;
      if (Math.abs(value) > LONG_LIMIT) return `BIGINT literal ${text} is out of range`;
      return literal(value, LongType);
    case 's': case 'y':
      if (!isIntegral) return `'${text}' is not a valid integer literal`;
      if (value < (suffix === 's' ? -32768 : -128) || value > (suffix === 's' ? 32767 : 127)) {
        return `${suffix === 's' ? 'SMALLINT' : 'TINYINT'} literal ${text} is out of range`;
      }
      return literal(value, IntegerType);
    case 'd':
      if (!Number.isFinite(value)) return `DOUBLE literal ${text} is out of range`;
      return literal(value, DoubleType);
    case 'f':
      if (!Number.isFinite(Math.fround(value))) return `FLOAT literal ${text} is out of range`;
      return literal(Math.fround(value), FloatType);
    case 'bd':
      return literal(value, decimalTypeOf(body));
    default:
      break;
  }
  if (isIntegral) {
    if (value >= INT_MIN && value <= INT_MAX) return literal(value, IntegerType);
    if (Math.abs(value) <= LONG_LIMIT) return literal(value, LongType);
    return literal(value, DecimalType(Math.min(38, body.replace(/^0+/, '').length), 0));
  }
  if (!Number.isFinite(value)) return `DOUBLE literal ${text} is out of range`;
  return literal(value, DoubleType);
}

/** Precision and scale Java's BigDecimal gives decimal text: `1.50` → (3,2), `0.05` → (2,2), `1e3` → (4,0). */
function decimalTypeOf(body: string): DataType {
  const [mant, expText] = body.toLowerCase().split('e') as [string, string | undefined];
  const exp = expText === undefined ? 0 : Number(expText);
  const [whole, frac = ''] = mant.split('.') as [string, string | undefined];
  let scale = frac.length - exp;
  let digits = (whole + frac).replace(/^0+/, '');
  if (scale < 0) { digits += '0'.repeat(-scale); scale = 0; }
  const precision = Math.max(digits.length, scale, 1);
  return DecimalType(Math.min(38, precision), Math.min(scale, 38));
}

/** `DATE '2024-01-01'`, `TIMESTAMP '2024-01-01 10:00:00'`, `X'0A1B'`: the literal, or a problem description. */
export function typedLiteral(typeWord: string, text: string): Expr | string {
  switch (typeWord.toUpperCase()) {
    case 'DATE': {
      const d = parseDate(text);
      return d === null ? `The value of the typed literal DATE is invalid: '${text}'` : literal(d, DateType);
    }
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ': case 'TIMESTAMP_NTZ': {
      // Checked here, read at analysis: a time without a zone is in the session time zone, as in Spark.
      const t = parseTimestampIn(text, getZone('UTC'));
      return t === null ? `The value of the typed literal ${typeWord.toUpperCase()} is invalid: '${text}'` : { kind: 'cast', child: literal(text, StringType), to: TimestampType };
    }
    case 'X': {
      if (!/^([0-9a-fA-F]{2})*$/.test(text)) return `The value of the binary literal X'${text}' is invalid: it needs an even number of hex digits`;
      const bytes = new Uint8Array(text.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
      return literal(bytes, BinaryType);
    }
    default:
      return `Unknown typed literal ${typeWord}`;
  }
}

/** A string literal. */
export function stringLiteral(s: string): LiteralExpr {
  return literal(s, StringType);
}

/** Words that start a typed literal when a string follows them. */
export const TYPED_LITERAL_WORDS = new Set(['DATE', 'TIMESTAMP', 'TIMESTAMP_LTZ', 'TIMESTAMP_NTZ', 'X']);
