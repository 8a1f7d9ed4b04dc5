import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sendEdition } from '../../src/operations/send.js';
import { expandPaths, ingestFiles } from '../../src/operations/ingest.js';
import { DIGEST_SCHEDULER_ID } from '../../src/jobs/scheduler.js';
import { scheduleFrom } from '../../src/cli/commands/send.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

const CLOCK = new Date('2026-11-25T10:00:00.000Z');

describe('scheduling', () => {
  let t: TestPipeline;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    children.length = 0;
    await t?.cleanup();
  });

  it('--local 07:00: one delayed fan-out per zone, each delay computed from the clock', async () => {
    t = await testPipeline({ DIGEST_TZ: 'Europe/London' }, { now: () => CLOCK });
    const zones = ['America/New_York', 'Asia/Tokyo', 'Europe/Paris', 'America/New_York', null];
    await t.addSubscribers(zones.length, { tz: (i) => zones[i] ?? null });
    await t.writeArticle(
      'harbour.txt',
      sampleWire('The harbour reopened on Monday, after a week of storms.'),
    );
    t.startWorkers({ queues: ['edition'] });
    await ingestFiles(await expandPaths([t.config.contentDir]), {
      store: t.ctx.articles,
      editions: t.ctx.editions,
      siteUrl: t.config.siteUrl,
    });
    const sent = await sendEdition(t.ctx, {
      schedule: scheduleFrom({ local: '07:00' }, CLOCK),
      now: CLOCK,
    });
    expect(sent.outcome).toBe('queued');

    const deadline = Date.now() + 10_000;
    let delayed = await t.ctx.queues.fanout.getDelayed();
    while (delayed.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      delayed = await t.ctx.queues.fanout.getDelayed();
    }
    const byZone = Object.fromEntries(delayed.map((j) => [j.data.zone, j.opts.delay]));
    const h = 3_600_000;
    expect(byZone).toEqual({
      'America/New_York': 2 * h, // 07:00 EST is 12:00 UTC, two hours after the clock
      'Asia/Tokyo': 12 * h, // 07:00 JST on the 26th is 22:00 UTC on the 25th
      'Europe/Paris': 20 * h, // 07:00 CET on the 26th is 06:00 UTC
      'Europe/London': 21 * h, // the subscriber without a zone follows DIGEST_TZ
    });
    // One job per zone and time, not per subscriber.
    expect(delayed).toHaveLength(4);
  });

  it('--at: one fan-out delayed to that time; a past time or both flags is an error', async () => {
    t = await testPipeline({}, { now: () => CLOCK });
    expect(scheduleFrom({ at: '2026-11-25T12:30:00Z' }, CLOCK)).toEqual({
      mode: 'at',
      at: '2026-11-25T12:30:00.000Z',
    });
    expect(() => scheduleFrom({ at: '2026-11-24T12:30:00Z' }, CLOCK)).toThrow(/in the past/);
    expect(() => scheduleFrom({ at: 'tomorrow' }, CLOCK)).toThrow(/ISO time/);
    expect(() => scheduleFrom({ at: '2026-11-25T12:30:00Z', local: '07:00' }, CLOCK)).toThrow(
      /cannot be used together/,
    );
    expect(() => scheduleFrom({ local: '7am' }, CLOCK)).toThrow(/HH:MM/);
  });

  it('two worker processes upserting the same digest scheduler make one scheduler', async () => {
    t = await testPipeline();
    const env = {
      ...process.env,
      GAZETTE_PREFIX: t.config.prefix,
      DIGEST_CRON: '0 7 * * *',
      DIGEST_TZ: 'Europe/Paris',
      LOG_LEVEL: 'info',
      OUTBOX_DIR: t.config.outboxDir,
    };
    const started = [0, 1].map(() => {
      const child = spawn(process.execPath, ['bin/gazette.js', 'worker'], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      return new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('workers running')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
      });
    });
    await Promise.all(started);
    const schedulers = await t.ctx.queues.edition.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({
      key: DIGEST_SCHEDULER_ID,
      pattern: '0 7 * * *',
      tz: 'Europe/Paris',
    });

    // SIGTERM: both close gracefully and exit 0.
    const exits = children.map(
      (c) => new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code))),
    );
    for (const c of children) c.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  }, 30_000);
});
