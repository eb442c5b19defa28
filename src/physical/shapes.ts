import { SpateError } from '../core/errors.js';
import type { PhysicalPlan } from './physical.js';

/** The physical node of kind K. */
export type PhysicalNode<K extends PhysicalPlan['kind']> = Extract<PhysicalPlan, { kind: K }>;

/**
 * The shape of one physical operator kind: its children, in order, and how
 * to rebuild it over new ones. Planning (plan/) rewrites plans through it and
 * the executor (exec/) walks them; what a kind does is its entry in
 * exec/operators.ts.
 */
export interface ShapeDef<K extends PhysicalPlan['kind']> {
  readonly children: (p: PhysicalNode<K>) => readonly PhysicalPlan[];
  readonly withChildren: (p: PhysicalNode<K>, children: readonly PhysicalPlan[]) => PhysicalNode<K>;
}

type Leaf = 'scan' | 'streamScan' | 'fileScan' | 'dataSourceScan';
type Unary = Exclude<PhysicalPlan['kind'], Leaf | 'union' | 'join' | 'sessionAggregate'>;

const leaf = <K extends Leaf>(): ShapeDef<K> => ({ children: () => [], withChildren: (p) => p });
const unary = <K extends Unary>(): ShapeDef<K> => ({
  children: (p) => [(p as { child: PhysicalPlan }).child],
  withChildren: (p, kids) => ({ ...p, child: only(kids, 'unary') }),
});

function only(kids: readonly PhysicalPlan[], kind: string): PhysicalPlan {
  if (kids.length !== 1) throw new SpateError('INTERNAL_ERROR', `A ${kind} node takes one child, got ${kids.length}.`);
  return kids[0]!;
}

/** Every kind's shape. The mapped type makes it complete: a new kind in PhysicalPlan does not compile until it has its line here. */
export const SHAPES: { readonly [K in PhysicalPlan['kind']]: ShapeDef<K> } = {
  scan: leaf(),
  streamScan: leaf(),
  fileScan: leaf(),
  dataSourceScan: leaf(),
  project: unary(),
  filter: unary(),
  generate: unary(),
  aggregate: unary(),
  statefulAggregate: unary(),
  sessionAggregate: {
    children: (p) => [p.child],
    withChildren: (p, kids) => {
      const child = only(kids, p.kind);
      if (child.kind !== 'sessionWindow') throw new SpateError('INTERNAL_ERROR', `A sessionAggregate node reads a sessionWindow node, got ${child.kind}.`);
      return { ...p, child };
    },
  },
  sessionWindow: unary(),
  window: unary(),
  sort: unary(),
  limit: unary(),
  dedup: unary(),
  streamingDedup: unary(),
  union: {
    children: (p) => p.children,
    withChildren: (p, kids) => ({ ...p, children: kids }),
  },
  join: {
    children: (p) => [p.left, p.right],
    withChildren: (p, kids) => {
      if (kids.length !== 2) throw new SpateError('INTERNAL_ERROR', `A join node takes two children, got ${kids.length}.`);
      return { ...p, left: kids[0]!, right: kids[1]! };
    },
  },
  watermark: unary(),
};

/** TypeScript cannot correlate a node's kind with its entry's parameter type: hence `as never`, the only casts. */
function shapeOf(p: PhysicalPlan): ShapeDef<PhysicalPlan['kind']> {
  return SHAPES[p.kind] as ShapeDef<PhysicalPlan['kind']>;
}

/** A node's children, in order. */
export function physicalChildren(p: PhysicalPlan): readonly PhysicalPlan[] {
  return shapeOf(p).children(p as never);
}

/** The same node over new children (same count and order as physicalChildren). */
export function withChildren(p: PhysicalPlan, children: readonly PhysicalPlan[]): PhysicalPlan {
  return shapeOf(p).withChildren(p as never, children);
}

/** True when the subtree reads a streaming source. */
export function readsStream(p: PhysicalPlan): boolean {
  return p.kind === 'streamScan' || physicalChildren(p).some(readsStream);
}
