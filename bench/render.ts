/**
 * Compile once, personalise cheaply: what one more recipient costs, against compiling the MJML
 * for every recipient, and against nodemailer building the MIME message of every copy.
 *   npx tsx bench/render.ts      (or `npm run bench -- --only render`)
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import DKIM from 'nodemailer/lib/dkim/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DkimKey } from '../src/runtime/dkim-keys.js';
import { prepareEditionMessage, recipientLinks, renderRaw } from '../src/domain/mail/compose.js';
import { nodemailerOptionsFor } from './reference.js';
import { createPersonalizer } from './personalizer.js';
import type { RenderedEdition } from '../src/domain/render/render.js';
import { benchConfig, renderBenchEdition } from './edition.js';

export interface RenderResult {
  htmlBytes: number;
  textBytes: number;
  rawBytes: number;
  /** µs per call. */
  compile: number;
  personalise: number;
  renderRaw: number;
  /** What a worker does per recipient: sign both links, then the whole MIME message. */
  perRecipient: number;
  nodemailerBuild: number;
  /** renderRaw with DKIM, µs per copy: one RSA-2048 signature, one Ed25519, both. */
  dkim: { rsa: number; ed25519: number; both: number };
  /** nodemailer's DKIM signer (RSA only) over one finished copy, µs: the library baseline. */
  nodemailerDkim: number;
}

/** Fresh bench keys: RSA-2048 and Ed25519, as DKIM_PRIVATE_KEY_FILE and DKIM_ED25519_KEY_FILE give them. */
function benchKeys(): { rsa: DkimKey; ed25519: DkimKey } {
  return {
    rsa: {
      algorithm: 'rsa-sha256',
      domain: 'example.org',
      selector: 'bench',
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    },
    ed25519: {
      algorithm: 'ed25519-sha256',
      domain: 'example.org',
      selector: 'bench-ed',
      privateKey: generateKeyPairSync('ed25519').privateKey,
    },
  };
}

/** DKIM_* for workers started by the pipeline bench: the same kind of keys, as files. */
export async function benchDkimEnv(): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-dkim-'));
  const keys = benchKeys();
  const write = async (name: string, key: DkimKey) => {
    const file = join(dir, name);
    await writeFile(file, key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return file;
  };
  return {
    DKIM_DOMAIN: 'news.example',
    DKIM_SELECTOR: 'bench',
    DKIM_PRIVATE_KEY_FILE: await write('rsa.pem', keys.rsa),
    DKIM_ED25519_SELECTOR: 'bench-ed',
    DKIM_ED25519_KEY_FILE: await write('ed25519.pem', keys.ed25519),
  };
}

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

/** Mean time per call in µs, after a warm-up, over at least `minMs` of running. */
async function timeAsync(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  for (let i = 0; i < 5; i++) await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    n++;
  }
  return ((performance.now() - start) * 1000) / n;
}

/**
 * The same for synchronous work, in batches so that reading the clock costs nothing; the best of
 * a few rounds, since a shared machine only ever adds time.
 */
function timeSync(fn: () => unknown, minMs: number): number {
  for (let i = 0; i < 2000; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < minMs / 5) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
    }
    best = Math.min(best, ((performance.now() - start) * 1000) / n);
  }
  return best;
}

export async function renderBench(opts: { quick?: boolean } = {}): Promise<RenderResult> {
  const ms = opts.quick ? 1000 : 3000;
  const config = benchConfig();
  const rendered: RenderedEdition = await renderBenchEdition(config);
  const composeOpts = { from: config.mailFrom, siteName: config.siteName };
  const recipients = Array.from({ length: 1000 }, (_, i) => ({
    subscriberId: `sub-${i}`,
    email: `reader${i}@example.org`,
    name: i % 2 ? `Reader ${i}` : null,
    ...recipientLinks(config, `sub-${i}`),
  }));
  let k = 0;
  const next = () => recipients[k++ % recipients.length]!;

  const compile = await timeAsync(() => renderBenchEdition(config), ms);
  const personalizer = createPersonalizer(rendered);
  const personalise = timeSync(() => personalizer(next()), ms);
  const prepared = prepareEditionMessage(rendered, composeOpts);
  const raw = timeSync(() => renderRaw(prepared, next()), ms);
  const perRecipient = timeSync(() => {
    const r = next();
    return renderRaw(prepared, { ...r, ...recipientLinks(config, r.subscriberId) });
  }, ms);
  const nodemailerBuild = await timeAsync(
    () => new MailComposer(nodemailerOptionsFor(rendered, next(), composeOpts)).compile().build(),
    ms,
  );
  const keys = benchKeys();
  const signedWith = (dkim: DkimKey[]) => {
    const signing = prepareEditionMessage(rendered, { ...composeOpts, dkim });
    return timeSync(() => renderRaw(signing, next()), ms);
  };
  const dkim = {
    rsa: signedWith([keys.rsa]),
    ed25519: signedWith([keys.ed25519]),
    both: signedWith([keys.rsa, keys.ed25519]),
  };
  const nodemailerSigner = new DKIM({
    domainName: 'example.org',
    keySelector: 'bench',
    privateKey: keys.rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  const nodemailerDkim = await timeAsync(
    () => drain(nodemailerSigner.sign(renderRaw(prepared, next()))),
    ms,
  );
  return {
    htmlBytes: Buffer.byteLength(rendered.html),
    textBytes: Buffer.byteLength(rendered.text),
    rawBytes: renderRaw(prepared, next()).length,
    compile,
    personalise,
    renderRaw: raw,
    perRecipient,
    nodemailerBuild,
    dkim,
    nodemailerDkim,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await renderBench();
  const row = (what: string, us: number) =>
    console.log(`${what.padEnd(56)} ${us.toFixed(1).padStart(10)} µs`);
  console.log(
    `edition: HTML ${(r.htmlBytes / 1024).toFixed(1)} KB, text ${(r.textBytes / 1024).toFixed(1)} KB, message ${(r.rawBytes / 1024).toFixed(1)} KB`,
  );
  row('MJML compile + text, once per edition', r.compile);
  row('personalise html + text (Buffer splice) / recipient', r.personalise);
  row('renderRaw: the whole MIME message / recipient', r.renderRaw);
  row('per recipient in the worker: sign links + renderRaw', r.perRecipient);
  row('nodemailer MailComposer build / recipient', r.nodemailerBuild);
  row('renderRaw + DKIM RSA-2048 / recipient', r.dkim.rsa);
  row('renderRaw + DKIM Ed25519 / recipient', r.dkim.ed25519);
  row('renderRaw + DKIM RSA-2048 and Ed25519 / recipient', r.dkim.both);
  row('renderRaw + nodemailer DKIM (RSA-2048, stream) / recipient', r.nodemailerDkim);
  console.log(`compile per recipient / personalise: ${(r.compile / r.personalise).toFixed(0)}x`);
  console.log(
    `compile + nodemailer build per recipient / worker's per-recipient: ${((r.compile + r.nodemailerBuild) / r.perRecipient).toFixed(0)}x`,
  );
}
