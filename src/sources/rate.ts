import { makeBatch, type RecordBatch } from '../core/batch.js';
import { SpateError } from '../core/errors.js';
import { LongType, StructField, StructType, TimestampType } from '../core/types.js';
import { JsonMetadataLog } from '../checkpoint/metadata-log.js';
import { checkFixedSchema, longOffset, positiveInt, sourceOptions, timeStringMs } from './source-options.js';
import type { Offset, ReadLimit, SourceContext, StreamSource } from './source.js';

/** The rate source's columns: `timestamp` (timestamp) and `value` (long). */
export const RATE_SCHEMA = StructType([StructField('timestamp', TimestampType), StructField('value', LongType)]);

/**
 * The number of rows the rate source has produced after `seconds` seconds
 * (Spark's RateStreamProvider.valueAtSecond): during ramp-up the speed grows
 * by rowsPerSecond / (rampUpTimeSeconds + 1) (integer division) each second,
 * then stays at rowsPerSecond.
 */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpTimeSeconds: number): number {
  const speedDeltaPerSecond = Math.floor(rowsPerSecond / (rampUpTimeSeconds + 1));
  if (seconds <= rampUpTimeSeconds) {
    // Sum of speeds 0, d, 2d, ... s*d: d * s * (s + 1) / 2, halving the even factor first to stay exact.
    return seconds % 2 === 1 ? ((seconds + 1) / 2) * speedDeltaPerSecond * seconds : (seconds / 2) * speedDeltaPerSecond * (seconds + 1);
  }
  const rampUpPart = valueAtSecond(rampUpTimeSeconds, rowsPerSecond, rampUpTimeSeconds);
  return rampUpPart + (seconds - rampUpTimeSeconds) * rowsPerSecond;
}

/**
 * Spark's `rate` source (RateStreamMicroBatchStream): `rowsPerSecond` rows a
 * second, after an optional linear `rampUpTime`, split over `numPartitions`.
 * The offset is the whole seconds elapsed since the source was first
 * created for this checkpoint; that creation time is kept in the source's
 * metadata log (`sources/N/0`), so the rows of any offset range are a pure
 * function of the range and replay gives identical rows. Within a range of
 * seconds [s0, s1] holding values [v0, v1), value v gets the timestamp
 * creation + s0*1000 + round((v - v0) * (s1 - s0)*1000 / (v1 - v0)) ms.
 * Partition p holds values v0 + p, v0 + p + numPartitions, ... (one batch each).
 */
export class RateSource implements StreamSource {
  readonly schema = RATE_SCHEMA;
  readonly description: string;
  readonly rowsPerSecond: number;
  readonly rampUpTimeSeconds: number;
  readonly numPartitions: number;
  private readonly log: JsonMetadataLog<number>;
  private creationTimeMs: number | undefined;
  private lastTimeMs = 0;
  private frozenEnd: number | undefined;
  /** The clock when this object was made: the start time on a first run (Spark reads the clock in the constructor). */
  private readonly constructedAtMs: number;

  constructor(private readonly ctx: SourceContext) {
    this.constructedAtMs = Math.floor(ctx.now());
    checkFixedSchema('rate', RATE_SCHEMA, ctx.schema);
    const o = sourceOptions(ctx.options);
    this.rowsPerSecond = positiveInt(o, 'rate', 'rowsPerSecond', 1);
    const rampUpMs = timeStringMs(o, 'rate', 'rampUpTime', '0s', 's');
    this.rampUpTimeSeconds = Math.floor(rampUpMs / 1000);
    this.numPartitions = positiveInt(o, 'rate', 'numPartitions', 1);
    if (valueAtSecond(this.rampUpTimeSeconds, this.rowsPerSecond, this.rampUpTimeSeconds) > Number.MAX_SAFE_INTEGER) {
      throw new SpateError('INVALID_OPTION',
        `Option 'rampUpTime' ${JSON.stringify(o.get('rampUpTime'))} with rowsPerSecond ${this.rowsPerSecond} overflows the row counter (rate source); use a shorter ramp-up.`);
    }
    this.description = `RateStreamV2[rowsPerSecond=${this.rowsPerSecond}, rampUpTimeSeconds=${this.rampUpTimeSeconds}, numPartitions=${o.get('numPartitions') ?? 'default'}]`;
    this.log = new JsonMetadataLog<number>(ctx.metadataPath, (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'the rate source start time must be an integer of milliseconds'));
  }

  /** The creation time in ms: read from the metadata log, or now (written there) on the first run. */
  async startTimeMs(): Promise<number> {
    if (this.creationTimeMs !== undefined) return this.creationTimeMs;
    let t = await this.log.get(0);
    if (t === undefined) {
      t = this.constructedAtMs;
      // A lost race means another writer created it first: use theirs so both agree.
      if (!(await this.log.add(0, t))) t = (await this.log.get(0)) ?? t;
    }
    this.creationTimeMs = t;
    this.lastTimeMs = Math.max(this.lastTimeMs, t);
    return t;
  }

  private async secondsNow(): Promise<number> {
    const created = await this.startTimeMs();
    const now = this.ctx.now();
    if (this.lastTimeMs < now) this.lastTimeMs = now;
    return Math.floor((this.lastTimeMs - created) / 1000);
  }

  async latestOffset(start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    // Spark's rate source has no admission control: every elapsed second is read.
    const seconds = this.frozenEnd ?? (await this.secondsNow());
    const from = start === null ? 0 : longOffset(this.description, start);
    if (seconds <= from) return start;
    return seconds;
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.frozenEnd = await this.secondsNow();
  }

  async getBatch(start: Offset | null, end: Offset): Promise<RecordBatch[]> {
    const created = await this.startTimeMs();
    const s0 = start === null ? 0 : longOffset(this.description, start, 'start offset');
    const s1 = longOffset(this.description, end, 'end offset');
    if (s0 > s1) throw new SpateError('INVALID_OFFSET', `${this.description}: start offset ${s0} is after end offset ${s1}.`);
    // After a restart the clock must not report less than what was already read.
    this.lastTimeMs = Math.max(this.lastTimeMs, created + s1 * 1000);
    const v0 = valueAtSecond(s0, this.rowsPerSecond, this.rampUpTimeSeconds);
    const v1 = valueAtSecond(s1, this.rowsPerSecond, this.rampUpTimeSeconds);
    if (v1 > Number.MAX_SAFE_INTEGER) {
      throw new SpateError('RATE_OVERFLOW', `${this.description}: the row counter at second ${s1} (${v1}) exceeds the exact integer range of a double.`);
    }
    if (v0 === v1) return [];
    const localStartMs = created + s0 * 1000;
    const msPerValue = ((s1 - s0) * 1000) / (v1 - v0);
    return rateBatches(v0, v1, this.numPartitions, (v) => localStartMs + Math.round((v - v0) * msPerValue));
  }

  async commit(_end: Offset): Promise<void> {
    // Rows are computed from offsets; nothing is held.
  }

  async stop(): Promise<void> {}
}

/** One batch per partition p, holding values v0+p, v0+p+n, ... below v1, with `timestampMs(value)` as their time. */
export function rateBatches(v0: number, v1: number, numPartitions: number, timestampMs: (value: number) => number): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let p = 0; p < numPartitions; p++) {
    const first = v0 + p;
    if (first >= v1) break;
    const n = Math.ceil((v1 - first) / numPartitions);
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = first + k * numPartitions;
      values[k] = v;
      ts[k] = timestampMs(v) * 1000;
    }
    out.push(makeBatch(RATE_SCHEMA, [
      { type: TimestampType, length: n, values: ts, validity: null },
      { type: LongType, length: n, values, validity: null },
    ], n));
  }
  return out;
}
