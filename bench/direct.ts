/**
 * The baselines, in a child process of their own so that they are measured like a worker:
 * N copies of the bench edition sent straight through a nodemailer pool, no queue, no records.
 *   html: nodemailer builds the MIME message of every copy (what most senders do).
 *   raw:  our prepared message and splice, through our transport (--engine direct: our pool of
 *         SMTPConnections, the bytes as they are; --engine pool: nodemailer's pool).
 *   socket: the same prepared messages over plain sockets (plain-smtp.ts): the transport's floor.
 * Prints one line: `result {json}`.
 */
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { prepareEditionMessage, recipientLinks, renderRaw } from '../src/domain/mail/compose.js';
import { nodemailerOptionsFor } from './reference.js';
import { createSmtpTransport } from '../src/runtime/smtp/transport.js';
import { benchConfig, renderBenchEdition } from './edition.js';
import { plainSmtpPool } from './plain-smtp.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'html' },
    messages: { type: 'string', default: '1000' },
    url: { type: 'string' },
    pool: { type: 'string', default: '5' },
    inflight: { type: 'string', default: '10' },
    engine: { type: 'string', default: 'direct' },
  },
});
const mode = values.mode === 'raw' || values.mode === 'socket' ? values.mode : 'html';
const engine = values.engine === 'pool' ? 'pool' : 'direct';
const n = Number(values.messages);
const pool = Number(values.pool);
const inflight = Number(values.inflight);
if (!values.url) throw new Error('--url is required');

const config = benchConfig({ SMTP_URL: values.url, SMTP_POOL_SIZE: String(pool) });
const rendered = await renderBenchEdition(config);
const opts = { from: config.mailFrom, siteName: config.siteName };
const prepared = prepareEditionMessage(rendered, opts);

const recipient = (i: number) => {
  const id = `bench-${i}`;
  return {
    subscriberId: id,
    email: `reader${i}@example.org`,
    name: i % 2 ? `Reader ${i}` : null,
    ...recipientLinks(config, id),
  };
};

let send: (i: number) => Promise<unknown>;
let close: () => void;
if (mode === 'html') {
  // The same pool settings as our transport (src/runtime/smtp/transport.ts), only the message differs.
  const transporter = nodemailer.createTransport({
    url: values.url,
    pool: true,
    maxConnections: pool,
    maxMessages: 1000,
    maxRequeues: 0,
  } as SMTPPool.Options);
  send = (i) => transporter.sendMail(nodemailerOptionsFor(rendered, recipient(i), opts));
  close = () => transporter.close();
} else if (mode === 'socket') {
  const plain = await plainSmtpPool(Number(new URL(values.url).port), pool);
  send = (i) => {
    const r = recipient(i);
    return plain.send(prepared.sender, r.email, renderRaw(prepared, r));
  };
  close = () => plain.close();
} else {
  const transport = createSmtpTransport({ url: values.url, poolSize: pool, engine });
  send = (i) => {
    const r = recipient(i);
    return transport.send({
      from: prepared.sender,
      to: r.email,
      raw: renderRaw(prepared, r),
      messageId: '',
      dataSafe: true,
    });
  };
  close = () => void transport.close();
}

const cpu0 = process.cpuUsage();
const start = performance.now();
let next = 0;
let failed = 0;
const lane = async () => {
  while (next < n) {
    const i = next++;
    await send(i).catch(() => failed++);
  }
};
await Promise.all(Array.from({ length: Math.min(inflight, n) }, lane));
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
close();

console.log(
  `result ${JSON.stringify({
    mode,
    engine,
    messages: n,
    failed,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRss: process.resourceUsage().maxRSS * 1024,
    rawBytes: renderRaw(prepared, recipient(0)).length,
  })}`,
);
process.exit(0);
