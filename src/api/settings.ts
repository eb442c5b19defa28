import {
  booleanSetting, bytesSetting, enumSetting, intSetting, stringSetting, timeMsSetting, type Setting,
} from '../core/settings.js';
import { SpateError } from '../core/errors.js';
import { OPTIMIZER_RULES } from '../plan/optimizer.js';
import { getZone } from '../core/time-zone.js';

/**
 * Every setting spate reads, under Spark's key, with its type, default,
 * documentation and validation: the one place a setting is defined. Code reads
 * a setting through `spark.conf.value(SETTINGS.x)` (typed), never by parsing
 * `conf.get(...)` itself; `spark.conf.set` checks a value against its entry,
 * so a bad value fails where it is set. The README's configuration table is
 * generated from this table (`configurationTable()`), and a test holds them
 * equal. Defaults are Spark's except where `sparkDefault` says otherwise.
 */
export const SETTINGS = {
  appName: stringSetting('spark.app.name', 'spate', 'any name', {
    doc: 'the application name (shown in progress and the UI)',
  }),
  master: stringSetting('spark.master', 'local[*]', 'any text', {
    doc: 'accepted for compatibility; spate runs in this process',
  }),
  sessionTimeZone: stringSetting('spark.sql.session.timeZone', 'UTC', "an IANA zone id such as 'America/Los_Angeles', 'UTC' or an offset like '+08:00'", {
    doc: 'time zone of date/time functions and of reading/printing timestamps',
    sparkDefault: 'the JVM zone',
    check: (t) => { getZone(t); },
  }),
  shufflePartitions: intSetting('spark.sql.shuffle.partitions', 8, 1, {
    doc: 'state partitions of streaming stateful operators; fixed for the life of a checkpoint',
    sparkDefault: '200',
  }),
  caseSensitive: booleanSetting('spark.sql.caseSensitive', false, {
    doc: 'only `false` is supported: column names resolve case-insensitively',
    only: false,
    why: 'spate resolves column names case-insensitively',
  }),
  optimizerExcludedRules: stringSetting('spark.sql.optimizer.excludedRules', undefined, `a comma-separated list of ${OPTIMIZER_RULES.map((r) => r.name).join(', ')}`, {
    doc: 'optimizer rules not to run (explain(true) shows the optimized plan)',
    check: (text) => { excludedRules(text); },
  }),
  codegenWholeStage: booleanSetting('spark.sql.codegen.wholeStage', true, {
    doc: 'compile pipelines to JavaScript; `false` interprets them row by row (the reference path)',
  }),
  autoBroadcastJoinThreshold: bytesSetting('spark.sql.autoBroadcastJoinThreshold', '10485760', {
    doc: 'accepted; spate builds the join hash table on the smaller side (or the `broadcast()`-marked one)',
  }),
  retainGroupColumns: booleanSetting('spark.sql.retainGroupColumns', true, {
    doc: 'only `true` is supported: `groupBy(...).agg(...)` output starts with the grouping columns',
    only: true,
    why: 'spate always keeps the grouping columns in an aggregation\'s output',
  }),
  checkpointLocation: stringSetting('spark.sql.streaming.checkpointLocation', undefined, 'a directory path', {
    doc: 'root directory for query checkpoints (`<root>/<queryName or id>`)',
  }),
  schemaInference: booleanSetting('spark.sql.streaming.schemaInference', false, {
    doc: 'infer file source schemas from the files present at `load()`',
  }),
  minDeltasForSnapshot: intSetting('spark.sql.streaming.stateStore.minDeltasForSnapshot', 10, 1, {
    doc: 'state deltas between snapshots',
  }),
  minBatchesToRetain: intSetting('spark.sql.streaming.minBatchesToRetain', 100, 1, {
    doc: 'checkpointed state versions kept for recovery',
  }),
  pollingDelay: timeMsSetting('spark.sql.streaming.pollingDelay', '10ms', {
    doc: 'how often an idle query with the default trigger checks for data',
  }),
  multipleWatermarkPolicy: enumSetting('spark.sql.streaming.multipleWatermarkPolicy', 'min', ['min', 'max'] as const, {
    doc: 'how the watermarks of several inputs combine',
  }),
  noDataMicroBatches: booleanSetting('spark.sql.streaming.noDataMicroBatches.enabled', true, {
    doc: 'run a batch without new data when the watermark moved',
  }),
  strictOptions: booleanSetting('spark.sql.spate.strictOptions', false, {
    doc: "spate's own: an option a built-in format does not know (a misspelling such as `rowsPerSec`) fails instead of warning once",
  }),
} as const satisfies Readonly<Record<string, Setting<unknown>>>;

/** Every setting, by key. */
export const SETTINGS_BY_KEY: ReadonlyMap<string, Setting<unknown>> = new Map(Object.values(SETTINGS).map((s) => [s.key, s as Setting<unknown>]));

/** The README's configuration table (markdown), generated from SETTINGS. */
export function configurationTable(): string {
  const rows = [...SETTINGS_BY_KEY.values()]
    .filter((s) => s.key.startsWith('spark.sql.'))
    .map((s) => {
      const dflt = s.default === undefined ? 'unset' : `\`${s.default}\`${s.sparkDefault !== undefined ? ` (Spark: ${s.sparkDefault})` : ''}`;
      return `| \`${s.key}\` | ${dflt} | ${s.accepts.replace(/\|/g, '\\|')} | ${s.doc} |`;
    });
  return ['| key | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The rule names of spark.sql.optimizer.excludedRules; a name that is no rule fails, naming the rules. */
export function excludedRules(text: string): Set<string> {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const known = OPTIMIZER_RULES.map((r) => r.name);
  for (const n of names) {
    if (!known.includes(n)) {
      throw new SpateError('INVALID_CONF',
        `spark.sql.optimizer.excludedRules must be a comma-separated list of optimizer rules (${known.join(', ')}), got '${text}': '${n}' is not one.`);
    }
  }
  return new Set(names);
}
