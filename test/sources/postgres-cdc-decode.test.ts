/**
 * The postgres-cdc source's pieces without a server: LSNs and offsets,
 * PostgreSQL text values, the pgoutput decoder on hand-made messages
 * (range rules, skipped and cut transactions, TOAST, errors) and options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchToRows } from '../../src/core/batch.js';
import { parseSchema } from '../../src/core/ddl.js';
import { getZone } from '../../src/core/time-zone.js';
import { cdcOffset, formatLsn, offsetLsn, parseLsn, readLsn } from '../../src/sources/postgres-cdc-offsets.js';
import { daysFromCivil, parseByteaText, parseDateText, parseInteger, parseTimestampText } from '../../src/sources/postgres-cdc-values.js';
import { PgoutputDecoder } from '../../src/sources/postgres-cdc-decode.js';
import { cdcLayout, cdcSchema } from '../../src/sources/postgres-cdc-schema.js';
import { cdcOptions, parseConnection, parseTables } from '../../src/sources/postgres-cdc-options.js';

const b = (s: string) => Buffer.from(s, 'utf8');

test('postgres-cdc LSNs: parse, format as PostgreSQL prints them, read from pgoutput bytes, offsets', () => {
  assert.equal(parseLsn('0/16B3748'), 0x16b3748n);
  assert.equal(parseLsn('16/b374d848'), (0x16n << 32n) | 0xb374d848n);
  assert.equal(parseLsn('FFFFFFFF/FFFFFFFF'), 2n ** 64n - 1n);
  for (const bad of ['', '0', '0/', '/1', '1/2/3', 'x/1', '123456789/0']) assert.equal(parseLsn(bad), undefined, bad);
  assert.equal(formatLsn(0x16b3748n), '0/16B3748');
  assert.equal(formatLsn((0x16n << 32n) | 0xb374d848n), '16/B374D848');
  assert.equal(formatLsn(parseLsn('000A/0000FF')!), 'A/FF');
  const bytes = Uint8Array.from([9, 0, 0, 0, 0x16, 0xb3, 0x74, 0xd8, 0x48]);
  assert.equal(readLsn(bytes, 1), (0x16n << 32n) | 0xb374d848n);
  assert.deepEqual(cdcOffset(0x16b3748n), { lsn: '0/16B3748' });
  assert.equal(offsetLsn('src', { lsn: '0/10' }), 16n);
  for (const bad of [5, '0/10', { lsn: 'x' }, [], null]) assert.throws(() => offsetLsn('src', bad as never), /INVALID_OFFSET|not a postgres-cdc offset/);
});

test('postgres-cdc values: integers, dates (BC too), timestamps with and without offsets, bytea', () => {
  const int = (s: string) => parseInteger(b(s), 0, s.length);
  assert.equal(int('0'), 0);
  assert.equal(int('-2147483648'), -2147483648);
  assert.equal(int('+17'), 17);
  assert.equal(int('9007199254740993'), 9007199254740992); // beyond 2^53: rounded as Number() rounds
  assert.ok(Number.isNaN(int('12a')));
  assert.ok(Number.isNaN(int('')));
  const date = (s: string) => parseDateText(b(s), 0, s.length);
  assert.equal(date('1970-01-01'), 0);
  assert.equal(date('2024-02-29'), 19782);
  assert.equal(date('0001-01-01 BC'), daysFromCivil(0, 1, 1));
  assert.equal(date('10000-01-01'), daysFromCivil(10000, 1, 1));
  for (const bad of ['infinity', '2024-13-01', '24-01-01', '2024-1-01']) assert.ok(Number.isNaN(date(bad)), bad);
  const utc = getZone('UTC');
  const ts = (s: string, z = utc) => parseTimestampText(b(s), 0, s.length, z);
  assert.equal(ts('1970-01-01 00:00:00'), 0);
  assert.equal(ts('1970-01-01 00:00:00.000001+00'), 1);
  assert.equal(ts('2024-03-01 10:20:30.5+05:30'), Date.parse('2024-03-01T04:50:30.5Z') * 1000);
  assert.equal(ts('2024-03-01 10:20:30-03'), Date.parse('2024-03-01T13:20:30Z') * 1000);
  assert.equal(ts('1900-01-01 00:00:00+00:09:21'), Date.parse('1899-12-31T23:50:39Z') * 1000);
  // Without an offset: wall time in the session zone (Paris: +01 in January, +02 in July).
  assert.equal(ts('2024-01-15 12:00:00', getZone('Europe/Paris')), Date.parse('2024-01-15T11:00:00Z') * 1000);
  assert.equal(ts('2024-07-15 12:00:00', getZone('Europe/Paris')), Date.parse('2024-07-15T10:00:00Z') * 1000);
  assert.equal(ts('2024-07-15 12:00:00', getZone('+08:00')), Date.parse('2024-07-15T04:00:00Z') * 1000);
  for (const bad of ['infinity', '2024-03-01', '2024-03-01 10:20', '2024-03-01 10:20:30.1234567', '2024-03-01 10:20:30 UTC']) assert.ok(Number.isNaN(ts(bad)), bad);
  assert.deepEqual([...parseByteaText(b('\\x00ff'), 0, 6)!], [0, 255]);
  assert.equal(parseByteaText(b('\\x0'), 0, 3), undefined);
  assert.equal(parseByteaText(b('abc'), 0, 3), undefined);
});

/** pgoutput messages, as pg_logical_slot_peek_binary_changes returns them. */
const msg = {
  begin(finalLsn: bigint, xid: number, tsMicros = 0n): Buffer {
    const m = Buffer.alloc(21); m[0] = 0x42; m.writeBigUInt64BE(finalLsn, 1); m.writeBigInt64BE(tsMicros, 9); m.writeInt32BE(xid, 17); return m;
  },
  commit(commitLsn: bigint, endLsn: bigint, tsMicros = 0n): Buffer {
    const m = Buffer.alloc(26); m[0] = 0x43; m[1] = 0; m.writeBigUInt64BE(commitLsn, 2); m.writeBigUInt64BE(endLsn, 10); m.writeBigInt64BE(tsMicros, 18); return m;
  },
  relation(oid: number, schema: string, name: string, cols: readonly string[]): Buffer {
    const parts: Buffer[] = [Buffer.from([0x52]), int32(oid), cstr(schema), cstr(name), Buffer.from([0x64]), int16(cols.length)];
    for (const c of cols) parts.push(Buffer.from([1]), cstr(c), int32(25), int32(-1));
    return Buffer.concat(parts);
  },
  insert(oid: number, values: readonly (string | null | 'u')[]): Buffer {
    return Buffer.concat([Buffer.from([0x49]), int32(oid), Buffer.from([0x4e]), tuple(values)]);
  },
  update(oid: number, values: readonly (string | null | 'u')[], old?: readonly (string | null)[]): Buffer {
    const head = [Buffer.from([0x55]), int32(oid)];
    if (old !== undefined) head.push(Buffer.from([0x4f]), tuple(old));
    return Buffer.concat([...head, Buffer.from([0x4e]), tuple(values)]);
  },
  delete(oid: number, key: readonly (string | null)[]): Buffer {
    return Buffer.concat([Buffer.from([0x44]), int32(oid), Buffer.from([0x4b]), tuple(key)]);
  },
};
function int32(n: number): Buffer { const x = Buffer.alloc(4); x.writeInt32BE(n); return x; }
function int16(n: number): Buffer { const x = Buffer.alloc(2); x.writeInt16BE(n); return x; }
function cstr(s: string): Buffer { return Buffer.concat([Buffer.from(s), Buffer.from([0])]); }
function tuple(values: readonly (string | null | 'u')[]): Buffer {
  const parts = [int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(Buffer.from([0x6e]));
    else if (v === 'u') parts.push(Buffer.from([0x75]));
    else { const t = Buffer.from(v); parts.push(Buffer.from([0x74]), int32(t.length), t); }
  }
  return Buffer.concat(parts);
}

function decoder(schema = 'id INT, name STRING', includeBefore = false, tables: { schema: string; name: string }[] = []) {
  return new PgoutputDecoder(cdcLayout(cdcSchema(parseSchema(schema), includeBefore)), tables, getZone('UTC'));
}

test('postgres-cdc decoder: whole transactions in (from, to], op/table/lsn/commitTime, columns by name', () => {
  const d = decoder();
  const PG_EPOCH = 946_684_800_000_000;
  const messages = [
    msg.begin(100n, 1), msg.relation(7, 'public', 't', ['name', 'extra', 'id']), msg.insert(7, ['skipped', 'x', '0']), msg.commit(100n, 110n),
    msg.begin(200n, 2, 5n), msg.insert(7, ['a', 'x', '1']), msg.update(7, ['b', 'x', '1']), msg.commit(200n, 210n, 5n),
    msg.begin(300n, 3), msg.delete(7, [null, null, '1']), msg.commit(300n, 310n),
    msg.begin(400n, 4), msg.insert(7, ['late', 'x', '9']), msg.commit(400n, 410n),
  ];
  // from = the end of the first transaction, to = the end of the third: the first is before, the fourth after.
  const r = d.decode(messages, 110n, 310n);
  assert.equal(r.lastEnd, 310n);
  assert.equal(r.transactions, 2);
  assert.deepEqual(batchToRows(r.batch!), [
    ['insert', 'public.t', '0/D2', PG_EPOCH + 5, 1, 'a'],
    ['update', 'public.t', '0/D2', PG_EPOCH + 5, 1, 'b'],
    ['delete', 'public.t', '0/136', PG_EPOCH, 1, null],
  ]);
  // op and table come dictionary-encoded.
  assert.deepEqual([...r.batch!.columns[0]!.dictionary!.codes], [0, 1, 2]);
  assert.deepEqual(r.batch!.columns[1]!.dictionary!.entries, ['public.t']);
  // A range ending inside a transaction's commit record never yields half of it; an empty range yields nothing.
  const cut = d.decode(messages, 110n, 205n);
  assert.equal(cut.batch, null);
  assert.equal(cut.lastEnd, undefined);
  assert.equal(d.decode(messages, 410n, 500n).batch, null);
});

test('postgres-cdc decoder: the tables filter, before values, unchanged TOAST, and protocol errors', () => {
  const withBefore = decoder('id INT, name STRING', true, [{ schema: 'public', name: 'keep' }]);
  const messages = [
    msg.begin(100n, 1), msg.relation(1, 'public', 'keep', ['id', 'name']), msg.relation(2, 'public', 'drop', ['id', 'name']),
    msg.insert(2, ['5', 'no']),
    msg.update(1, ['1', 'new'], ['1', 'old']),
    msg.update(1, ['1', 'u']), // a TOASTed value the UPDATE left unchanged, without an old row: unknown, null
    msg.update(1, ['1', 'u'], ['1', 'kept']), // with REPLICA IDENTITY FULL the old row fills it
    msg.delete(1, ['1', null]),
    msg.commit(100n, 110n),
  ];
  const r = withBefore.decode(messages, 0n, 110n);
  assert.deepEqual(batchToRows(r.batch!).map((row) => [row[0], row[1], row[4], row[5], row[6]]), [
    ['update', 'public.keep', 1, 'new', [1, 'old']],
    ['update', 'public.keep', 1, null, null],
    ['update', 'public.keep', 1, 'kept', [1, 'kept']],
    ['delete', 'public.keep', 1, null, [1, null]],
  ]);
  assert.equal(r.unchangedToast, 1);
  assert.throws(() => decoder().decode([msg.begin(1n, 1), msg.insert(99, ['1']), msg.commit(1n, 2n)], 0n, 10n), /CDC_PROTOCOL|relation 99 before its Relation message/);
  assert.throws(() => decoder('id INT, name INT').decode([msg.begin(1n, 1), msg.relation(1, 'public', 't', ['id', 'name']), msg.insert(1, ['1', 'x']), msg.commit(1n, 2n)], 0n, 10n),
    /column 'name' of table public\.t holds "x", which is not a valid INT/);
  assert.throws(() => decoder('id INT').decode([msg.begin(1n, 1), msg.relation(1, 'public', 't', ['id']), msg.insert(1, ['3000000000']), msg.commit(1n, 2n)], 0n, 10n),
    /holds "3000000000", which is not a valid INT/);
});

test('postgres-cdc options: URL forms, credentials, tables as SQL names, defaults', () => {
  const c = parseConnection('jdbc:postgresql://db.example:6543/shop?user=u&password=p%40ss&sslmode=require', undefined, undefined, 1000);
  assert.deepEqual(c, { host: 'db.example', port: 6543, database: 'shop', user: 'u', password: 'p@ss', ssl: { rejectUnauthorized: false }, connectTimeoutMs: 1000 });
  const d = parseConnection('postgres://alice:secret@[::1]/', 'bob', 'pw', 5);
  assert.deepEqual([d.host, d.port, d.user, d.password, d.database, d.ssl], ['::1', 5432, 'bob', 'pw', 'bob', false]);
  assert.throws(() => parseConnection('mysql://a:secret@h/db', undefined, undefined, 1), (e: Error) => !e.message.includes('secret') && /must be a PostgreSQL URL/.test(e.message));
  assert.deepEqual(parseTables('orders, Inventory.Items ,"My Schema"."Odd, ""Name"""'), [
    { schema: 'public', name: 'orders' }, { schema: 'inventory', name: 'items' }, { schema: 'My Schema', name: 'Odd, "Name"' },
  ]);
  assert.throws(() => parseTables('a.b.c'), /Option 'tables'/);
  assert.throws(() => parseTables('bad name'), /Option 'tables'/);
  const o = cdcOptions({ url: 'postgres://h/db', slotname: 'my_slot', PUBLICATION: 'p' });
  assert.deepEqual([o.createSlot, o.createPublication, o.failOnDataLoss, o.includeBefore, o.maxChangesPerTrigger, o.startingOffsets, o.tables, o.queryTimeoutMs],
    [true, true, true, false, undefined, { kind: 'earliest' }, [], 300_000]);
  assert.deepEqual(cdcOptions({ url: 'postgres://h/db', slotName: 's', publication: 'p', startingOffsets: ' {"lsn":"0/FF"} ' }).startingOffsets, { kind: 'lsn', lsn: 255n });
  assert.deepEqual(cdcOptions({ url: 'postgres://h/db', slotName: 's', publication: 'p', startingOffsets: 'LATEST' }).startingOffsets, { kind: 'latest' });
  const secret = cdcOptions({ url: 'postgres://u:hunter22@h/db', slotName: 's', publication: 'p' });
  assert.ok(!secret.description.includes('hunter22'));
  assert.equal(secret.redact['url.password'], 'hunter22');
});
