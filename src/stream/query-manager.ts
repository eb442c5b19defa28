import { SpateError } from '../core/errors.js';
import type { StreamingQueryProgress } from './progress.js';
import type { StreamingQuery, StreamingQueryException } from './streaming-query.js';

/** Callbacks on query lifecycle events (Spark's StreamingQueryListener); every method is optional. */
export interface StreamingQueryListener {
  onQueryStarted?(event: { id: string; runId: string; name: string | null; timestamp: string }): void;
  onQueryProgress?(event: { progress: StreamingQueryProgress }): void;
  onQueryIdle?(event: { id: string; runId: string; timestamp: string }): void;
  onQueryTerminated?(event: { id: string; runId: string; exception: string | null }): void;
}

/** `spark.streams`: the session's streaming queries and listeners. */
export class StreamingQueryManager {
  private readonly queries = new Set<StreamingQuery>();
  private readonly listeners: StreamingQueryListener[] = [];
  private terminated: { query: StreamingQuery; error: StreamingQueryException | null } | null = null;
  private terminationWaiters: (() => void)[] = [];
  private readonly checkpointsInUse = new Map<string, StreamingQuery>();

  /** The queries still running. */
  get active(): StreamingQuery[] {
    return [...this.queries].filter((q) => q.isActive);
  }

  /** A running query by id or run id. */
  get(id: string): StreamingQuery | undefined {
    return this.active.find((q) => q.id === id || q.runId === id);
  }

  addListener(l: StreamingQueryListener): void { this.listeners.push(l); }
  removeListener(l: StreamingQueryListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /**
   * Waits until any query ends (since the last resetTerminated()); rejects
   * with its exception if it failed. With a timeout, resolves false if none ended.
   */
  async awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    if (!this.terminated) {
      const ended = new Promise<void>((resolve) => this.terminationWaiters.push(resolve));
      if (timeoutMs === undefined) await ended;
      else {
        let t: NodeJS.Timeout | undefined;
        await Promise.race([ended, new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
        clearTimeout(t);
      }
    }
    if (!this.terminated) return false;
    if (this.terminated.error) throw this.terminated.error;
    return true;
  }

  /** Forgets ended queries, so awaitAnyTermination() waits for a new one. */
  resetTerminated(): void {
    this.terminated = null;
  }

  /** @internal One active query per checkpoint directory, as in Spark. */
  register(q: StreamingQuery, checkpointDir: string): void {
    const other = this.checkpointsInUse.get(checkpointDir);
    if (other && other.isActive) {
      throw new SpateError('CONCURRENT_QUERY',
        `Another query (id = ${other.id}, runId = ${other.runId}) is already running on checkpoint ${checkpointDir}; stop it first or use another checkpointLocation.`);
    }
    this.checkpointsInUse.set(checkpointDir, q);
    this.queries.add(q);
  }
  /** @internal */
  checkpointInUse(checkpointDir: string): StreamingQuery | undefined {
    const q = this.checkpointsInUse.get(checkpointDir);
    return q && q.isActive ? q : undefined;
  }

  /** @internal */
  postStarted(q: StreamingQuery): void {
    this.emit((l) => l.onQueryStarted?.({ id: q.id, runId: q.runId, name: q.name, timestamp: new Date().toISOString() }));
  }
  /** @internal */
  postProgress(p: StreamingQueryProgress): void {
    this.emit((l) => l.onQueryProgress?.({ progress: p }));
  }
  /** @internal */
  postIdle(q: StreamingQuery): void {
    this.emit((l) => l.onQueryIdle?.({ id: q.id, runId: q.runId, timestamp: new Date().toISOString() }));
  }
  /** @internal */
  postTerminated(q: StreamingQuery, e: StreamingQueryException | null): void {
    this.queries.delete(q);
    this.terminated = { query: q, error: e };
    this.emit((l) => l.onQueryTerminated?.({ id: q.id, runId: q.runId, exception: e ? e.message : null }));
    const w = this.terminationWaiters;
    this.terminationWaiters = [];
    for (const f of w) f();
  }

  private emit(f: (l: StreamingQueryListener) => void): void {
    for (const l of this.listeners) {
      try {
        f(l);
      } catch (e) {
        process.emitWarning(`A StreamingQueryListener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
