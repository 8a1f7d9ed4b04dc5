import type { Config } from '../../runtime/config.js';
import { ConfigError, errorMessage } from '../../runtime/errors.js';
import { createContext } from '../../operations/context.js';
import { handleInbound } from '../../operations/inbound.js';
import { startMailboxPoller, type MailboxPoller } from '../../operations/mailbox-poll.js';
import { openMailbox } from '../../runtime/imap/mailbox.js';
import { startInboundServer } from '../../runtime/smtp/inbound.js';

/** `gazette inbound [--port N] [--list]`: the bounce and complaint listener, or what it kept. */
export async function inboundCommand(
  config: Config,
  opts: { port?: number; list?: boolean },
): Promise<void> {
  const ctx = await createContext(config);
  const { inbound } = ctx;
  if (opts.list) {
    try {
      for (const r of await inbound.list()) {
        console.log(`${r.at}  ${r.reason}  from <${r.from}> to ${r.to.join(', ')}`);
      }
    } finally {
      await ctx.close();
    }
    return;
  }
  if (!config.bounceDomain) {
    await ctx.close();
    throw new ConfigError(['BOUNCE_DOMAIN: required by gazette inbound (the domain it accepts)']);
  }
  const server = await startInboundServer({
    host: config.host,
    port: opts.port ?? config.inboundPort,
    domain: config.bounceDomain,
    onMessage: async (msg) => {
      const outcomes = await handleInbound(ctx, msg.raw, msg);
      ctx.log.debug({ outcomes }, 'inbound message');
    },
    onError: (err) => ctx.log.warn({ err: errorMessage(err) }, 'inbound'),
  });
  ctx.log.info({ port: server.port, domain: config.bounceDomain }, 'inbound listening');
  let poller: MailboxPoller | undefined;
  const imap = config.bounceImap;
  if (imap) {
    poller = startMailboxPoller(
      ctx,
      () => openMailbox(imap, { onError: (err) => ctx.log.warn({ err: err.message }, 'imap') }),
      { intervalMs: imap.intervalMs },
    );
    ctx.log.info(
      { host: imap.host, mailbox: imap.mailbox, intervalS: imap.intervalMs / 1000 },
      'inbound polling a mailbox',
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await poller?.stop();
  await server.close();
  await ctx.close();
}
