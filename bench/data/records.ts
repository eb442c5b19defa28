/**
 * Records for the ingest workload, written as JSON lines and as CSV (with a
 * header) into a directory, one file per chunk. Seven fields; the workload
 * reads all of them and keeps three (id, user, price).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../lib/data.js';

export const RECORD_DDL = 'id LONG, user STRING, item INT, price DOUBLE, qty INT, ts TIMESTAMP, country STRING';
const COUNTRIES = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'NG', 'CA'];

export interface RecordFiles {
  readonly jsonDir: string;
  readonly csvDir: string;
  readonly jsonFiles: string[];
  readonly csvFiles: string[];
  readonly jsonBytes: number;
  readonly csvBytes: number;
}

/** Writes `files` files of `perFile` records each, in both formats. */
export function writeRecords(root: string, files: number, perFile: number, seed = 3): RecordFiles {
  const next = rng(seed);
  const jsonDir = join(root, 'json');
  const csvDir = join(root, 'csv');
  mkdirSync(jsonDir, { recursive: true });
  mkdirSync(csvDir, { recursive: true });
  const out: RecordFiles = { jsonDir, csvDir, jsonFiles: [], csvFiles: [], jsonBytes: 0, csvBytes: 0 };
  let id = 0;
  let bytesJ = 0;
  let bytesC = 0;
  for (let f = 0; f < files; f++) {
    const json: string[] = [];
    const csv: string[] = ['id,user,item,price,qty,ts,country'];
    for (let r = 0; r < perFile; r++, id++) {
      const user = `user_${String(Math.floor(next() * 100_000)).padStart(5, '0')}`;
      const item = Math.floor(next() * 10_000);
      const price = Math.round(next() * 100_000) / 100;
      const qty = 1 + Math.floor(next() * 9);
      const ts = new Date(1_700_000_000_000 + id * 37).toISOString();
      const country = COUNTRIES[Math.floor(next() * COUNTRIES.length)]!;
      json.push(JSON.stringify({ id, user, item, price, qty, ts, country }));
      csv.push(`${id},${user},${item},${price},${qty},${ts},${country}`);
    }
    const name = `part-${String(f).padStart(5, '0')}`;
    const j = `${json.join('\n')}\n`;
    const c = `${csv.join('\n')}\n`;
    writeFileSync(join(jsonDir, `${name}.json`), j);
    writeFileSync(join(csvDir, `${name}.csv`), c);
    out.jsonFiles.push(join(jsonDir, `${name}.json`));
    out.csvFiles.push(join(csvDir, `${name}.csv`));
    bytesJ += Buffer.byteLength(j);
    bytesC += Buffer.byteLength(c);
  }
  return { ...out, jsonBytes: bytesJ, csvBytes: bytesC };
}

/** Digest of the projected (id, user, price) columns; `centsSum` is the sum of round(price × 100), exact in any order. */
export function recordDigest(rows: number, idSum: number, userChars: number, centsSum: number): string {
  return `${rows}r/${idSum}/${userChars}/${centsSum}`;
}
