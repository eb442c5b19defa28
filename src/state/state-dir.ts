import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errCode } from '../checkpoint/atomic-file.js';
import { checkpointMissing } from '../checkpoint/corrupt.js';

/**
 * The files of one state store directory (`state/<operator>/<partition>/`):
 * `<version>.delta` for every version, `<version>.snapshot` for some, and
 * which of them a load of a given version needs.
 */

const FILE = /^(\d+)\.(delta|snapshot)$/;
// Temp files of interrupted writes: `.<version>.<kind>.<uuid>.tmp`.
const TEMP = /^\.(\d+)\.(delta|snapshot)\..*\.tmp$/;

/** The versions with a delta file and with a snapshot file (ascending). */
export interface StateDirListing {
  readonly deltas: ReadonlySet<number>;
  readonly snapshots: readonly number[];
}

export function deltaPath(dir: string, version: number): string {
  return join(dir, `${version}.delta`);
}

export function snapshotPath(dir: string, version: number): string {
  return join(dir, `${version}.snapshot`);
}

/** Lists a store directory; a directory that does not exist is empty. */
export async function listStateDir(dir: string): Promise<StateDirListing> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return { deltas: new Set(), snapshots: [] };
    throw e;
  }
  const deltas = new Set<number>();
  const snapshots: number[] = [];
  for (const n of names) {
    const m = FILE.exec(n);
    if (m === null) continue;
    if (m[2] === 'delta') deltas.add(Number(m[1]));
    else snapshots.push(Number(m[1]));
  }
  snapshots.sort((a, b) => a - b);
  return { deltas, snapshots };
}

/** The files that rebuild `version`: the newest snapshot at or below it (0 = start empty) and the deltas after it. */
export interface LoadPlan {
  readonly snapshot: number;
  readonly deltas: readonly number[];
}

/** Plans a load of `version`; throws naming the missing files when the directory cannot rebuild it. */
export function planLoad(dir: string, listing: StateDirListing, version: number, deltaPathOf: (v: number) => string = (v) => deltaPath(dir, v)): LoadPlan {
  if (version === 0) return { snapshot: 0, deltas: [] };
  let snapshot = 0;
  for (const s of listing.snapshots) if (s <= version) snapshot = s;
  const deltas: number[] = [];
  const missing: number[] = [];
  for (let v = snapshot + 1; v <= version; v++) (listing.deltas.has(v) ? deltas : missing).push(v);
  if (missing.length === 0) return { snapshot, deltas };
  const all = [...listing.deltas, ...listing.snapshots];
  const where = `state directory ${dir}`;
  if (all.length === 0) {
    throw checkpointMissing(where, `state version ${version} is needed but the directory has no state files (were they deleted?)`);
  }
  const oldest = Math.min(...all);
  if (oldest > version) {
    throw checkpointMissing(where, `state version ${version} is needed but the oldest state file is for version ${oldest} ` +
      '(older versions were cleaned up, or the files belong to another query)');
  }
  const shown = missing.length > 6 ? `${missing.slice(0, 3).join(', ')}, …, ${missing.slice(-2).join(', ')}` : missing.join(', ');
  throw checkpointMissing(where, `state version ${version} needs delta file(s) for version(s) ${shown} (e.g. ${deltaPathOf(missing[0]!)}), which are missing`);
}

/** Deletes deltas, snapshots and leftover temp files of versions below `version`. */
export async function deleteStateFilesBelow(dir: string, version: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return;
    throw e;
  }
  const doomed = names.filter((n) => {
    const m = FILE.exec(n) ?? TEMP.exec(n);
    return m !== null && Number(m[1]) < version;
  });
  await Promise.all(doomed.map((n) => unlink(join(dir, n)).catch((e: unknown) => { if (errCode(e) !== 'ENOENT') throw e; })));
}
