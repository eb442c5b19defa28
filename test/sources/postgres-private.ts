// A PostgreSQL server of the test's own (initdb into a temp directory, a free port, password
// authentication, wal_level=logical), for what the shared server on 5432 cannot show: it trusts every
// connection from 127.0.0.1, and other test files use it, so it is never stopped. crash() stops the
// private server as a crash would (SIGQUIT: immediate shutdown, no checkpoint; start() recovers from the WAL).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './nats-support.js';
import { killAndWait } from '../support/processes.js';

const BIN = '/usr/lib/postgresql/15/bin';

/** Why a private server cannot be made here, or undefined when it can. */
export function privatePostgresMissing(): string | undefined {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'postgres')) ? undefined : `no PostgreSQL 15 binaries under ${BIN}`;
}

/** The user the server runs as: postgres when the tests run as root (PostgreSQL refuses root), else ourselves. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) };
}

export class PrivatePostgres {
  private proc: ChildProcess | undefined;
  private readonly dir: string;
  private readonly as = runAs();
  port = 0;

  constructor(readonly password: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-pg-'));
    if (this.as !== undefined) chownSync(this.dir, this.as.uid, this.as.gid);
    const pw = join(this.dir, 'pw');
    writeFileSync(pw, `${password}\n`);
    if (this.as !== undefined) chownSync(pw, this.as.uid, this.as.gid);
    execFileSync(join(BIN, 'initdb'), ['-D', join(this.dir, 'data'), '-U', 'postgres', '-A', 'scram-sha-256', '--pwfile', pw, '-E', 'UTF8', '--no-sync'],
      { stdio: 'ignore', ...(this.as ?? {}) });
  }

  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`, or with `password` instead. */
  url(password = this.password): string {
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    this.proc = spawn(join(BIN, 'postgres'), ['-D', join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'wal_level=logical', '-c', 'max_replication_slots=8', '-c', 'max_wal_senders=8', '-c', 'fsync=on'],
    { stdio: 'ignore', ...(this.as ?? {}) });
    for (let i = 0; i < 400; i++) {
      try {
        execFileSync(join(BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(this.port)], { stdio: 'ignore' });
        return this;
      } catch {
        if (this.proc.exitCode !== null) break;
        await sleep(25);
      }
    }
    throw new Error(`the private PostgreSQL on port ${this.port} did not start`);
  }

  /** Stops the server as a crash would: SIGQUIT (immediate shutdown), then waits for it to exit. */
  async crash(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await killAndWait(p, 'SIGQUIT');
  }

  async dispose(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
