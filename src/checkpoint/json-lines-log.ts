import { MetadataLog } from './metadata-log.js';
import { checkpointCorrupt } from './corrupt.js';

/**
 * A metadata log whose body is one JSON object per line after the version
 * line — the layout of Spark's CompactibleFileStreamLog, shared by the file
 * sink's `_spark_metadata` log and the file source's log. Entries are joined
 * with newlines and no trailing newline, as Spark writes them; subclasses
 * say what an entry looks like.
 */
export abstract class JsonLinesLog<E> extends MetadataLog<E[]> {
  /** What a valid line holds, for the corrupt-file message (e.g. `a file entry with "path" and "action"`). */
  protected abstract readonly entryDescription: string;
  /** The entry a parsed line holds, or undefined when the line is not a valid entry. */
  protected abstract toEntry(line: Record<string, unknown>): E | undefined;

  /** The JSON written for an entry; the entry itself unless a subclass keeps only some fields. */
  protected toJson(entry: E): unknown {
    return entry;
  }

  protected serialize(entries: E[]): string {
    return entries.map((e) => JSON.stringify(this.toJson(e))).join('\n');
  }

  protected deserialize(body: string, file: string, batchId: number): E[] {
    const out: E[] = [];
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      // Line numbers count the version line, so they match an editor's.
      let v: unknown;
      try {
        v = JSON.parse(line) as unknown;
      } catch (e) {
        throw checkpointCorrupt(file, batchId, `line ${i + 2} is not valid JSON`, e);
      }
      const entry = v !== null && typeof v === 'object' && !Array.isArray(v) ? this.toEntry(v as Record<string, unknown>) : undefined;
      if (entry === undefined) throw checkpointCorrupt(file, batchId, `line ${i + 2} is not ${this.entryDescription}`);
      out.push(entry);
    }
    return out;
  }
}
