/**
 * The layering check (issue 13): imports in src/ go down the layers, never up
 * or sideways, and into a layer that has a door (`index.ts`) only through
 * the door. LAYERS is the one table of the order (docs/architecture.md shows
 * it); the exceptions below are the imports that break a rule today, each
 * with its reason. The lists can only shrink: a new import that breaks a
 * rule fails here, and so does an exception that no longer occurs (remove it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Each layer's rank: a file may import a layer of lower rank only (or its own). Layers of one rank are peers and do not import each other. */
export const LAYERS: Readonly<Record<string, number>> = {
  core: 0,
  io: 1,
  checkpoint: 2,
  clients: 3,
  state: 3,
  sources: 4,
  sinks: 4,
  expressions: 5,
  physical: 6,
  exec: 7,
  plan: 7,
  sql: 8,
  stream: 9,
  api: 10,
  testing: 11,
};

/** Imports up or sideways: `from-layer -> to-layer/file`, with why. */
const UPWARD_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['clients -> sources/source-options.ts', 'clients/kafka.ts routes client warnings through sourceWarning; the warning handler belongs in core/warnings.ts'],
  ['sinks -> sources/source-options.ts', 'a sink reuses the option parsers written for sources (intOption, ...); they belong in io/ or clients/'],
]);

/** Imports that go around a door: `from-layer -> to-layer/file`, with why. */
const DOOR_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  // Contracts: the types a layer above implements or drives, imported from the file that states the contract.
  ['api -> sources/source.ts', 'the StreamSource contract, type only'],
  ['plan -> sources/source.ts', 'the StreamSource contract, type only'],
  ['stream -> sources/source.ts', 'the StreamSource contract the runner drives'],
  ['stream -> sinks/sink.ts', 'the StreamSink contract the runner drives'],
  ['testing -> sources/memory-stream.ts', 'MemoryStream internals the harness drives (the door exports the class)'],
  // checkpoint/: its door exports the logs; these reach the building blocks under them.
  ['sinks -> checkpoint/atomic-file.ts', 'atomic writes of the file sink\'s part files'],
  ['sinks -> checkpoint/json-lines-log.ts', 'the file sink log is a JSON-lines metadata log'],
  ['sources -> checkpoint/corrupt.ts', 'checkpoint error builders'],
  ['sources -> checkpoint/json-lines-log.ts', 'the file source log is a JSON-lines metadata log'],
  ['sources -> checkpoint/metadata-log.ts', 'sources keep their own metadata logs'],
  ['sources -> checkpoint/offset.ts', 'offset serialisation'],
  ['state -> checkpoint/atomic-file.ts', 'atomic writes of state files'],
  ['state -> checkpoint/corrupt.ts', 'checkpoint error builders'],
  ['stream -> checkpoint/commit-log.ts', 'the runner writes the commit log'],
  ['stream -> checkpoint/metadata-log.ts', 'the runner reads the logs'],
  ['stream -> checkpoint/offset-log.ts', 'the runner writes the offset log'],
  ['stream -> checkpoint/stream-metadata.ts', 'the runner writes the query metadata'],
  // io/: its door exports readers, writers and listing; these reach helpers under them.
  ['api -> io/arrow.ts', 'Arrow interop for toArrow()/fromArrow()'],
  ['clients -> io/options.ts', 'case-insensitive option maps (SourceOptions)'],
  ['sinks -> io/options.ts', 'case-insensitive option maps (SourceOptions)'],
  ['sources -> io/options.ts', 'case-insensitive option maps (SourceOptions)'],
  ['sinks -> io/parquet-write.ts', 'the file sink encodes parquet part files'],
  ['sinks -> io/partitions.ts', 'partition directory names of the file sink'],
  ['sinks -> io/read.ts', 'FileFormat, a type'],
  ['sources -> io/read.ts', 'FileFormat and the per-file reader of the file source'],
  ['sinks -> io/text-formats-write.ts', 'the file sink encodes csv/json/text part files'],
  ['sinks -> io/text-values.ts', 'value formatting shared with connectors'],
  ['sources -> io/text-values.ts', 'value parsing shared with connectors'],
  ['sources -> io/glob.ts', 'glob patterns of the file source'],
  ['sources -> io/list-files.ts', 'listing of the file source'],
  ['sources -> io/partitions.ts', 'partition columns of the file source'],
  ['state -> io/arrow.ts', 'state files are Arrow IPC'],
]);

const SRC = new URL('../src/', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const layerOf = (file: string): string | undefined => {
  const r = relative(SRC, file);
  return r.includes('/') ? r.split('/')[0] : undefined; // src/index.ts, the package door, is above every layer
};

interface Import { readonly from: string; readonly fromLayer: string | undefined; readonly toLayer: string; readonly toFile: string }

function imports(): Import[] {
  const out: Import[] = [];
  for (const f of tsFiles(SRC)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
      const target = resolve(dirname(f), (m[1] ?? m[2])!).replace(/\.js$/, '.ts');
      const toLayer = layerOf(target);
      if (toLayer === undefined) continue;
      out.push({ from: relative(SRC, f), fromLayer: layerOf(f), toLayer, toFile: relative(join(SRC, toLayer), target) });
    }
  }
  return out;
}

test('every directory under src/ is a layer in the table', () => {
  const dirs = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
  assert.deepEqual(dirs.filter((d) => !(d in LAYERS)), [], 'add the new layer to LAYERS (and docs/architecture.md)');
});

function upward(all: readonly Import[]): { bad: string[]; seen: Set<string> } {
  const seen = new Set<string>();
  const bad: string[] = [];
  for (const i of all) {
    if (i.fromLayer === undefined || i.fromLayer === i.toLayer) continue;
    if (LAYERS[i.toLayer]! < LAYERS[i.fromLayer]!) continue;
    const key = `${i.fromLayer} -> ${i.toLayer}/${i.toFile}`;
    if (UPWARD_EXCEPTIONS.has(key)) seen.add(key);
    else bad.push(`src/${i.from} imports ${i.toLayer}/${i.toFile} (${i.fromLayer} is rank ${LAYERS[i.fromLayer]}, ${i.toLayer} rank ${LAYERS[i.toLayer]})`);
  }
  return { bad, seen };
}

function aroundDoors(all: readonly Import[], hasDoor: (layer: string) => boolean): { bad: string[]; seen: Set<string> } {
  const seen = new Set<string>();
  const bad: string[] = [];
  for (const i of all) {
    if (i.fromLayer === undefined || i.fromLayer === i.toLayer || i.toFile === 'index.ts' || !hasDoor(i.toLayer)) continue;
    const key = `${i.fromLayer} -> ${i.toLayer}/${i.toFile}`;
    if (DOOR_EXCEPTIONS.has(key) || UPWARD_EXCEPTIONS.has(key)) seen.add(key);
    else bad.push(`src/${i.from} imports ${i.toLayer}/${i.toFile}; import it from ${i.toLayer}/index.js (export it there if needed)`);
  }
  return { bad, seen };
}

const hasDoor = (layer: string) => existsSync(join(SRC, layer, 'index.ts'));

test('imports go down the layers (or are listed exceptions, with their reason)', () => {
  const all = imports();
  assert.ok(all.length > 400, `found ${all.length} imports; the pattern must be missing some`);
  const { bad, seen } = upward(all);
  assert.deepEqual(bad, [], 'an import goes up or sideways; move the shared code down a layer');
  assert.deepEqual([...UPWARD_EXCEPTIONS.keys()].filter((k) => !seen.has(k)), [], 'an exception no longer occurs: remove it from UPWARD_EXCEPTIONS');
});

test('a layer with a door (index.ts) is entered through it (or a listed exception)', () => {
  const { bad, seen } = aroundDoors(imports(), hasDoor);
  assert.deepEqual(bad, []);
  const stale = [...DOOR_EXCEPTIONS.keys()].filter((k) => !seen.has(k));
  assert.deepEqual(stale, [], 'an exception no longer occurs: remove it from DOOR_EXCEPTIONS');
});

test('the rules report an upward, a sideways and an around-the-door import', () => {
  const up: Import = { from: 'core/x.ts', fromLayer: 'core', toLayer: 'api', toFile: 'dataframe.ts' };
  const sideways: Import = { from: 'sources/x.ts', fromLayer: 'sources', toLayer: 'sinks', toFile: 'file-sink.ts' };
  const down: Import = { from: 'api/x.ts', fromLayer: 'api', toLayer: 'core', toFile: 'errors.ts' };
  assert.equal(upward([up, sideways, down]).bad.length, 2);
  const around: Import = { from: 'api/x.ts', fromLayer: 'api', toLayer: 'io', toFile: 'csv-read.ts' };
  const door: Import = { from: 'api/x.ts', fromLayer: 'api', toLayer: 'io', toFile: 'index.ts' };
  assert.deepEqual(aroundDoors([around, door, down], (l) => l === 'io').bad.length, 1);
});
