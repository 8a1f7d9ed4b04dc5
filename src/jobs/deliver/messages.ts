import {
  prepareEditionMessage,
  recipientLinks,
  renderRawAsync,
  messageIdFor,
  type PreparedMessage,
} from '../../domain/mail/compose.js';
import { domainOf, parseMailbox } from '../../domain/mail/headers.js';
import { verpAddress } from '../../domain/mail/verp.js';
import type { DkimKey } from '../../runtime/dkim-keys.js';
import type { OutgoingMail } from '../../runtime/smtp/transport.js';
import type { Config } from '../../runtime/config.js';
import type { EditionStore } from '../../stores/editions.js';
import type { Subscriber } from '../../stores/subscribers/index.js';

/** One edition's mail, ready to be made for any subscriber in a few microseconds. */
export interface EditionMessages {
  readonly editionId: string;
  forSubscriber(sub: Pick<Subscriber, 'id' | 'email' | 'name'>, date?: Date): Promise<OutgoingMail>;
}

/**
 * The MIME message of an edition is composed once per process (from the HTML and text the edition
 * job compiled once) and kept for the next batches; a few editions at most are in flight at once.
 */
export function createMessageSource({
  editions,
  config,
  dkim = [],
}: {
  editions: EditionStore;
  config: Config;
  /** Loaded once at start (runtime/dkim-keys.ts); every copy carries one signature per key. */
  dkim?: readonly DkimKey[];
}) {
  const feedbackSender = config.dkim?.domain ?? domainOf(parseMailbox(config.mailFrom).address);
  const cache = new Map<string, Promise<EditionMessages>>();
  const load = async (editionId: string): Promise<EditionMessages> => {
    const rendered = await editions.getRendered(editionId);
    if (!rendered) throw new Error(`edition ${editionId} has not been rendered`);
    const prepared: PreparedMessage = prepareEditionMessage(rendered, {
      from: config.mailFrom,
      siteName: config.siteName,
      dkim,
      feedbackSender,
    });
    return {
      editionId,
      async forSubscriber(sub, date = new Date()) {
        const raw = await renderRawAsync(
          prepared,
          {
            subscriberId: sub.id,
            email: sub.email,
            name: sub.name,
            ...recipientLinks(config, sub.id),
          },
          date,
        );
        return {
          from: config.bounceDomain
            ? verpAddress(editionId, sub.id, config.bounceDomain, config.secret)
            : prepared.sender,
          to: sub.email,
          raw,
          messageId: messageIdFor(editionId, sub.id, prepared.domain),
          // Composed data-safe (compose.ts): the transport sends it without looking at it again.
          dataSafe: true,
        };
      },
    };
  };
  return (editionId: string): Promise<EditionMessages> => {
    let entry = cache.get(editionId);
    if (!entry) {
      entry = load(editionId);
      entry.catch(() => cache.delete(editionId));
      cache.set(editionId, entry);
      while (cache.size > 8) cache.delete(cache.keys().next().value!);
    }
    return entry;
  };
}
