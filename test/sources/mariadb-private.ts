// A MariaDB server of the test's own (mariadb-install-db into a temp directory, a free port, grant
// tables off so root needs no password), for a real server crash and restart: the shared server on 3306
// is used by other test files and is never stopped. crash() SIGKILLs mariadbd; start() runs InnoDB's
// crash recovery on the same data directory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mariadb from 'mariadb';
import { freePort } from './nats-support.js';
import { killAndWait } from '../support/processes.js';

/** Why a private server cannot be made here, or undefined when it can. */
export function privateMariadbMissing(): string | undefined {
  return existsSync('/usr/sbin/mariadbd') && existsSync('/usr/bin/mariadb-install-db') ? undefined : 'no mariadbd / mariadb-install-db';
}

export class PrivateMariadb {
  private proc: ChildProcess | undefined;
  private readonly dir: string;
  private readonly user = process.getuid?.() === 0 ? 'mysql' : undefined;
  port = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'spate-mariadb-'));
    if (this.user !== undefined) {
      const uid = Number(execFileSync('id', ['-u', this.user]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', this.user]).toString().trim());
      chownSync(this.dir, uid, gid);
    }
    execFileSync('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${join(this.dir, 'data')}`, '--skip-test-db',
      ...(this.user !== undefined ? [`--user=${this.user}`] : [])], { stdio: 'ignore' });
  }

  /** `mariadb://root@127.0.0.1:<port>/test`. */
  url(): string {
    return `mariadb://root@127.0.0.1:${this.port}/test`;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    this.proc = spawn('/usr/sbin/mariadbd', ['--no-defaults', `--datadir=${join(this.dir, 'data')}`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--socket=${join(this.dir, 'sock')}`, '--skip-grant-tables', '--innodb-flush-log-at-trx-commit=1', ...(this.user !== undefined ? [`--user=${this.user}`] : [])],
    { stdio: 'ignore' });
    for (let i = 0; i < 600; i++) {
      try {
        const c = await mariadb.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 500 });
        await c.query('CREATE DATABASE IF NOT EXISTS test');
        await c.end();
        return this;
      } catch {
        if (this.proc.exitCode !== null) break;
        await sleep(50);
      }
    }
    throw new Error(`the private MariaDB on port ${this.port} did not start`);
  }

  /** Runs SQL with a fresh connection (the server may have restarted since the last one). */
  async sql(text: string): Promise<unknown[][]> {
    const c = await mariadb.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', database: 'test', rowsAsArray: true });
    try {
      return (await c.query(text)) as unknown[][];
    } finally {
      await c.end();
    }
  }

  /** SIGKILLs mariadbd (no shutdown: what InnoDB logged is what comes back) and waits for it to exit. */
  async crash(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await killAndWait(p, 'SIGKILL');
  }

  async dispose(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
