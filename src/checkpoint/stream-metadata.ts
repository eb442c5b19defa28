import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errCode, makeDir, writeFileAtomicIfAbsent } from './atomic-file.js';
import { checkpointCorrupt, parseCheckpointJson } from './corrupt.js';

/** The checkpoint's `metadata` file: the query id that survives restarts (Spark's StreamMetadata). */
export interface StreamMetadata {
  readonly id: string;
}

/** The path of the `metadata` file in a checkpoint directory. */
export function streamMetadataPath(checkpointDir: string): string {
  return join(checkpointDir, 'metadata');
}

/** Reads `<checkpoint>/metadata`; undefined when the checkpoint is new. */
export async function readStreamMetadata(checkpointDir: string): Promise<StreamMetadata | undefined> {
  const file = streamMetadataPath(checkpointDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  if (text.trim() === '') throw checkpointCorrupt(file, undefined, 'the file is empty; it should hold {"id":"<query id>"}');
  const v = parseCheckpointJson(text.trim(), file, undefined, 'the query metadata');
  const id = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)['id'] : undefined;
  if (typeof id !== 'string' || id === '') throw checkpointCorrupt(file, undefined, 'it should hold {"id":"<query id>"} with a non-empty id');
  return { id };
}

/** Writes `<checkpoint>/metadata` unless it exists; false when it does. */
export async function writeStreamMetadata(checkpointDir: string, metadata: StreamMetadata): Promise<boolean> {
  await makeDir(checkpointDir);
  return writeFileAtomicIfAbsent(streamMetadataPath(checkpointDir), JSON.stringify({ id: metadata.id }));
}
