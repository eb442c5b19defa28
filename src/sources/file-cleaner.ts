import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { sourceWarning } from './source-options.js';

/**
 * The file source's `cleanSource` step (Spark's FileStreamSourceCleaner),
 * run on files whose batch is committed. `archive` moves a file to
 * `sourceArchiveDir` + its full absolute path, as Spark does (/a/b/x.txt
 * archived under /archived goes to /archived/a/b/x.txt), so names from
 * different directories cannot collide; `delete` removes it. A file that
 * cannot be cleaned is left in place with a warning: cleaning is best
 * effort and never fails the query, as in Spark.
 */
export class SourceFileCleaner {
  constructor(private readonly mode: 'archive' | 'delete', private readonly archiveDir: string | undefined) {}

  /** Where `file` goes when archived. */
  archivePath(file: string): string {
    const abs = nodePath.resolve(file);
    // Drop the root (and a Windows drive) so the absolute path nests under the archive directory.
    const rel = abs.slice(nodePath.parse(abs).root.length);
    return nodePath.join(nodePath.resolve(this.archiveDir ?? '.'), rel);
  }

  /** Archives or deletes each file; files already gone are skipped. */
  async clean(files: readonly string[]): Promise<void> {
    for (const f of files) {
      try {
        if (this.mode === 'delete') await unlink(f);
        else await moveFile(f, this.archivePath(f));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        sourceWarning(`cleanSource=${this.mode}: could not ${this.mode} ${f}: ${(e as Error).message}. The file is left in place.`);
      }
    }
  }
}

async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(nodePath.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (e) {
    // rename cannot cross file systems: copy, then remove the original.
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}
