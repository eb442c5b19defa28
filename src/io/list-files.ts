import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
      // Spark reads a streaming file sink's output through its log, and only
      // when that directory is the one path given (FileStreamSink.hasMetadata).
      const logged = paths.length === 1 ? fileSinkLogFiles(given) : undefined;
      if (logged) files.push(...logged);
      else walk(given, files);
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

/**
 * The data files a streaming file sink committed under `dir`, or undefined
 * when `dir` holds no `_spark_metadata` log. The sink writes a batch's files
 * first and lists them in `_spark_metadata/<batchId>` last, so files of a
 * batch that crashed before its entry are orphans that readers must not see;
 * like Spark's MetadataLogFileIndex, only the listed files are returned.
 * Log format (FileStreamSinkLog): a `v1` line, then one JSON object per line
 * with `path` (a file: URI or a path) and `action` ('add' or 'delete'); a
 * `<batchId>.compact` file holds every entry up to its batch.
 */
function fileSinkLogFiles(dir: string): string[] | undefined {
  const logDir = nodePath.join(dir, '_spark_metadata');
  let names: string[];
  try {
    if (!statSync(logDir).isDirectory()) return undefined;
    names = readdirSync(logDir);
  } catch { return undefined; }
  const batches: { id: number; name: string; compact: boolean }[] = [];
  for (const name of names) {
    const m = /^(\d+)(\.compact)?$/.exec(name); // skips temporary files of an unfinished write
    if (m) batches.push({ id: Number(m[1]), name, compact: m[2] !== undefined });
  }
  const lastCompact = batches.reduce((c, b) => (b.compact && b.id > c ? b.id : c), -1);
  const live = batches.filter((b) => (b.compact ? b.id === lastCompact : b.id > lastCompact)).sort((a, b) => a.id - b.id);
  const files = new Map<string, string>(); // absolute path → log file that added it
  const absDir = nodePath.resolve(dir);
  for (const b of live) {
    const logFile = nodePath.join(logDir, b.name);
    const lines = readFileSync(logFile, 'utf8').split('\n');
    const version = /^v(\d+)$/.exec(lines[0]?.trim() ?? '');
    if (!version || Number(version[1]) > 1) {
      throw new SpateError('UNSUPPORTED_LOG_VERSION',
        `File sink log ${logFile} starts with ${JSON.stringify(lines[0] ?? '')}, expected 'v1': it is corrupt or written by a newer version. Read the data files directly with a glob (e.g. ${dir}/*) to bypass the log.`);
    }
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let entry: { path?: unknown; action?: unknown };
      try { entry = JSON.parse(line) as typeof entry; } catch (e) {
        throw new SpateError('CORRUPT_LOG_FILE', `File sink log ${logFile} line ${i + 1} is not valid JSON; the log is corrupt.`, { cause: e });
      }
      if (typeof entry.path !== 'string') {
        throw new SpateError('CORRUPT_LOG_FILE', `File sink log ${logFile} line ${i + 1} has no "path"; the log is corrupt.`);
      }
      const p = entry.path.startsWith('file:') ? fileURLToPath(entry.path) : nodePath.resolve(absDir, entry.path);
      if (entry.action === 'delete') files.delete(p);
      else files.set(p, logFile);
    }
  }
  const out: string[] = [];
  for (const [abs, logFile] of files) {
    if (!existsSync(abs)) {
      throw new SpateError('FILE_NOT_FOUND',
        `File ${abs}, listed in the file sink log ${logFile}, does not exist: the output directory was changed outside the sink. Restore the file, or read the data files with a glob (e.g. ${dir}/*) to bypass the log.`);
    }
    // Keep paths in the form the caller used (relative stays relative), as walk() does.
    const rel = nodePath.relative(absDir, abs);
    out.push(rel.startsWith('..') || nodePath.isAbsolute(rel) ? abs : nodePath.join(dir, rel));
  }
  return out;
}

function notFound(path: string, cause?: unknown): SpateError {
  return new SpateError('PATH_NOT_FOUND',
    `Path does not exist: ${path}. Check the path (globs * ? ** {a,b} are allowed) and that the files are readable.`, cause === undefined ? undefined : { cause });
}
