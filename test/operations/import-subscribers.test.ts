import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidCsvError } from '../../src/runtime/errors.js';
import { createSubscriberStore, type SubscriberStore } from '../../src/stores/subscribers/index.js';
import { importSubscribersCsv } from '../../src/operations/import-subscribers.js';
import { testRedis, type TestRedis } from '../helpers/redis.js';

describe('importSubscribersCsv', () => {
  let t: TestRedis;
  let store: SubscriberStore;
  let dir: string;
  const csv = async (text: string | Buffer, name = 'subscribers.csv') => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };
  const run = (file: string) => importSubscribersCsv(file, { store, batchSize: 3 });

  beforeEach(async () => {
    t = testRedis('import');
    store = createSubscriberStore({ redis: t.redis, prefix: t.prefix });
    dir = await mkdtemp(join(tmpdir(), 'gazette-import-'));
  });
  afterEach(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the good rows and reports each bad one by its real file line', async () => {
    const file = await csv(
      [
        'email,name,tz',
        'ann@example.com,"Ann',
        'Lee",Europe/Paris', // a quoted name over two lines: the next row is on line 4
        'not-an-address,Bob,UTC',
        '',
        'cy@example.com,Cy,Mars/Base',
        'dee@example.com,Dee,UTC,surplus',
        'ANN@example.com,Ann again,',
        '"eve@example.com","Eve ""E"" Doe",asia/tokyo',
        'fay@example.com',
        '',
      ].join('\r\n'),
    );
    const result = await run(file);
    expect(result.errors).toEqual([
      {
        line: 4,
        reason: expect.stringMatching(/^invalid email address "not-an-address": it has no @/),
      },
      { line: 6, reason: expect.stringMatching(/invalid time zone "Mars\/Base"/) },
      { line: 7, reason: '4 fields, but the header has 3' },
      { line: 8, reason: 'duplicate of line 2 (ann@example.com)' },
    ]);
    expect(result).toMatchObject({ created: 3, invalid: 4, skipped: 0, complete: true });
    const stored = await store.list();
    expect(stored.map((s) => [s.email, s.name, s.tz, s.status]).sort()).toEqual([
      ['ann@example.com', 'Ann Lee', 'Europe/Paris', 'active'],
      ['eve@example.com', 'Eve "E" Doe', 'Asia/Tokyo', 'active'],
      ['fay@example.com', null, null, 'active'],
    ]);
  });

  it('reads a BOM, any header case and order, and ignores unknown columns', async () => {
    const file = await csv(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(
          'Signup Date, TZ ,Name,EMAIL,Notes\n2024-01-01,UTC,Gus,gus@example.com,"hi, there"\n',
        ),
      ]),
    );
    const result = await run(file);
    expect(result).toMatchObject({ created: 1, invalid: 0, errors: [] });
    expect(await store.findByEmail('gus@example.com')).toMatchObject({ name: 'Gus', tz: 'UTC' });
  });

  it('refuses a file without an email column, naming the file and the columns found', async () => {
    const file = await csv('mail,name\nx@example.com,X\n');
    const err = await run(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidCsvError);
    expect((err as Error).message).toBe(
      `${file}:1: the header has no email column (found "mail", "name")`,
    );
    await expect(run(await csv('', 'empty.csv'))).rejects.toThrow(/empty\.csv: the file is empty/);
    await expect(run(join(dir, 'missing.csv'))).rejects.toThrow(
      /missing\.csv: cannot read: ENOENT/,
    );
    expect(await store.count()).toBe(0);
  });

  it('updates existing addresses without touching their status; unsubscribed and bounced are skipped', async () => {
    const pending = (await store.add({ email: 'p@example.com', name: 'Old' })).subscriber;
    const gone = (await store.add({ email: 'u@example.com', status: 'active' })).subscriber;
    const bounced = (await store.add({ email: 'b@example.com', status: 'active' })).subscriber;
    await store.unsubscribe(gone.id);
    await store.markBounced(bounced.id);
    await store.add({ email: 'same@example.com', name: 'Same', status: 'active' });

    const file = await csv(
      'email,name\np@example.com,New\nu@example.com,U\nb@example.com,B\nsame@example.com,Same\nnew@example.com,\n',
    );
    expect(await run(file)).toMatchObject({
      created: 1,
      updated: 1,
      unchanged: 1,
      skipped: 2,
      invalid: 0,
    });
    expect(await store.get(pending.id)).toMatchObject({ name: 'New', status: 'pending' });
    expect(await store.get(gone.id)).toMatchObject({ name: null, status: 'unsubscribed' });
    expect(await store.get(bounced.id)).toMatchObject({ name: null, status: 'bounced' });
    expect(await t.redis.sismember(`${t.prefix}:db:subscribers:active`, gone.id)).toBe(0);
    expect(await store.count('active')).toBe(2);
  });

  it('a row over 64 KB is called that, and bytes that are not UTF-8 are refused by line, not stored as U+FFFD', async () => {
    const long = await run(
      await csv(`email,name\na@example.com,A\nb@example.com,${'x'.repeat(70_000)}\n`),
    );
    expect(long.complete).toBe(false);
    expect(long.errors).toEqual([
      { line: 3, reason: expect.stringMatching(/longer than 64 KB/) as unknown as string },
    ]);
    const latin1 = Buffer.concat([
      Buffer.from('email,name\nann@example.com,Ann\nbob@example.com,Bj'),
      Buffer.from([0xf6]), // ö in Latin-1
      Buffer.from('rn\ncy@example.com,Cy\n'),
    ]);
    const bad = await run(await csv(latin1));
    expect(bad.errors).toEqual([
      {
        line: 3,
        reason: 'this row is not valid UTF-8: save the file as UTF-8 and import it again',
      },
    ]);
    expect(await store.findByEmail('bob@example.com')).toBeUndefined();
    expect(await store.findByEmail('cy@example.com')).toBeDefined();
  });

  it('stops at a quote that never closes, keeping the rows before it and saying where', async () => {
    const rows = ['email,name', 'a@example.com,A', 'b@example.com,"B', 'c@example.com,C'];
    const result = await run(await csv(`${rows.join('\n')}\n`));
    expect(result.complete).toBe(false);
    expect(result.errors).toEqual([
      {
        line: 3,
        reason: 'this row opens a quoted field that is never closed; import stopped here',
      },
    ]);
    expect((await store.list()).map((s) => s.email)).toEqual(['a@example.com']);
  });

  it('imports 100,000 generated rows completely, in batches, reporting progress', async () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', ''];
    const lines = ['email,name,tz'];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`reader${i}@example${i % 97}.com,Reader ${i},${zones[i % zones.length]}`);
    }
    const file = await csv(`${lines.join('\n')}\n`, 'big.csv');
    let updates = 0;
    let last = { rows: 0, bytes: 0, totalBytes: 0 };
    const started = performance.now();
    const result = await importSubscribersCsv(file, {
      store,
      onProgress: (p) => {
        updates++;
        last = p;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`100,000-row import: ${seconds.toFixed(2)} s`);
    expect(result).toMatchObject({ created: 100_000, invalid: 0, errors: [], complete: true });
    expect(await store.count()).toBe(100_000);
    expect(await store.count('active')).toBe(100_000);
    expect(last).toEqual({ rows: 100_000, bytes: last.totalBytes, totalBytes: last.totalBytes });
    expect(updates).toBeGreaterThanOrEqual(200);
    expect(seconds).toBeLessThan(60);

    // Bytes per subscriber: the record hashes (sampled) plus the three indexes.
    const sample = await store.list({ offset: 50_000, limit: 200 });
    const mem = (key: string) => t.redis.memory('USAGE', key, 'SAMPLES', '0') as Promise<number>;
    let records = 0;
    for (const s of sample) records += await mem(`${t.prefix}:db:subscriber:${s.id}`);
    const indexes = await Promise.all(
      ['subscribers:by-email', 'subscribers:by-created', 'subscribers:active'].map((k) =>
        mem(`${t.prefix}:db:${k}`),
      ),
    );
    const perSubscriber = records / sample.length + indexes.reduce((a, b) => a + b, 0) / 100_000;
    console.log(
      `Redis bytes per subscriber: ${perSubscriber.toFixed(0)} (record ${(records / sample.length).toFixed(0)}, indexes ${indexes.map((b) => (b / 100_000).toFixed(0)).join(' + ')})`,
    );

    // A second import of the same file changes nothing.
    const again = await importSubscribersCsv(file, { store });
    expect(again).toMatchObject({ created: 0, unchanged: 100_000, invalid: 0 });
  }, 120_000);
});
