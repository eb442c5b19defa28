/** The benchmark table: one block per workload, ratios to the reference spate run, and the agreement check. */
import type { Result, WorkloadInfo } from './harness.js';

function human(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

const ms = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Sets each result's ratio to its workload's reference spate system. */
export function applyRatios(results: Result[], infos: readonly WorkloadInfo[]): void {
  for (const r of results) {
    const info = infos.find((i) => i.workload === r.workload);
    const ref = results.find((x) => x.workload === r.workload && x.system === info?.reference);
    if (ref && Number.isFinite(ref.eventsPerSec) && Number.isFinite(r.eventsPerSec)) r.ratioToSpate = r.eventsPerSec / ref.eventsPerSec;
  }
}

/** Workloads whose systems computed different answers, or crashed. */
export function disagreements(results: readonly Result[]): string[] {
  const out: string[] = [];
  for (const w of new Set(results.map((r) => r.workload))) {
    const rs = results.filter((r) => r.workload === w && r.check !== 'skipped');
    for (const r of rs.filter((x) => x.error !== undefined)) out.push(`${w} / ${r.system} crashed: ${r.error}`);
    const answers = new Map<string, string[]>();
    for (const r of rs.filter((x) => x.error === undefined)) answers.set(r.check, [...(answers.get(r.check) ?? []), r.system]);
    if (answers.size > 1) out.push(`${w}: systems disagree: ${[...answers].map(([c, s]) => `${s.join(', ')} → ${c}`).join(' | ')}`);
  }
  return out;
}

function table(head: readonly string[], body: readonly (readonly string[])[], left: number): string {
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => r.map((x, c) => (c < left ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatReport(results: readonly Result[], infos: readonly WorkloadInfo[], machine: Record<string, unknown>): string {
  const parts: string[] = [
    `spate benchmarks — node ${String(machine['node'])}, ${String(machine['cpus'])} cpus (${String(machine['cpuModel'])}), ${String(machine['date'])}${machine['quick'] ? ', QUICK (small inputs)' : ''}`,
    'events/s: events / wall time. per core: events / CPU seconds of the whole process. ratio: events/s ÷ the reference spate run (marked *); >1 is faster than spate.',
    'p50/p99: latency of spate\'s micro-batches. RSS: peak resident set during the run (includes the shared input data).',
  ];
  for (const info of infos) {
    const rs = results.filter((r) => r.workload === info.workload);
    const extraKeys = [...new Set(rs.flatMap((r) => Object.keys(r.extra ?? {})))];
    const head = ['system', 'how it ran', 'events/s', 'per core', 'cores', 'ratio', 'p50 ms', 'p99 ms', 'RSS MiB', ...extraKeys, 'answer'];
    const body = rs.map((r) => [
      `${r.system}${r.system === info.reference ? ' *' : ''}`,
      r.mode === 'micro-batches' && r.batches !== undefined ? `${r.batches} micro-batches` : r.mode,
      human(r.eventsPerSec), human(r.eventsPerSecPerCore), Number.isFinite(r.coresUsed) ? r.coresUsed.toFixed(2) : '-',
      r.ratioToSpate === undefined ? '-' : `${r.ratioToSpate.toFixed(2)}x`,
      ms(r.p50BatchMs), ms(r.p99BatchMs), String(r.peakRssMiB || '-'),
      ...extraKeys.map((k) => { const v = r.extra?.[k]; return v === undefined ? '-' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v; }),
      r.error !== undefined ? `ERROR ${r.error.slice(0, 60)}` : r.check === 'skipped' ? (r.note ?? 'skipped') : r.check,
    ]);
    parts.push(`\n## ${info.workload} — ${info.events.toLocaleString()} events\n${info.note}\n\n${table(head, body, 2)}`);
    const notes = rs.filter((r) => r.note !== undefined && r.check !== 'skipped');
    for (const r of notes) parts.push(`  ${r.system}: ${r.note}`);
  }
  return `${parts.join('\n')}\n`;
}
