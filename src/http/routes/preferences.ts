import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../runtime/config.js';
import { InvalidSubscriberError, NotFoundError } from '../../runtime/errors.js';
import { recipientLinks } from '../../domain/mail/links.js';
import { verifyToken, type TokenPurpose } from '../../domain/mail/tokens.js';
import type { Subscriber, SubscriberStore } from '../../stores/subscribers/index.js';
import { html, sendPage, wantsJson, type SafeHtml } from '../html.js';

type TokenRequest = FastifyRequest<{ Querystring: { token?: string }; Body: unknown }>;

const ZONES = Intl.supportedValuesOf('timeZone');

/**
 * GET|POST /unsubscribe?token= (RFC 8058 one-click: the POST alone unsubscribes, whatever its
 * body, with no redirect, cookie or login) and GET|POST /preferences?token= (time zone).
 * A GET never changes anything: mail scanners follow links.
 */
export async function preferenceRoutes(
  app: FastifyInstance,
  deps: { config: Config; subscribers: SubscriberStore },
): Promise<void> {
  const { config, subscribers } = deps;
  // One-click clients post multipart/form-data (RFC 8058's example) or anything else: the token
  // in the URL is the whole request, so any body is accepted here and ignored.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_r, _b, done) =>
    done(null, {}),
  );

  const subscriberFor = async (req: TokenRequest, purpose: TokenPurpose): Promise<Subscriber> => {
    const body = req.body as { token?: unknown } | undefined;
    const token = req.query.token ?? body?.token;
    const claims = verifyToken(token, purpose, config.secret);
    const sub = await subscribers.get(claims.sub);
    if (!sub) throw new NotFoundError('no such subscriber');
    return sub;
  };
  const send = (reply: FastifyReply, status: number, title: string, body: SafeHtml) =>
    sendPage(reply, status, { siteName: config.siteName, title, body });

  app.get('/unsubscribe', async (req: TokenRequest, reply) => {
    const sub = await subscriberFor(req, 'unsubscribe');
    if (sub.status === 'unsubscribed' || sub.status === 'complained') {
      return send(
        reply,
        200,
        'Unsubscribed',
        html`<h1>You are not subscribed</h1>
          <p role="status">${sub.email} gets no more mail from ${config.siteName}.</p>`,
      );
    }
    return send(
      reply,
      200,
      'Unsubscribe',
      html`<h1>Unsubscribe</h1>
        <p>Stop sending ${config.siteName} to <strong>${sub.email}</strong>?</p>
        <form method="post" action="/unsubscribe?token=${req.query.token ?? ''}">
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <button type="submit">Unsubscribe</button>
        </form>`,
    );
  });

  app.post('/unsubscribe', async (req: TokenRequest, reply) => {
    const sub = await subscriberFor(req, 'unsubscribe');
    await subscribers.unsubscribe(sub.id);
    req.log.info({ subscriber: sub.id }, 'unsubscribed');
    if (wantsJson(req)) return reply.send({ status: 'unsubscribed' });
    return send(
      reply,
      200,
      'Unsubscribed',
      html`<h1>You are unsubscribed</h1>
        <p role="status">${sub.email} will get no more mail from ${config.siteName}.</p>
        <p>Changed your mind? <a href="/">Subscribe again</a>.</p>`,
    );
  });

  app.get('/preferences', async (req: TokenRequest, reply) => {
    const sub = await subscriberFor(req, 'preferences');
    return send(reply, 200, 'Preferences', preferencesForm(config, sub, req.query.token));
  });

  app.post('/preferences', async (req: TokenRequest, reply) => {
    const sub = await subscriberFor(req, 'preferences');
    const tz = String((req.body as { tz?: unknown } | undefined)?.tz ?? '');
    try {
      const saved = await subscribers.setTimeZone(sub.id, tz === '' ? null : tz);
      if (wantsJson(req)) return reply.send({ status: 'saved', tz: saved.tz });
      const note = html`<p role="status">
        Saved. The digest now follows ${saved.tz ?? `the default zone (${config.digest.tz})`}.
      </p>`;
      return send(
        reply,
        200,
        'Preferences',
        html`${note}${preferencesForm(config, saved, req.query.token)}`,
      );
    } catch (err) {
      if (!(err instanceof InvalidSubscriberError)) throw err;
      const message = 'That is not a time zone we know. Pick one from the list.';
      if (wantsJson(req)) return reply.code(400).send({ error: 'invalid_time_zone', message });
      return send(
        reply,
        400,
        'Preferences',
        html`<p role="alert">${message}</p>
          ${preferencesForm(config, sub, req.query.token)}`,
      );
    }
  });
}

function preferencesForm(config: Config, sub: Subscriber, token: string | undefined): SafeHtml {
  const options = ZONES.map(
    (z) =>
      html`<option value="${z}" ${z === sub.tz ? html` selected` : ''}>
        ${z.replaceAll('_', ' ')}
      </option>`,
  );
  const unsubscribe = recipientLinks(config, sub.id).unsubscribeUrl;
  return html`<h1>Your preferences</h1>
    <p>Digest for <strong>${sub.email}</strong> (${sub.status}).</p>
    <form method="post" action="/preferences?token=${token ?? ''}">
      <label for="tz">Time zone</label>
      <select id="tz" name="tz" aria-describedby="tz-help">
        <option value="" ${sub.tz ? '' : html` selected`}>
          The digest's default (${config.digest.tz})
        </option>
        ${options}
      </select>
      <p id="tz-help" class="muted">
        A digest sent "at 07:00 local time" arrives at 07:00 in this zone.
      </p>
      <button type="submit">Save</button>
    </form>
    <p><a href="${unsubscribe}">Unsubscribe</a></p>`;
}
