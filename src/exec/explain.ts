import { boundDisplay } from './bound.js';
import { physicalChildren, type PhysicalPlan } from './physical.js';

/** One line describing a physical node, as EXPLAIN shows it. `*` marks nodes fused into a generated loop. */
export function describeNode(p: PhysicalPlan): string {
  const cols = (names: readonly string[]) => `[${names.join(', ')}]`;
  switch (p.kind) {
    case 'scan': return `LocalTableScan ${cols(p.schema.fields.map((f) => f.name))}`;
    case 'watermark': return `EventTimeWatermark ${p.schema.fields[p.column]!.name}, ${p.delayMs} ms`;
    case 'window': return `Window(${boundDisplay(p.time)}, ${p.windowMicros / 1000} ms, slide ${p.slideMicros / 1000} ms)`;
    case 'sessionWindow': return `SessionWindow(${boundDisplay(p.time)}, gap ${'micros' in p.gap ? `${p.gap.micros / 1000} ms` : boundDisplay(p.gap.expr)}${p.mergeKeys ? `, merge by ${cols(p.mergeKeys.map(boundDisplay))}` : ''})`;
    case 'sessionAggregate': return `SessionWindowStateStoreSave(keys=${cols(p.keys.map(boundDisplay))}, functions=${cols(p.aggs.map((a) => a.display))}, state=${p.operatorId})`;
    case 'streamScan': return `StreamingRelation ${p.description} ${cols(p.schema.fields.map((f) => f.name))}`;
    case 'statefulAggregate': return `StatefulAggregate(keys=${cols(p.keys.map(boundDisplay))}, functions=${cols(p.aggs.map((a) => a.display))}, state=${p.operatorId})`;
    case 'streamingDedup': return `StreamingDeduplicate ${cols(p.keys.map((k) => p.schema.fields[k]!.name))}, state=${p.operatorId}`;
    case 'dataSourceScan': return `Scan ${p.description} ${cols(p.schema.fields.map((f) => f.name))}`;
    case 'fileScan': return `FileScan ${p.format} ${cols(p.schema.fields.map((f) => f.name))} Location: [${p.paths.join(', ')}]`;
    case 'project': return `*Project ${cols(p.exprs.map((e, i) => { const d = boundDisplay(e); const n = p.schema.fields[i]!.name; return d === n ? d : `${d} AS ${n}`; }))}`;
    case 'filter': return `*Filter ${boundDisplay(p.condition)}`;
    case 'generate': return `Generate ${p.outer ? 'outer ' : ''}${p.position ? 'posexplode' : 'explode'}(${boundDisplay(p.input)})`;
    case 'aggregate': return `HashAggregate(keys=${cols(p.keys.map(boundDisplay))}, functions=${cols(p.aggs.map((a) => a.display))})`;
    case 'sort': return `Sort ${cols(p.orders.map((o) => `${boundDisplay(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`))}`;
    case 'limit': return p.offset > 0 ? `GlobalLimit ${p.limit}, offset ${p.offset}` : `GlobalLimit ${p.limit}`;
    case 'dedup': return `Deduplicate ${cols(p.keys.map((k) => p.schema.fields[k]!.name))}`;
    case 'union': return 'Union';
    case 'join': {
      const keys = p.leftKeys.map((l, i) => `${boundDisplay(l)} = ${boundDisplay(p.rightKeys[i]!)}`);
      const kind = p.leftKeys.length > 0 ? 'HashJoin' : 'NestedLoopJoin';
      return `${kind} ${p.joinType}${keys.length ? ` ${cols(keys)}` : ''}${p.residual ? ` condition: ${boundDisplay(p.residual)}` : ''}${p.buildSide ? ` build ${p.buildSide}` : ''}`;
    }
  }
}

/** The plan as an indented tree, in Spark's `+- ` style. */
export function treeLines(p: PhysicalPlan, prefix = '', last = true, root = true): string[] {
  const line = root ? describeNode(p) : `${prefix}${last ? '+- ' : ':- '}${describeNode(p)}`;
  const kids = physicalChildren(p);
  const childPrefix = root ? '' : prefix + (last ? '   ' : ':  ');
  return [line, ...kids.flatMap((k, i) => treeLines(k, childPrefix, i === kids.length - 1, false))];
}

