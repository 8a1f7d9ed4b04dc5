import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { DELIVERY_STATES } from '../../src/stores/deliveries.js';
import { createKeys } from '../../src/stores/keys.js';
import { openBed, type Bed } from './support/bed.js';
import { recordAudit } from './support/summary.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RECIPIENTS = 1000;
const BALLAST = 200;

/** Ballast until Redis refuses, then the limit a few MB under use, so small frees change nothing. */
async function fill(bed: Bed): Promise<string> {
  const chunk = 'x'.repeat(512 * 1024);
  let refused = '';
  for (let i = 0; i < BALLAST && !refused; i++)
    await bed.redis
      .cli('SET', `ballast:${i}`, chunk)
      .catch((err: Error) => (refused = err.message));
  const info = String(await bed.redis.cli('INFO', 'memory'));
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
  await bed.redis.cli('CONFIG', 'SET', 'maxmemory', String(used - 4 * 1024 * 1024));
  return refused;
}

async function free(bed: Bed): Promise<void> {
  for (let i = 0; i < BALLAST; i++) await bed.redis.cli('DEL', `ballast:${i}`);
}

async function checkRecords(bed: Bed, editionId: string, fault: string) {
  const progress = await waitForEdition(bed.t.ctx, editionId, {
    timeoutMs: 90_000,
    intervalMs: 100,
  });
  const audit = await bed.audit(editionId);
  const evicted = /evicted_keys:(\d+)/.exec(String(await bed.redis.cli('INFO', 'stats')))?.[1];
  recordAudit(fault, 1, RECIPIENTS, audit);
  expect(evicted).toBe('0');
  expect(audit).toMatchObject({ lost: 0, doubled: 0, unrecorded: 0 });
  expect(progress).toMatchObject({ queued: 0, sending: 0, failed: 0 });
  expect(progress.sent + progress.uncertain).toBe(RECIPIENTS);
  // The summary's counts and the state sets still agree with the records, one by one (`queued`
  // and `sent` have no set: they are found by scanning the records).
  const keys = createKeys(bed.t.config.prefix);
  const records = await bed.t.ctx.deliveries.getMany(editionId, bed.ids);
  const { counts } = await bed.t.ctx.deliveries.summary(editionId);
  for (const state of DELIVERY_STATES) {
    const inState = bed.ids.filter((_, i) => records[i]?.state === state);
    expect(counts[state], state).toBe(inState.length);
    if (state === 'queued' || state === 'sent') continue;
    const members = new Set(await bed.t.ctx.redis.smembers(keys.deliveryState(editionId, state)));
    expect(members.size, state).toBe(inState.length);
    expect(
      inState.every((id) => members.has(id)),
      state,
    ).toBe(true);
  }
  return progress;
}

describe('Redis at maxmemory with noeviction', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  const full = ['--maxmemory', '48mb', '--maxmemory-policy', 'noeviction'];

  it('full before the fan-out: the writes fail loudly, nothing is evicted, and the edition goes out once memory is freed', async () => {
    bed = await openBed({ recipients: RECIPIENTS, redisArgs: full });
    const editionId = await bed.send();
    expect(await fill(bed)).toMatch(/OOM/);
    const worker = bed.spawnWorker();
    await worker.waitFor('workers running', 30_000);
    await sleep(3000);
    const meanwhile = await bed.t.ctx.deliveries.counts(editionId);
    expect(meanwhile.sent).toBe(0);
    expect(worker.stderr()).toMatch(/OOM command not allowed/);
    expect(bed.sink!.accepted).toHaveLength(0);
    await free(bed);
    await checkRecords(bed, editionId, 'Redis full before the fan-out, freed after 3 s');
    expect(worker.proc.exitCode).toBeNull();
  });

  it('full in the middle of the delivery: no record lost, doubled or torn, nothing evicted', async () => {
    bed = await openBed({ recipients: RECIPIENTS, redisArgs: full, sink: { replyDelayMs: 5 } });
    const worker = bed.spawnWorker();
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();
    await bed.sink!.waitForAccepted(150);
    expect(await fill(bed)).toMatch(/OOM/);
    const atFill = await bed.t.ctx.deliveries.counts(editionId);
    await sleep(3000);
    await free(bed);
    const progress = await checkRecords(bed, editionId, 'Redis full mid-delivery, freed after 3 s');
    // A record's compare-and-set starts by removing it from its old state's set, and Redis lets
    // a script that has already written finish: so records move on while Redis is full.
    console.log(`full mid-delivery: at the fill ${atFill.sent} sent; at the end ${progress.sent}`);
  });
});
