import { readdirSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { SpateError } from '../core/errors.js';
import { globBase, globToRegExp, hasGlob } from './glob.js';
import { parsePartitionPath } from './partitions.js';
import { toOptions, type SourceOptions } from './options.js';

/** One data file to read, with the partition values found in its directory names. */
export interface InputFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly partitionValues: Record<string, string>;
}

/** Spark hides files and directories whose names start with `_` or `.` (`_SUCCESS`, `.crc`, `_temporary`). */
function hidden(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

const toSlash = (p: string) => p.split(nodePath.sep).join('/');

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const e of entries) {
    if (hidden(e.name)) continue;
    const p = nodePath.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/**
 * Expands input paths into data files, sorted by path: a file stands for
 * itself, a directory for every visible file below it, and a glob (`*`, `?`,
 * `**`, `{a,b}`, `[ab]`) for the files and directories it matches. Partition
 * values come from `key=value` directories between the base (the directory
 * given, the glob's fixed prefix, or option `basePath`) and the file.
 * Options: `basePath`, `pathGlobFilter` (file-name glob), `recursiveFileLookup`
 * (no partition discovery).
 */
export async function listInputFiles(
  paths: readonly string[],
  options?: ReadonlyMap<string, string> | Record<string, string> | SourceOptions,
): Promise<InputFile[]> {
  return listInputFilesSync(paths, options);
}

/**
 * listInputFiles, synchronously: listing is metadata only, and a reader must
 * know the files (to infer a schema) when spark.read...csv() returns, as in Spark.
 */
export function listInputFilesSync(
  paths: readonly string[],
  options?: ReadonlyMap<string, string> | Record<string, string> | SourceOptions,
): InputFile[] {
  const o = toOptions(options);
  const basePathOpt = o.get('basePath');
  const nameFilter = o.get('pathGlobFilter');
  const nameRe = nameFilter === undefined ? undefined : globToRegExp(nameFilter);
  const recursiveLookup = o.bool('recursiveFileLookup', false);
  const found = new Map<string, string>(); // file → base directory for partition discovery

  for (const given of paths) {
    const p = toSlash(given);
    if (hasGlob(p)) {
      const { base } = globBase(p);
      const re = globToRegExp(nodePath.posix.normalize(p));
      const all: string[] = [];
      try { walkAll(base, all); } catch (e) { throw notFound(given, e); }
      let matched = 0;
      for (const f of all) {
        const fs = nodePath.posix.normalize(toSlash(f));
        // A glob may match the file itself or a directory above it.
        const parts = fs.split('/');
        for (let k = parts.length; k > 0; k--) {
          const prefix = parts.slice(0, k).join('/');
          if (re.test(prefix) && !parts.slice(k, -1).some(hidden) && !hidden(parts[parts.length - 1]!)) {
            found.set(f, basePathOpt ?? base);
            matched++;
            break;
          }
        }
      }
      if (matched === 0) throw notFound(given);
      continue;
    }
    let st;
    try { st = statSync(given); } catch (e) { throw notFound(given, e); }
    if (st.isDirectory()) {
      const files: string[] = [];
      walk(given, files);
      for (const f of files) found.set(f, basePathOpt ?? given);
    } else {
      found.set(given, basePathOpt ?? nodePath.dirname(given));
    }
  }

  const out: InputFile[] = [];
  for (const [f, base] of [...found].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (nameRe && !nameRe.test(nodePath.basename(f))) continue;
    const st = statSync(f);
    const rel = toSlash(nodePath.relative(base, nodePath.dirname(f)));
    out.push({
      path: f,
      size: st.size,
      mtimeMs: st.mtimeMs,
      partitionValues: recursiveLookup || rel.startsWith('..') ? {} : parsePartitionPath(rel),
    });
  }
  return out;
}

/** Every file below `dir` (hidden ones included; the glob decides). */
function walkAll(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = dir === '.' ? e.name : nodePath.join(dir, e.name);
    if (e.isDirectory()) walkAll(p, out);
    else if (e.isFile()) out.push(p);
  }
}

function notFound(path: string, cause?: unknown): SpateError {
  return new SpateError('PATH_NOT_FOUND',
    `Path does not exist: ${path}. Check the path (globs * ? ** {a,b} are allowed) and that the files are readable.`, cause === undefined ? undefined : { cause });
}
